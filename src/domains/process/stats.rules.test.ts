import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { selectMedianAndP90, selectNearestRank } from './stats.rules.ts';

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

/** The median, p90 and largest of a list, by sorting a copy. */
function bySorting(list: readonly number[]): { median: number; p90: number; max: number } {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
  return { median: at(0.5), p90: at(0.9), max: sorted.at(-1)! };
}

test('the median, p90 and largest of a slice are those of sorting it, for short and long slices', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200 }), fc.nat(5), (list, offset) => {
      const values = Float64Array.from([...Array<number>(offset).fill(99), ...list, 99]);
      assert.deepEqual(selectMedianAndP90(values, offset, offset + list.length), bySorting(list));
    }),
  );
  // Long slices are counted by buckets first: whole and fractional values, many alike, one bucket
  // for every value, and values no bucket takes (negative, −0, infinite), which are selected in place.
  const value = fc.oneof(
    fc.integer({ min: 0, max: 3_000_000 }),
    fc.double({ min: 0, max: 1e9, noNaN: true }),
    fc.constantFrom(0, 1, 1.5, 3_600_000, 2 ** 40),
  );
  const slice = fc.oneof(
    fc.array(value, { minLength: 4_096, maxLength: 9_000 }),
    fc.array(fc.constantFrom(7, 7.25), { minLength: 4_096, maxLength: 5_000 }),
    fc.tuple(fc.array(value, { minLength: 4_096, maxLength: 5_000 }), fc.constantFrom(-1, -0, Number.POSITIVE_INFINITY), fc.nat(4_095)).map(([list, odd, at]) => {
      list[at] = odd;
      return list;
    }),
  );
  fc.assert(
    fc.property(slice, fc.nat(3), (list, offset) => {
      const values = Float64Array.from([...Array<number>(offset).fill(-5), ...list, -5]);
      const found = selectMedianAndP90(values, offset, offset + list.length);
      const expected = bySorting(list);
      assert.ok(Object.is(found.median, expected.median) || found.median === expected.median, `median ${found.median} ≠ ${expected.median}`);
      assert.equal(found.p90, expected.p90);
      assert.equal(found.max, expected.max);
      // The values around the slice are left alone.
      assert.deepEqual([...values.subarray(0, offset), values[offset + list.length]], [...Array<number>(offset).fill(-5), -5]);
    }),
    { numRuns: 60 },
  );
});
