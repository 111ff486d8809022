import { parentPort, workerData } from 'node:worker_threads';
import { parseConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { openStore, type StoreOptions } from '../../src/platform/db/store.ts';
import { createMetrics } from '../../src/platform/http/metrics.ts';
import { uuidV7Generator } from '../../src/platform/ids.ts';
import { seededRandom } from '../../src/platform/random.ts';
import { createTimerService } from '../../src/platform/timers/index.ts';
import { recordEffect } from './effects.ts';

/**
 * A second node for the concurrent-firing test: its own store connection and timer service, in its
 * own thread (two SQLite connections in one thread would block each other's event loop). It waits
 * for "go", fires due timers once, and reports how many its handler ran.
 */
const { storeOptions, nowMs, kind, handlerDelayMs } = workerData as { storeOptions: StoreOptions; nowMs: number; kind: string; handlerDelayMs: number };
const port = parentPort!;
const store = openStore(storeOptions);
const clock = new ManualClock(nowMs);
const random = seededRandom(99);
const timers = createTimerService({
  db: store.db,
  clock,
  ids: uuidV7Generator(clock, random),
  random,
  config: parseConfig({}).timers,
  metrics: createMetrics(),
});
let handled = 0;
timers.registerHandler(kind, async (tx, timer) => {
  handled++;
  await new Promise((resolve) => setTimeout(resolve, handlerDelayMs));
  await recordEffect(tx, timer.key, 'worker');
});
port.once('message', () => {
  timers
    .fireDue(1_000)
    .then(async (report) => {
      await store.close();
      port.postMessage({ report, handled });
    })
    .catch((error: unknown) => port.postMessage({ error: String(error) }));
});
port.postMessage('ready');
