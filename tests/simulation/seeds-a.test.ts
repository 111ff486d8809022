import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSeed, checkSeeds, describeFailure, seedRange } from '../../src/simulation/seeded-check.ts';

/**
 * Seeded fault-injection check, part 1 of 2 (the runner's two workers each take one part):
 * every seed runs the tiny network with its faults, checks I1–I10 after every step and I5/I6 once the
 * faults heal. CROSSDOCK_SIM_SEEDS and CROSSDOCK_SIM_SEED_FROM choose the seeds (docs/simulator.md).
 */
const { from, count } = seedRange(0, 2);

test(`seeds ${from}–${from + count - 1}: the invariants hold under injected faults`, { timeout: Infinity }, async () => {
  const run = await checkSeeds(from, count);
  const perMinute = run.ms > 0 ? Math.round((count * 60_000) / run.ms) : 0;
  console.log(`checked ${count} seeds from ${from} in ${Math.round(run.ms / 1000)} s (${perMinute} seeds/minute); ${run.failed.length} failed`);
  assert.equal(run.failed.length, 0, `${run.failed.length} of ${count} seeds broke an invariant:\n${run.failed.map((f) => describeFailure(f)).join('\n')}`);
});

test('a seed replays exactly: the same plan, the same faults fired, the same outcome', { timeout: Infinity }, async () => {
  const first = await checkSeed(7);
  const again = await checkSeed(7);
  assert.equal(again.plan, first.plan);
  assert.deepEqual(again.stats, first.stats);
  assert.deepEqual(again.violations, first.violations);
  assert.equal(first.replay, 'npm run simulate:check -- --seed 7');
  assert.ok(first.stats.orders > 0, 'the tiny network placed orders');
});
