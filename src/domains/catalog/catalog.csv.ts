import { CsvError, parse, type CastingContext } from 'csv-parse/sync';
import { AppError } from '../../platform/errors.ts';

/**
 * CSV cells and columns for master-data imports. A column is named by the document path it fills
 * (`coordinates.latitude`, `shipTos.0.address.city`); each declares how its text becomes a value.
 * The column lists per entity are in catalog.csv-columns.ts and documented in docs/master-data.md.
 */

export type CellResult = { ok: true; value: unknown } | { ok: false; message: string };
export type CellConverter = (cell: string) => CellResult;

export interface CsvColumn {
  /** The header, in which `#` stands for an array position: `shipTos.#.code` matches `shipTos.0.code`. */
  name: string;
  /** Named in the documentation: text, integer, decimal, boolean, list or pairs. */
  kind: string;
  convert: CellConverter;
}

const ok = (value: unknown): CellResult => ({ ok: true, value });
const fail = (message: string): CellResult => ({ ok: false, message });

const convertInteger: CellConverter = (cell) => {
  if (!/^[+-]?\d+$/.test(cell)) return fail(`expected a whole number, got "${cell}"`);
  const value = Number(cell);
  return Number.isSafeInteger(value) ? ok(value) : fail(`${cell} is too large`);
};

const convertDecimal: CellConverter = (cell) =>
  /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(cell) ? ok(Number(cell)) : fail(`expected a number such as 12.5, got "${cell}"`);

const truthy = new Set(['true', 'yes', '1']);
const falsy = new Set(['false', 'no', '0']);
const convertBoolean: CellConverter = (cell) => {
  const lowered = cell.toLowerCase();
  if (truthy.has(lowered)) return ok(true);
  if (falsy.has(lowered)) return ok(false);
  return fail(`expected true/false, yes/no or 1/0, got "${cell}"`);
};

/** Splits `A|B|C`; an empty entry is a mistake (a stray separator), not an empty value. */
function splitList(cell: string): string[] | undefined {
  const entries = cell.split('|').map((entry) => entry.trim());
  return entries.some((entry) => entry === '') ? undefined : entries;
}

export const csvColumn = {
  text: (name: string): CsvColumn => ({ name, kind: 'text', convert: ok }),
  integer: (name: string): CsvColumn => ({ name, kind: 'integer', convert: convertInteger }),
  decimal: (name: string): CsvColumn => ({ name, kind: 'decimal', convert: convertDecimal }),
  boolean: (name: string): CsvColumn => ({ name, kind: 'boolean', convert: convertBoolean }),
  list: (name: string): CsvColumn => ({
    name,
    kind: 'list',
    convert: (cell) => {
      const entries = splitList(cell);
      return entries ? ok(entries) : fail('list entries are separated by "|" and may not be empty');
    },
  }),
  /**
   * `LEFT=RIGHT|LEFT=RIGHT` into `[{ [left]: LEFT, [right]: RIGHT }]`, such as pack sizes `CA=12|PL=480`
   * into `[{ unit: 'CA', quantity: 12 }, ...]`.
   */
  pairs: (name: string, left: string, right: string, rightKind: 'text' | 'integer'): CsvColumn => ({
    name,
    kind: 'pairs',
    convert: (cell) => {
      const entries = splitList(cell);
      if (!entries) return fail('pairs are separated by "|" and may not be empty');
      const pairs: Record<string, unknown>[] = [];
      for (const entry of entries) {
        const match = /^([^=]+)=(.+)$/.exec(entry);
        if (!match) return fail(`expected ${left.toUpperCase()}=${right.toUpperCase()} pairs such as CA=12, got "${entry}"`);
        const rightValue = rightKind === 'integer' ? convertInteger(match[2]!.trim()) : ok(match[2]!.trim());
        if (!rightValue.ok) return fail(`in "${entry}": ${rightValue.message}`);
        pairs.push({ [left]: match[1]!.trim(), [right]: rightValue.value });
      }
      return ok(pairs);
    },
  }),
};

/** The most array positions one indexed column group may use; more belongs in a JSON import. */
export const CSV_INDEX_MAX = 99;

export interface CsvRow {
  /** 1-based line of the file where the row starts (a quoted field may span lines). */
  line: number;
  cells: string[];
}

/** Turns a byte offset into a 1-based line number by counting the newlines before it. */
function lineCounter(text: string): (byteOffset: number) => number {
  const bytes = Buffer.from(text, 'utf8');
  const newlines: number[] = [];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) newlines.push(i);
  return (offset) => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (newlines[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  };
}

/**
 * Reads CSV text into rows with the line each starts on. csv-parse reports byte offsets reliably
 * (its own line count drifts on CRLF inside quoted fields), so lines are counted from offsets here.
 * A file that cannot be read as CSV at all is a 400 `invalid_csv` naming the line where the broken
 * row starts.
 */
export function readCsvRows(text: string): CsvRow[] {
  const lineOf = lineCounter(text);
  const bytes = Buffer.from(text, 'utf8');
  const rows: CsvRow[] = [];
  let previousEnd = 0;
  // A row starts after the previous one ends, past any blank lines or spaces that csv-parse skipped.
  const startLine = () => {
    let start = previousEnd === 0 && text.startsWith('\uFEFF') ? 3 : previousEnd;
    while (start < bytes.length && [0x20, 0x09, 0x0d, 0x0a].includes(bytes[start]!)) start++;
    return lineOf(start);
  };
  try {
    parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: (cells: string[], context) => {
        rows.push({ line: startLine(), cells });
        // csv-parse passes the bytes consumed so far; its typings omit the field.
        previousEnd = (context as CastingContext & { bytes: number }).bytes;
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = startLine();
    const reason = error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field opened in this row is never closed' : error.message;
    throw new AppError('invalid_csv', `the file is not valid CSV: line ${line}: ${reason}`, [{ path: 'body', line, message: reason, csvCode: error.code }]);
  }
  return rows;
}
