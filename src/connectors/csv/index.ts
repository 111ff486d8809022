/**
 * CSV intake: a streaming RFC 4180 reader and the mappings of orders, inventory events and
 * inventory snapshots to canonical messages, with every problem named by row and column. The file
 * connector (`src/connectors/files`) uses it; nothing here touches the disk or the database.
 */
export { readCsv, CsvTokenizer, delimiterProblem, type CsvRecord, type CsvReadProblem, type CsvReaderOptions } from './csv.reader.ts';
export type { CsvOptions, CsvProblem, RowRef } from './csv.types.ts';
export { ProblemList } from './csv.problems.ts';
export { ordersFromCsv, orderCsvColumns, orderLineCsvColumns, type CsvOrder } from './csv.orders.ts';
export { inventoryEventsFromCsv, inventoryEventCsvColumns, type CsvEventBatch, type CsvEventsItem } from './csv.inventory-events.ts';
export { snapshotsFromCsv, inventorySnapshotCsvColumns, inventorySnapshotCountCsvColumns, type CsvSnapshot } from './csv.inventory-snapshots.ts';
