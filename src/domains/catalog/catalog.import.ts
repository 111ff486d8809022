import type { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { CSV_INDEX_MAX, readCsvRows, type CsvColumn } from './catalog.csv.ts';
import type { CatalogKind } from './catalog.types.ts';
import { parseDocument } from './catalog.validate.ts';

/**
 * Bulk import, the pure part: turning a JSON `records` array or a CSV file into candidate documents,
 * validating them and naming every problem by line (CSV) or index (JSON), column and reason. The
 * service adds what needs the database (references, created or updated) and writes.
 */

export const IMPORT_RECORDS_MAX = 10_000;

export type ImportErrorCode =
  | 'validation_failed'
  | 'unknown_reference'
  | 'duplicate_key'
  | 'ragged_row'
  | 'unknown_column'
  | 'duplicate_column';

export interface ImportError {
  /** 1-based line of the CSV file where the row starts. */
  line?: number;
  /** 0-based position in a JSON `records` array. */
  index?: number;
  /** The record's key, when it could be read. */
  key?: string;
  /** The CSV column at fault. */
  column?: string;
  /** The document path at fault, such as `packSizes.1.quantity`. */
  path?: string;
  code: ImportErrorCode;
  message: string;
}

export interface ImportResult {
  kind: CatalogKind;
  /** Rows or records in the request; always created + updated + unchanged + failed. */
  received: number;
  created: number;
  updated: number;
  /** Records identical to what is stored: nothing written, version unchanged. */
  unchanged: number;
  failed: number;
  errors: ImportError[];
}

/** One record to import and where it came from. */
export interface ImportCandidate {
  line?: number;
  index?: number;
  value: unknown;
  /** Paths whose CSV cells could not be read; the row fails and schema issues under them are not repeated. */
  unreadablePaths: string[];
}

/** Candidates plus what was wrong before validation, and how to name a path to the sender. */
export interface ImportSource {
  received: number;
  candidates: ImportCandidate[];
  errors: ImportError[];
  columnOf(path: string): string | undefined;
}

/** Where a candidate came from, as an error names it. */
export const positionOf = (candidate: ImportCandidate): Pick<ImportError, 'line' | 'index'> =>
  candidate.line !== undefined ? { line: candidate.line } : candidate.index !== undefined ? { index: candidate.index } : {};

export function fromJsonRecords(records: readonly unknown[]): ImportSource {
  if (records.length > IMPORT_RECORDS_MAX) {
    throw new AppError('validation_failed', `an import holds at most ${IMPORT_RECORDS_MAX} records; this one has ${records.length}`, [
      { path: 'body.records', message: `at most ${IMPORT_RECORDS_MAX} records` },
    ]);
  }
  return {
    received: records.length,
    candidates: records.map((value, index) => ({ index, value, unreadablePaths: [] })),
    errors: [],
    columnOf: () => undefined,
  };
}

/** A header resolved to its column definition and the document path it fills. */
interface HeaderColumn {
  header: string;
  column: CsvColumn;
  path: (string | number)[];
}

function resolveHeader(header: string, columns: ReadonlyMap<string, CsvColumn>): HeaderColumn | string {
  const segments = header.split('.');
  const template = segments.map((s) => (/^\d+$/.test(s) ? '#' : s)).join('.');
  const column = columns.get(template);
  if (!column) return `unknown column "${header}"`;
  const path = segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const tooFar = path.find((s) => typeof s === 'number' && s > CSV_INDEX_MAX);
  if (tooFar !== undefined) return `column "${header}": positions go up to ${CSV_INDEX_MAX}; send longer lists as JSON`;
  return { header, column, path };
}

function setPath(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    if (node[segment] === undefined) node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
}

/**
 * Maps a document path back to the CSV column that fills it: the column itself, else the column
 * that fills an enclosing value (`packSizes` for `packSizes.1.quantity`), else the first column
 * inside it (`shipTos.0.code` for `shipTos`), else the documented column even if the file lacks it.
 */
function columnFinder(headers: readonly HeaderColumn[], columns: ReadonlyMap<string, CsvColumn>) {
  return (path: string): string | undefined => {
    const enclosing = headers
      .filter((h) => path === h.header || path.startsWith(`${h.header}.`))
      .sort((a, b) => b.header.length - a.header.length)[0];
    if (enclosing) return enclosing.header;
    const inside = headers.find((h) => h.header.startsWith(`${path}.`));
    if (inside) return inside.header;
    const template = path
      .split('.')
      .map((s) => (/^\d+$/.test(s) ? '#' : s))
      .join('.');
    return columns.has(template) ? path : undefined;
  };
}

/**
 * Reads a CSV file for import. The first row is the header; blank rows (a spreadsheet's padding)
 * are skipped. A header naming an unknown or repeated column rejects every row, since applying rows
 * without a misspelt column would erase that field from each record.
 */
export function fromCsv(text: string, columnList: readonly CsvColumn[], keyField: string): ImportSource {
  const rows = readCsvRows(text);
  const [headerRow, ...allRows] = rows;
  if (!headerRow) throw new AppError('invalid_csv', 'the file is empty; it needs a header row', [{ path: 'body', message: 'no header row' }]);
  const dataRows = allRows.filter((row) => row.cells.some((cell) => cell !== ''));
  if (dataRows.length > IMPORT_RECORDS_MAX) {
    throw new AppError('validation_failed', `an import holds at most ${IMPORT_RECORDS_MAX} rows; this file has ${dataRows.length}`, [
      { path: 'body', message: `at most ${IMPORT_RECORDS_MAX} rows` },
    ]);
  }

  const columns = new Map(columnList.map((c) => [c.name, c]));
  const errors: ImportError[] = [];
  const headers: HeaderColumn[] = [];
  const seen = new Set<string>();
  headerRow.cells.forEach((header, i) => {
    const line = headerRow.line;
    if (header === '') return errors.push({ line, code: 'unknown_column', message: `column ${i + 1} of the header has no name` });
    if (seen.has(header)) return errors.push({ line, column: header, code: 'duplicate_column', message: `column "${header}" appears twice` });
    seen.add(header);
    const resolved = resolveHeader(header, columns);
    if (typeof resolved === 'string') return errors.push({ line, column: header, code: 'unknown_column', message: resolved });
    headers.push(resolved);
  });
  const columnOf = columnFinder(headers, columns);
  if (errors.length > 0) {
    const note = `the header is wrong, so none of the ${dataRows.length} rows was applied`;
    return { received: dataRows.length, candidates: [], errors: errors.map((e) => ({ ...e, message: `${e.message}; ${note}` })), columnOf };
  }

  const candidates: ImportCandidate[] = [];
  for (const row of dataRows) {
    if (row.cells.length !== headers.length) {
      errors.push({
        line: row.line,
        code: 'ragged_row',
        message: `the row has ${row.cells.length} fields but the header has ${headers.length}`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    const unreadablePaths: string[] = [];
    const unreadable: ImportError[] = [];
    headers.forEach((h, i) => {
      const cell = row.cells[i]!;
      if (cell === '') return; // An empty cell leaves the field out, so its default applies.
      const converted = h.column.convert(cell);
      if (converted.ok) return setPath(value, h.path, converted.value);
      unreadablePaths.push(h.header);
      unreadable.push({ line: row.line, column: h.header, path: h.header, code: 'validation_failed', message: converted.message });
    });
    const key = rawKey(value, keyField);
    errors.push(...unreadable.map((e) => (key === undefined ? e : { ...e, key })));
    candidates.push({ line: row.line, value, unreadablePaths });
  }
  return { received: dataRows.length, candidates, errors, columnOf };
}

export interface ValidRecord<T> {
  candidate: ImportCandidate;
  doc: T;
  key: string;
}

/** The key as sent, for naming a record whose document failed validation. */
function rawKey(value: unknown, keyField: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = (value as Record<string, unknown>)[keyField];
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

/** Validates every candidate with the entity's schema; a row with unreadable cells fails even if the rest is valid. */
export function validateCandidates<T>(
  source: ImportSource,
  schema: z.ZodType<T>,
  entity: { keyField: string; keyOf(doc: T): string },
): { valid: ValidRecord<T>[]; errors: ImportError[] } {
  const valid: ValidRecord<T>[] = [];
  const errors: ImportError[] = [];
  for (const candidate of source.candidates) {
    const outcome = parseDocument(schema, candidate.value);
    const key = outcome.ok ? entity.keyOf(outcome.doc) : rawKey(candidate.value, entity.keyField);
    if (outcome.ok && candidate.unreadablePaths.length === 0) {
      valid.push({ candidate, doc: outcome.doc, key: key! });
      continue;
    }
    if (outcome.ok) continue; // Its unreadable cells are already reported.
    const alreadyReported = (path: string) => candidate.unreadablePaths.some((p) => path === p || path.startsWith(`${p}.`));
    for (const problem of outcome.problems) {
      if (alreadyReported(problem.path)) continue;
      const column = source.columnOf(problem.path);
      errors.push({
        ...positionOf(candidate),
        ...(key !== undefined && { key }),
        ...(column !== undefined && { column }),
        path: problem.path,
        code: 'validation_failed',
        message: problem.message,
      });
    }
  }
  return { valid, errors };
}

/**
 * Refuses every record whose key appears more than once in the import: which one was meant is a
 * guess, and applying them in turn would hide the earlier ones.
 */
export function rejectDuplicateKeys<T>(records: ValidRecord<T>[], keyField: string, columnOf: (path: string) => string | undefined) {
  const byKey = new Map<string, ValidRecord<T>[]>();
  for (const record of records) {
    const group = byKey.get(record.key);
    if (group) group.push(record);
    else byKey.set(record.key, [record]);
  }
  const unique: ValidRecord<T>[] = [];
  const errors: ImportError[] = [];
  const column = columnOf(keyField);
  for (const record of records) {
    const group = byKey.get(record.key)!;
    if (group.length === 1) {
      unique.push(record);
      continue;
    }
    const places = group.map((r) => (r.candidate.line !== undefined ? `line ${r.candidate.line}` : `index ${r.candidate.index}`));
    errors.push({
      ...positionOf(record.candidate),
      key: record.key,
      ...(column !== undefined && { column }),
      path: keyField,
      code: 'duplicate_key',
      message: `${keyField} ${record.key} appears ${group.length} times in this import (${places.join(', ')}); none of them was applied`,
    });
  }
  return { unique, errors };
}

/** Errors in file order: by line or index, then in the order found. */
export function sortImportErrors(errors: ImportError[]): ImportError[] {
  const position = (e: ImportError) => e.line ?? e.index ?? -1;
  return [...errors].sort((a, b) => position(a) - position(b));
}
