import { test } from 'node:test';
import assert from 'node:assert/strict';
import { creditReleaseVerdict, openCreditHolds, resolveHold } from './holds.rules.ts';
import { testHold, testLine, testOrder } from './orders.test-fixtures.ts';

const now = '2026-01-02T10:00:00.000Z';

test('a hold resolves once: ok, then already_resolved; an unknown hold is not_found', () => {
  const start = testOrder('validated', [testLine(1), testLine(2)], [testHold('h1', 'credit'), testHold('h2', 'pricing')]);
  const first = resolveHold(start, 'h1', 'released', 'rule:credit', now);
  assert.equal(first.result, 'ok');
  if (first.result !== 'ok') return;
  assert.deepEqual([first.hold.resolvedAt, first.hold.resolution, first.hold.resolvedBy], [now, 'released', 'rule:credit']);
  assert.deepEqual(first.order.holds.map((h) => h.resolution ?? 'open'), ['released', 'open']);
  assert.equal(first.order.version, 4);
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
