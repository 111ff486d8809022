import { api, ApiError } from './api.ts';

/**
 * The dashboard's one long poll of the hub's change feed (`GET /v1/changes`): while a person is
 * signed in, screens hear within about a second that orders, exceptions or stock changed, on any
 * node, and reload what they show; they also poll, more slowly while the feed is heard (for what
 * changes with time alone, such as ages and SLA countdowns), and at their own pace when it is not.
 */
export type ChangeListener = (topics: ReadonlySet<string>) => void;

const WAIT_MS = 25_000;
const RETRY_MS = 5_000;

const listeners = new Set<ChangeListener>();
let connected = false;
let stopCurrent: (() => void) | null = null;

/** Whether changes are being heard now: screens then poll less often. */
export function isLive(): boolean {
  return connected;
}

export function onChanges(listener: ChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

interface ChangesAnswer {
  position: number;
  topics: string[];
  more: boolean;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts listening (once per sign-in); the returned function stops it. */
export function startLive(): () => void {
  stopCurrent?.();
  let stopped = false;
  const stop = () => {
    stopped = true;
    connected = false;
  };
  stopCurrent = stop;
  void (async () => {
    let position: number | undefined;
    while (!stopped) {
      try {
        const answer: ChangesAnswer = await api.get('/v1/changes', position === undefined ? {} : { after: position, waitMs: WAIT_MS });
        if (stopped) break;
        connected = true;
        position = answer.position;
        if (answer.topics.length > 0) {
          const topics = new Set(answer.topics);
          for (const listener of listeners) listener(topics);
        }
      } catch (error) {
        connected = false;
        // Signed out, or a key the feed refuses: the screens poll at their own pace.
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) break;
        await pause(RETRY_MS);
      }
    }
  })();
  return stop;
}
