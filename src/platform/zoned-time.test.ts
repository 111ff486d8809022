import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endOfDateMs, endOfLocalDayMs, localDate, startOfDateMs } from './zoned-time.ts';

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

test('a day starts at its local midnight, daylight saving included; in UTC without a zone', () => {
  assert.equal(iso(startOfDateMs('2026-01-15', 'America/Chicago')), '2026-01-15T06:00:00.000Z', 'CST, UTC−6');
  assert.equal(iso(startOfDateMs('2026-07-15', 'America/Chicago')), '2026-07-15T05:00:00.000Z', 'CDT, UTC−5');
  // The day after clocks go forward in the United States starts an hour nearer UTC midnight.
  assert.equal(iso(startOfDateMs('2026-03-08', 'America/Los_Angeles')), '2026-03-08T08:00:00.000Z');
  assert.equal(iso(startOfDateMs('2026-03-09', 'America/Los_Angeles')), '2026-03-09T07:00:00.000Z');
  assert.equal(iso(startOfDateMs('2026-06-30', 'Asia/Kolkata')), '2026-06-29T18:30:00.000Z', 'east of Greenwich: the day before in UTC');
  assert.equal(iso(startOfDateMs('2026-01-15')), '2026-01-15T00:00:00.000Z');
  // A day's start and its end in the same zone bound exactly that day.
  assert.equal(endOfDateMs('2026-11-01', 'America/Los_Angeles') - startOfDateMs('2026-11-01', 'America/Los_Angeles') + 1, 25 * 3_600_000);
});

test('the date an instant falls on: in a zone, else in UTC', () => {
  const ms = Date.parse('2026-03-01T03:00:00Z');
  assert.equal(localDate(ms, 'America/Chicago'), '2026-02-28');
  assert.equal(localDate(ms, 'Asia/Tokyo'), '2026-03-01');
  assert.equal(localDate(ms), '2026-03-01');
});
