import { orderIntakeSchema } from '../../domains/orders/index.ts';
import { openCsvRows, readRow, setPath, type CsvColumnSpec } from './csv.cells.ts';
import { headersByPath, issueProblem, locateInGroup, RowGroup } from './csv.grouping.ts';
import { ProblemList } from './csv.problems.ts';
import type { CsvRecord } from './csv.reader.ts';
import type { CsvOptions, CsvProblem } from './csv.types.ts';

/**
 * Orders from CSV: one row per order line, grouped by `externalOrderNumber` into canonical orders
 * (the rows of one order need not be next to each other). The order's own columns repeat on each of
 * its rows and must agree. Units, items and prices are not judged here: the order intake does that
 * for every channel alike. Columns are documented in docs/files.md.
 */

export const orderCsvColumns: readonly CsvColumnSpec[] = [
  { name: 'externalOrderNumber', kind: 'text', required: true },
  // The order's own columns may be given on its first row only, as many exports do.
  { name: 'channel', kind: 'text', required: true, emptyOnSomeRows: true },
  { name: 'partnerCode', kind: 'text' },
  { name: 'customerCode', kind: 'text', required: true, emptyOnSomeRows: true },
  { name: 'customerPo', kind: 'text' },
  { name: 'shipToCode', kind: 'text' },
  { name: 'shipToName', kind: 'text', path: 'shipToAddress.name' },
  { name: 'shipToLine1', kind: 'text', path: 'shipToAddress.line1' },
  { name: 'shipToLine2', kind: 'text', path: 'shipToAddress.line2' },
  { name: 'shipToCity', kind: 'text', path: 'shipToAddress.city' },
  { name: 'shipToRegion', kind: 'text', path: 'shipToAddress.region' },
  { name: 'shipToPostalCode', kind: 'text', path: 'shipToAddress.postalCode' },
  { name: 'shipToCountry', kind: 'text', path: 'shipToAddress.country' },
  { name: 'shipToTimezone', kind: 'text', path: 'shipToAddress.timezone' },
  { name: 'currency', kind: 'text' },
  { name: 'requestedDeliveryDate', kind: 'date' },
  { name: 'shipComplete', kind: 'boolean' },
  { name: 'notes', kind: 'text' },
];

export const orderLineCsvColumns: readonly CsvColumnSpec[] = [
  { name: 'lineNumber', kind: 'integer' },
  { name: 'sku', kind: 'text' },
  { name: 'gtin', kind: 'text' },
  { name: 'partnerItem', kind: 'text' },
  { name: 'quantity', kind: 'integer', required: true },
  { name: 'unit', kind: 'text' },
  { name: 'unitPriceMinor', kind: 'integer' },
  { name: 'lineRequestedDate', kind: 'date', path: 'requestedDate' },
];

const allColumns = [...orderCsvColumns, ...orderLineCsvColumns];

/** A bound on what one orders file may hold in memory while its rows are grouped. */
export const ORDER_CSV_ROWS_MAX = 200_000;

export interface CsvOrder {
  externalOrderNumber: string;
  /** The canonical order intake as the file gives it; it passed the intake schema. */
  intake: Record<string, unknown>;
  /** Rows of the order, first to last. */
  rows: number[];
  /** Where a path of `intake` (from validation or from the intake's own checks) is in the file. */
  locate(path: string | undefined): { row: number; line: number; column?: string };
}

export interface CsvOrdersResult {
  orders: CsvOrder[];
  problems: ProblemList;
}

/**
 * Reads the whole file and answers its orders and every problem found. Orders come back even when
 * other rows have problems; whether to take them in is the caller's decision (file intake rejects
 * the whole file).
 */
export async function ordersFromCsv(records: AsyncIterable<CsvRecord>, options: CsvOptions): Promise<CsvOrdersResult> {
  const problems = new ProblemList();
  const { rows: iterator, layout, problems: headerProblems } = await openCsvRows(records, allColumns, options.defaults);
  problems.add(...headerProblems);
  if (!layout) return { orders: [], problems };
  const headers = headersByPath(layout, orderCsvColumns);
  const lineHeaders = headersByPath(layout, orderLineCsvColumns);

  const groups = new Map<string, RowGroup>();
  let rows = 0;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    if (++rows > ORDER_CSV_ROWS_MAX) {
      problems.add({ row: next.value.row, line: next.value.line, code: 'too_many_rows', message: `an orders file holds at most ${ORDER_CSV_ROWS_MAX} rows; split the file` });
      await iterator.return?.();
      break;
    }
    const read = readRow(next.value, layout, allColumns);
    problems.add(...read.problems);
    const key = read.values.get('externalOrderNumber');
    if (key === undefined) continue;
    const at = { row: read.row, line: read.line };
    let group = groups.get(String(key));
    if (!group) groups.set(String(key), (group = new RowGroup(String(key), at)));
    for (const spec of orderCsvColumns) {
      const value = read.values.get(spec.name);
      if (value === undefined) continue;
      const conflict = group.agree(spec.path ?? spec.name, value, at, headers.get(spec.path ?? spec.name)!, `order ${String(key)}`);
      if (conflict) problems.add(conflict);
    }
    const line: Record<string, unknown> = {};
    for (const spec of orderLineCsvColumns) {
      const value = read.values.get(spec.name);
      if (value !== undefined) line[spec.path ?? spec.name] = value;
    }
    group.items.push({ values: line, at });
  }

  const orders: CsvOrder[] = [];
  for (const group of groups.values()) {
    const intake: Record<string, unknown> = {};
    for (const [path, value] of Object.entries(group.values)) setPath(intake, path, value);
    // A line without a number takes its position in the order, as most legacy exports leave it out.
    intake['lines'] = group.items.map((item, index) => ({ lineNumber: index + 1, ...item.values }));
    const locate = (path: string | undefined) => locateInGroup(group, 'lines', headers, lineHeaders, path);
    problems.add(...schemaProblems(intake, locate, problems.items));
    orders.push({ externalOrderNumber: group.key, intake, rows: group.items.map((i) => i.at.row), locate });
  }
  return { orders, problems };
}

/**
 * The intake schema's verdict, located in the file. An issue where a cell problem was already
 * reported (a bad number leaves the value missing) is the same problem and is not repeated.
 */
function schemaProblems(intake: unknown, locate: CsvOrder['locate'], known: readonly CsvProblem[]): CsvProblem[] {
  const parsed = orderIntakeSchema.safeParse(intake);
  if (parsed.success) return [];
  const seen = new Set(known.map((p) => `${p.row}|${p.column}`));
  return parsed.error.issues
    .map((issue) => issueProblem(issue, intake, locate))
    .filter((p) => !seen.has(`${p.row}|${p.column}`));
}
