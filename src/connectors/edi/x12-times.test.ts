import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x12Instant } from './x12-times.ts';

const iso = (date: string, time: string, code = '', zone?: string) => {
  const r = x12Instant(date, time, code, zone);
  return r.ok ? r.iso : r.message;
};

test('a date and time read in the zone its time code names, daylight saving by the date', () => {
  assert.equal(iso('20260115', '0900', 'ET'), '2026-01-15T14:00:00.000Z');
  assert.equal(iso('20260715', '0900', 'ET'), '2026-07-15T13:00:00.000Z');
  assert.equal(iso('20260715', '0900', 'PT'), '2026-07-15T16:00:00.000Z');
  assert.equal(iso('20260715', '0900', 'ES'), '2026-07-15T14:00:00.000Z', 'standard time, even in July');
  assert.equal(iso('20260115', '0900', 'NS'), '2026-01-15T12:30:00.000Z', 'Newfoundland: half an hour');
  assert.equal(iso('20260115', '090030', 'GM'), '2026-01-15T09:00:30.000Z', 'seconds kept');
  assert.equal(iso('20260115', '09003099', 'ut'), '2026-01-15T09:00:30.000Z', 'decimal seconds dropped; codes in either case');
});

test("without a code, or with LT, the partner's zone; without one, UTC", () => {
  assert.equal(iso('20260115', '0900', '', 'Asia/Tokyo'), '2026-01-15T00:00:00.000Z');
  assert.equal(iso('20260115', '0900', 'LT', 'Asia/Tokyo'), '2026-01-15T00:00:00.000Z');
  assert.equal(iso('20260115', '', '', 'Asia/Tokyo'), '2026-01-14T15:00:00.000Z', 'a date alone is its local midnight');
  assert.equal(iso('20260115', '0900', 'LT'), '2026-01-15T09:00:00.000Z');
  assert.equal(iso('20260115', ''), '2026-01-15T00:00:00.000Z');
});

test('dates, times and codes that cannot be read are named', () => {
  assert.equal(iso('2026011', '0900'), 'the date "2026011" is not CCYYMMDD');
  assert.equal(iso('20260230', ''), '"20260230" is not a date and time that exists');
  assert.equal(iso('20260115', '2460'), '"20260115 2460" is not a date and time that exists');
  assert.equal(iso('20260115', '9:00'), 'the time "9:00" is not HHMM or HHMMSS');
  assert.match(iso('20260115', '0900', '25'), /^time code "25" is not one this hub reads \(01–24, AD, AS, /);
  assert.match(iso('20260115', '0900', '00'), /^time code "00" is not one this hub reads/);
  assert.match(iso('20260115', '0900', 'XX'), /^time code "XX" is not one this hub reads/);
});

test('numeric codes are whole-hour offsets: 01–12 east of UTC (ISO P01–P12), 13–24 west (M12 to M01)', () => {
  assert.equal(iso('20260115', '0900', '01'), '2026-01-15T08:00:00.000Z', 'P01: Central Europe in winter');
  assert.equal(iso('20260115', '0900', '09'), '2026-01-15T00:00:00.000Z', 'P09: Tokyo');
  assert.equal(iso('20260115', '0900', '12'), '2026-01-14T21:00:00.000Z', 'P12');
  assert.equal(iso('20260115', '0900', '13'), '2026-01-15T21:00:00.000Z', 'M12');
  assert.equal(iso('20260715', '0900', '19'), '2026-07-15T15:00:00.000Z', 'M06: fixed, whatever the date');
  assert.equal(iso('20260115', '0900', '24'), '2026-01-15T10:00:00.000Z', 'M01');
});
