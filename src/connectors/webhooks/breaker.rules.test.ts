import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admission, afterFailure, afterSuccess, closedBreaker, startTrial, type Breaker } from './breaker.rules.ts';

const settings = { failureThreshold: 3, coolDownMs: 60_000 };

test('closed → open after N consecutive failures → one trial after the cool-down → closed on its success', () => {
  let b: Breaker = closedBreaker;
  const steps: Array<[string, () => void, Breaker['state'], ReturnType<typeof admission>['kind']]> = [
    ['1st failure', () => (b = afterFailure(b, 1_000, settings)), 'closed', 'send'],
    ['2nd failure', () => (b = afterFailure(b, 2_000, settings)), 'closed', 'send'],
    ['3rd failure opens', () => (b = afterFailure(b, 3_000, settings)), 'open', 'wait'],
  ];
  for (const [label, step, state, admitted] of steps) {
    step();
    assert.equal(b.state, state, label);
    assert.equal(admission(b, 3_000, settings).kind, admitted, label);
  }
  assert.deepEqual(admission(b, 62_999, settings), { kind: 'wait', untilMs: 63_000 });
  assert.deepEqual(admission(b, 63_000, settings), { kind: 'trial' });
  b = startTrial(b, 63_000);
  assert.equal(b.state, 'half_open');
  assert.deepEqual(admission(b, 63_001, settings), { kind: 'wait', untilMs: 123_000 }, 'one trial at a time');
  b = afterSuccess();
  assert.deepEqual(b, closedBreaker);
});

test('a success resets the count; a failed trial opens again for a full cool-down; a stale trial is retried', () => {
  let b = afterFailure(afterFailure(closedBreaker, 0, settings), 0, settings);
  b = afterSuccess();
  assert.equal(afterFailure(b, 0, settings).state, 'closed', 'the count started again');

  const open = afterFailure(afterFailure(afterFailure(closedBreaker, 0, settings), 0, settings), 0, settings);
  const trial = startTrial(open, 60_000);
  const reopened = afterFailure(trial, 61_000, settings);
  assert.deepEqual([reopened.state, reopened.sinceMs], ['open', 61_000]);
  assert.equal(admission(reopened, 120_999, settings).kind, 'wait');
  // A trial whose sender vanished is given up after a cool-down, and another one is allowed.
  assert.equal(admission(trial, 120_000, settings).kind, 'trial');
  // A late failure of a request sent before the breaker opened does not push the cool-down back.
  assert.equal(afterFailure(open, 50_000, settings).sinceMs, 0);
});
