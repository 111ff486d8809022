import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { Database } from '../database.ts';
import { migrateToLatest } from '../platform/db/migrator.ts';
import type { Store } from '../platform/db/store.ts';

/**
 * Database faults for the seeded check, and the cheap store each seed runs on.
 *
 * `DbFaultInjector` is a Kysely plugin: every statement the hub runs passes through it, so it can fail
 * the Nth write statement of a step (the caller gets an error, as from a full disk or a lost
 * connection) or "crash" the process after the Nth write: that statement and every one after it fail
 * until the harness rebuilds the app on the same database. Transactions roll back as they would after
 * a real crash (Kysely's rollback goes to the driver, not through plugins), and writes committed
 * before the crash stay.
 */
export class InjectedDbError extends Error {
  /** What SQLite says when the disk fails under a write, so the hub treats it as it would a real one. */
  readonly code = 'SQLITE_IOERR';
  constructor(what: string) {
    super(`injected database fault: ${what}`);
  }
}

const WRITE_KINDS = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

function isWrite(node: RootOperationNode): boolean {
  if (WRITE_KINDS.has(node.kind)) return true;
  if (node.kind === 'RawNode') return /^\s*(insert|update|delete)\b/i.test(node.sqlFragments.join(' '));
  return false;
}

export class DbFaultInjector implements KyselyPlugin {
  private writes = 0;
  private failAt: { nth: number; kind: 'error' | 'crash' } | null = null;
  /** Set once a crash fired; every statement fails until `restarted()`. */
  crashed = false;
  /** Faults that actually fired, for the report. */
  readonly fired: string[] = [];

  /** Starts counting writes afresh (each step) and arms the fault for this step, if any. */
  arm(fault: { nthWrite: number; kind: 'error' | 'crash' } | null): void {
    this.writes = 0;
    this.failAt = fault ? { nth: fault.nthWrite, kind: fault.kind } : null;
  }

  restarted(): void {
    this.crashed = false;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.crashed) throw new InjectedDbError('the process has crashed');
    if (this.failAt && isWrite(args.node)) {
      this.writes++;
      if (this.writes === this.failAt.nth) {
        const kind = this.failAt.kind;
        this.failAt = null;
        this.fired.push(`${kind} at write #${this.writes}`);
        if (kind === 'crash') this.crashed = true;
        throw new InjectedDbError(kind === 'crash' ? `crash at write #${this.writes}` : `write #${this.writes} failed`);
      }
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Prepared statements kept per SQL text, as the real store does; without it every query is prepared afresh. */
function cachedStatements(database: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(text);
      if (!cached) cache.set(text, statement);
      return statement;
    },
  };
}

function storeOver(database: SQLite.Database, plugins: KyselyPlugin[]): Store {
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(database) }), plugins });
  return {
    kind: 'sqlite',
    db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

let template: Buffer | null = null;

/**
 * A migrated, empty database image, made once per process. Each seed opens its own in-memory copy
 * (`new Database(buffer)`): far cheaper than migrating, and no files to clean up. A test that alters
 * the schema (a planted bug) passes `alter`, which runs on the copy before the hub sees it.
 */
export async function migratedTemplate(): Promise<Buffer> {
  if (template) return template;
  const database = new SQLite(':memory:');
  const store = storeOver(database, []);
  await migrateToLatest(store);
  template = database.serialize();
  await store.close();
  return template;
}

export async function openSeedStore(injector: DbFaultInjector, alter?: (database: SQLite.Database) => void): Promise<Store> {
  const database = new SQLite(await migratedTemplate());
  alter?.(database);
  return storeOver(database, [injector]);
}
