import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultPriorityWeights as weights } from './exceptions.policy.ts';
import type { PriorityInputs } from './exceptions.types.ts';
import { PRIORITY_MAX, priorityOf, priorityParts, promiseInstantMs } from './priority.rules.ts';

const NOW = Date.UTC(2026, 0, 10, 12);
const HOUR = 3_600_000;
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

test('with no inputs the priority is the type’s base plus the unknown-tier points', () => {
  assert.equal(priorityOf(150, {}, weights, NOW), 150 + weights.tierPoints.unknown);
  assert.deepEqual(priorityParts(150, {}, weights, NOW), { base: 150, tier: 80, value: 0, promise: 0, risk: 0 });
});

test('each input raises the priority: tier, value, a closer promise date, risk', () => {
  const p = (inputs: PriorityInputs) => priorityOf(100, inputs, weights, NOW);
  assert.ok(p({ customerTier: 'strategic' }) > p({ customerTier: 'key' }));
  assert.ok(p({ customerTier: 'key' }) > p({ customerTier: 'standard' }));
  assert.ok(p({ customerTier: 'standard' }) > p({ customerTier: 'occasional' }));
  assert.ok(p({ orderValue: usd(1_000_000) }) > p({ orderValue: usd(10_000) }));
  assert.equal(p({ orderValue: usd(weights.orderValueFullPointsMinor * 10) }), p({ orderValue: usd(weights.orderValueFullPointsMinor) }), 'value points stop at the full-points value');
  assert.ok(p({ promiseDate: new Date(NOW + 6 * HOUR).toISOString() }) > p({ promiseDate: new Date(NOW + 48 * HOUR).toISOString() }));
  assert.equal(p({ promiseDate: new Date(NOW + 100 * HOUR).toISOString() }), p({}), 'beyond the horizon no points');
  assert.equal(p({ promiseDate: '2026-01-09' }), p({}) + weights.promisePoints, 'a passed promise date earns the full points');
  assert.ok(p({ risk: 'high' }) > p({ risk: 'medium' }));
  assert.ok(p({ risk: 0.9 }) > p({ risk: 0.1 }));
});

test('a bare promise date means the end of that day, UTC', () => {
  assert.equal(promiseInstantMs('2026-01-10'), Date.UTC(2026, 0, 10, 23, 59, 59, 999));
  assert.equal(promiseInstantMs('2026-01-10T08:00:00+02:00'), Date.UTC(2026, 0, 10, 6));
  // A bare date ends at midnight where the goods arrive, when the zone is known (PST, UTC−8).
  assert.equal(promiseInstantMs('2026-01-10', 'America/Los_Angeles'), Date.UTC(2026, 0, 11, 8) - 1);
  assert.equal(promiseInstantMs('2026-01-10T08:00:00+02:00', 'America/Los_Angeles'), Date.UTC(2026, 0, 10, 6), 'an instant is an instant');
});

test('property: the priority is a whole number from 0 to 1000 and never falls when an input grows', () => {
  const inputs = fc.record(
    {
      customerTier: fc.constantFrom('strategic', 'key', 'standard', 'occasional' as const),
      orderValue: fc.integer({ min: 0, max: 1e11 }).map(usd),
      promiseDate: fc.integer({ min: -1_000, max: 1_000 }).map((h) => new Date(NOW + h * HOUR).toISOString()),
      risk: fc.double({ min: 0, max: 1, noNaN: true }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), inputs, fc.integer({ min: 1, max: 1e9 }), (base, input, more) => {
      const priority = priorityOf(base, input, weights, NOW);
      assert.ok(Number.isInteger(priority) && priority >= 0 && priority <= PRIORITY_MAX);
      const richer = { ...input, orderValue: usd((input.orderValue?.amountMinor ?? 0) + more) };
      assert.ok(priorityOf(base, richer, weights, NOW) >= priority);
      const riskier = { ...input, risk: Math.min(1, (input.risk ?? 0) + 0.1) };
      assert.ok(priorityOf(base, riskier, weights, NOW) >= priority);
      assert.ok(priorityOf(base, input, weights, NOW + HOUR) >= priority, 'time passing brings the promise date closer');
    }),
  );
});
