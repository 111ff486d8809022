import { Worker } from 'node:worker_threads';

/**
 * Starts a TypeScript module in a worker thread. On Node 20 a worker does not inherit the parent's
 * tsx hooks, so the worker registers tsx itself before importing the module. The tsx entry point is
 * resolved here, in the parent, so the worker finds it whatever the process's working directory.
 */
export function startTsWorker(moduleUrl: URL, workerData: unknown): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
