import { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { Clock } from '../platform/clock.ts';
import type { FeedFollower } from '../platform/outbox/index.ts';

export type ThreadRequest = { kind: 'follow'; id: number; nowMs: number } | { kind: 'stop' };
export type ThreadReply = { kind: 'followed'; id: number; taken: number } | { kind: 'failed'; id: number; message: string };

export interface ProcessLogThread {
  /** The log's feed follower, registered with the outbox in the process service's place. */
  follower: FeedFollower;
  /** Starts the thread now rather than at the first follow (about half a second: a running hub's start). */
  start(): void;
  /** Stops the thread once a follow in progress has ended, and waits until it has exited; a later follow starts it again. */
  stop(): Promise<void>;
}

/**
 * The process log's feed follower for an embedded hub in a file: the same follower (`process.log`,
 * with its cursor, retries and health in the outbox's followers), but each follow is done by a
 * thread of its own (worker.ts) on connections of its own, writing the log's own file
 * (log-file.ts). The hub's event loop only waits for the answer: the log's work no longer delays
 * an order's intake or allocation, and runs on the other core.
 *
 * The thread starts at the first follow. One that fails or exits fails its follow (the follower
 * waits and tries again, as after any failure) and is started anew by the next.
 */
export function startProcessLogThread(options: { hubPath: string; logPath: string; outbox: Config['outbox']; clock: Clock; position: () => Promise<number> }): ProcessLogThread {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (taken: number) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const started = (): Worker => {
    if (worker) return worker;
    // No options of the process's own: they may load what only its loader can read (the tests'
    // `--import` of a TypeScript file); worker.mjs registers the TypeScript loader itself.
    const thread = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { hubPath: options.hubPath, logPath: options.logPath, outbox: options.outbox }, execArgv: [] });
    thread.on('message', (reply: ThreadReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (pending.size === 0) thread.unref();
      if (reply.kind === 'followed') waiting.resolve(reply.taken);
      else waiting.reject(new Error(reply.message));
    });
    const gone = (error: Error) => {
      if (worker === thread) worker = null;
      failAll(error);
    };
    thread.on('error', gone);
    thread.on('exit', (code) => gone(new Error(`the process log's thread exited with code ${code}`)));
    // Idle, the thread must not keep a process alive that has nothing else to do.
    thread.unref();
    worker = thread;
    return thread;
  };

  return {
    follower: {
      name: 'process.log',
      follow: () =>
        new Promise<number>((resolve, reject) => {
          const thread = started();
          const id = nextId++;
          pending.set(id, { resolve, reject });
          thread.ref();
          thread.postMessage({ kind: 'follow', id, nowMs: options.clock.now() } satisfies ThreadRequest);
        }),
      position: options.position,
    },
    start: () => void started(),
    async stop() {
      const stopping = worker;
      worker = null;
      if (!stopping) return;
      await new Promise<void>((resolve) => {
        // Held while it stops: an unreferenced thread would let the process end before it closed its files.
        stopping.ref();
        stopping.once('exit', () => resolve());
        stopping.postMessage({ kind: 'stop' } satisfies ThreadRequest);
      });
    },
  };
}
