import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORTED_TIME_SKEW_MS, reportedTimeProblem } from './reported-time.rules.ts';

const now = Date.parse('2026-11-24T12:00:00Z');

test('a reported time in the past, now, or ahead by no more than the skew allowance is accepted', () => {
  assert.equal(reportedTimeProblem('shippedAt', '2026-11-24T08:00:00Z', now), null);
  assert.equal(reportedTimeProblem('shippedAt', '2026-11-24T12:00:00Z', now), null);
  assert.equal(reportedTimeProblem('shippedAt', new Date(now + REPORTED_TIME_SKEW_MS).toISOString(), now), null);
  // The offset counts: 13:00 at UTC+02:00 is 11:00 UTC, an hour before the hub's clock.
  assert.equal(reportedTimeProblem('shippedAt', '2026-11-24T13:00:00+02:00', now), null);
});

test('a reported time further ahead is refused, saying how far ahead and of which clock', () => {
  assert.equal(
    reportedTimeProblem('shippedAt', new Date(now + REPORTED_TIME_SKEW_MS + 60_000).toISOString(), now),
    "shippedAt 2026-11-24T13:01:00.000Z is 61 minutes ahead of the hub's clock (2026-11-24T12:00:00.000Z); it cannot have happened yet (clocks may differ by up to 60 minutes)",
  );
  // Local time written as UTC, nine hours east.
  assert.match(reportedTimeProblem('occurredAt', '2026-11-24T21:00:00Z', now)!, /^occurredAt 2026-11-24T21:00:00Z is 9 hours ahead/);
  // A mistyped year.
  assert.match(reportedTimeProblem('shippedAt', '2030-01-01T00:00:00Z', now)!, /is 1,134 days ahead/);
});
