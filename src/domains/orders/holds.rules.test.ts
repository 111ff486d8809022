import { test } from 'node:test';
import assert from 'node:assert/strict';
import { creditReleaseVerdict, openCreditHolds, resolveHold } from './holds.rules.ts';
import type { Hold, Order, OrderLine } from './orders.types.ts';

const now = '2026-01-02T10:00:00.000Z';
const hold = (id: string, type: Hold['type'], fields: Partial<Hold> = {}): Hold => ({
  id,
  type,
  ownerRole: type === 'credit' ? 'finance' : 'customer_service',
  reasonCode: 'over_credit_limit',
  reason: 'test',
  placedAt: '2026-01-01T00:00:00.000Z',
  slaDueAt: '2026-01-01T04:00:00.000Z',
  ...fields,
});
const line = (lineNumber: number, fields: Partial<OrderLine> = {}): OrderLine => ({
  lineNumber,
  sku: `SKU-${lineNumber}`,
  orderedUnit: 'EA',
  orderedUnitQuantity: 5,
  orderedQuantity: 5,
  allocatedQuantity: 0,
  backorderedQuantity: 0,
  shippedQuantity: 0,
  invoicedQuantity: 0,
  cancelledQuantity: 0,
  unitPriceMinor: 100,
  state: 'open',
  ...fields,
});
const order = (holds: Hold[], fields: Partial<Order> = {}): Order => ({
  id: '019b76da-a800-7008-b590-6be31a34885b',
  channel: 'EDI',
  externalOrderNumber: 'PO-1',
  customerCode: 'C1',
  currency: 'USD',
  state: 'validated',
  lines: [line(1), line(2)],
  holds,
  receivedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 2,
  ...fields,
});

test('a hold resolves once: ok, then already_resolved; an unknown hold is not_found', () => {
  const start = order([hold('h1', 'credit'), hold('h2', 'pricing')]);
  const first = resolveHold(start, 'h1', 'released', 'rule:credit', now);
  assert.equal(first.result, 'ok');
  if (first.result !== 'ok') return;
  assert.deepEqual([first.hold.resolvedAt, first.hold.resolution, first.hold.resolvedBy], [now, 'released', 'rule:credit']);
  assert.deepEqual(first.order.holds.map((h) => h.resolution ?? 'open'), ['released', 'open']);
  assert.equal(first.order.version, 3);
  assert.deepEqual(openCreditHolds(first.order), []);

  const second = resolveHold(first.order, 'h1', 'rejected', 'key:someone', now);
  assert.equal(second.result, 'already_resolved');
  assert.equal(resolveHold(first.order, 'nope', 'released', 'key:someone', now).result, 'not_found');
});

test('credit release: within limit and tolerance releases; over it, or an ERP hold the policy honours, does not', () => {
  const policy = { exposureToleranceRatio: 0.1, honourErpHoldFlag: true };
  const position = { openReceivablesMinor: 600, creditLimitMinor: 1000, erpCreditHold: false };
  const cases: Array<[string, Parameters<typeof creditReleaseVerdict>, boolean | string]> = [
    ['exactly at the limit', [position, 300, 100, policy], true],
    ['within the 10% tolerance', [position, 400, 100, policy], true],
    ['one minor unit past the tolerance', [position, 400, 101, policy], 'over_credit_limit'],
    ['the ERP flag, honoured', [{ ...position, erpCreditHold: true }, 0, 100, policy], 'erp_credit_hold'],
    ['the ERP flag, not honoured', [{ ...position, erpCreditHold: true }, 0, 100, { ...policy, honourErpHoldFlag: false }], true],
    ['unapplied credit (negative receivables) makes room', [{ ...position, openReceivablesMinor: -500 }, 1200, 300, { ...policy, exposureToleranceRatio: 0 }], true],
  ];
  for (const [name, args, expected] of cases) {
    const verdict = creditReleaseVerdict(...args);
    assert.equal(verdict.release ? true : verdict.reasonCode, expected, name);
    assert.equal(verdict.exposureMinor, args[0].openReceivablesMinor + args[1] + args[2], name);
  }
});
