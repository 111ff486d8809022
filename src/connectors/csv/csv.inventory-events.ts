import { inventoryEventSchema } from '../../domains/inventory/index.ts';
import { openCsvRows, readRow, type CsvColumnSpec } from './csv.cells.ts';
import { headersByPath } from './csv.grouping.ts';
import type { CsvRecord } from './csv.reader.ts';
import type { CsvOptions, CsvProblem, RowRef } from './csv.types.ts';

/**
 * Inventory events from CSV: one row per event, streamed into batches. Each event stands on its own
 * (its source and sequence are its identity), so a bad row is reported and the good rows go on;
 * rows are never held back waiting for the end of the file.
 */

export const inventoryEventCsvColumns: readonly CsvColumnSpec[] = [
  { name: 'source', kind: 'text', required: true },
  { name: 'sequence', kind: 'integer', required: true },
  { name: 'type', kind: 'text', required: true },
  { name: 'sku', kind: 'text', required: true },
  { name: 'locationCode', kind: 'text', required: true },
  { name: 'quantity', kind: 'integer', required: true },
  { name: 'unit', kind: 'text' },
  { name: 'bucket', kind: 'text' },
  { name: 'reasonCode', kind: 'text' },
  { name: 'occurredAt', kind: 'datetime', required: true },
  { name: 'reference', kind: 'text' },
];

export interface CsvEventBatch {
  /** 0-based position of the batch in the file. */
  index: number;
  events: Array<Record<string, unknown>>;
  rows: RowRef[];
  /** Where `events.<i>.<field>` is in the file. */
  locate(path: string | undefined): { row?: number; line?: number; column?: string };
}

export type CsvEventsItem = { kind: 'batch'; batch: CsvEventBatch } | { kind: 'problem'; problem: CsvProblem };

export async function* inventoryEventsFromCsv(records: AsyncIterable<CsvRecord>, options: CsvOptions & { batchSize: number }): AsyncGenerator<CsvEventsItem> {
  const { rows: iterator, layout, problems } = await openCsvRows(records, inventoryEventCsvColumns, options.defaults);
  for (const problem of problems) yield { kind: 'problem', problem };
  if (!layout) return;
  const headers = headersByPath(layout, inventoryEventCsvColumns);
  const locateIn = (rows: readonly RowRef[]) => (path: string | undefined) => {
    const [root, index, field] = (path ?? '').split('.');
    const at = root === 'events' && index !== undefined ? rows[Number(index)] : undefined;
    const column = field === undefined ? undefined : headers.get(field);
    return { ...(at ?? {}), ...(column !== undefined && { column }) };
  };

  const newBatch = (index: number): CsvEventBatch => {
    const rows: RowRef[] = [];
    return { index, events: [], rows, locate: locateIn(rows) };
  };
  let batch = newBatch(0);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const read = readRow(next.value, layout, inventoryEventCsvColumns);
    const at = { row: read.row, line: read.line };
    if (read.problems.length) {
      for (const problem of read.problems) yield { kind: 'problem', problem };
      continue;
    }
    const event = Object.fromEntries(read.values);
    const parsed = inventoryEventSchema.safeParse(event);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = headers.get(String(issue.path[0] ?? ''));
        yield { kind: 'problem', problem: { ...at, ...(column !== undefined && { column }), code: 'invalid_value', message: issue.message } };
      }
      continue;
    }
    batch.events.push(event);
    batch.rows.push(at);
    if (batch.events.length >= options.batchSize) {
      yield { kind: 'batch', batch };
      batch = newBatch(batch.index + 1);
    }
  }
  if (batch.events.length) yield { kind: 'batch', batch };
}
