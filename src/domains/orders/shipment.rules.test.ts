import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyShipment, type ShipmentApplied } from './shipment.rules.ts';
import { testLine, testOrder } from './orders.test-fixtures.ts';
import type { Order, OrderLine } from './orders.types.ts';

const now = '2026-01-02T10:00:00.000Z';
/** A line allocated in full and released to the warehouse, the usual starting point for a shipment. */
const line = (lineNumber: number, overrides: Partial<OrderLine> = {}): OrderLine => testLine(lineNumber, { allocatedQuantity: 10, state: 'released', ...overrides });
const order = (lines: OrderLine[], state: Order['state'] = 'released'): Order => testOrder(state, lines);
const applied = (result: ReturnType<typeof applyShipment>): ShipmentApplied => {
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result;
};
const quantities = (l: OrderLine) => ({ allocated: l.allocatedQuantity, shipped: l.shippedQuantity, backordered: l.backorderedQuantity, cancelled: l.cancelledQuantity, state: l.state });

test('a full shipment ships every line: shipped, header shipped, version moves on', () => {
  const result = applied(applyShipment(order([line(1), line(2, { allocatedQuantity: 4, orderedQuantity: 4 })]), [{ lineNumber: 1, quantity: 10, releasedQuantity: 10 }, { lineNumber: 2, quantity: 4, releasedQuantity: 4 }], 'backorder', now));
  assert.deepEqual([result.event, result.from, result.to], ['ship_completely', 'released', 'shipped']);
  assert.deepEqual(result.order.lines.map(quantities), [
    { allocated: 10, shipped: 10, backordered: 0, cancelled: 0, state: 'shipped' },
    { allocated: 4, shipped: 4, backordered: 0, cancelled: 0, state: 'shipped' },
  ]);
  assert.deepEqual(result.shortShipped, []);
  assert.equal(result.order.version, 4);
  assert.equal(result.order.updatedAt, now);
});

test('one of two warehouses ships: the order is partially shipped, the other line stays released', () => {
  const result = applied(applyShipment(order([line(1), line(2)]), [{ lineNumber: 1, quantity: 10, releasedQuantity: 10 }], 'backorder', now));
  assert.deepEqual([result.event, result.to], ['ship_partially', 'partially_shipped']);
  assert.deepEqual(result.order.lines.map((l) => l.state), ['shipped', 'released']);
  const second = applied(applyShipment(result.order, [{ lineNumber: 2, quantity: 10, releasedQuantity: 10 }], 'backorder', now));
  assert.deepEqual([second.from, second.to], ['partially_shipped', 'shipped']);
});

test('a short ship handles the remainder by policy: backorder, cancel or back to sourcing', () => {
  const shipped = [{ lineNumber: 1, quantity: 7, releasedQuantity: 10 }];
  const backorder = applied(applyShipment(order([line(1)]), shipped, 'backorder', now));
  assert.deepEqual(quantities(backorder.order.lines[0]!), { allocated: 7, shipped: 7, backordered: 3, cancelled: 0, state: 'partially_shipped' });
  assert.deepEqual(backorder.shortShipped, [{ lineNumber: 1, quantity: 3, handling: 'backorder' }]);
  assert.equal(backorder.to, 'partially_shipped');

  const cancel = applied(applyShipment(order([line(1)]), shipped, 'cancel', now));
  assert.deepEqual(quantities(cancel.order.lines[0]!), { allocated: 7, shipped: 7, backordered: 0, cancelled: 3, state: 'shipped' });
  assert.equal(cancel.to, 'shipped', 'what is left wanted has all shipped');

  const resource = applied(applyShipment(order([line(1)]), shipped, 'resource', now));
  assert.deepEqual(quantities(resource.order.lines[0]!), { allocated: 7, shipped: 7, backordered: 0, cancelled: 0, state: 'partially_shipped' });
  assert.equal(resource.to, 'partially_shipped');
});

test('nothing shipped: cancel cancels the order when nothing is left; otherwise the header stays', () => {
  const none = [{ lineNumber: 1, quantity: 0, releasedQuantity: 10 }];
  const cancelled = applied(applyShipment(order([line(1)]), none, 'cancel', now));
  assert.deepEqual([cancelled.event, cancelled.to], ['cancel', 'cancelled']);
  assert.deepEqual(quantities(cancelled.order.lines[0]!), { allocated: 0, shipped: 0, backordered: 0, cancelled: 10, state: 'cancelled' });

  const otherLineOpen = applied(applyShipment(order([line(1), line(2)]), none, 'cancel', now));
  assert.deepEqual([otherLineOpen.event, otherLineOpen.to], [null, 'released']);
  assert.deepEqual(otherLineOpen.order.lines.map((l) => l.state), ['cancelled', 'released']);

  const backordered = applied(applyShipment(order([line(1)]), none, 'backorder', now));
  assert.deepEqual([backordered.event, backordered.to], [null, 'released']);
  assert.deepEqual(quantities(backordered.order.lines[0]!), { allocated: 0, shipped: 0, backordered: 10, cancelled: 0, state: 'backordered' });
});

test('over-shipment and unknown lines are refused and change nothing', () => {
  const before = order([line(1)]);
  const over = applyShipment(before, [{ lineNumber: 1, quantity: 11, releasedQuantity: 10 }], 'backorder', now);
  assert.deepEqual(over.ok ? null : [over.reason, over.lineNumber], ['over_shipment', 1]);
  const twice = applyShipment(before, [{ lineNumber: 1, quantity: 5, releasedQuantity: 10 }, { lineNumber: 1, quantity: 5, releasedQuantity: 10 }], 'backorder', now);
  assert.equal(twice.ok ? null : twice.reason, 'over_shipment');
  const unknown = applyShipment(before, [{ lineNumber: 9, quantity: 1, releasedQuantity: 1 }], 'backorder', now);
  assert.deepEqual(unknown.ok ? null : [unknown.reason, unknown.lineNumber], ['unknown_line', 9]);
  assert.deepEqual(before.lines[0], line(1), 'the order given is never modified');
});

test('a cancelled order cannot ship; the lifecycle says why', () => {
  const result = applyShipment(order([line(1, { allocatedQuantity: 0, cancelledQuantity: 10, state: 'cancelled' })], 'cancelled'), [{ lineNumber: 1, quantity: 0, releasedQuantity: 0 }], 'backorder', now);
  assert.equal(result.ok ? null : result.reason, 'terminal_state');
});

test('a confirmation that would ship more than is allocated breaks I7 and throws', () => {
  // The request claims 10 released, but the line holds only 5 allocated: a bug upstream, not a business outcome.
  assert.throws(() => applyShipment(order([line(1, { allocatedQuantity: 5 })]), [{ lineNumber: 1, quantity: 10, releasedQuantity: 10 }], 'backorder', now), /invariant violated.*exceeds allocated/);
});
