// Copies the embedded store's write-ahead log into the database file on its own thread and its own
// connection. A checkpoint ends in an fsync, which on these machines costs more than the whole
// transaction that triggered it; done here, commits on the main thread only append to the log.
// PASSIVE checkpoints never wait for the writer, so they cannot slow it down beyond disk bandwidth.
//
// Plain JavaScript on purpose: Node starts it without the TypeScript loader, in milliseconds rather
// than the quarter second a worker that registers tsx takes, and every opened store starts one.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { path, intervalMs } = workerData;
const database = new SQLite(path);
database.pragma('busy_timeout = 5000');
// This connection never writes: the checkpoint is its only work, so it needs no automatic one.
database.pragma('wal_autocheckpoint = 0');

let stopping = false;
function checkpoint() {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // A busy or locked database is retried on the next tick; anything else is told to the owner.
    const code = error && error.code;
    if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') parentPort?.postMessage({ kind: 'error', message: String(error && error.message) });
  }
}

const timer = setInterval(() => {
  if (!stopping) checkpoint();
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message.kind !== 'stop') return;
  stopping = true;
  clearInterval(timer);
  checkpoint();
  database.close();
  parentPort?.postMessage({ kind: 'stopped' });
});
