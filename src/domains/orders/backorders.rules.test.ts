import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateBackorderAvailability, rankBackorders, waitingLinesOf, type WaitingBackorder } from './backorders.rules.ts';
import { testLine, testOrder } from './orders.test-fixtures.ts';
import { defaultSourcingPolicy } from './sourcing.policy.ts';

const nowMs = Date.parse('2026-01-10T00:00:00.000Z');
const line = (orderId: string, customerCode: string, receivedAt: string, promiseDate: string | null = null): WaitingBackorder => ({
  orderId,
  externalOrderNumber: orderId,
  customerCode,
  channel: 'WEB',
  orderState: 'backordered',
  lineNumber: 1,
  sku: 'A',
  waitingQuantity: 5,
  promiseDate,
  receivedAt,
});
const tiers: Record<string, string> = { big: 'strategic', small: 'standard', tiny: 'occasional' };

test('tier outranks age: a strategic customer’s newer order goes before a standard customer’s older one', () => {
  const ranked = rankBackorders([line('old-standard', 'small', '2026-01-01T00:00:00Z'), line('new-strategic', 'big', '2026-01-09T00:00:00Z')], (c) => tiers[c]!, nowMs, defaultSourcingPolicy);
  assert.deepEqual(ranked.map((r) => [r.orderId, r.tier, r.priority]), [
    ['new-strategic', 'strategic', 41],
    ['old-standard', 'standard', 29],
  ]);
});

test('a promise date due now lifts an order; equal priority goes to the older order, then the lower id', () => {
  const ranked = rankBackorders(
    [
      line('b', 'tiny', '2026-01-09T00:00:00Z'),
      line('a', 'tiny', '2026-01-09T00:00:00Z'),
      line('due', 'tiny', '2026-01-09T12:00:00Z', '2026-01-10'),
      line('older', 'tiny', '2026-01-09T00:00:00Z'),
    ].map((l, i) => (l.orderId === 'older' ? { ...l, receivedAt: '2026-01-08T23:00:00Z' } : l.orderId === 'b' ? { ...l, lineNumber: i } : l)),
    (c) => tiers[c]!,
    nowMs,
    defaultSourcingPolicy,
  );
  assert.deepEqual(ranked.map((r) => r.orderId), ['due', 'older', 'a', 'b']);
});

test('a waiting line carries the zone its goods go to, and its promise date ends at midnight there', () => {
  const waiting = testOrder('backordered', [testLine(1, { backorderedQuantity: 10, state: 'backordered' })], [], { shipToCode: 'LA', requestedDeliveryDate: '2026-01-10' });
  const customer = { shipTos: [{ code: 'LA', name: 'West', address: { line1: '1 Ave', city: 'Los Angeles', region: 'CA', postalCode: '90001', country: 'US' }, timezone: 'America/Los_Angeles' }] };
  const [west] = waitingLinesOf(waiting, undefined, customer);
  const [utc] = waitingLinesOf(waiting, undefined, undefined);
  assert.deepEqual([west!.promiseDate, west!.timeZone, utc!.timeZone], ['2026-01-10', 'America/Los_Angeles', undefined]);
  // At 02:00 UTC on the 10th the day ends within 24 hours in UTC, after 24 in Los Angeles (PST).
  const night = Date.parse('2026-01-10T02:00:00Z');
  const [utcPriority, westPriority] = [utc!, west!].map((w) => rankBackorders([w], () => 'standard', night, defaultSourcingPolicy)[0]!.priority);
  assert.equal(utcPriority! - westPriority!, 2);
});

test('waiting lines in rank order take usable stock, then each arrival in time order; a line the known supply cannot complete has no estimate', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  const supply = {
    availableNow: 5,
    arrivals: [
      { atMs: Date.parse('2026-01-09T00:00:00Z'), quantity: 4, reference: 'po:LATE' },
      { atMs: Date.parse('2026-01-12T00:00:00Z'), quantity: 10, reference: 'po:P-1' },
      { atMs: Date.parse('2026-01-15T00:00:00Z'), quantity: 3, reference: 'transfer:T-1' },
    ],
  };
  const estimates = estimateBackorderAvailability([3, 2, 4, 9, 4, 1].map((waitingQuantity) => ({ waitingQuantity })), supply, now);
  assert.deepEqual(
    estimates.map((e) => [e.expectedAvailableAtMs === null ? null : new Date(e.expectedAvailableAtMs).toISOString().slice(0, 10), e.coveredBy]),
    [
      ['2026-01-10', 'stock'], // 3 of the 5 usable now
      ['2026-01-10', 'stock'], // the other 2
      ['2026-01-09', 'po:LATE'], // a late arrival keeps its date: it is overdue, not "now"
      ['2026-01-12', 'po:P-1'], // 9 of P-1's 10
      ['2026-01-15', 'transfer:T-1'], // P-1's last unit and T-1's 3
      [null, null], // nothing is left
    ],
  );
  assert.deepEqual(estimateBackorderAvailability([{ waitingQuantity: 1 }], { availableNow: -3, arrivals: [] }, now), [{ expectedAvailableAtMs: null, coveredBy: null }], 'stock below zero is none');
});
