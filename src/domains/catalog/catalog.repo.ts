import { chunks } from '../../platform/db/chunks.ts';
import { sql, type Kysely } from 'kysely';
import type { Executor, Tx } from '../../platform/db/store.ts';
import type { CatalogRowBase, CatalogTableName } from './catalog.tables.ts';

/**
 * SQL for the master-data tables. All of them share the columns of CatalogRowBase and differ only in
 * their filter columns, so these functions take the table name and see rows as the common columns
 * plus filter columns by name. The typed rows of catalog.tables.ts remain the schema other code uses.
 */
export type CatalogRow = CatalogRowBase & { [filterColumn: string]: string | number | null };

type AnyCatalogDb = Kysely<Record<CatalogTableName, CatalogRow>>;
const onAnyTable = (db: Executor): AnyCatalogDb => db as unknown as AnyCatalogDb;


const commonColumns = new Set(['key', 'data', 'version', 'created_at', 'updated_at']);

export const findRow = (db: Executor, table: CatalogTableName, key: string): Promise<CatalogRow | undefined> =>
  onAnyTable(db).selectFrom(table).selectAll().where('key', '=', key).$castTo<CatalogRow>().executeTakeFirst();

/** The rows with the given keys, one query per chunk of keys. */
export async function findRows(db: Executor, table: CatalogTableName, keys: readonly string[]): Promise<CatalogRow[]> {
  const rows: CatalogRow[] = [];
  for (const chunk of chunks([...new Set(keys)])) {
    rows.push(...(await onAnyTable(db).selectFrom(table).selectAll().where('key', 'in', chunk).$castTo<CatalogRow>().execute()));
  }
  return rows;
}

/** Which of the given keys are stored, one query per chunk of keys. */
export async function storedKeys(db: Executor, table: CatalogTableName, keys: Iterable<string>): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks([...new Set(keys)])) {
    const rows = await onAnyTable(db).selectFrom(table).select('key').where('key', 'in', chunk).$castTo<{ key: string }>().execute();
    for (const row of rows) found.add(row.key);
  }
  return found;
}

export async function insertRow(db: Executor, table: CatalogTableName, row: CatalogRow): Promise<void> {
  await onAnyTable(db).insertInto(table).values(row).execute();
}

/**
 * Replaces a row's document if it is still at `expectedVersion`, moving it to the next version.
 * Returns false when the row is absent or another writer got there first.
 */
export async function updateRow(db: Executor, table: CatalogTableName, row: CatalogRow, expectedVersion: number): Promise<boolean> {
  const { key, created_at: _createdAt, ...changes } = row;
  const result = await onAnyTable(db)
    .updateTable(table)
    .set({ ...changes, version: expectedVersion + 1 })
    .where('key', '=', key)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Inserts new rows and replaces existing ones in one statement: a row that exists keeps its
 * created_at and moves to its next version. Last write wins, as bulk imports are meant to.
 */
export async function upsertRows(tx: Tx, table: CatalogTableName, rows: readonly CatalogRow[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const filterColumns = Object.keys(first).filter((column) => !commonColumns.has(column));
  await onAnyTable(tx)
    .insertInto(table)
    .values([...rows])
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => ({
        data: eb.ref('excluded.data'),
        version: sql<number>`${sql.ref(`${table}.version`)} + 1`,
        updated_at: eb.ref('excluded.updated_at'),
        ...Object.fromEntries(filterColumns.map((column) => [column, eb.ref(`excluded.${column}`)])),
      })),
    )
    .execute();
}

export interface ListRowsQuery {
  /** Filter columns and the value each must equal. */
  equals: ReadonlyArray<{ column: string; value: string }>;
  /** Only keys starting with this text (case-sensitive). */
  keyPrefix?: string;
  /** Keyset pagination: only keys after this one. */
  afterKey?: string;
  limit: number;
}

/** Rows in key order. */
export function listRows(db: Executor, table: CatalogTableName, query: ListRowsQuery): Promise<CatalogRow[]> {
  let select = onAnyTable(db).selectFrom(table).selectAll();
  for (const { column, value } of query.equals) select = select.where(column, '=', value);
  if (query.keyPrefix !== undefined) {
    // substr compares exactly on both stores; LIKE is case-insensitive on SQLite and needs escaping.
    select = select.where(sql<string>`substr(${sql.ref('key')}, 1, ${sql.lit(query.keyPrefix.length)})`, '=', query.keyPrefix);
  }
  if (query.afterKey !== undefined) select = select.where('key', '>', query.afterKey);
  return select.orderBy('key').limit(query.limit).$castTo<CatalogRow>().execute();
}
