import type { CsvColumnSpec, HeaderLayout } from './csv.cells.ts';
import type { CsvProblem, RowRef } from './csv.types.ts';

/**
 * A document made of several rows, such as an order (one row per line) or a snapshot (one row per
 * SKU). Its document-level values repeat on every row and must agree; a row may leave one empty and
 * take the value another row gives.
 */
export class RowGroup {
  /** Document-level values by document path. */
  readonly values: Record<string, unknown> = {};
  /** The row that gave each document-level value, so a problem with it names that row. */
  readonly valueRows = new Map<string, RowRef>();
  /** One entry per row: its item-level values by path, and where it is. */
  readonly items: Array<{ values: Record<string, unknown>; at: RowRef }> = [];

  constructor(
    readonly key: string,
    readonly firstRow: RowRef,
  ) {}

  /** Takes a document-level value; a different one given by an earlier row is a conflict. */
  agree(path: string, value: unknown, at: RowRef, column: string, what: string): CsvProblem | null {
    if (!(path in this.values)) {
      this.values[path] = value;
      this.valueRows.set(path, at);
      return null;
    }
    if (this.values[path] === value) return null;
    const earlier = this.valueRows.get(path)!;
    return { ...at, column, code: 'conflicting_value', message: `${what} has ${column} "${String(this.values[path])}" on row ${earlier.row} but "${String(value)}" here` };
  }
}

/** The header each document path is read from, as written in the file (or its documented name). */
export function headersByPath(layout: HeaderLayout, specs: readonly CsvColumnSpec[]): Map<string, string> {
  return new Map(specs.map((s) => [s.path ?? s.name, layout.columns.get(s.name)?.header ?? s.name]));
}

/**
 * Where a path of the assembled document is in the file: `lines.2.sku` is the row of the third
 * item and its sku column; `customerCode` is the row that gave it. Paths from validation and from
 * the domain's own checks (`lines.0.unit`) are both named this way.
 */
export function locateInGroup(
  group: Pick<RowGroup, 'items' | 'valueRows' | 'firstRow'>,
  itemsPath: string,
  headers: ReadonlyMap<string, string>,
  itemHeaders: ReadonlyMap<string, string>,
  path: string | undefined,
): { row: number; line: number; column?: string } {
  const parts = (path ?? '').split('.').filter((p) => p !== '');
  if (parts[0] === itemsPath && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const item = group.items[Number(parts[1])];
    const column = parts[2] === undefined ? undefined : itemHeaders.get(parts[2]);
    return { ...(item?.at ?? group.firstRow), ...(column !== undefined && { column }) };
  }
  const joined = parts.join('.');
  const column = headers.get(joined) ?? itemHeaders.get(joined);
  const at = group.valueRows.get(joined) ?? group.firstRow;
  return { row: at.row, line: at.line, ...(column !== undefined && { column }) };
}

/** A schema issue as zod reports it. */
export interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let node = document;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

/**
 * The schema's verdict on an assembled document as a problem in the file. A value no row gave is
 * `missing_value`, said plainly, rather than zod's "expected string, received undefined".
 */
export function issueProblem(issue: SchemaIssue, document: unknown, locate: (path: string) => { row?: number; line?: number; column?: string }): CsvProblem {
  const at = locate(issue.path.map(String).join('.'));
  const missing = issue.code === 'invalid_type' && valueAt(document, issue.path) === undefined;
  return { ...at, code: missing ? 'missing_value' : 'invalid_value', message: missing ? `${at.column ?? issue.path.join('.')} is required` : issue.message };
}
