import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAssumptions, runBaseline, type BaselineInput } from '../../src/simulation/baseline.model.ts';
import { computeMetrics, HOUR_MS, inBusinessHours } from '../../src/simulation/baseline.rules.ts';
import { compareWithBaseline } from '../../src/simulation/baseline.ts';
import { SIMULATION_START_MS } from '../../src/simulation/run.ts';

/**
 * The disconnected baseline: the pure model on a hand-built demand with a worked answer, and one
 * small comparison against the hub on the same seeded demand.
 */
const start = SIMULATION_START_MS; // Monday 06:00 UTC; syncs at 08:00, 10:00, …
const noDamage = { ...defaultAssumptions, damageRate: 0 };

test('two orders for the same units are both promised by the stale desk: one oversell, release waits for the sync', () => {
  const input: BaselineInput = {
    seed: 1,
    startMs: start,
    endMs: start + 24 * HOUR_MS,
    locations: ['DC-A'],
    openingStock: [{ location: 'DC-A', sku: 'X', quantity: 10 }],
    receipts: [],
    orders: [
      { id: 'o1', channel: 'WEB', receivedAtMs: start + 1 * HOUR_MS, lines: [{ sku: 'X', quantity: 8 }] },
      { id: 'o2', channel: 'WEB', receivedAtMs: start + 1.5 * HOUR_MS, lines: [{ sku: 'X', quantity: 8 }] },
    ],
  };
  const { orders, exceptions } = runBaseline(input, noDamage);
  const [o1, o2] = orders;
  // Both are promised against the 06:00 picture of 10 units; neither is reserved.
  assert.deepEqual(o1!.lines, [{ sku: 'X', ordered: 8, released: 8, shipped: 8 }]);
  assert.deepEqual(o2!.lines, [{ sku: 'X', ordered: 8, released: 8, shipped: 2 }], 'the second pick finds 2 of the 8 promised units');
  // Released in the 08:00 batch: 1 h and 0.5 h after they were received.
  assert.equal(o1!.releasedAtMs, start + 2 * HOUR_MS);
  assert.equal(o2!.releasedAtMs, start + 2 * HOUR_MS);
  for (const o of orders) {
    assert.ok(o.lastShippedAtMs! >= o.releasedAtMs! + 40 * 60_000, 'picked 10–90 min and shipped 30–180 min after release');
    assert.ok(o.invoicedAtMs! > o.lastShippedAtMs! && (o.invoicedAtMs! - start) % (2 * HOUR_MS) === 0 && inBusinessHours(o.invoicedAtMs!), 'invoiced by a business-hours sync after shipping');
  }
  assert.deepEqual(exceptions.map((e) => e.type), ['short_shipment'], 'the short ship is noticed at a sync and handled by a clerk');

  const m = computeMetrics(orders, exceptions, input.endMs, input.endMs);
  assert.equal(m.oversoldOrders, 1);
  assert.equal(m.oversoldLines, 1);
  assert.equal(m.oversoldUnits, 6);
  assert.deepEqual(m.orderToReleaseHours, { count: 2, p50: 0.5, p90: 1 });
  assert.equal(m.fillRateLines, 0.5);
  assert.equal(m.fillRateUnits, 0.625);
  assert.equal(m.touchlessRate, 1);
});

test('a line the stale picture cannot cover waits for a clerk in business hours, who promises what the picture then shows', () => {
  // Saturday 2026-03-07 10:00: the clerks are back on Monday at 08:00.
  const saturday = Date.UTC(2026, 2, 7, 10);
  const input: BaselineInput = {
    seed: 2,
    startMs: start,
    endMs: start + 8 * 24 * HOUR_MS,
    locations: ['DC-A'],
    openingStock: [{ location: 'DC-A', sku: 'X', quantity: 5 }],
    receipts: [],
    orders: [{ id: 'o1', channel: 'WEB', receivedAtMs: saturday, lines: [{ sku: 'X', quantity: 8 }] }],
  };
  const { orders, exceptions } = runBaseline(input, noDamage);
  const shortage = exceptions[0]!;
  assert.equal(shortage.type, 'stock_shortage');
  const monday8 = Date.UTC(2026, 2, 9, 8);
  assert.ok(shortage.closedAtMs! >= monday8 + 15 * 60_000 && shortage.closedAtMs! <= monday8 + 120 * 60_000, 'handled Monday morning, 15–120 min of work');
  assert.equal(orders[0]!.releasedAtMs, Date.UTC(2026, 2, 9, 10), 'released in the first sync batch after the clerk');
  assert.equal(orders[0]!.touched, true);
  assert.deepEqual(orders[0]!.lines, [{ sku: 'X', ordered: 8, released: 5, shipped: 5 }], 'the clerk promised the 5 the picture showed; the rest is not filled');
});

test('on the same seeded demand the hub does not oversell and the disconnected desk does; every metric is there for both', async () => {
  const report = await compareWithBaseline({ seed: 1, days: 2 });
  for (const side of [report.disconnected, report.crossdock]) {
    assert.ok(side.orders > 100, `orders: ${side.orders}`);
    for (const key of ['fillRateLines', 'fillRateUnits', 'touchlessRate'] as const) assert.equal(typeof side[key], 'number', key);
    for (const key of ['orderToReleaseHours', 'invoiceLatencyHours'] as const) assert.ok(side[key].count > 0 && side[key].p50 !== null && side[key].p90 !== null, key);
    assert.ok(side.exceptionAgingHours.count === side.exceptions);
  }
  assert.equal(report.disconnected.orders, report.crossdock.orders, 'the same orders on both sides');
  assert.equal(report.crossdock.oversoldOrders, 0, JSON.stringify(report.crossdock));
  assert.ok(report.disconnected.oversoldOrders > 0, JSON.stringify(report.disconnected));
});
