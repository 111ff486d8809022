import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.ts';
import { createCatalogService } from '../domains/catalog/index.ts';
import { createProcessService } from '../domains/process/index.ts';
import type { Clock } from '../platform/clock.ts';
import { openStore } from '../platform/db/store.ts';
import { createMetrics } from '../platform/http/metrics.ts';
import { uuidV7Generator } from '../platform/ids.ts';
import { createOutboxService } from '../platform/outbox/index.ts';
import { cryptoRandom } from '../platform/random.ts';
import type { ThreadReply, ThreadRequest } from './thread.ts';

/**
 * The process log's thread (thread.ts): it takes the outbox feed into the log when the hub asks,
 * on connections of its own. It reads the feed and the customers from the hub's file, which it never
 * writes, and writes the log's file, which the hub's thread only reads (a recompute aside), so
 * neither thread's writes wait for the other's.
 */
const { hubPath, logPath, outbox: outboxConfig } = workerData as { hubPath: string; logPath: string; outbox: Config['outbox'] };

// The hub's injected clock, as of its last request: the log stamps its cursor with the hub's time.
let nowMs = 0;
const clock: Clock = { now: () => nowMs };
const hub = openStore({ kind: 'sqlite', sqlitePath: hubPath });
const log = openStore({ kind: 'sqlite', sqlitePath: logPath });
const catalog = createCatalogService({ db: hub.db, clock });
// Only its feed is read: no subscriber is registered and its loops never start.
const outbox = createOutboxService({ db: hub.db, kind: 'sqlite', clock, ids: uuidV7Generator(clock, cryptoRandom), random: cryptoRandom, config: outboxConfig, metrics: createMetrics() });
const processLog = createProcessService({ db: log.db, kind: 'sqlite', clock, outbox, catalog, inMemory: false });

const reply = (message: ThreadReply) => parentPort!.postMessage(message);

/** The follow in progress, which a stop waits for before it closes the connections. */
let following: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (request: ThreadRequest) => {
  if (request.kind === 'stop') {
    // With its port closed and its files closed, the thread has nothing left and exits.
    void following.then(() => Promise.all([hub.close(), log.close()])).finally(() => parentPort!.close());
    return;
  }
  nowMs = request.nowMs;
  following = processLog.follower.follow(async () => undefined).then(
    (taken) => reply({ kind: 'followed', id: request.id, taken }),
    (error: unknown) => reply({ kind: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
