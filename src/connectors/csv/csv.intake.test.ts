import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryEventsFromCsv, ordersFromCsv, readCsv, snapshotsFromCsv, type CsvEventBatch, type CsvProblem } from './index.ts';

/** The mappings of CSV rows to canonical orders, events and snapshots, with their problems. */

const rows = (text: string, delimiter = ',') => readCsv([new TextEncoder().encode(text)], { delimiter });
const options = (defaults: Record<string, string> = {}) => ({ delimiter: ',', defaults });
const where = (problems: readonly CsvProblem[]) => problems.map((p) => [p.row ?? null, p.column ?? null, p.code]);

test('order rows are grouped by order number, wherever they are, into canonical orders', async () => {
  const { orders, problems } = await ordersFromCsv(
    rows(
      'External Order Number,customer_code,ship-to-code,SKU,quantity,unit,unitPriceMinor,lineRequestedDate,shipToLine1,shipToCity,shipToCountry,shipComplete\n' +
        'A-1,CUST,ST-1,SKU-1,2,CA,1200,2026-04-01,,,,\n' +
        'B-7,CUST,,SKU-2,1,,,,1 Main St,Newark,US,yes\n' +
        'A-1,,,SKU-2,3,,,,,,,\n',
    ),
    options({ channel: 'EDI' }),
  );
  assert.deepEqual(where(problems.items), []);
  assert.deepEqual(
    orders.map((o) => o.intake),
    [
      {
        externalOrderNumber: 'A-1',
        channel: 'EDI',
        customerCode: 'CUST',
        shipToCode: 'ST-1',
        lines: [
          { lineNumber: 1, sku: 'SKU-1', quantity: 2, unit: 'CA', unitPriceMinor: 1200, requestedDate: '2026-04-01' },
          { lineNumber: 2, sku: 'SKU-2', quantity: 3 },
        ],
      },
      {
        externalOrderNumber: 'B-7',
        channel: 'EDI',
        customerCode: 'CUST',
        shipToAddress: { line1: '1 Main St', city: 'Newark', country: 'US' },
        shipComplete: true,
        lines: [{ lineNumber: 1, sku: 'SKU-2', quantity: 1 }],
      },
    ],
  );
  assert.deepEqual(orders.map((o) => o.rows), [[2, 4], [3]]);
  assert.equal(orders[0]!.locate('lines.1.sku').row, 4);
  assert.deepEqual(orders[0]!.locate('customerCode'), { row: 2, line: 2, column: 'customer_code' });
  assert.deepEqual(orders[1]!.locate('shipToAddress.city'), { row: 3, line: 3, column: 'shipToCity' });
});

test('an order with a bad shape is located by row and column; cell problems are not repeated by the schema', async () => {
  const { problems } = await ordersFromCsv(
    rows('externalOrderNumber,channel,customerCode,shipToCity,shipToLine1,shipToCountry,sku,quantity\nB-1,EDI,C,Newark,1 Main St,usa,SKU-1,0\nB-2,EDI,C,,,,SKU-1,x\n'),
    options(),
  );
  assert.deepEqual(where(problems.items), [
    [3, 'quantity', 'bad_number'],
    [2, 'shipToCountry', 'invalid_value'],
    [2, 'quantity', 'invalid_value'],
  ]);
});

test('the header is checked first: unknown, duplicate and missing columns, and defaults naming no column', async () => {
  const { orders, problems } = await ordersFromCsv(rows('externalOrderNumber,Quantiy,sku,SKU\nA,1,X,Y\n'), options({ colour: 'red' }));
  assert.deepEqual(orders, []);
  assert.deepEqual(where(problems.items), [
    [1, 'Quantiy', 'unknown_column'],
    [1, 'SKU', 'duplicate_column'],
    [null, 'colour', 'unknown_column'],
    [1, 'channel', 'missing_column'],
    [1, 'customerCode', 'missing_column'],
    [1, 'quantity', 'missing_column'],
  ]);
  assert.deepEqual(where((await ordersFromCsv(rows(''), options())).problems.items), [[null, null, 'empty_file']]);
});

test('order-level values must agree across the rows of an order; ragged rows are named', async () => {
  const { problems } = await ordersFromCsv(rows('externalOrderNumber,channel,customerCode,shipToCode,sku,quantity\nA,EDI,C1,S,X,1\nA,EDI,C2,S,X,2\nA,EDI,C1,S,X\n'), options());
  assert.deepEqual(where(problems.items), [
    [3, 'customerCode', 'conflicting_value'],
    [4, null, 'ragged_row'],
    [4, 'quantity', 'missing_value'],
  ]);
  assert.match(problems.items[0]!.message, /order A has customerCode "C1" on row 2 but "C2" here/);
});

test('inventory events stream in batches; a bad row is reported and the others go on', async () => {
  const items = [];
  for await (const item of inventoryEventsFromCsv(
    rows(
      'source;sequence;type;sku;locationCode;quantity;bucket;occurredAt\n' +
        'W;1;receipt;S1;DC;5;;2026-01-01T00:00:00Z\n' +
        'W;2;teleport;S1;DC;5;;2026-01-01T00:00:00Z\n' +
        'W;3;adjustment;S1;DC;-2;damaged;2026-01-01T00:00:00+01:00\n' +
        'W;4;receipt;S1;DC;5;;yesterday\n' +
        'W;5;receipt;S2;DC;1;;2026-01-01T00:00:00Z\n',
      ';',
    ),
    { delimiter: ';', defaults: {}, batchSize: 2 },
  )) {
    items.push(item);
  }
  const batches = items.flatMap((i) => (i.kind === 'batch' ? [i.batch] : [])) as CsvEventBatch[];
  const problems = items.flatMap((i) => (i.kind === 'problem' ? [i.problem] : []));
  assert.deepEqual(batches.map((b) => b.rows.map((r) => r.row)), [[2, 4], [6]]);
  assert.deepEqual(batches[0]!.events[1], { source: 'W', sequence: 3, type: 'adjustment', sku: 'S1', locationCode: 'DC', quantity: -2, bucket: 'damaged', occurredAt: '2026-01-01T00:00:00+01:00' });
  assert.deepEqual(where(problems), [[3, 'type', 'invalid_value'], [5, 'occurredAt', 'bad_datetime']]);
  assert.deepEqual(batches[1]!.locate('events.0.sku'), { row: 6, line: 6, column: 'sku' });
});

test('snapshot rows are grouped by source, location and time; a SKU counted twice is refused', async () => {
  const { snapshots, problems } = await snapshotsFromCsv(
    rows(
      'locationCode,asOf,sku,onHand,complete\n' +
        'DC,2026-01-01T00:00:00Z,S1,5,yes\n' +
        'DC,2026-01-01T00:00:00Z,S2,0,\n' +
        'WEST,2026-01-01T00:00:00Z,S1,3,no\n' +
        'DC,2026-01-01T00:00:00Z,S1,6,yes\n' +
        'DC,2026-01-01T00:00:00Z,S3,1,no\n',
    ),
    options({ source: 'WMS' }),
  );
  assert.deepEqual(where(problems.items), [[5, 'sku', 'duplicate_sku'], [6, 'complete', 'conflicting_value']]);
  assert.deepEqual(snapshots.map((s) => [s.locationCode, s.rows]), [['DC', [2, 3, 5, 6]], ['WEST', [4]]]);
  assert.deepEqual(snapshots[1]!.snapshot, { source: 'WMS', locationCode: 'WEST', asOf: '2026-01-01T00:00:00Z', complete: false, counts: [{ sku: 'S1', onHand: 3 }] });
});

test('a large events file is read as a stream: the first batch comes before most of the file is read', async () => {
  const header = 'source,sequence,type,sku,locationCode,quantity,occurredAt\n';
  const rowsPerChunk = 100;
  const chunkCount = 200;
  let chunksRead = 0;
  async function* source() {
    yield new TextEncoder().encode(header);
    for (let c = 0; c < chunkCount; c++) {
      chunksRead++;
      let text = '';
      for (let r = 0; r < rowsPerChunk; r++) text += `W,${c * rowsPerChunk + r + 1},receipt,S1,DC,1,2026-01-01T00:00:00Z\n`;
      yield new TextEncoder().encode(text);
    }
  }
  let firstBatchAfter = -1;
  let events = 0;
  for await (const item of inventoryEventsFromCsv(readCsv(source()), { delimiter: ',', defaults: {}, batchSize: 500 })) {
    assert.equal(item.kind, 'batch');
    if (item.kind !== 'batch') continue;
    if (firstBatchAfter < 0) firstBatchAfter = chunksRead;
    events += item.batch.events.length;
  }
  assert.equal(events, rowsPerChunk * chunkCount);
  assert.ok(firstBatchAfter <= 6, `the first batch left after ${firstBatchAfter} of ${chunkCount} chunks`);
});
