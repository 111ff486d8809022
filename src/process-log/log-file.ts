import { sql } from 'kysely';
import { openStore, type Store } from '../platform/db/store.ts';

/**
 * The process log of an embedded hub lives in a database file of its own, beside the hub's, so that
 * its writer (a thread of its own: thread.ts) never waits for the order path's writes or makes them
 * wait. SQLite lets one connection write a file at a time: measured in session 23, the log on a
 * second thread writing the hub's own file made touchless orders slower (133 orders/s, half-load p99
 * 124 ms, against 166–175 orders/s and 20 ms), where no log on the order path at all gave 217–228
 * orders/s.
 *
 * The hub's file keeps the log's tables (migration 0019 makes them) but no rows: a hub whose log was
 * there until now has it copied here once, then emptied there.
 */

/** The log's tables, in the order they are copied (the cursor last: a copy with a cursor is whole). */
const LOG_TABLES = ['process_events', 'process_event_objects', 'process_objects', 'process_object_changes', 'process_object_links', 'process_facts', 'process_cursor'] as const;

/** `data/crossdock.db` → `data/crossdock.process.db`: beside the hub's file, named after it. */
export function processLogPathOf(sqlitePath: string): string {
  const stem = sqlitePath.replace(/\.(db|sqlite3?)$/i, '');
  return `${stem}.process.db`;
}

/**
 * Opens the log's file for an embedded hub's file, making it the first time from the hub's: the
 * log's tables as the hub's migrations made them, and their rows (the cursor at least). Then empties
 * the hub's own copies, which nothing reads or writes any more. Both steps are safe to repeat: a copy
 * that failed part way was rolled back and is made again at the next start.
 */
export async function openProcessLogFile(hub: Store, options: { onCopied?: (copy: { events: number; elapsedMs: number }) => void } = {}): Promise<Store> {
  if (hub.kind !== 'sqlite' || hub.sqlitePath === undefined) throw new Error('invariant violated: only an embedded hub in a file keeps its process log in a file of its own');
  const log = openStore({ kind: 'sqlite', sqlitePath: processLogPathOf(hub.sqlitePath) });
  try {
    const made = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'process_cursor'`.execute(log.db);
    if (Number(made.rows[0]?.n ?? 0) === 0) {
      const started = performance.now();
      await copyFromHub(log, hub.sqlitePath);
      const events = Number((await log.db.selectFrom('process_events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
      options.onCopied?.({ events, elapsedMs: Math.round(performance.now() - started) });
    }
    // The hub's migrations shape the log's tables in the hub's file only: one that changed them
    // there must have done the same here, or the log would be written in a shape the code no longer has.
    const [expected, actual] = [await logSchemaOf(hub), await logSchemaOf(log)];
    if (expected !== actual) throw new Error(`the process log's tables in ${processLogPathOf(hub.sqlitePath)} differ from those the hub's migrations made in ${hub.sqlitePath}: a migration changed them in the hub's file only`);
    // Nothing writes the hub's copies once the log has a file; emptied, they cannot mislead a reader.
    await hub.db.transaction().execute(async (tx) => {
      for (const table of LOG_TABLES) await tx.deleteFrom(table).execute();
    });
  } catch (error) {
    await log.close();
    throw error;
  }
  return log;
}

/** The log's tables and indexes as the file's schema states them, in one text to compare. */
async function logSchemaOf(store: Store): Promise<string> {
  const rows = await sql<{ name: string; sql: string }>`
    select name, sql from sqlite_master where tbl_name in (${sql.join(LOG_TABLES)}) and sql is not null order by name`.execute(store.db);
  return rows.rows.map((r) => `${r.name}: ${r.sql}`).join('\n');
}

/** Makes the log's tables and indexes as the hub's file has them, and copies their rows, in one transaction. */
async function copyFromHub(log: Store, hubPath: string): Promise<void> {
  await sql`attach database ${hubPath} as hub`.execute(log.db);
  try {
    const schema = await sql<{ type: string; name: string; sql: string }>`
      select type, name, sql from hub.sqlite_master
      where tbl_name in (${sql.join(LOG_TABLES)}) and sql is not null and type in ('table', 'index')`.execute(log.db);
    const tables = schema.rows.filter((r) => r.type === 'table');
    const indexes = schema.rows.filter((r) => r.type === 'index');
    if (tables.length !== LOG_TABLES.length) throw new Error(`the hub's file lacks process log tables (found ${tables.map((t) => t.name).join(', ') || 'none'}): migrate it first`);
    await log.db.transaction().execute(async (tx) => {
      for (const table of tables) await sql.raw(table.sql).execute(tx);
      // Rows first, indexes after: each index is then built in one sorted pass.
      for (const table of LOG_TABLES) await sql.raw(`insert into main."${table}" select * from hub."${table}"`).execute(tx);
      for (const index of indexes) await sql.raw(index.sql).execute(tx);
    });
  } finally {
    await sql`detach database hub`.execute(log.db);
  }
}
