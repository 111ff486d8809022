import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCancellation } from './cancel.rules.ts';
import type { Order, OrderLine } from './orders.types.ts';

const line = (lineNumber: number, q: Partial<OrderLine> = {}): OrderLine => ({
  lineNumber,
  sku: `SKU-${lineNumber}`,
  orderedUnit: 'EA',
  orderedUnitQuantity: 10,
  orderedQuantity: 10,
  allocatedQuantity: 0,
  backorderedQuantity: 0,
  shippedQuantity: 0,
  invoicedQuantity: 0,
  cancelledQuantity: 0,
  unitPriceMinor: 100,
  state: 'open',
  ...q,
});
const order = (state: Order['state'], lines: OrderLine[], holds: Order['holds'] = []): Order => ({
  id: 'o1',
  channel: 'WEB',
  externalOrderNumber: 'X',
  customerCode: 'C',
  shipToCode: 'ST',
  currency: 'USD',
  state,
  lines,
  holds,
  receivedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 3,
});
const now = '2026-01-02T00:00:00.000Z';

test('cancelling a whole order before anything shipped cancels it, gives back what was held and closes its holds', () => {
  const hold = { id: 'h1', type: 'pricing' as const, ownerRole: 'customer_service' as const, reasonCode: 'price_variance', reason: 'x', placedAt: now, slaDueAt: now };
  const result = applyCancellation(order('allocated', [line(1, { allocatedQuantity: 10, state: 'allocated' }), line(2, { allocatedQuantity: 4, backorderedQuantity: 6, state: 'partially_allocated' })], [hold]), 'all', now);
  assert.ok(result.ok);
  assert.equal(result.to, 'cancelled');
  assert.deepEqual(result.lines, [
    { lineNumber: 1, cancelledQuantity: 10, releasedQuantity: 10 },
    { lineNumber: 2, cancelledQuantity: 10, releasedQuantity: 4 },
  ]);
  assert.deepEqual(result.order.lines.map((l) => [l.state, l.allocatedQuantity, l.backorderedQuantity, l.cancelledQuantity]), [['cancelled', 0, 0, 10], ['cancelled', 0, 0, 10]]);
  assert.equal(result.order.holds[0]!.resolution, 'rejected');
  assert.equal(result.order.version, 4);
});

test('cancelling one line leaves the header where it is', () => {
  const result = applyCancellation(order('released', [line(1, { allocatedQuantity: 10, state: 'released' }), line(2, { backorderedQuantity: 10, state: 'backordered' })]), [2], now);
  assert.ok(result.ok);
  assert.deepEqual([result.from, result.to], ['released', 'released']);
  assert.equal(result.order.lines[0]!.state, 'released');
  assert.equal(result.order.lines[1]!.state, 'cancelled');
});

test('cancelling the backordered rest of a partly shipped order completes it as shipped', () => {
  const result = applyCancellation(order('partially_shipped', [line(1, { allocatedQuantity: 6, shippedQuantity: 6, backorderedQuantity: 4, state: 'partially_shipped' })]), 'all', now);
  assert.ok(result.ok);
  assert.equal(result.to, 'shipped');
  assert.deepEqual([result.order.lines[0]!.cancelledQuantity, result.order.lines[0]!.state], [4, 'shipped']);
  assert.deepEqual(result.lines, [{ lineNumber: 1, cancelledQuantity: 4, releasedQuantity: 0 }]);
});

test('refusals: an unknown line, nothing left, a terminal order', () => {
  assert.deepEqual(applyCancellation(order('allocated', [line(1)]), [9], now), { ok: false, reason: 'unknown_line', message: 'order o1 has no line 9', lineNumber: 9 });
  const shipped = order('shipped', [line(1, { allocatedQuantity: 10, shippedQuantity: 10, state: 'shipped' })]);
  assert.equal((applyCancellation(shipped, 'all', now) as { reason: string }).reason, 'nothing_to_cancel');
  const cancelled = order('cancelled', [line(1, { cancelledQuantity: 5, state: 'open' })]);
  assert.equal((applyCancellation(cancelled, 'all', now) as { reason: string }).reason, 'terminal_state');
});
