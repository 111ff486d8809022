import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { REPORTED_TIME_SKEW_MS, refuseTimeAhead, reportedTimeProblem } from './reported-time.rules.ts';

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

test('refuseTimeAhead throws the 422 naming what was refused and the path, and passes a time within the allowance', () => {
  refuseTimeAhead('the count cannot be taken', 'asOf', '2026-11-24T12:30:00Z', now);
  assert.throws(
    () => refuseTimeAhead('the count cannot be taken', 'asOf', '2026-11-24T15:00:00Z', now, 'body.asOf'),
    (error: AppError) =>
      error.code === 'time_ahead_of_clock' &&
      error.message === "the count cannot be taken: asOf 2026-11-24T15:00:00Z is 3 hours ahead of the hub's clock (2026-11-24T12:00:00.000Z); it cannot have happened yet (clocks may differ by up to 60 minutes)" &&
      error.details[0]!.path === 'body.asOf',
  );
});
