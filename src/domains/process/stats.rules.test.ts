import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nearestRankIndex, selectMedianAndP90, selectNearestRank } from './stats.rules.ts';

test('selection finds the value of nearest rank ⌈p·n⌉, as sorting would', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 200 }), fc.constantFrom(0.01, 0.5, 0.9, 0.99, 1), (list, p) => {
      const sorted = [...list].sort((a, b) => a - b);
      const expected = sorted[Math.max(1, Math.ceil(p * list.length)) - 1];
      assert.equal(selectNearestRank(Float64Array.from(list), 0, list.length, p), expected);
    }),
  );
});

test('selection within a slice leaves the rest of the array alone', () => {
  const values = Float64Array.from([9, 9, 3, 1, 2, 9, 9]);
  assert.equal(selectNearestRank(values, 2, 5, 0.5), 2);
  assert.deepEqual([values[0], values[1], values[5], values[6]], [9, 9, 9, 9]);
});

test('after the median is selected, the p90 selected among the values from the median on is the p90 of them all', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200 }), fc.nat(5), (list, offset) => {
      const values = Float64Array.from([...Array<number>(offset).fill(99), ...list]);
      const from = offset;
      const to = offset + list.length;
      const sorted = [...list].sort((a, b) => a - b);
      const { median, p90, medianAt } = selectMedianAndP90(values, from, to);
      assert.equal(medianAt, nearestRankIndex(from, to, 0.5));
      assert.equal(median, sorted[medianAt - from]);
      assert.equal(p90, sorted[nearestRankIndex(from, to, 0.9) - from]);
      // Everything from the median on is at least the median: the largest value is there.
      assert.equal(Math.max(...values.subarray(medianAt, to)), sorted.at(-1));
    }),
  );
});
