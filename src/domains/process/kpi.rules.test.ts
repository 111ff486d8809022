import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLog } from './compact-log.ts';
import { loadFacts } from './facts.rules.ts';
import { computeKpis, unsupportedDimension } from './kpi.rules.ts';
import type { KpiDimension, KpiInterval, KpiName, KpiResult } from './process.types.ts';
import { at, distributorScenario } from './process.test-log.ts';

/** The KPIs of docs/kpis.md on the hand-built distributor scenario of process.test-log.ts, answers worked out per test. */
const built = distributorScenario().build();
const kpi = (name: KpiName, options: { fromHours?: number; toHours?: number; by?: KpiDimension; interval?: KpiInterval } = {}): KpiResult => {
  const [result] = computeKpis(
    { facts: built.facts, events: built.log },
    { kpis: [name], fromMs: at(options.fromHours ?? 0), toMs: at(options.toHours ?? 48), by: options.by, interval: options.interval },
  );
  return result!;
};
const groups = (r: KpiResult) => Object.fromEntries((r.groups ?? []).map((g) => [g.key, g.value]));
const close = (actual: number | null | undefined, expected: number) => assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);

test('order cycle time: received to shipped, for orders shipped in the window', () => {
  // O1 8h, O2 24 − 1 = 23h, O5 42 − 40 = 2h: mean 11; by nearest rank of [2, 8, 23] the median is 8 and p90 23.
  const r = kpi('order_cycle_time');
  assert.deepEqual([r.value, r.count, r.p50, r.p90, r.max, r.unit], [11, 3, 8, 23, 23, 'hours']);
  assert.deepEqual(groups(kpi('order_cycle_time', { by: 'channel' })), { EDI: 5, WEB: 23 });
  assert.deepEqual(groups(kpi('order_cycle_time', { by: 'segment' })), { gold: 5, standard: 23 });
  assert.deepEqual(groups(kpi('order_cycle_time', { by: 'facility' })), { 'DC-EAST': 5, 'DC-WEST': 23 });
  // From 9h, O1 (shipped at 8h) no longer counts.
  assert.deepEqual([kpi('order_cycle_time', { fromHours: 9 }).value, kpi('order_cycle_time', { fromHours: 9 }).count], [12.5, 2]);
});

test('a time series puts each case in the UTC bucket of its anchor time', () => {
  const r = kpi('order_cycle_time', { interval: 'day' });
  assert.deepEqual(
    r.series!.map((b) => [b.start, b.value, b.count]),
    [
      [new Date(at(0)).toISOString(), 8, 1],
      [new Date(at(24)).toISOString(), 12.5, 2],
    ],
  );
  const sliced = kpi('order_cycle_time', { interval: 'day', by: 'channel' });
  assert.deepEqual(sliced.series![1]!.groups!.map((g) => [g.key, g.value]), [['EDI', 2], ['WEB', 23]]);
});

test('order to release: received to first release', () => {
  // O1 2h, O2 7 − 1 = 6h, O5 1h.
  const r = kpi('order_to_release_time');
  assert.deepEqual([r.value, r.count, r.p50, r.p90], [3, 3, 2, 6]);
});

test('fill rate, lines and units, of the orders shipped', () => {
  // O1: line 1 in full, line 2 3 of 5; O2 4 of 4; O5 2 of 2 → lines 3/4, units 19/21.
  const lines = kpi('fill_rate_lines');
  assert.deepEqual([lines.value, lines.numerator, lines.denominator, lines.count], [0.75, 3, 4, 3]);
  const units = kpi('fill_rate_units');
  assert.deepEqual([units.numerator, units.denominator], [19, 21]);
  close(units.value, 19 / 21);
  assert.deepEqual(groups(kpi('fill_rate_lines', { by: 'channel' })), { EDI: 2 / 3, WEB: 1 });
});

test('perfect order rate: on time, in full, no exception, invoiced as shipped', () => {
  // Invoiced: O1 (not in full), O2 (breached its promise date, had an exception), O5 (perfect).
  const r = kpi('perfect_order_rate');
  assert.deepEqual([r.numerator, r.denominator], [1, 3]);
  close(r.value, 1 / 3);
});

test('touchless rate: released with no hold, exception or person acting before release', () => {
  // O1 and O5 untouched; O2 had a credit hold released by a person. A rule cancelling O1's short line
  // after release does not count.
  const r = kpi('touchless_rate');
  assert.deepEqual([r.numerator, r.denominator], [2, 3]);
  assert.deepEqual(groups(kpi('touchless_rate', { by: 'channel' })), { EDI: 1, WEB: 0 });
});

test('exception rate: exceptions raised per order received, by stage, root cause, owner and channel', () => {
  // Three exceptions, five orders.
  const r = kpi('exception_rate');
  assert.deepEqual([r.value, r.numerator, r.denominator, r.unit], [0.6, 3, 5, 'per order']);
  // Each stage has one exception; every stage shares the five orders as denominator.
  assert.deepEqual(groups(kpi('exception_rate', { by: 'stage' })), { allocation: 0.2, delivery: 0.2, integration: 0.2 });
  assert.deepEqual(groups(kpi('exception_rate', { by: 'owner' })), { customer_service: 0.2, integration: 0.2, planner: 0.2 });
  assert.deepEqual(groups(kpi('exception_rate', { by: 'rootCause' })), { bad_payload: 0.2, carrier_late: 0.2, no_stock: 0.2 });
  // By channel: X1 is on WEB's one order, X3 on one of EDI's four; X2 concerns no order.
  assert.deepEqual(groups(kpi('exception_rate', { by: 'channel' })), { '(none)': null, EDI: 0.25, WEB: 1 });
});

test('queue aging: age of the exceptions open at the end of the window and of each bucket', () => {
  // At 48h only X3 (raised 32h) is open: 16h. At the end of the first day (24h) nothing is open.
  const r = kpi('queue_aging', { interval: 'day', by: 'queue' });
  assert.deepEqual([r.value, r.count], [16, 1]);
  assert.deepEqual(groups(r), { planner: 16 });
  assert.deepEqual(r.series!.map((b) => [b.value, b.count]), [[null, 0], [16, 1]]);
  // Hourly from 9h: X2 closed at 9h; X1 is open from 12h (0h old then, 1h at 13h) and closed at 14h.
  const hourly = kpi('queue_aging', { interval: 'hour', fromHours: 9, toHours: 14 });
  assert.deepEqual(hourly.series!.map((b) => b.value), [null, null, 0, 1, null]);
});

test('backlog aging: age of the orders received and neither shipped nor cancelled', () => {
  // At 48h: O3, received 30h → 18h. At 4h: O1 (4h old), O2 (3h old); O4 was cancelled at 4h.
  const r = kpi('backlog_aging');
  assert.deepEqual([r.value, r.count], [18, 1]);
  const early = kpi('backlog_aging', { toHours: 4 });
  assert.deepEqual([early.value, early.count, early.max], [3.5, 2, 4]);
});

test('SLA adherence: exceptions closed within their SLA, by queue', () => {
  // X1 closed at 14h, due 16h: met. X2 breached at 5h, closed 9h: missed. X3 is open.
  const r = kpi('sla_adherence');
  assert.deepEqual([r.value, r.numerator, r.denominator], [0.5, 1, 2]);
  assert.deepEqual(groups(kpi('sla_adherence', { by: 'queue' })), { admin: 0, customer_service: 1 });
});

test('inventory sync latency: mean seconds per movement, weighted by movements, per source', () => {
  // 120 + 10 + 10 = 140 s over 4 + 1 + 2 = 7 movements: 20 s; the slowest movement took 60 s.
  const r = kpi('inventory_sync_latency');
  assert.deepEqual([r.value, r.numerator, r.denominator, r.max, r.count], [20, 140, 7, 60, 3]);
  const bySource = kpi('inventory_sync_latency', { by: 'source' });
  assert.deepEqual(bySource.groups!.map((g) => [g.key, g.value, g.max]), [['WMS-EAST', 26, 60], ['WMS-WEST', 5, 6]]);
});

test('shipment confirmation timeliness: confirmed by the request’s ship-by time', () => {
  // S1 8h ≤ 10h, S2 12h > 9h, S3 24h ≤ 30h, S5 42h ≤ 44h.
  const r = kpi('shipment_confirmation_timeliness');
  assert.deepEqual([r.value, r.numerator, r.denominator], [0.75, 3, 4]);
  assert.deepEqual(groups(kpi('shipment_confirmation_timeliness', { by: 'facility' })), { 'DC-EAST': 1, 'DC-WEST': 0.5 });
});

test('invoice latency: from the last billed shipment’s confirmation to the invoice', () => {
  // I1 10 − 8 = 2h; I2 26 − max(12, 24) = 2h; I5 43 − 42 = 1h.
  const r = kpi('invoice_latency');
  close(r.value, 5 / 3);
  assert.deepEqual([r.count, r.p50, r.p90], [3, 2, 2]);
  assert.deepEqual(groups(kpi('invoice_latency', { by: 'channel' })), { EDI: 1.5, WEB: 2 });
});

test('integration failure rate: failed messages of all messages, per source', () => {
  // Taken in: 5 orders, 4 shipment confirmations, 2 inventory batches, 2 supplier acknowledgements = 13;
  // failed: WMS-WEST's rejected event and the integration failure raised for edi:ACME = 2.
  const r = kpi('integration_failure_rate');
  assert.deepEqual([r.numerator, r.denominator], [2, 15]);
  close(r.value, 2 / 15);
  assert.deepEqual(groups(kpi('integration_failure_rate', { by: 'source' })), {
    'channel:EDI': 0,
    'channel:WEB': 0,
    'edi:ACME': 1,
    'inventory:WMS-EAST': 0,
    'inventory:WMS-WEST': 1,
    'supplier:SUP-A': 0,
    'supplier:SUP-B': 0,
    'warehouse:DC-EAST': 0,
    'warehouse:DC-WEST': 0,
  });
});

test('integration recovery time: integration failure raised to resolved', () => {
  const r = kpi('integration_recovery_time', { by: 'source' });
  assert.deepEqual([r.value, r.count], [6, 1]);
  assert.deepEqual(groups(r), { 'edi:ACME': 6 });
});

test('supplier response latency: purchase order sent to acknowledged, per supplier', () => {
  const r = kpi('supplier_response_latency', { by: 'supplier' });
  assert.deepEqual([r.value, r.count], [7, 2]);
  assert.deepEqual(groups(r), { 'SUP-A': 4, 'SUP-B': 10 });
});

test('backorder aging: age of lines waiting on backorder at the end of the window and of each bucket', () => {
  // At 48h: O3's line, backordered since 31h → 17h. O2's line waited 6h–20h: 5h old at 11h.
  const r = kpi('backorder_aging', { by: 'channel' });
  assert.deepEqual([r.value, r.count], [17, 1]);
  assert.deepEqual(groups(r), { EDI: 17 });
  const hourly = kpi('backorder_aging', { interval: 'hour', fromHours: 10, toHours: 21 });
  assert.deepEqual([hourly.series![0]!.value, hourly.series![8]!.value, hourly.series![9]!.count], [5, 13, 0]);
});

test('split-shipment frequency: orders that shipped in more than one shipment', () => {
  const r = kpi('split_shipment_frequency');
  assert.deepEqual([r.numerator, r.denominator], [1, 3]);
  assert.deepEqual(groups(kpi('split_shipment_frequency', { by: 'channel' })), { EDI: 0, WEB: 1 });
});

test('a KPI refuses a dimension it does not have, naming those it has', () => {
  assert.equal(unsupportedDimension('order_cycle_time', 'channel'), null);
  assert.equal(unsupportedDimension('order_cycle_time', 'queue'), 'order_cycle_time cannot be sliced by queue; it can by channel, segment, facility');
  assert.equal(unsupportedDimension('supplier_response_latency', undefined), null);
});

test('an empty window gives null values and zero counts, not errors', () => {
  for (const name of ['order_cycle_time', 'fill_rate_lines', 'inventory_sync_latency', 'queue_aging'] as const) {
    const r = kpi(name, { fromHours: 100, toHours: 101 });
    // An age is taken at the window's end: X3 is still open at 101h, 69h after it was raised.
    assert.deepEqual([r.value, r.count], [name === 'queue_aging' ? 69 : null, name === 'queue_aging' ? 1 : 0], name);
  }
});

test('large queries one after another each get their own percentiles, though they share the values memory', () => {
  // 100,000 cycle times each: more than the smallest array kept for the next query, so the second
  // and third queries fill the memory of the first; each must see only its own values.
  const cycleTimes = (seed: number) => Array.from({ length: 100_000 }, (_, i) => ((i * 7_919 + seed) % 100_003) / 60);
  const answer = (hours: number[]) => {
    const facts = loadFacts(hours.map((h, i) => ({ type: 'order', id: `O${i}`, document: { firstAt: at(0), lastAt: at(0) + h * 3_600_000, receivedAt: at(0), shippedAt: at(0) + h * 3_600_000 } })));
    const [r] = computeKpis({ facts, events: new CompactLog() }, { kpis: ['order_cycle_time'], fromMs: at(0), toMs: at(0) + 2_000 * 3_600_000 });
    return [r!.count, r!.p50, r!.p90, r!.max];
  };
  // By nearest rank: the value at ceil(q · n) in sorted order.
  const expected = (hours: number[]) => {
    const sorted = [...hours].sort((a, b) => a - b);
    return [sorted.length, sorted[Math.ceil(0.5 * sorted.length) - 1], sorted[Math.ceil(0.9 * sorted.length) - 1], sorted[sorted.length - 1]];
  };
  const first = cycleTimes(1);
  const second = cycleTimes(50_000).map((h) => h / 2);
  assert.deepEqual(answer(first), expected(first));
  assert.deepEqual(answer(second), expected(second));
  assert.deepEqual(answer(first), expected(first));
});
