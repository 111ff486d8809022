import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endOfDateMs, endOfLocalDayMs } from './zoned-time.ts';

const iso = (ms: number) => new Date(ms).toISOString();

test('a day ends at the next local midnight, less a millisecond, daylight saving included', () => {
  assert.equal(iso(endOfLocalDayMs('2026-01-15', 'America/Chicago')), '2026-01-16T05:59:59.999Z', 'CST, UTC−6');
  assert.equal(iso(endOfLocalDayMs('2026-07-15', 'America/Chicago')), '2026-07-16T04:59:59.999Z', 'CDT, UTC−5');
  // The day clocks go forward (23 hours) and back (25 hours) in the United States in 2026.
  assert.equal(iso(endOfLocalDayMs('2026-03-08', 'America/Los_Angeles')), '2026-03-09T06:59:59.999Z');
  assert.equal(iso(endOfLocalDayMs('2026-11-01', 'America/Los_Angeles')), '2026-11-02T07:59:59.999Z');
  assert.equal(iso(endOfLocalDayMs('2026-06-30', 'Asia/Kolkata')), '2026-06-30T18:29:59.999Z', 'east of Greenwich, a half-hour zone');
  assert.equal(iso(endOfLocalDayMs('2026-12-31', 'UTC')), '2026-12-31T23:59:59.999Z', 'a year ends');
  assert.equal(iso(endOfLocalDayMs('2028-02-28', 'Europe/Berlin')), '2028-02-28T22:59:59.999Z', 'a leap year: the 29th follows');
  assert.equal(iso(endOfDateMs('2026-01-15', 'America/Chicago')), '2026-01-16T05:59:59.999Z', 'in a zone when given one');
  assert.equal(iso(endOfDateMs('2026-01-15')), '2026-01-15T23:59:59.999Z', 'else in UTC');
});
