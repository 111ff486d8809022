import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Keyset pagination: a cursor is the sort key of the last row returned, encoded so callers treat it
 * as opaque. Keyset (not offset) pages stay stable while rows are added and cost the same on page
 * one thousand as on page one.
 */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null when this was the last page. */
  nextCursor: string | null;
}

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Rows per page, 1–500'),
  cursor: z.string().min(1).max(500).optional().describe('The nextCursor of the previous page'),
});

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const encodeCursor = (key: ReadonlyArray<string | number>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** Decodes a cursor whose key has the given shape (`'s'` string, `'n'` integer per position). */
export function decodeCursor<Shape extends ReadonlyArray<'s' | 'n'>>(
  cursor: string,
  shape: Shape,
): { [K in keyof Shape]: Shape[K] extends 's' ? string : number } {
  const invalid = () => new AppError('invalid_cursor', 'the cursor is not one this list returned', [{ path: 'querystring.cursor', message: 'pass nextCursor unchanged' }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw invalid();
  shape.forEach((kind, i) => {
    const value: unknown = key[i];
    const ok = kind === 's' ? typeof value === 'string' && value.length > 0 : Number.isSafeInteger(value);
    if (!ok) throw invalid();
  });
  return key as { [K in keyof Shape]: Shape[K] extends 's' ? string : number };
}

/** Cuts a page from `limit + 1` rows fetched, so the presence of a next page costs no extra query. */
export function toPage<Row, T>(rows: Row[], limit: number, view: (row: Row) => T, keyOf: (row: Row) => ReadonlyArray<string | number>): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(view), nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
