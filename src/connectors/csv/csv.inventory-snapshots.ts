import { inventorySnapshotSchema } from '../../domains/inventory/index.ts';
import { openCsvRows, readRow, type CsvColumnSpec } from './csv.cells.ts';
import { headersByPath, issueProblem, locateInGroup, RowGroup } from './csv.grouping.ts';
import { ProblemList } from './csv.problems.ts';
import type { CsvRecord } from './csv.reader.ts';
import type { CsvOptions, CsvProblem } from './csv.types.ts';

/**
 * Inventory snapshots from CSV: one row per SKU count, grouped by (source, location, as-of time)
 * into absolute snapshots. A snapshot is all or nothing: a `complete` snapshot counts every SKU it
 * does not list as zero, so dropping a bad row would wipe that SKU's stock.
 */

export const inventorySnapshotCsvColumns: readonly CsvColumnSpec[] = [
  { name: 'source', kind: 'text', required: true },
  { name: 'locationCode', kind: 'text', required: true },
  { name: 'asOf', kind: 'datetime', required: true },
  { name: 'complete', kind: 'boolean' },
];

export const inventorySnapshotCountCsvColumns: readonly CsvColumnSpec[] = [
  { name: 'sku', kind: 'text', required: true },
  { name: 'onHand', kind: 'integer', required: true },
  { name: 'unit', kind: 'text' },
];

const allColumns = [...inventorySnapshotCsvColumns, ...inventorySnapshotCountCsvColumns];

/** A bound on what one snapshots file may hold in memory while its rows are grouped. */
export const SNAPSHOT_CSV_ROWS_MAX = 500_000;

export interface CsvSnapshot {
  source: string;
  locationCode: string;
  asOf: string;
  snapshot: Record<string, unknown>;
  rows: number[];
  locate(path: string | undefined): { row: number; line: number; column?: string };
}

export async function snapshotsFromCsv(records: AsyncIterable<CsvRecord>, options: CsvOptions): Promise<{ snapshots: CsvSnapshot[]; problems: ProblemList }> {
  const problems = new ProblemList();
  const { rows: iterator, layout, problems: headerProblems } = await openCsvRows(records, allColumns, options.defaults);
  problems.add(...headerProblems);
  if (!layout) return { snapshots: [], problems };
  const headers = headersByPath(layout, inventorySnapshotCsvColumns);
  const countHeaders = headersByPath(layout, inventorySnapshotCountCsvColumns);

  const groups = new Map<string, RowGroup>();
  const skusSeen = new Map<string, Map<string, number>>();
  let rows = 0;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    if (++rows > SNAPSHOT_CSV_ROWS_MAX) {
      problems.add({ row: next.value.row, line: next.value.line, code: 'too_many_rows', message: `a snapshots file holds at most ${SNAPSHOT_CSV_ROWS_MAX} rows; split the file` });
      await iterator.return?.();
      break;
    }
    const read = readRow(next.value, layout, allColumns);
    problems.add(...read.problems);
    const [source, locationCode, asOf] = ['source', 'locationCode', 'asOf'].map((name) => read.values.get(name));
    if (source === undefined || locationCode === undefined || asOf === undefined) continue;
    const at = { row: read.row, line: read.line };
    const key = JSON.stringify([source, locationCode, asOf]);
    let group = groups.get(key);
    if (!group) {
      groups.set(key, (group = new RowGroup(key, at)));
      skusSeen.set(key, new Map());
      for (const [path, value] of [['source', source], ['locationCode', locationCode], ['asOf', asOf]] as const) group.agree(path, value, at, headers.get(path)!, '');
    }
    const complete = read.values.get('complete');
    const what = `the snapshot of ${String(locationCode)} from ${String(source)} as of ${String(asOf)}`;
    if (complete !== undefined) {
      const conflict = group.agree('complete', complete, at, headers.get('complete')!, what);
      if (conflict) problems.add(conflict);
    }
    const sku = read.values.get('sku');
    if (sku !== undefined) {
      const earlier = skusSeen.get(key)!.get(String(sku));
      if (earlier !== undefined) problems.add(duplicateSku(at, countHeaders.get('sku')!, String(sku), earlier, what));
      else skusSeen.get(key)!.set(String(sku), at.row);
    }
    const count: Record<string, unknown> = {};
    for (const spec of inventorySnapshotCountCsvColumns) {
      const value = read.values.get(spec.name);
      if (value !== undefined) count[spec.path ?? spec.name] = value;
    }
    group.items.push({ values: count, at });
  }

  const snapshots: CsvSnapshot[] = [];
  for (const group of groups.values()) {
    const snapshot = { ...group.values, counts: group.items.map((i) => i.values) };
    const locate = (path: string | undefined) => locateInGroup(group, 'counts', headers, countHeaders, path);
    const parsed = inventorySnapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      const seen = new Set(problems.items.map((p) => `${p.row}|${p.column}`));
      for (const issue of parsed.error.issues) {
        const problem = issueProblem(issue, snapshot, locate);
        if (!seen.has(`${problem.row}|${problem.column}`)) problems.add(problem);
      }
    }
    const { source, locationCode, asOf } = group.values as { source: string; locationCode: string; asOf: string };
    snapshots.push({ source, locationCode, asOf, snapshot, rows: group.items.map((i) => i.at.row), locate });
  }
  return { snapshots, problems };
}

const duplicateSku = (at: { row: number; line: number }, column: string, sku: string, earlierRow: number, what: string): CsvProblem => ({
  ...at,
  column,
  code: 'duplicate_sku',
  message: `${what} already counts ${sku} on row ${earlierRow}`,
});
