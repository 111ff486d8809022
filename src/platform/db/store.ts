import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import { Worker } from 'node:worker_threads';
import { profiledStatement, statementProfileEnabled } from './statement-profile.ts';
import type { Database } from '../../database.ts';

export type StoreKind = 'sqlite' | 'postgres';
/** Anything queries can run on: the database itself or an open transaction. */
export type Executor = Kysely<Database>;
/** A function that needs a transaction says so by taking this type. */
export type Tx = Transaction<Database>;

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** The SQLite database's file (none in memory or on PostgreSQL): files derived from it go beside it. */
  readonly sqlitePath?: string;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  kind: StoreKind;
  sqlitePath?: string;
  postgresUrl?: string;
  postgresPoolSize?: number;
  /**
   * Embedded store only: checkpoint the write-ahead log on a background thread instead of inside
   * whichever commit crosses the log-size threshold. For a long-running hub (the CLI, the demo and
   * the benchmarks ask for it); starting the thread costs tens of milliseconds, too much for the
   * hundreds of short-lived stores the tests open.
   */
  backgroundCheckpoint?: boolean;
  /** Told when the server drops an idle pooled connection; the pool recovers on its own. */
  onIdleConnectionError?: (error: Error) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * PostgreSQL returns 64-bit integers as strings. Every bigint we store (epoch milliseconds,
 * sequences, quantities) fits in a double's 53-bit integer range, so they are read as numbers.
 */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/** Distinct statements kept prepared; the hub issues a few hundred shapes, a bulk import a few more. */
const STATEMENT_CACHE_SIZE = 2_000;

/**
 * Kysely prepares every query afresh; on the hot paths that costs as much as running it. Statements
 * are cached by their SQL text (parameters are bound per call, so the text names the shape). A
 * statement still busy in an iterator (a streamed query) is not shared: a fresh one is prepared.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  const profile = statementProfileEnabled();
  const prepared = (text: string) => (profile ? profiledStatement(text, database.prepare(text)) : database.prepare(text));
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      // Kysely begins a transaction with `begin`, which waits to take the file's write lock until the
      // first write. Another connection (the process log's thread, a CLI command) may commit before
      // then, and the write fails at once (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn; taken at
      // the start, the lock is waited for like any other.
      const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = prepared(text);
      if (!cached) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

export function openStore(options: StoreOptions): Store {
  if (options.kind === 'sqlite') {
    const path = options.sqlitePath ?? ':memory:';
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = new SQLite(path);
    // WAL with synchronous=NORMAL survives a process crash without losing committed transactions;
    // only a power loss can drop the last few. Benchmarks name this durability mode.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    const checkpointer = path !== ':memory:' && options.backgroundCheckpoint === true ? startCheckpointer(database, path) : null;
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    return {
      kind: 'sqlite',
      db,
      ...(path !== ':memory:' ? { sqlitePath: path } : {}),
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  if (!options.postgresUrl) throw new Error('openStore: postgresUrl is required for the postgres store');
  const pool = new pg.Pool({
    connectionString: options.postgresUrl,
    max: options.postgresPoolSize ?? 10,
    types: pgTypes,
  });
  // An idle connection the server drops (a restart, a failover, an administrator) is reported on the
  // pool; unhandled, that event would end the process. The pool replaces the connection by itself.
  pool.on('error', (error) => options.onIdleConnectionError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * How often the background thread checkpoints, and the log size at which a commit does it itself.
 * Often, because a checkpoint's cost grows with the log it copies and while it runs the writer's
 * commits slow down: measured with the touchless-orders benchmark in session 13, a 200 ms interval
 * left half-load p99 at 26–31 ms and 20 ms brought it to 9–13 ms. An idle store's ticks cost
 * almost nothing (see the worker).
 */
const CHECKPOINT_INTERVAL_MS = 20;
const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * Moves write-ahead-log checkpoints to a worker thread. The main connection keeps an automatic
 * checkpoint at a much larger log size, so the log stays bounded even if the worker falls behind or
 * stops. Durability is unchanged: a commit is durable once it is in the log, as before.
 */
function startCheckpointer(database: SQLite.Database, path: string): { stop(): Promise<void> } {
  database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const worker = new Worker(new URL('./checkpointer.worker.mjs', import.meta.url), { workerData: { path, intervalMs: CHECKPOINT_INTERVAL_MS }, execArgv: [] });
  // The worker must not keep a process alive that has nothing else to do.
  worker.unref();
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (message: { kind: string }) => {
          if (message.kind === 'stopped') void worker.terminate().then(done, done);
        });
        worker.postMessage({ kind: 'stop' });
      });
      return stopped;
    },
  };
}

/** PostgreSQL error classes that say the database could not do the work now, not that the work is wrong. */
const POSTGRES_TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Recognises a failure of the store itself — an I/O error, a full disk, a lost connection, a
 * serialization failure — as opposed to a refusal of the statement (a constraint, a type). Work that
 * met one can succeed when tried again, so a connector keeps its input rather than reporting it bad.
 */
export function isStoreFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_')) return !code.startsWith('SQLITE_CONSTRAINT') && code !== 'SQLITE_MISMATCH' && code !== 'SQLITE_ERROR';
  if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_TRANSIENT_CLASSES.has(code.slice(0, 2));
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code);
}

/** Recognises a unique-constraint violation on either store, so callers can answer `exists`. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
