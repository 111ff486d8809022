import type { CsvRecord } from './csv.reader.ts';
import type { CsvProblem } from './csv.types.ts';

/**
 * Headers and cells of CSV intake, pure. A file must start with a header row; columns are matched
 * by name, ignoring case, spaces, `_` and `-` (`external_order_number` is `externalOrderNumber`),
 * so their order is free. Cells are trimmed; an empty cell is a value not given.
 */

export type CellKind = 'text' | 'integer' | 'date' | 'datetime' | 'boolean';

export interface CsvColumnSpec {
  /** The documented header. */
  name: string;
  kind: CellKind;
  /** The file (or the folder's defaults) must have the column, and every row must give it... */
  required?: boolean;
  /** ...unless this is set: a row of a multi-row document may leave it empty when another row gives it. */
  emptyOnSomeRows?: boolean;
  /** The document path it fills, such as `shipToAddress.city`; the name when absent. */
  path?: string;
}

export type CellValue = string | number | boolean;

export interface HeaderLayout {
  /** Documented column name → its cell position and its header as written in the file. */
  columns: Map<string, { field: number; header: string }>;
  /** Values for columns the file lacks or leaves empty. */
  defaults: Map<string, string>;
  width: number;
}

/** A read row: values by documented column name, and the problems of its cells. */
export interface ReadRow {
  row: number;
  line: number;
  values: Map<string, CellValue>;
  problems: CsvProblem[];
}

export const normalizeHeader = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Starts reading a CSV's rows: takes the header row and checks it against the columns. On a header
 * that cannot be read, `layout` is null and the source is already closed, so nothing more is read.
 */
export async function openCsvRows(
  records: AsyncIterable<CsvRecord>,
  specs: readonly CsvColumnSpec[],
  defaults: Readonly<Record<string, string>>,
): Promise<{ rows: AsyncIterator<CsvRecord>; layout: HeaderLayout | null; problems: CsvProblem[] }> {
  const rows = records[Symbol.asyncIterator]();
  const first = await rows.next();
  const header = readHeader(first.done ? undefined : first.value, specs, defaults);
  if (!header.layout) await rows.return?.();
  return { rows, ...header };
}

const at = (record: Pick<CsvRecord, 'row' | 'line'>) => ({ row: record.row, line: record.line });

/** The header row against the documented columns: unknown, duplicate and missing columns are file problems. */
export function readHeader(record: CsvRecord | undefined, specs: readonly CsvColumnSpec[], defaults: Readonly<Record<string, string>>): { layout: HeaderLayout | null; problems: CsvProblem[] } {
  if (!record) return { layout: null, problems: [{ code: 'empty_file', message: 'the file is empty; a header row naming the columns is required' }] };
  const problems: CsvProblem[] = record.problems.map((p) => ({ ...at(record), column: `#${p.field + 1}`, code: p.code, message: p.message }));
  const specByKey = new Map(specs.map((s) => [normalizeHeader(s.name), s]));
  const columns: HeaderLayout['columns'] = new Map();
  const known = () => specs.map((s) => s.name).join(', ');
  record.cells.forEach((cell, field) => {
    const header = cell.trim();
    const spec = specByKey.get(normalizeHeader(header));
    if (!spec) {
      problems.push({ ...at(record), column: header || `#${field + 1}`, code: 'unknown_column', message: header ? `"${header}" is not a known column; the columns are ${known()}` : `column ${field + 1} has no name` });
    } else if (columns.has(spec.name)) {
      problems.push({ ...at(record), column: header, code: 'duplicate_column', message: `column ${spec.name} appears twice (as "${columns.get(spec.name)!.header}" and "${header}")` });
    } else {
      columns.set(spec.name, { field, header });
    }
  });
  const defaultValues = new Map<string, string>();
  for (const [name, value] of Object.entries(defaults)) {
    const spec = specByKey.get(normalizeHeader(name));
    if (!spec) problems.push({ column: name, code: 'unknown_column', message: `the folder's default for "${name}" names no column; the columns are ${known()}` });
    else defaultValues.set(spec.name, value.trim());
  }
  for (const spec of specs) {
    if (spec.required && !columns.has(spec.name) && !defaultValues.get(spec.name)) {
      problems.push({ ...at(record), column: spec.name, code: 'missing_column', message: `the required column ${spec.name} is missing from the header` });
    }
  }
  return { layout: problems.length ? null : { columns, defaults: defaultValues, width: record.cells.length }, problems };
}

type Converted = { ok: true; value: CellValue } | { ok: false; code: string; message: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function validDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const truthy = new Set(['true', 'yes', 'y', '1']);
const falsy = new Set(['false', 'no', 'n', '0']);

export function convertCell(kind: CellKind, text: string): Converted {
  switch (kind) {
    case 'text':
      return { ok: true, value: text };
    case 'integer': {
      if (!/^[+-]?\d+$/.test(text)) return { ok: false, code: 'bad_number', message: `expected a whole number, got "${text}"` };
      const value = Number(text);
      return Number.isSafeInteger(value) ? { ok: true, value } : { ok: false, code: 'bad_number', message: `${text} is too large` };
    }
    case 'date':
      return validDate(text) ? { ok: true, value: text } : { ok: false, code: 'bad_date', message: `expected a date as YYYY-MM-DD, got "${text}"` };
    case 'datetime':
      return DATETIME.test(text) && validDate(text.slice(0, 10)) && !Number.isNaN(Date.parse(text))
        ? { ok: true, value: text }
        : { ok: false, code: 'bad_datetime', message: `expected a time such as 2026-03-01T14:30:00Z (with Z or an offset), got "${text}"` };
    case 'boolean': {
      const lowered = text.toLowerCase();
      if (truthy.has(lowered)) return { ok: true, value: true };
      if (falsy.has(lowered)) return { ok: true, value: false };
      return { ok: false, code: 'bad_boolean', message: `expected true/false, yes/no or 1/0, got "${text}"` };
    }
  }
}

/** Reads a data row: its reading problems, a wrong cell count, missing required values and bad cells. */
export function readRow(record: CsvRecord, layout: HeaderLayout, specs: readonly CsvColumnSpec[]): ReadRow {
  const headerAt = new Map([...layout.columns.values()].map((c) => [c.field, c.header]));
  const problems: CsvProblem[] = record.problems.map((p) => ({ ...at(record), column: headerAt.get(p.field) ?? `#${p.field + 1}`, code: p.code, message: p.message }));
  if (record.cells.length !== layout.width) {
    problems.push({ ...at(record), code: 'ragged_row', message: `the row has ${record.cells.length} cells; the header has ${layout.width}` });
  }
  const values = new Map<string, CellValue>();
  for (const spec of specs) {
    const column = layout.columns.get(spec.name);
    const text = (column === undefined ? '' : (record.cells[column.field] ?? '').trim()) || (layout.defaults.get(spec.name) ?? '');
    const name = column?.header ?? spec.name;
    if (text === '') {
      if (spec.required && !spec.emptyOnSomeRows) problems.push({ ...at(record), column: name, code: 'missing_value', message: `${spec.name} is required` });
      continue;
    }
    const converted = convertCell(spec.kind, text);
    if (converted.ok) values.set(spec.name, converted.value);
    else problems.push({ ...at(record), column: name, code: converted.code, message: converted.message });
  }
  return { row: record.row, line: record.line, values, problems };
}

/** The header a problem should name for a documented column: as written in the file, else its name. */
export const headerOf = (layout: HeaderLayout, name: string): string => layout.columns.get(name)?.header ?? name;

/** Sets `value` at a dotted path, making the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
