import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zonedToUtc } from '../../platform/zoned-time.ts';
import { cutoffInstant } from './cutoff.rules.ts';
import { planRelease, type ReleaseLocation } from './release.rules.ts';

test('cutoffs are local wall-clock times, daylight saving included', () => {
  // 15:30 in Chicago is 21:30 UTC in winter (CST, UTC−6) and 20:30 UTC in summer (CDT, UTC−5).
  assert.equal(new Date(zonedToUtc(2026, 1, 15, 15, 30, 'America/Chicago')).toISOString(), '2026-01-15T21:30:00.000Z');
  assert.equal(new Date(zonedToUtc(2026, 7, 15, 15, 30, 'America/Chicago')).toISOString(), '2026-07-15T20:30:00.000Z');
  const morning = Date.parse('2026-01-15T15:00:00Z'); // 09:00 in Chicago
  assert.equal(new Date(cutoffInstant(morning, '15:30', 'America/Chicago')).toISOString(), '2026-01-15T21:30:00.000Z');
  const evening = Date.parse('2026-01-15T23:00:00Z'); // 17:00 in Chicago: today's cutoff has passed
  assert.equal(new Date(cutoffInstant(evening, '15:30', 'America/Chicago')).toISOString(), '2026-01-16T21:30:00.000Z');
  assert.equal(new Date(cutoffInstant(evening, '15:30', 'America/Chicago', 2)).toISOString(), '2026-01-18T21:30:00.000Z');
  // Across the spring change (8 March 2026): the day after keeps 15:30 local.
  assert.equal(new Date(cutoffInstant(Date.parse('2026-03-07T23:00:00Z'), '15:30', 'America/Chicago')).toISOString(), '2026-03-08T20:30:00.000Z');
});

const locations = new Map<string, ReleaseLocation>([
  ['EAST', { code: 'EAST', cutoffLocalTime: '16:00', timezone: 'America/New_York', dailyCapacityLines: 3 }],
  ['WEST', { code: 'WEST', cutoffLocalTime: '14:00', timezone: 'America/Los_Angeles' }],
]);
const now = Date.parse('2026-01-15T15:00:00Z');

test('a release makes one request per location with its lines and reservations, due at the next cutoff', () => {
  const plans = planRelease(
    [
      { reservationId: 'r1', lineNumber: 2, sku: 'B', locationCode: 'WEST', quantity: 3 },
      { reservationId: 'r2', lineNumber: 1, sku: 'A', locationCode: 'EAST', quantity: 5 },
      { reservationId: 'r3', lineNumber: 2, sku: 'B', locationCode: 'EAST', quantity: 2 },
      { reservationId: 'r4', lineNumber: 1, sku: 'A', locationCode: 'EAST', quantity: 1 },
    ],
    locations,
    () => 0,
    now,
  );
  assert.deepEqual(plans.map((p) => [p.locationCode, p.lines.map((l) => [l.lineNumber, l.quantity, l.reservationIds.join('+')]), new Date(p.shipByAtMs).toISOString(), p.deferredDays]), [
    ['EAST', [[1, 6, 'r2+r4'], [2, 2, 'r3']], '2026-01-15T21:00:00.000Z', 0],
    ['WEST', [[2, 3, 'r1']], '2026-01-15T22:00:00.000Z', 0],
  ]);
});

test("a location whose day is full takes the request on the first day with room", () => {
  const booked = new Map([[Date.parse('2026-01-15T21:00:00Z'), 2], [Date.parse('2026-01-16T21:00:00Z'), 3]]);
  const [plan] = planRelease(
    [
      { reservationId: 'r1', lineNumber: 1, sku: 'A', locationCode: 'EAST', quantity: 1 },
      { reservationId: 'r2', lineNumber: 2, sku: 'B', locationCode: 'EAST', quantity: 1 },
    ],
    locations,
    (_loc, at) => booked.get(at) ?? 0,
    now,
  );
  assert.equal(plan!.deferredDays, 2, 'today has room for 1 line, tomorrow for none, the day after for 3');
  assert.equal(new Date(plan!.shipByAtMs).toISOString(), '2026-01-17T21:00:00.000Z');
});
