/**
 * Rows per multi-row statement. 500 rows of up to ~30 columns stays well inside both stores'
 * bound-parameter limits (SQLite 32,766; PostgreSQL 65,535).
 */
export const ROWS_PER_STATEMENT = 500;

/** Splits a list for multi-row statements, so bulk reads and writes are a few statements, never a loop of one each. */
export function chunks<T>(values: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
