import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLog } from './compact-log.ts';
import { columns, FactStore, factDocumentJson, foldLog, loadFacts, storedFact, type FactTable, type StoredFact } from './facts.rules.ts';
import { mapEvent } from './mapping.rules.ts';
import { distributorScenario, segments, at } from './process.test-log.ts';

const context = { segmentOf: (code: string) => segments[code] };

/** Every fact of a store, keyed `type:id`. */
function factsOf(store: FactStore): Map<string, StoredFact['document']> {
  const out = new Map<string, StoredFact['document']>();
  for (const table of Object.values(store.tables) as FactTable[]) {
    for (let row = 0; row < table.rows; row++) if (!Number.isNaN(table.get(row, 0))) out.set(`${table.type}|${table.idOf(row)}`, storedFact(store, table, row).document);
  }
  return out;
}

/**
 * The subscriber's way: each batch is folded into the stored facts of the objects it touches only,
 * loaded from storage (here a map) and written back. It must end where one fold of the whole log ends.
 */
function foldInBatches(batchSizes: number[]): Map<string, StoredFact['document']> {
  const envelopes = distributorScenario().envelopes;
  const storage = new Map<string, StoredFact>();
  let i = 0;
  let b = 0;
  while (i < envelopes.length) {
    const size = batchSizes[b++ % batchSizes.length]!;
    const log = new CompactLog();
    for (const e of envelopes.slice(i, i + size)) log.append(mapEvent(e, context));
    i += size;
    const named = new Set(Array.from({ length: log.objects }, (_, o) => log.idOf(o)));
    const wanted = [...storage.values()].filter((f) => named.has(f.id));
    const store = loadFacts(wanted);
    for (const table of Object.values(store.tables) as FactTable[]) table.trackDirty = true;
    foldLog(log, store);
    for (const table of Object.values(store.tables) as FactTable[]) {
      for (const row of table.dirty) {
        const fact = storedFact(store, table, row);
        storage.set(`${fact.type}|${fact.id}`, fact);
      }
    }
  }
  return new Map([...storage.entries()].map(([k, f]) => [k, f.document]));
}

test('folding batch by batch through stored facts gives the facts of one fold of the whole log', () => {
  const { facts } = distributorScenario().build();
  const whole = factsOf(facts);
  const sorted = (m: Map<string, unknown>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const sizes of [[1], [3], [7, 2, 5], [1000]]) assert.deepEqual(sorted(foldInBatches(sizes)), sorted(whole), `batches of ${sizes.join(', ')}`);
});

test('an order’s milestones and counts, as folded', () => {
  const { facts } = distributorScenario().build();
  const o2 = factsOf(facts).get('order|order:O2')!;
  assert.deepEqual(
    [o2['receivedAt'], o2['releasedAt'], o2['shippedAt'], o2['invoicedAt'], o2['breachedAt'], o2['touchedAt']],
    [at(1), at(7), at(24), at(26), at(22), at(1)],
  );
  assert.deepEqual([o2['channel'], o2['customer'], o2['segment'], o2['facility']], ['WEB', 'C2', 'standard', 'DC-WEST']);
  assert.deepEqual([o2['lines'], o2['units'], o2['unitsShipped'], o2['unitsInvoiced'], o2['linesFilled'], o2['shipments'], o2['holds'], o2['exceptions']], [1, 4, 4, 4, 1, 2, 1, 1]);
  const line = factsOf(facts).get('order_line|order_line:O2#1')!;
  assert.deepEqual([line['ordered'], line['shipped'], line['backordered'], line['backorderSince'], line['backorderEnded']], [4, 4, 0, at(6), at(20)]);
});

test('the fold tells an observer each line’s running quantities, for the log’s attribute changes', () => {
  const log = new CompactLog();
  for (const e of distributorScenario().envelopes) log.append(mapEvent(e, context));
  const seen: string[] = [];
  foldLog(log, new FactStore(log), (_e, lineId, name, value) => {
    if (lineId === 'order_line:O2#1') seen.push(`${name}=${value}`);
  });
  assert.deepEqual(seen, ['shippedQuantity=2', 'shippedQuantity=4']);
});

test('fact rows keep times as floats and counts, codes and orders as integers, "not known" included, as they grow', () => {
  const store = new FactStore(null, { order: 1, order_line: 1 });
  const orders = store.tables.order;
  const lines = store.tables.order_line;
  const C = columns.order;
  // Past the first capacity, so the rows are copied into a larger buffer at least once.
  for (let n = 0; n < 40; n++) {
    const row = orders.rowFor(`order:${n}`);
    orders.min(row, C.receivedAt, 1_767_225_600_123 + n);
    orders.add(row, C.units, n);
    if (n % 2 === 0) orders.add(row, C.units, 2);
    lines.set(lines.rowFor(`order_line:${n}#1`), columns.order_line.order, row);
  }
  for (let n = 0; n < 40; n++) {
    const row = orders.rowFor(`order:${n}`);
    assert.equal(orders.get(row, C.receivedAt), 1_767_225_600_123 + n, 'a time to the millisecond');
    assert.equal(orders.get(row, C.units), n + (n % 2 === 0 ? 2 : 0));
    assert.ok(Number.isNaN(orders.get(row, C.shippedAt)) && Number.isNaN(orders.get(row, C.channel)) && Number.isNaN(orders.get(row, C.holds)), 'never set: not known');
    assert.equal(lines.get(lines.rowFor(`order_line:${n}#1`), columns.order_line.order), row);
  }
  orders.set(0, C.units, Number.NaN);
  assert.ok(Number.isNaN(orders.get(0, C.units)), 'an integer column set to NaN is not known again');
  assert.equal(storedFact(store, orders, 1).document['units'], 1);
  assert.equal(storedFact(store, orders, 1).document['channel'], null);
});

test('a fact’s stored text is its document serialised, for every fact and for the awkward values', () => {
  const { facts } = distributorScenario().build();
  const same = (store: FactStore, table: FactTable, row: number) => assert.equal(factDocumentJson(store, table, row), JSON.stringify(storedFact(store, table, row).document), `${table.type} ${table.idOf(row)}`);
  let compared = 0;
  for (const table of Object.values(facts.tables) as FactTable[]) {
    for (let row = 0; row < table.rows; row++) {
      if (Number.isNaN(table.get(row, 0))) continue;
      same(facts, table, row);
      compared++;
    }
  }
  assert.ok(compared > 20, `${compared} facts compared`);
  // The time 0, a text that needs escaping, a count never set, an order reference.
  const store = new FactStore();
  const orders = store.tables.order;
  const row = orders.rowFor('order:"Q\\1"\u00e9');
  orders.set(row, columns.order.firstAt, 0);
  orders.set(row, columns.order.receivedAt, 1_767_225_600_123.5);
  orders.set(row, columns.order.channel, store.texts.intern('we"b\n\u2028'));
  const line = store.tables.order_line;
  const lineRow = line.rowFor('order_line:1');
  line.set(lineRow, columns.order_line.order, row);
  same(store, orders, row);
  same(store, line, lineRow);
  assert.match(factDocumentJson(store, orders, row), /^\{"firstAt":0,"lastAt":null,"receivedAt":1767225600123\.5,/);
});

test('rows grown into a larger buffer keep every cell: none is touched by faulting in the new memory', () => {
  // 300 rows of every table, every cell set, from a capacity of one: several copies into a larger
  // buffer, each spanning many 4 KB pages with a cell at each page's first byte.
  const store = new FactStore(null, {});
  const valueOf = (kind: string, row: number, column: number) => (kind === 'time' ? 1_767_225_600_000 + row * 1_000 + column : row * 31 + column + 1);
  for (const table of Object.values(store.tables) as FactTable[]) {
    for (let n = 0; n < 300; n++) {
      const row = table.rowFor(`${table.type}:${n}`);
      table.codes.forEach((code, i) => table.set(row, code, valueOf(table.kinds[i]!, row, i)));
    }
    for (let row = 0; row < 300; row++) table.codes.forEach((code, i) => assert.equal(table.get(row, code), valueOf(table.kinds[i]!, row, i), `${table.type} row ${row} ${table.names[i]}`));
  }
});

test('a time column keeps the earliest and the latest time: not known, the time 0, negative and positive times', () => {
  const store = new FactStore();
  const table = store.tables.order;
  const first = columns.order.firstAt;
  const last = columns.order.lastAt;
  const cases: Array<[number[], number, number]> = [
    // times given, in order → firstAt, lastAt
    [[5, 3, 9], 3, 9],
    [[0, 7], 0, 7],
    [[7, 0], 0, 7],
    [[-4, 2], -4, 2],
    [[2, -4, 0], -4, 2],
    [[Number.NaN, 6], 6, 6],
  ];
  for (const [times, earliest, latest] of cases) {
    const a = table.rowFor(`order:span-${times.join(',')}`);
    const b = table.rowFor(`order:minmax-${times.join(',')}`);
    for (const t of times) {
      table.span(a, t);
      table.min(b, first, t);
      table.max(b, last, t);
    }
    for (const row of [a, b]) {
      assert.ok(Object.is(table.get(row, first), earliest), `firstAt of ${times.join(', ')}: ${table.get(row, first)}`);
      assert.ok(Object.is(table.get(row, last), latest), `lastAt of ${times.join(', ')}: ${table.get(row, last)}`);
    }
  }
  const untouched = table.rowFor('order:untouched');
  assert.ok(Number.isNaN(table.get(untouched, first)));
});
