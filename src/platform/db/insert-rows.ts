import { CompiledQuery, PostgresAdapter, sql, type Insertable } from 'kysely';
import type { Database } from '../../database.ts';
import { ROWS_PER_STATEMENT } from './chunks.ts';
import type { Executor } from './store.ts';

type Table = keyof Database & string;
type Column<T extends Table> = keyof Database[T] & string;

/**
 * One multi-row insert of a hot path, declared once at module level: the table, the columns every
 * row gives, and what follows the values (`on conflict … do nothing`, `returning …`), a constant of
 * the repository, never input. It keeps the SQL text of each row count it has been asked for.
 */
export interface InsertShape<T extends Table> {
  readonly table: T;
  readonly columns: ReadonlyArray<Column<T>>;
  readonly tail: string;
  /** SQL texts by row count: `?` placeholders (SQLite), then `$n` (PostgreSQL). */
  readonly texts: readonly [Map<number, string>, Map<number, string>];
}

export const insertShape = <T extends Table>(table: T, columns: ReadonlyArray<Column<T>>, tail = ''): InsertShape<T> => ({ table, columns, tail, texts: [new Map(), new Map()] });

/**
 * Multi-row inserts on the hot paths (the process log, the outbox, reservations, decisions), without
 * the query builder. Building a multi-row insert with Kysely parses and freezes every value of every
 * row and compiles a fresh SQL text each time; an order's allocation and its share of the log insert
 * some 250 rows, and building them cost about a tenth of the order's time. Here a statement is a
 * parameter array and a SQL text made once per shape and row count, whose hash the statement cache
 * (store.ts) has already computed.
 *
 * Answers the rows a `returning` tail gives, in the order the store returns them.
 *
 * A row that leaves a column undefined (so that the store's default applies) is written on its own,
 * without that column; the hot paths give every column. A first row with a property
 * the shape does not name is refused, so a column added to a table cannot be dropped here silently.
 */
export async function insertRows<T extends Table, R = unknown>(
  db: Executor,
  shape: InsertShape<T>,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  rowsPerStatement = ROWS_PER_STATEMENT,
): Promise<R[]> {
  const out: R[] = [];
  if (rows.length === 0) return out;
  const { table, columns, tail } = shape;
  for (const key in rows[0]) if (!columns.includes(key as Column<T>)) throw new Error(`invariant violated: a row for ${table} has ${key}, which its insert does not name`);
  const numbered = db.getExecutor().adapter instanceof PostgresAdapter;
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const end = Math.min(rows.length, start + rowsPerStatement);
    const parameters: unknown[] = new Array((end - start) * columns.length);
    let p = 0;
    let complete = true;
    for (let i = start; i < end && complete; i++) {
      const row = rows[i] as Record<string, unknown>;
      for (const column of columns) {
        const value = row[column];
        if (value === undefined) {
          complete = false;
          break;
        }
        parameters[p++] = value;
      }
    }
    const result = complete
      ? await db.executeQuery<R>(CompiledQuery.raw(statementText(shape, end - start, numbered), parameters))
      : await withDefaults<R, T>(db, shape, rows.slice(start, end) as ReadonlyArray<Record<string, unknown>>);
    for (const row of result.rows) out.push(row);
  }
  return out;
}

const insertHead = (table: string, columns: readonly string[]) => `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values`;

function statementText<T extends Table>(shape: InsertShape<T>, rowCount: number, numbered: boolean): string {
  const texts = shape.texts[numbered ? 1 : 0];
  let text = texts.get(rowCount);
  if (text !== undefined) return text;
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r++) tuples.push(`(${shape.columns.map(() => (numbered ? `$${++n}` : '?')).join(', ')})`);
  text = `${insertHead(shape.table, shape.columns)} ${tuples.join(', ')}${shape.tail === '' ? '' : ` ${shape.tail}`}`;
  texts.set(rowCount, text);
  return text;
}

/**
 * The rare statement with an undefined value: its rows one at a time, each naming only the columns it
 * gives, so the others take their defaults (SQLite has no DEFAULT in a VALUES list).
 */
async function withDefaults<R, T extends Table>(db: Executor, shape: InsertShape<T>, rows: ReadonlyArray<Record<string, unknown>>): Promise<{ rows: R[] }> {
  const out: R[] = [];
  for (const row of rows) {
    const columns = shape.columns.filter((c) => row[c] !== undefined);
    const result = await sql<R>`${sql.raw(insertHead(shape.table, columns))} (${sql.join(columns.map((c) => row[c]))}) ${sql.raw(shape.tail)}`.execute(db);
    out.push(...result.rows);
  }
  return { rows: out };
}
