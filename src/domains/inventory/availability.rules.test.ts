import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { atpForChannel, confidenceAdjustedAtp, defaultFreshnessPolicy } from './atp.rules.ts';
import {
  availableByMs,
  availableByOf,
  compileProtections,
  expectedIntervalMs,
  freshnessPolicyFrom,
  lastReportIso,
  locationConfidence,
  setLastReportAt,
  type SourceReport,
  protectedUnits,
  protectionsFor,
  unitsHeldForOthers,
} from './availability.rules.ts';
import { emptyBuckets, type Buckets } from './ledger.rules.ts';

const at = (b: Partial<Buckets>): Buckets => ({ ...emptyBuckets(), ...b });

const channels = [
  { code: 'EDI', protectedAllocations: [{ sku: 'SKU-1', sharePercent: 20 }, { itemClass: 'PPE', quantity: 100 }] },
  { code: 'B2B', protectedAllocations: [{ itemClass: 'PPE', quantity: 5 }] },
  { code: 'WEB', protectedAllocations: [] },
];
const compiled = compileProtections(channels);

test('a share is taken of sellable on hand and rounds up; a quantity is fixed', () => {
  assert.equal(protectedUnits({ sharePercent: 20 }, at({ onHand: 100 })), 20);
  assert.equal(protectedUnits({ sharePercent: 20 }, at({ onHand: 100, quarantined: 10, damaged: 5 })), 17, '20% of 85 is 17');
  assert.equal(protectedUnits({ sharePercent: 20 }, at({ onHand: 7 })), 2, '1.4 units round up to 2');
  assert.equal(protectedUnits({ sharePercent: 20 }, at({ onHand: 100, reserved: 90 })), 20, 'reservations do not shrink a share');
  assert.equal(protectedUnits({ sharePercent: 50 }, at({ onHand: -4 })), 0, 'negative on hand protects nothing');
  assert.equal(protectedUnits({ quantity: 100 }, at({ onHand: 3 })), 100);
});

test("a channel's rule for the SKU wins over its rule for the SKU's item class; other channels keep theirs", () => {
  assert.deepEqual(protectionsFor(compiled, 'SKU-1', 'PPE', at({ onHand: 100 })), [
    { channelCode: 'EDI', quantity: 20 },
    { channelCode: 'B2B', quantity: 5 },
  ]);
  assert.deepEqual(protectionsFor(compiled, 'SKU-9', 'PPE', at({ onHand: 100 })), [
    { channelCode: 'EDI', quantity: 100 },
    { channelCode: 'B2B', quantity: 5 },
  ]);
  assert.deepEqual(protectionsFor(compiled, 'SKU-9', 'TOOLS', at({ onHand: 100 })), []);
  assert.deepEqual(protectionsFor(compiled, 'SKU-9', undefined, at({ onHand: 100 })), [], 'an unknown class matches no class rule');
});

test('ATP per channel: a channel keeps its own protection and loses the others', () => {
  const position = at({ onHand: 100, reserved: 10 });
  const protections = protectionsFor(compiled, 'SKU-1', 'PPE', position);
  assert.equal(atpForChannel(position, 5, protections), 100 - 10 - 5 - 20 - 5);
  assert.equal(atpForChannel(position, 5, protections, 'EDI'), 100 - 10 - 5 - 5);
  assert.equal(atpForChannel(position, 5, protections, 'B2B'), 100 - 10 - 5 - 20);
  assert.equal(atpForChannel(position, 5, protections, 'WEB'), 100 - 10 - 5 - 20 - 5);
});

test('the allocation-free sum equals the sum of the listed protections of the other channels', () => {
  const channelArb = fc.constantFrom(undefined, 'EDI', 'B2B', 'WEB');
  fc.assert(
    fc.property(
      fc.constantFrom('SKU-1', 'SKU-2'),
      fc.constantFrom('PPE', 'TOOLS', undefined),
      fc.integer({ min: -50, max: 1_000 }),
      fc.integer({ min: 0, max: 50 }),
      channelArb,
      (sku, itemClass, onHand, quarantined, channel) => {
        const position = at({ onHand, quarantined: Math.max(0, Math.min(quarantined, onHand)) });
        const listed = protectionsFor(compiled, sku, itemClass, position)
          .filter((p) => p.channelCode !== channel)
          .reduce((sum, p) => sum + p.quantity, 0);
        assert.equal(unitsHeldForOthers(compiled, sku, itemClass, position, channel), listed);
      },
    ),
  );
});

test('a batch location is judged against its own interval, a realtime one against the policy', () => {
  assert.equal(expectedIntervalMs({ postingMode: 'batch', postingIntervalMinutes: 60 }, defaultFreshnessPolicy), 3_600_000);
  assert.equal(expectedIntervalMs({ postingMode: 'realtime' }, defaultFreshnessPolicy), defaultFreshnessPolicy.realtimeExpectedIntervalMs);
  assert.equal(expectedIntervalMs(undefined, defaultFreshnessPolicy), defaultFreshnessPolicy.realtimeExpectedIntervalMs);
});

test("a location's confidence is its weakest source's, with drift as corrected units per counted unit", () => {
  const hour = 3_600_000;
  const now = 10 * hour;
  const reports = [
    { source: 'WMS', lastReportAtMs: now - hour / 2, recentDriftUnits: 0, recentCountedUnits: 0 },
    { source: 'ERP', lastReportAtMs: now - 2 * hour, recentDriftUnits: 10, recentCountedUnits: 100 },
  ];
  const { sources, confidence } = locationConfidence(reports, now, hour, defaultFreshnessPolicy);
  assert.deepEqual(sources.map((s) => [s.source, s.state, s.confidence]), [
    ['WMS', 'fresh', 1],
    ['ERP', 'stale', 0.6],
  ]);
  assert.equal(sources[1]!.driftRatio, 0.1);
  assert.equal(confidence, 0.6, '2 intervals old of 4 to zero is 2/3, times 0.9 for drift');
  assert.equal(locationConfidence([], now, hour, defaultFreshnessPolicy).confidence, 0.5, 'never heard from');
});

test('turning the discount off leaves ATP whole at any confidence', () => {
  const off = freshnessPolicyFrom({ freshnessRealtimeExpectedIntervalMs: 60_000, staleIntervalsToZero: 4, discountStaleAtp: false });
  const on = freshnessPolicyFrom({ freshnessRealtimeExpectedIntervalMs: 60_000, staleIntervalsToZero: 4, discountStaleAtp: true });
  assert.equal(confidenceAdjustedAtp(100, 0.3, off), 100);
  assert.equal(confidenceAdjustedAtp(100, 0.3, on), 30);
  assert.equal(on.realtimeExpectedIntervalMs, 60_000);
});

test('a date means through the end of that day where the location is, UTC without a zone; a time means that instant', () => {
  const date = availableByOf('2026-03-01');
  assert.deepEqual(date, { date: '2026-03-01' });
  assert.equal(availableByMs(date), Date.UTC(2026, 2, 1, 23, 59, 59, 999));
  assert.equal(availableByMs(date, 'America/Chicago'), Date.UTC(2026, 2, 2, 5, 59, 59, 999), 'CST: six hours later');
  assert.equal(availableByMs(date, 'Europe/Berlin'), Date.UTC(2026, 2, 1, 22, 59, 59, 999), 'CET: an hour earlier');
  const instant = availableByOf('2026-03-01T10:00:00+02:00');
  assert.equal(availableByMs(instant), Date.UTC(2026, 2, 1, 8));
  assert.equal(availableByMs(instant, 'America/Chicago'), Date.UTC(2026, 2, 1, 8), 'an instant is the same everywhere');
});

test('freshness states the report time as ISO 8601, memoised and kept in step with the report', () => {
  const hour = 3_600_000;
  const now = Date.UTC(2026, 0, 1, 10);
  const plain: SourceReport = { source: 'WMS', lastReportAtMs: now - hour, recentDriftUnits: 0, recentCountedUnits: 0 };
  const memo: SourceReport = { ...plain };
  setLastReportAt(memo, memo.lastReportAtMs);
  const [fromPlain] = locationConfidence([plain], now, hour, defaultFreshnessPolicy).sources;
  const [fromMemo] = locationConfidence([memo], now, hour, defaultFreshnessPolicy).sources;
  assert.deepEqual(fromMemo, fromPlain);
  assert.equal(fromMemo!.lastReportAt, new Date(now - hour).toISOString());
  assert.deepEqual(Object.keys(fromMemo!), ['source', 'ageMs', 'expectedIntervalMs', 'staleRatio', 'state', 'driftRatio', 'confidence', 'lastReportAt']);
  // A time changed without the helper is not answered from an out-of-date memo.
  memo.lastReportAtMs = now;
  assert.equal(lastReportIso(memo), new Date(now).toISOString());
  setLastReportAt(memo, now - 5);
  assert.equal(lastReportIso(memo), new Date(now - 5).toISOString());
});
