import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classify, expireGap, markApplied, markHeld, newSourceState, type SourceSequenceState } from './sequencing.rules.ts';

/** Feeds numbers through the rules the way the ingest service does; returns the applied order. */
function feed(state: SourceSequenceState, sequences: number[], nowMs = 0): { applied: number[]; duplicates: number[] } {
  const applied: number[] = [];
  const duplicates: number[] = [];
  for (const s of sequences) {
    const v = classify(state, s);
    if (v.verdict === 'duplicate') duplicates.push(s);
    else if (v.verdict === 'hold') markHeld(state, s, nowMs);
    else {
      applied.push(s);
      applied.push(...markApplied(state, s));
    }
  }
  return { applied, duplicates };
}

test('in order applies; a repeat is a duplicate; a gap holds until it fills', () => {
  const state = newSourceState();
  assert.deepEqual(feed(state, [1, 2, 2, 4, 5]), { applied: [1, 2], duplicates: [2] });
  assert.deepEqual(classify(state, 5), { verdict: 'duplicate' }, 'a held number repeated is a duplicate');
  assert.deepEqual(classify(state, 7), { verdict: 'hold', missingFrom: 3, missingTo: 6 });
  assert.deepEqual(feed(state, [3]), { applied: [3, 4, 5], duplicates: [] });
  assert.equal(state.nextExpected, 6);
});

test('a gap times out: held events apply, the gap is skipped, and a late arrival still applies once', () => {
  const state = newSourceState();
  feed(state, [1, 3, 4], 1_000);
  assert.equal(expireGap(state, 1_000 + 59_999, 60_000), null, 'not before the timeout');
  const expiry = expireGap(state, 1_000 + 60_000, 60_000);
  assert.deepEqual(expiry, { skippedFrom: 2, skippedTo: 2, released: [3, 4] });
  assert.deepEqual(classify(state, 2), { verdict: 'apply', late: true });
  assert.deepEqual(feed(state, [2, 2, 5]), { applied: [2, 5], duplicates: [2] });
});

test('property: any arrival order with duplicates applies each number exactly once, in order', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }).chain((n) =>
        fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()].map((i) => i + 1), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 1, max: n }), { maxLength: 20 })),
      ),
      ([n, order, dups]) => {
        const arrivals = [...order];
        for (const d of dups) arrivals.splice(d % (arrivals.length + 1), 0, d);
        const { applied } = feed(newSourceState(), arrivals);
        assert.deepEqual(applied, [...Array(n).keys()].map((i) => i + 1));
      },
    ),
    { numRuns: 300 },
  );
});
