import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCancellation } from './cancel.rules.ts';
import { testHold, testLine, testOrder, testOrderId } from './orders.test-fixtures.ts';

const now = '2026-01-02T00:00:00.000Z';

test('cancelling a whole order before anything shipped cancels it, gives back what was held and closes its holds', () => {
  const hold = testHold('h1', 'pricing', { reasonCode: 'price_variance' });
  const result = applyCancellation(testOrder('allocated', [testLine(1, { allocatedQuantity: 10, state: 'allocated' }), testLine(2, { allocatedQuantity: 4, backorderedQuantity: 6, state: 'partially_allocated' })], [hold]), 'all', now);
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
  const result = applyCancellation(testOrder('released', [testLine(1, { allocatedQuantity: 10, state: 'released' }), testLine(2, { backorderedQuantity: 10, state: 'backordered' })]), [2], now);
  assert.ok(result.ok);
  assert.deepEqual([result.from, result.to], ['released', 'released']);
  assert.equal(result.order.lines[0]!.state, 'released');
  assert.equal(result.order.lines[1]!.state, 'cancelled');
});

test('cancelling the backordered rest of a partly shipped order completes it as shipped', () => {
  const result = applyCancellation(testOrder('partially_shipped', [testLine(1, { allocatedQuantity: 6, shippedQuantity: 6, backorderedQuantity: 4, state: 'partially_shipped' })]), 'all', now);
  assert.ok(result.ok);
  assert.equal(result.to, 'shipped');
  assert.deepEqual([result.order.lines[0]!.cancelledQuantity, result.order.lines[0]!.state], [4, 'shipped']);
  assert.deepEqual(result.lines, [{ lineNumber: 1, cancelledQuantity: 4, releasedQuantity: 0 }]);
});

test('refusals: an unknown line, nothing left, a terminal order', () => {
  assert.deepEqual(applyCancellation(testOrder('allocated', [testLine(1)]), [9], now), { ok: false, reason: 'unknown_line', message: `order ${testOrderId} has no line 9`, lineNumber: 9 });
  const shipped = testOrder('shipped', [testLine(1, { allocatedQuantity: 10, shippedQuantity: 10, state: 'shipped' })]);
  assert.equal((applyCancellation(shipped, 'all', now) as { reason: string }).reason, 'nothing_to_cancel');
  const cancelled = testOrder('cancelled', [testLine(1, { cancelledQuantity: 5, state: 'open' })]);
  assert.equal((applyCancellation(cancelled, 'all', now) as { reason: string }).reason, 'terminal_state');
});
