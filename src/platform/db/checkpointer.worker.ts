import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/**
 * Copies the embedded store's write-ahead log into the database file on its own thread and its own
 * connection. A checkpoint ends in an fsync, which on these machines costs more than the whole
 * transaction that triggered it; done here, commits on the main thread only append to the log.
 * PASSIVE checkpoints never wait for the writer, so they cannot slow it down beyond disk bandwidth.
 */
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const database = new SQLite(path);
database.pragma('busy_timeout = 5000');
// This connection never writes: the checkpoint is its only work, so it needs no automatic one.
database.pragma('wal_autocheckpoint = 0');

let stopping = false;
function checkpoint(): void {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // A busy or locked database is retried on the next tick; anything else is told to the owner.
    const code = (error as { code?: string }).code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') parentPort?.postMessage({ kind: 'error', message: (error as Error).message });
  }
}

const timer = setInterval(() => {
  if (!stopping) checkpoint();
}, intervalMs);

parentPort?.on('message', (message: { kind: string }) => {
  if (message.kind !== 'stop') return;
  stopping = true;
  clearInterval(timer);
  checkpoint();
  database.close();
  parentPort?.postMessage({ kind: 'stopped' });
});
