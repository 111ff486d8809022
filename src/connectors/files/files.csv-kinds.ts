import { INVENTORY_EVENTS_MESSAGE, INVENTORY_SNAPSHOT_MESSAGE, type IngestReport, type SnapshotReport } from '../../domains/inventory/index.ts';
import { ORDER_INTAKE_MESSAGE } from '../../domains/orders/index.ts';
import { inventoryEventsFromCsv, ordersFromCsv, readCsv, snapshotsFromCsv, type CsvOptions } from '../csv/index.ts';
import type { FileKind } from './files.config.ts';
import type { FileParseItem, FileParser, FileProblem, IncomingFile } from './files.types.ts';

/**
 * The CSV kinds as file parsers: each reads the file as a stream and hands the canonical messages to
 * the inbox handlers every other transport uses. What a bad row means differs by kind:
 *
 * - orders: the whole file is rejected. A partner's file is one batch of purchase orders; taking
 *   some and not others leaves both sides unsure which went through.
 * - inventory snapshots: the whole file is rejected, since a complete snapshot missing a row would
 *   count that SKU as zero.
 * - inventory events: the good rows are taken in and the bad ones reported. Each event carries its
 *   own source and sequence, so holding good events back only makes stock older.
 */

const JSON_TYPE = 'application/json';
const csvOptions = (file: IncomingFile): CsvOptions => ({ delimiter: file.folder.csv.delimiter, defaults: file.folder.csv.defaults });
const records = (file: IncomingFile) => readCsv(file.chunks(), { delimiter: file.folder.csv.delimiter });
const problem = (p: FileProblem): FileParseItem => ({ kind: 'problem', problem: p });

/** `rows 2–4`, or `row 2`. */
const rowsLabel = (rows: readonly number[]) => (rows.length === 1 ? `row ${rows[0]}` : `rows ${Math.min(...rows)}–${Math.max(...rows)}`);

async function* csvOrders(file: IncomingFile): AsyncGenerator<FileParseItem> {
  const { orders, problems } = await ordersFromCsv(records(file), csvOptions(file));
  for (const p of problems.items) yield problem(p);
  if (problems.omitted) yield problem({ code: 'more_problems', message: `${problems.omitted} more problems were found and not listed` });
  if (problems.count > 0) return;
  for (const order of orders) {
    yield {
      kind: 'message',
      message: {
        part: `order:${order.externalOrderNumber}`,
        messageType: ORDER_INTAKE_MESSAGE,
        contentType: JSON_TYPE,
        payload: JSON.stringify(order.intake),
        label: `order ${order.externalOrderNumber} (${rowsLabel(order.rows)})`,
        locate: order.locate,
      },
    };
  }
}

async function* csvInventoryEvents(file: IncomingFile): AsyncGenerator<FileParseItem> {
  for await (const item of inventoryEventsFromCsv(records(file), { ...csvOptions(file), batchSize: file.folder.csv.eventsPerMessage })) {
    if (item.kind === 'problem') {
      yield problem(item.problem);
      continue;
    }
    const { batch } = item;
    yield {
      kind: 'message',
      message: {
        part: `events:${batch.index}`,
        messageType: INVENTORY_EVENTS_MESSAGE,
        contentType: JSON_TYPE,
        payload: JSON.stringify({ events: batch.events }),
        label: `events on ${rowsLabel(batch.rows.map((r) => r.row))}`,
        locate: batch.locate,
        // Events refused by the ingest (an unknown SKU or location, a unit the item lacks) are rows
        // not taken in, though the batch itself was processed.
        outcomeProblems: (outcome) =>
          ((outcome as IngestReport | null)?.results ?? []).flatMap((r) =>
            r.result === 'rejected' ? [{ ...batch.locate(r.path ?? `events.${r.index}`), code: r.code, message: r.message }] : [],
          ),
      },
    };
  }
}

async function* csvInventorySnapshots(file: IncomingFile): AsyncGenerator<FileParseItem> {
  const { snapshots, problems } = await snapshotsFromCsv(records(file), csvOptions(file));
  for (const p of problems.items) yield problem(p);
  if (problems.omitted) yield problem({ code: 'more_problems', message: `${problems.omitted} more problems were found and not listed` });
  if (problems.count > 0) return;
  for (const s of snapshots) {
    yield {
      kind: 'message',
      message: {
        part: `snapshot:${s.source}:${s.locationCode}:${s.asOf}`,
        messageType: INVENTORY_SNAPSHOT_MESSAGE,
        contentType: JSON_TYPE,
        payload: JSON.stringify(s.snapshot),
        label: `snapshot of ${s.locationCode} as of ${s.asOf} (${rowsLabel(s.rows)})`,
        locate: s.locate,
        outcomeProblems: (outcome) =>
          ((outcome as SnapshotReport | null)?.rejected ?? []).map((r) => ({ ...s.locate(`counts.${r.index}.sku`), code: r.code, message: r.message })),
      },
    };
  }
}

export const csvFileParsers: ReadonlyArray<[FileKind, FileParser]> = [
  ['csv-orders', csvOrders],
  ['csv-inventory-events', csvInventoryEvents],
  ['csv-inventory-snapshot', csvInventorySnapshots],
];
