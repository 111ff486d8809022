import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyClose, applyInvoice, uninvoiced } from './invoice.rules.ts';
import { testLine, testOrder } from './orders.test-fixtures.ts';
import type { Order, OrderLine } from './orders.types.ts';

const now = '2026-01-03T10:00:00.000Z';
/** A line shipped in full at 2.50 a unit and not yet billed, the usual starting point for invoicing. */
const line = (lineNumber: number, overrides: Partial<OrderLine> = {}): OrderLine =>
  testLine(lineNumber, { allocatedQuantity: 10, shippedQuantity: 10, unitPriceMinor: 250, state: 'shipped', ...overrides });
const order = (lines: OrderLine[], state: Order['state'] = 'shipped'): Order => testOrder(state, lines);

test('billing everything shipped moves a shipped order to invoiced and its lines with it', () => {
  const result = applyInvoice(order([line(1), line(2, { shippedQuantity: 4, orderedQuantity: 4, allocatedQuantity: 4 })]), [{ lineNumber: 1, quantity: 10 }, { lineNumber: 2, quantity: 4 }], now);
  assert.ok(result.ok);
  assert.deepEqual(result.moved, { from: 'shipped', to: 'invoiced' });
  assert.equal(result.order.state, 'invoiced');
  assert.deepEqual(result.order.lines.map((l) => [l.invoicedQuantity, l.state]), [[10, 'invoiced'], [4, 'invoiced']]);
  assert.deepEqual([result.order.version, result.order.updatedAt], [4, now]);
});

test('a partial bill raises the invoiced quantity and leaves the header where it is', () => {
  const result = applyInvoice(order([line(1), line(2)]), [{ lineNumber: 1, quantity: 10 }], now);
  assert.ok(result.ok);
  assert.equal(result.moved, null);
  assert.equal(result.order.state, 'shipped');
  assert.deepEqual(result.order.lines.map((l) => [l.invoicedQuantity, l.state]), [[10, 'invoiced'], [0, 'shipped']]);
  // The rest, billed later, completes it.
  const rest = applyInvoice(result.order, [{ lineNumber: 2, quantity: 10 }], now);
  assert.ok(rest.ok);
  assert.deepEqual(rest.moved, { from: 'shipped', to: 'invoiced' });
});

test('a partially shipped order is billed for what shipped, and its header does not move', () => {
  const partly = order([line(1, { shippedQuantity: 6, state: 'partially_shipped' }), line(2, { shippedQuantity: 0, state: 'released' })], 'partially_shipped');
  const result = applyInvoice(partly, [{ lineNumber: 1, quantity: 6 }], now);
  assert.ok(result.ok);
  assert.equal(result.moved, null);
  assert.equal(result.order.state, 'partially_shipped');
  assert.deepEqual(result.order.lines.map((l) => [l.invoicedQuantity, l.state]), [[6, 'partially_shipped'], [0, 'released']]);
});

test('never more than shipped: a bill beyond shipped less invoiced is refused whole, nothing applied', () => {
  const start = order([line(1, { invoicedQuantity: 7 }), line(2)]);
  const cases: Array<[Array<{ lineNumber: number; quantity: number }>, string]> = [
    [[{ lineNumber: 1, quantity: 4 }], 'exceeds_shipped'],
    // Split across two entries of the same line, the sum still counts.
    [[{ lineNumber: 2, quantity: 6 }, { lineNumber: 2, quantity: 5 }], 'exceeds_shipped'],
    [[{ lineNumber: 2, quantity: 1 }, { lineNumber: 1, quantity: 3 }, { lineNumber: 9, quantity: 1 }], 'unknown_line'],
    [[{ lineNumber: 2, quantity: 0 }], 'nothing_to_invoice'],
    [[], 'nothing_to_invoice'],
  ];
  for (const [billed, reason] of cases) {
    const result = applyInvoice(start, billed, now);
    assert.equal(result.ok, false, JSON.stringify(billed));
    assert.equal(result.ok ? '' : result.reason, reason, JSON.stringify(billed));
  }
  assert.deepEqual(start.lines.map(uninvoiced), [3, 10], 'the input order is not touched');
});

test('an invoiced order closes: header closed, billed lines closed; any other state is refused', () => {
  const invoiced = order([line(1, { invoicedQuantity: 10, state: 'invoiced' }), line(2, { orderedQuantity: 3, shippedQuantity: 0, allocatedQuantity: 0, cancelledQuantity: 3, state: 'cancelled' })], 'invoiced');
  const closed = applyClose(invoiced, now);
  assert.ok(closed);
  assert.deepEqual([closed.from, closed.to, closed.order.state, closed.order.version], ['invoiced', 'closed', 'closed', 4]);
  assert.deepEqual(closed.order.lines.map((l) => l.state), ['closed', 'cancelled']);
  assert.equal(applyClose(order([line(1)]), now), null, 'a shipped order is not closed before it is invoiced');
  assert.equal(applyClose(closed.order, now), null, 'closed is final');
});
