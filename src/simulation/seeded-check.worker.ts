import { parentPort, workerData } from 'node:worker_threads';
import { checkSeed } from './seeded-check.ts';

/**
 * Runs a batch of seeds on its own thread and posts each result. A thread of its own keeps the test
 * runner's heap apart from the seeds' apps and hands the batch's whole heap back when it ends.
 */
const { from, count } = workerData as { from: number; count: number };
for (let seed = from; seed < from + count; seed++) parentPort?.postMessage({ kind: 'result', result: await checkSeed(seed) });
parentPort?.postMessage({ kind: 'done' });
