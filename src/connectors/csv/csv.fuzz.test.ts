import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { orderIntakeSchema } from '../../domains/orders/index.ts';
import { CsvTokenizer, type CsvRecord } from './csv.reader.ts';
import { inventoryEventsFromCsv, ordersFromCsv, snapshotsFromCsv, type CsvProblem } from './index.ts';

/**
 * Properties of CSV intake over arbitrary and mutated input: what is written by the rules is read
 * back exactly, however the bytes are cut into chunks; and whatever the bytes (quotes and delimiters
 * in the wrong places, truncation, invalid UTF-8, huge cells), reading ends with records and
 * structured problems, never an exception or a hang.
 */

const encode = (text: string) => new TextEncoder().encode(text);

function readWith(input: Uint8Array, cuts: readonly number[], options: { delimiter?: string; maxFieldBytes?: number; maxFieldsPerRow?: number } = {}): CsvRecord[] {
  const tokenizer = new CsvTokenizer(options);
  const records: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b)) {
    records.push(...tokenizer.push(input.subarray(from, cut)));
    from = cut;
  }
  records.push(...tokenizer.push(input.subarray(from)));
  records.push(...tokenizer.end());
  return records;
}

async function* chunked(input: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < input.length; i += size) yield input.subarray(i, i + size);
}

const quoteCell = (cell: string, delimiter: string) => (cell === '' || /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replaceAll('"', '""')}"` : cell);

const cellText = fc.string({ unit: fc.constantFrom('a', 'Z', '7', ' ', '"', ',', ';', '\t', '\r', '\n', 'é', '€', '😀', '\u0000'), maxLength: 12 });
const table = fc.array(fc.array(cellText, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 });
const cutPoints = fc.array(fc.nat(), { maxLength: 12 });
const readProblemCodes = new Set(['unclosed_quote', 'stray_quote', 'text_after_quote', 'invalid_utf8', 'field_too_large', 'too_many_fields']);

test('what RFC 4180 writes is read back exactly, for any delimiter, line ending, BOM and chunking', () => {
  fc.assert(
    fc.property(table, fc.constantFrom(',', ';', '\t', '|'), fc.constantFrom('\n', '\r\n'), fc.boolean(), cutPoints, (rows, delimiter, eol, bom, cuts) => {
      const text = (bom ? '\uFEFF' : '') + rows.map((row) => row.map((cell) => quoteCell(cell, delimiter)).join(delimiter)).join(eol) + eol;
      const records = readWith(encode(text), cuts, { delimiter });
      assert.deepEqual(records.map((r) => r.cells), rows);
      assert.deepEqual(records.map((r) => r.problems), rows.map(() => []));
      assert.deepEqual(records.map((r) => r.row), rows.map((_, i) => i + 1));
    }),
    { numRuns: 300 },
  );
});

test('any bytes read the same whichever way they are cut into chunks', () => {
  const anyBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => bytes.map((b) => [0x22, 0x2c, 0x0d, 0x0a, 0xef, 0xbb, 0xbf, 0xc3, 0xff][b % 12] ?? b));
  fc.assert(
    fc.property(anyBytes, cutPoints, (input, cuts) => {
      const whole = readWith(input, []);
      assert.deepEqual(readWith(input, cuts), whole);
      assert.deepEqual(readWith(input, Array.from({ length: input.length }, (_, i) => i)), whole, 'one byte at a time');
    }),
    { numRuns: 300 },
  );
});

// A valid orders file to mutate: every column kind, quoted cells, several orders.
const ordersFile = encode(
  'externalOrderNumber,channel,customerCode,shipToCode,lineNumber,sku,quantity,unit,requestedDeliveryDate,shipComplete,notes\r\n' +
    'PO-1,EDI,CUST-ACME,ST-001,1,SKU-1,2,CA,2026-03-01,yes,"ring, twice"\r\n' +
    'PO-1,EDI,CUST-ACME,ST-001,2,SKU-2,5,EA,2026-03-01,yes,\r\n' +
    'PO-2,EDI,CUST-ACME,ST-001,1,SKU-1,1,EA,,no,"say ""hi"""\r\n',
);
const eventsFile = encode('source,sequence,type,sku,locationCode,quantity,occurredAt\nW,1,receipt,SKU-1,DC,5,2026-01-01T00:00:00Z\nW,2,ship,SKU-1,DC,-1,2026-01-01T01:00:00+02:00\n');
const snapshotFile = encode('source,locationCode,asOf,sku,onHand,complete\nW,DC,2026-01-01T00:00:00Z,SKU-1,5,true\nW,DC,2026-01-01T00:00:00Z,SKU-2,0,true\n');

type Mutation = { at: number; kind: 'insert'; bytes: number[] } | { at: number; kind: 'delete'; length: number } | { at: number; kind: 'truncate' } | { at: number; kind: 'huge'; length: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('insert' as const), bytes: fc.array(fc.constantFrom(0x22, 0x2c, 0x3b, 0x0d, 0x0a, 0xff, 0xc3, 0xe2, 0x82, 0x00, 0x41, 0x20), { minLength: 1, maxLength: 4 }) }),
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ at: fc.nat(), kind: fc.constant('truncate' as const) }),
  fc.record({ at: fc.nat(), kind: fc.constant('huge' as const), length: fc.integer({ min: 70_000, max: 200_000 }) }),
);

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = [...input];
  for (const m of mutations) {
    const at = m.at % (bytes.length + 1);
    if (m.kind === 'insert') bytes.splice(at, 0, ...m.bytes);
    else if (m.kind === 'delete') bytes.splice(at, m.length);
    else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else bytes = [...bytes.slice(0, at), ...new Array<number>(m.length).fill(0x78), ...bytes.slice(at)];
  }
  return Uint8Array.from(bytes);
}

function assertStructured(problems: readonly CsvProblem[], label: string): void {
  for (const p of problems) {
    assert.equal(typeof p.code, 'string', label);
    assert.ok(/^[a-z][a-z0-9_]*$/.test(p.code), `${label}: code ${p.code}`);
    assert.ok(typeof p.message === 'string' && p.message.length > 0, label);
    if (p.row !== undefined) assert.ok(Number.isInteger(p.row) && p.row >= 1, `${label}: row ${p.row}`);
    if (p.line !== undefined) assert.ok(Number.isInteger(p.line) && p.line >= 1, `${label}: line ${p.line}`);
  }
}

test('mutated files always end in records and structured problems, never an exception', async () => {
  const options = { delimiter: ',', defaults: {} };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(ordersFile, eventsFile, snapshotFile), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4096 }), async (file, mutations, chunkSizeAsked) => {
      const input = mutate(file, mutations);
      // Small chunks of a huge file only slow the run down; the chunking property above covers them.
      const chunkSize = input.length > 10_000 ? Math.max(chunkSizeAsked, 1024) : chunkSizeAsked;
      const records = readWith(input, [chunkSize, chunkSize * 3]);
      let previousRow = 0;
      for (const record of records) {
        assert.ok(record.row > previousRow, 'rows are numbered upwards');
        previousRow = record.row;
        assert.ok(record.cells.length <= 500);
        for (const cell of record.cells) assert.ok(Buffer.byteLength(cell) <= 64 * 1024 * 3, 'a cell is cut at the limit');
        for (const p of record.problems) assert.ok(readProblemCodes.has(p.code) && p.field >= 0 && p.line >= 1, JSON.stringify(p));
      }

      const orders = await ordersFromCsv(readCsvFrom(input, chunkSize), options);
      assertStructured(orders.problems.items, 'orders');
      // A file that reads without a problem yields orders the intake schema accepts.
      if (orders.problems.count === 0) for (const order of orders.orders) assert.ok(orderIntakeSchema.safeParse(order.intake).success);

      const events: CsvProblem[] = [];
      for await (const item of inventoryEventsFromCsv(readCsvFrom(input, chunkSize), { ...options, batchSize: 2 })) {
        if (item.kind === 'problem') events.push(item.problem);
        else assert.ok(item.batch.events.length >= 1 && item.batch.events.length <= 2 && item.batch.rows.length === item.batch.events.length);
      }
      assertStructured(events, 'events');

      const snapshots = await snapshotsFromCsv(readCsvFrom(input, chunkSize), options);
      assertStructured(snapshots.problems.items, 'snapshots');
    }),
    { numRuns: 200 },
  );
});

async function* readCsvFrom(input: Uint8Array, chunkSize: number) {
  const tokenizer = new CsvTokenizer();
  for await (const chunk of chunked(input, chunkSize)) yield* tokenizer.push(chunk);
  yield* tokenizer.end();
}

test('a file of one endless quoted cell ends with one reported problem and bounded memory', () => {
  const size = 5 * 1024 * 1024;
  const tokenizer = new CsvTokenizer();
  const records: CsvRecord[] = [...tokenizer.push(encode('a,b\n1,"'))];
  const block = new Uint8Array(64 * 1024).fill(0x41);
  for (let sent = 0; sent < size; sent += block.length) records.push(...tokenizer.push(block));
  records.push(...tokenizer.end());
  assert.equal(records.length, 2);
  assert.deepEqual(records[1]!.problems.map((p) => p.code), ['field_too_large', 'unclosed_quote']);
  assert.equal(records[1]!.cells[1]!.length, 64 * 1024);
});
