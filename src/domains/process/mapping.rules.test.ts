import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventMappings, mapEvent, subjectObject, type SourceEnvelope } from './mapping.rules.ts';
import { EVENT_EXCHANGE, EVENT_FAILURE, EVENT_MANUAL } from './process.types.ts';

const envelope = (type: string, subject: string, data: unknown): SourceEnvelope => ({ id: 'e1', type, source: '/test', subject, time: '2026-01-05T10:00:00.000Z', sequence: '42', data });
const map = (type: string, subject: string, data: unknown) => mapEvent(envelope(type, subject, data), { segmentOf: (code) => (code === 'C1' ? 'gold' : undefined) });
const relations = (e: ReturnType<typeof map>) => e.relations.map((r) => `${r.objectId} ${r.qualifier}${r.quantity === undefined ? '' : ` ${r.quantity}`}`);

test('an order received relates the order, its channel, customer, lines and items, and sets their attributes', () => {
  const e = map('crossdock.order.received', 'order:O1', {
    order: { id: 'O1', channel: 'EDI', customerCode: 'C1', externalOrderNumber: '850-1', state: 'validated', lines: [{ lineNumber: 1, sku: 'SKU-1', orderedQuantity: 12 }, { lineNumber: 2, sku: 'SKU-2', orderedQuantity: 3 }] },
  });
  assert.deepEqual([e.id, e.seq, e.activity, e.kind, e.flags, e.integrationSource, e.timeMs], ['e1', 42, 'Order received', 'order_received', EVENT_EXCHANGE, 'channel:EDI', Date.UTC(2026, 0, 5, 10)]);
  assert.deepEqual(relations(e), ['order:O1 order', 'channel:EDI channel', 'customer:C1 customer', 'order_line:O1#1 line 12', 'item:SKU-1 item', 'order_line:O1#2 line 3', 'item:SKU-2 item']);
  const changes = e.changes.map((c) => `${c.objectId}.${c.name}=${c.value}`);
  assert.ok(changes.includes('order:O1.state=validated') && changes.includes('customer:C1.segment=gold') && changes.includes('order_line:O1#2.orderedQuantity=3'), changes.join('\n'));
  assert.deepEqual(e.links.filter((l) => l.objectType === 'order_line').map((l) => `${l.objectId} ${l.qualifier} ${l.targetId}`), [
    'order_line:O1#1 part of order:O1',
    'order_line:O1#1 item item:SKU-1',
    'order_line:O1#2 part of order:O1',
    'order_line:O1#2 item item:SKU-2',
  ]);
  assert.deepEqual(e.attributes, { channel: 'EDI', externalOrderNumber: '850-1', lineCount: 2, units: 15, eventType: 'crossdock.order.received', source: '/test' });
});

test('a shipment confirmation relates shipment, order, request, location and the lines shipped with their units', () => {
  const e = map('crossdock.shipment.confirmed', 'order:O1', {
    orderId: 'O1',
    shipment: { id: 'S1', orderId: 'O1', fulfillmentRequestId: 'R1', locationCode: 'DC-EAST', shipmentNumber: 'N1', shippedAt: '2026-01-05T09:00:00.000Z', lines: [{ lineNumber: 1, quantity: 5 }], shortShipped: [{ lineNumber: 2, quantity: 1, handling: 'backorder' }] },
  });
  assert.deepEqual([e.kind, e.integrationSource], ['shipment_confirmed', 'warehouse:DC-EAST']);
  assert.deepEqual(relations(e), ['shipment:S1 shipment', 'order:O1 order', 'fulfillment_request:R1 request', 'location:DC-EAST shipped from', 'order_line:O1#1 shipped 5', 'order_line:O1#2 short shipped 1']);
});

test('the header state moves with every order event that names one; allocation records what stays backordered', () => {
  const e = map('crossdock.order.partially_allocated', 'order:O1', { orderId: 'O1', from: 'validated', to: 'partially_allocated', lines: [{ lineNumber: 1, allocated: 4, backordered: 2 }] });
  assert.deepEqual(e.changes.map((c) => `${c.objectId}.${c.name}=${c.value}`), ['order:O1.state=partially_allocated', 'order_line:O1#1.backorderedQuantity=2']);
  assert.deepEqual(relations(e), ['order:O1 order', 'order_line:O1#1 allocated 4']);
});

test('a person resolving a hold, cancelling or acting on an exception is flagged as manual; rules are not', () => {
  assert.equal(map('crossdock.order.hold_released', 'order:O1', { orderId: 'O1', hold: { resolvedBy: 'key:k1' } }).flags & EVENT_MANUAL, EVENT_MANUAL);
  assert.equal(map('crossdock.order.hold_released', 'order:O1', { orderId: 'O1', hold: { resolvedBy: 'rule:credit' } }).flags & EVENT_MANUAL, 0);
  assert.equal(map('crossdock.order.cancelled', 'order:O1', { orderId: 'O1', by: 'key:k1' }).flags & EVENT_MANUAL, EVENT_MANUAL);
  assert.equal(map('crossdock.order.cancelled', 'order:O1', { orderId: 'O1', shipmentId: 'S1' }).flags & EVENT_MANUAL, 0);
  assert.equal(map('crossdock.exception.claimed', 'exception:X1', { exception: { id: 'X1' } }).flags & EVENT_MANUAL, EVENT_MANUAL);
});

test('an exception about an order line is related to the line and to its order, with its stage', () => {
  const e = map('crossdock.exception.raised', 'exception:X1', {
    exceptionId: 'X1',
    exception: { id: 'X1', type: 'stock_shortage', subject: { type: 'order_line', id: 'O1:2' }, related: [{ type: 'item', id: 'SKU-1' }], state: 'open', rootCause: { code: 'no_stock' }, ownerRole: 'planner', queueRole: 'planner' },
  });
  assert.deepEqual(relations(e), ['exception:X1 exception', 'order_line:O1#2 subject', 'order:O1 order', 'item:SKU-1 related']);
  assert.ok(e.changes.some((c) => c.name === 'stage' && c.value === 'allocation'));
  assert.equal(e.kind, 'exception_raised');
});

test('an unknown event type is still logged, as its type, related to its subject; a failure by its name', () => {
  const e = map('crossdock.webhook.delivered', 'webhook:W1', { anything: true });
  assert.deepEqual([e.activity, e.kind, e.flags, relations(e)], ['webhook.delivered', 'none', 0, ['webhook:W1 subject']]);
  const failed = map('crossdock.webhook.delivery_failed', 'webhook:W1', {});
  assert.deepEqual([failed.flags, failed.integrationSource], [EVENT_FAILURE, 'webhook:W1']);
  assert.deepEqual(relations(map('crossdock.something.odd', 'no prefix here', null)), ['subject:no prefix here subject']);
});

test('data that does not have the expected shape degrades the log, never the delivery', () => {
  for (const type of Object.keys(eventMappings)) {
    for (const data of [null, 'text', 7, [], { order: 'x', lines: 'y', hold: 3, shipment: [], invoice: null, exception: 'e' }]) {
      const e = map(type, 'order:O9', data);
      assert.ok(e.relations.length > 0, `${type} with ${JSON.stringify(data)} relates something`);
    }
  }
});

test('the mapping is pure: the same envelope maps to the same event', () => {
  const data = { order: { id: 'O1', channel: 'EDI', customerCode: 'C1', lines: [{ lineNumber: 1, sku: 'A', orderedQuantity: 1 }] } };
  assert.deepEqual(map('crossdock.order.received', 'order:O1', data), map('crossdock.order.received', 'order:O1', data));
});

test('every mapped type has its own activity name', () => {
  const activities = Object.values(eventMappings).map((m) => m.activity);
  assert.equal(new Set(activities).size, activities.length);
});

test('subjects name their objects', () => {
  assert.deepEqual(
    ['order:1', 'fulfillment:2', 'item/SKU-1@DC-EAST', 'source:WMS', 'purchase_order:3', 'inventory/availability', 'plain'].map(subjectObject),
    [
      { type: 'order', key: '1' },
      { type: 'fulfillment_request', key: '2' },
      { type: 'item', key: 'SKU-1' },
      { type: 'inventory_source', key: 'WMS' },
      { type: 'purchase_order', key: '3' },
      { type: 'inventory', key: 'availability' },
      { type: 'subject', key: 'plain' },
    ],
  );
});
