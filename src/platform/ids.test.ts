import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from './clock.ts';
import { uuidV7Generator } from './ids.ts';
import { seededRandom } from './random.ts';

test('UUIDv7 ids are valid, strictly increasing within a millisecond and across clock steps back', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22));
  const ids = uuidV7Generator(clock, seededRandom(1));
  const seen: string[] = [];
  for (let i = 0; i < 1000; i++) seen.push(ids.next());
  clock.advance(5);
  seen.push(ids.next());
  clock.set(Date.UTC(2026, 10, 21)); // a clock jump backwards must not break ordering
  seen.push(ids.next());
  for (const id of seen) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]! < seen[i]!, `id ${i} sorts after id ${i - 1}`);
  assert.equal(new Set(seen).size, seen.length);
  const msFromId = parseInt(seen[0]!.replaceAll('-', '').slice(0, 12), 16);
  assert.equal(msFromId, Date.UTC(2026, 10, 22));
});

test('the same seed gives the same ids; another seed differs', () => {
  const run = (seed: number) => {
    const ids = uuidV7Generator(new ManualClock(0), seededRandom(seed));
    return [ids.next(), ids.next(), ids.next()];
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('seeded random stays in [0, 1)', () => {
  const random = seededRandom(123);
  for (let i = 0; i < 10_000; i++) {
    const x = random.next();
    assert.ok(x >= 0 && x < 1);
  }
});
