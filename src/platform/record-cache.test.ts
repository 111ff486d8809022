import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from './clock.ts';
import type { Executor } from './db/store.ts';
import { createRecordCache } from './record-cache.ts';

test('hits are served from memory until they age out; misses are always asked again', async () => {
  const clock = new ManualClock(0);
  const store = new Map([['A', 1]]);
  const asked: string[][] = [];
  const cache = createRecordCache(async (keys) => {
    asked.push([...keys]);
    return new Map(keys.filter((k) => store.has(k)).map((k) => [k, store.get(k)!]));
  }, clock, 5_000);
  const db = {} as Executor;
  assert.deepEqual([...(await cache.getMany(['A', 'B'], db))], [['A', 1]]);
  store.set('A', 2);
  store.set('B', 7);
  assert.deepEqual([...(await cache.getMany(['A', 'B'], db))], [['A', 1], ['B', 7]], 'A is cached, B was a miss and is asked again');
  clock.advance(5_001);
  assert.deepEqual([...(await cache.getMany(['A'], db))], [['A', 2]], 'an aged entry is reloaded');
  assert.deepEqual(asked, [['A', 'B'], ['B'], ['A']]);
});
