import { setTimeout as sleep } from 'node:timers/promises';
import type { Executor } from '../db/store.ts';

/**
 * What changed since a position in the outbox feed, as topics (the second part of an event type:
 * `crossdock.order.released` is a change to `order`), without the events themselves. The dashboard
 * asks with a wait (a long poll), so a screen showing orders or exceptions reloads as soon as one
 * changes, on any node, instead of only at its polling interval; any role may ask, since a topic
 * says nothing about which order or exception changed, or how.
 *
 * The wait looks at the feed every `CHANGE_CHECK_MS` rather than being woken by this node's appends,
 * so that changes committed by another node are seen as soon as this node's. The interval only
 * paces the looking, like the background loops' (poller.ts); no business time is read here.
 */
export const CHANGE_CHECK_MS = 500;
export const CHANGE_WAIT_MS_MAX = 25_000;
/** Events read per answer: enough to name the topics of a busy second; `more` says there were more. */
const CHANGES_PAGE = 500;

export interface Changes {
  /** The feed position to ask from next time. */
  position: number;
  topics: string[];
  /** The answer stopped at `CHANGES_PAGE` events: ask again at once. */
  more: boolean;
}

export interface ChangeWatch {
  /**
   * Without `after`, the current position and no topics (where a client starts). With it, the topics
   * of the events after it, waiting up to `waitMs` for one; an `after` beyond the feed's end (a store
   * restored from a backup) answers the end, with every topic changed (`*`).
   */
  changesAfter(after: number | undefined, waitMs: number, signal?: AbortSignal): Promise<Changes>;
  /** Ends every wait under way (shutdown), so that no request holds the server open. */
  stop(): void;
}

export const topicOf = (type: string): string => {
  const parts = type.split('.');
  return parts.length >= 3 && parts[0] === 'crossdock' ? parts[1]! : type;
};

export function createChangeWatch(deps: { db: Executor }): ChangeWatch {
  const stopping = new AbortController();
  const lastPosition = async () => Number((await deps.db.selectFrom('outbox_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst())?.seq ?? 0);
  const typesAfter = (after: number) => deps.db.selectFrom('outbox_events').select(['seq', 'type']).where('seq', '>', after).orderBy('seq').limit(CHANGES_PAGE).execute();

  return {
    async changesAfter(after, waitMs, signal) {
      if (after === undefined) return { position: await lastPosition(), topics: [], more: false };
      const end = await lastPosition();
      if (after > end) return { position: end, topics: ['*'], more: false };
      const waits = signal ? AbortSignal.any([signal, stopping.signal]) : stopping.signal;
      const deadline = performance.now() + Math.min(waitMs, CHANGE_WAIT_MS_MAX);
      for (;;) {
        const rows = await typesAfter(after);
        if (rows.length > 0) {
          return { position: Number(rows[rows.length - 1]!.seq), topics: [...new Set(rows.map((r) => topicOf(r.type)))].sort(), more: rows.length === CHANGES_PAGE };
        }
        const left = deadline - performance.now();
        if (left <= 0 || waits.aborted) return { position: after, topics: [], more: false };
        await sleep(Math.min(CHANGE_CHECK_MS, left), undefined, { signal: waits, ref: false }).catch(() => undefined);
      }
    },
    stop() {
      stopping.abort();
    },
  };
}
