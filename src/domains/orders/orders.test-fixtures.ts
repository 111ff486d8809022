import type { Hold, Order, OrderLine } from './orders.types.ts';

/**
 * Orders and lines for the pure-rule tests, built in memory with no store behind them. Each test file
 * starts from these and overrides only the fields its case is about, so a reader sees what matters
 * to the test rather than the whole shape of an order.
 */

/** The id every test order carries, for assertions that quote it back in a message. */
export const testOrderId = '019b76da-a800-7008-b590-6be31a34885b';

/** When every test order was received and last updated; a rule that changes one stamps its own time. */
export const testOrderReceivedAt = '2026-01-01T00:00:00.000Z';

/** The version a test order starts at, so tests can say that a change moves it on by one. */
export const testOrderVersion = 3;

/**
 * A line ordered for 10 units of `SKU-<lineNumber>` at 1.00 each with nothing yet allocated, shipped,
 * invoiced or cancelled; `overrides` sets the quantities and state the test needs.
 */
export function testLine(lineNumber: number, overrides: Partial<OrderLine> = {}): OrderLine {
  return {
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
    ...overrides,
  };
}

/** An EDI order in `state` with the given lines and holds; `overrides` sets any other header field. */
export function testOrder(state: Order['state'], lines: OrderLine[], holds: Hold[] = [], overrides: Partial<Order> = {}): Order {
  return {
    id: testOrderId,
    channel: 'EDI',
    externalOrderNumber: 'PO-1',
    customerCode: 'C1',
    currency: 'USD',
    state,
    lines,
    holds,
    receivedAt: testOrderReceivedAt,
    updatedAt: testOrderReceivedAt,
    version: testOrderVersion,
    ...overrides,
  };
}

/**
 * An open hold placed when the test order was received, owned by finance when it is a credit hold
 * and by customer service otherwise; `overrides` resolves it or changes its reason.
 */
export function testHold(id: string, type: Hold['type'], overrides: Partial<Hold> = {}): Hold {
  return {
    id,
    type,
    ownerRole: type === 'credit' ? 'finance' : 'customer_service',
    reasonCode: 'over_credit_limit',
    reason: 'test',
    placedAt: testOrderReceivedAt,
    slaDueAt: '2026-01-01T04:00:00.000Z',
    ...overrides,
  };
}
