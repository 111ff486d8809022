import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLog, kindCode } from './compact-log.ts';
import { typedBytes } from './columns.ts';
import { processMapOfLog } from './process-map.rules.ts';

/** A log whose events name orders in every way the columns distinguish. */
function logOfOrders(options: { shared?: boolean } = {}) {
  const log = new CompactLog(options);
  const s = log.strings;
  const event = (seq: number, activity: string, objects: [string, string][]) => {
    log.beginEvent(seq, seq * 60_000, s.intern(activity), kindCode.none, 0, -1);
    for (const [id, type] of objects) log.addRelation(log.object(id, type), s.intern(type), Number.NaN);
  };
  event(1, 'Order received', [['order:A', 'order'], ['order_line:A-1', 'order_line']]);
  event(2, 'Order received', [['order:B', 'order']]);
  // The exception is named before its order, the shipment after.
  event(3, 'Exception raised', [['exception:X', 'exception'], ['order:B', 'order'], ['shipment:S', 'shipment']]);
  event(4, 'Exception closed', [['exception:X', 'exception']]);
  event(5, 'Shipments merged', [['order:A', 'order'], ['order:B', 'order'], ['order:A', 'order']]);
  event(6, 'Inventory synced', [['location:L', 'location']]);
  event(7, 'Shipment confirmed', [['shipment:S', 'shipment'], ['order:A', 'order']]);
  return log;
}

test("each event's order is kept beside it: one order's ordinal, none, or several", () => {
  const log = logOfOrders();
  assert.equal(log.strings.values[log.orderType], 'order');
  // 1 + ordinal; 0 none; -1 several.
  assert.deepEqual([...log.eventOrder.subarray(0, log.events)], [1, 2, 2, 0, -1, 0, 1]);
  assert.deepEqual(
    Array.from({ length: log.events }, (_, e) => log.firstOrderOf(e)),
    [0, 1, 1, -1, 0, -1, 0],
  );
});

test('each object keeps the first order it was named beside, whether named before or after it', () => {
  const log = logOfOrders();
  const orderOf = (id: string, type: string) => log.objectOrder[log.object(id, type)]! - 1;
  assert.equal(orderOf('order_line:A-1', 'order_line'), 0);
  assert.equal(orderOf('exception:X', 'exception'), 1, 'named before order B in its event');
  assert.equal(orderOf('shipment:S', 'shipment'), 1, 'named with B first, with A later');
  assert.equal(orderOf('location:L', 'location'), -1, 'never beside an order');
});

test('a shared log carries the columns to a worker view', () => {
  const log = logOfOrders({ shared: true });
  const view = CompactLog.fromShared(log.share());
  assert.deepEqual([...view.eventOrder.subarray(0, view.events)], [...log.eventOrder.subarray(0, log.events)]);
  assert.deepEqual([...view.objectOrder.subarray(0, view.objects)], [...log.objectOrder.subarray(0, log.objects)]);
  assert.equal(view.firstOrderOf(4), 0);
  // The activities in the order they first occur, each once.
  const activities = ['Order received', 'Exception raised', 'Exception closed', 'Shipments merged', 'Inventory synced', 'Shipment confirmed'];
  assert.deepEqual(log.activities.map((a) => log.strings.values[a]), activities);
  assert.deepEqual(view.activities.map((a) => view.strings.values[a]), activities);
});

test('the order map steps an event naming several orders once for each, as the map of any other type does', () => {
  const map = processMapOfLog(logOfOrders(), 'order', 0, Number.MAX_SAFE_INTEGER, { rank: 'total', limit: 10 });
  const edge = (from: string, to: string) => map.edges.find((e) => e.from === from && e.to === to)?.count ?? 0;
  assert.equal(map.events, 5, 'events naming an order; the merge counts once');
  assert.equal(edge('Order received', 'Shipments merged'), 1, 'order A');
  assert.equal(edge('Exception raised', 'Shipments merged'), 1, 'order B');
  assert.equal(edge('Shipments merged', 'Shipment confirmed'), 1, 'order A');
});

test('objects are numbered once by id, whatever their id looks like, across the index’s maps', () => {
  const log = new CompactLog();
  const ids: Array<[string, string]> = [];
  for (let n = 0; n < 20_000; n++) {
    const uuid = `0190c4d2-7a1b-7000-8000-${n.toString(16).padStart(12, '0')}`;
    ids.push([`order:${uuid}`, 'order'], [`order_line:${uuid}#${(n % 12) + 1}`, 'order_line'], [`item:SKU-${n}`, 'item'], [`x${n}`, 'other']);
  }
  const numbers = ids.map(([id, type]) => log.object(id, type));
  assert.equal(new Set(numbers).size, ids.length, 'a number each');
  assert.equal(log.objects, ids.length);
  ids.forEach(([id, type], i) => assert.equal(log.object(id, type), numbers[i], id));
  assert.equal(log.objects, ids.length, 'found again, not registered again');
  assert.deepEqual([log.idOf(numbers[5]!), log.typeOf(numbers[5]!)], ids[5]);
});

test('typedBytes counts each buffer reachable from a structure once, whole', () => {
  const shared = new Float64Array(8);
  const structure = { times: shared, ints: new Int32Array(shared.buffer), list: [new Uint8Array(100), { deeper: new Int32Array(10) }], ignored: new Map([[1, new Uint8Array(1_000)]]) };
  assert.equal(typedBytes(structure), 64 + 100 + 40);
  assert.equal(typedBytes([structure, structure]), 64 + 100 + 40, 'the same buffers reached twice count once');
});
