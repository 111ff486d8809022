import { parentPort, workerData } from 'node:worker_threads';
import { checkSeed } from './seeded-check.ts';

/**
 * Runs a batch of seeds on its own thread and posts each result. Every app the hub builds keeps
 * about 10 MB reachable after it is closed (process-wide metric collectors, among others), so a
 * thousand seeds in one heap run out of memory; a worker per batch hands its whole heap back when it
 * ends.
 */
const { from, count } = workerData as { from: number; count: number };
for (let seed = from; seed < from + count; seed++) parentPort?.postMessage({ kind: 'result', result: await checkSeed(seed) });
parentPort?.postMessage({ kind: 'done' });
