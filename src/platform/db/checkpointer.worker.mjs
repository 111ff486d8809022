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

// `data_version` changes when another connection commits, so a tick on an idle store costs one
// read of the shared log index and no checkpoint. A checkpoint that could not copy the whole log
// (a reader still needed part of it) is tried again on the next tick whatever the version says.
let seenVersion = -1;
let backlog = false;
let stopping = false;
function checkpoint() {
  try {
    const version = database.pragma('data_version', { simple: true });
    if (version === seenVersion && !backlog) return;
    seenVersion = version;
    const [result] = database.pragma('wal_checkpoint(PASSIVE)');
    backlog = result.checkpointed < result.log;
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
