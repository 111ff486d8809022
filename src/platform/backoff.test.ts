import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs, retryDelayMsCeiling } from './backoff.ts';
import type { Random } from './random.ts';
import { seededRandom } from './random.ts';

const policy = { retryDelayMsBase: 1_000, retryDelayMsMax: 60_000 };
const fixed = (value: number): Random => ({ next: () => value, fill: () => undefined });

test('the ceiling doubles from the base and stops at the maximum', () => {
  const table: Array<[attempt: number, ceilingMs: number]> = [
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [8, 60_000],
    [1_000, 60_000],
  ];
  for (const [attempt, ceilingMs] of table) assert.equal(retryDelayMsCeiling(attempt, policy), ceilingMs, `attempt ${attempt}`);
});

test('a base above the maximum is capped at the maximum', () => {
  assert.equal(retryDelayMsCeiling(1, { retryDelayMsBase: 10_000, retryDelayMsMax: 5_000 }), 5_000);
});

test('jitter keeps the delay between half the ceiling and the ceiling', () => {
  assert.equal(retryDelayMs(3, policy, fixed(0)), 2_000);
  assert.equal(retryDelayMs(3, policy, fixed(0.5)), 3_000);
  assert.equal(retryDelayMs(3, policy, fixed(0.999_999)), 4_000);
  const random = seededRandom(7);
  for (let attempt = 1; attempt <= 20; attempt++) {
    const ceilingMs = retryDelayMsCeiling(attempt, policy);
    const delayMs = retryDelayMs(attempt, policy, random);
    assert.ok(delayMs >= ceilingMs / 2 && delayMs <= ceilingMs, `attempt ${attempt}: ${delayMs} outside [${ceilingMs / 2}, ${ceilingMs}]`);
  }
});

test('the same seed gives the same delays', () => {
  const run = (seed: number) => Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1, policy, seededRandom(seed)));
  assert.deepEqual(run(11), run(11));
});

test('a one-millisecond policy never yields a zero delay', () => {
  assert.equal(retryDelayMs(1, { retryDelayMsBase: 1, retryDelayMsMax: 1 }, fixed(0)), 1);
});
