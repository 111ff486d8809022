import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { createEffectsTable, effectKeys, recordEffect } from '../../../tests/helpers/effects.ts';
import { nextMessage, startTsWorker } from '../../../tests/helpers/worker.ts';
import { parseConfig } from '../../config.ts';
import { ManualClock } from '../clock.ts';
import type { Executor } from '../db/store.ts';
import { createMetrics } from '../http/metrics.ts';
import { uuidV7Generator } from '../ids.ts';
import { seededRandom } from '../random.ts';
import { createTimerService, type Timer } from './index.ts';

let t: TestStore;
before(async () => {
  t = await createTestStore();
  await createEffectsTable(t.store.db);
});
after(async () => t.dispose());
beforeEach(async () => {
  await sql`delete from timers`.execute(t.store.db);
  await sql`delete from test_effects`.execute(t.store.db);
});

const START_MS = Date.UTC(2026, 0, 1);

/** `handlerDelayMs` keeps a handler's transaction open a little, so concurrent firers really overlap. */
function setup(db: Executor = t.store.db, clock = new ManualClock(START_MS), handlerDelayMs = 0) {
  const random = seededRandom(8);
  const metrics = createMetrics();
  const config = parseConfig({ timers: { retryDelayMsBase: 1_000, retryDelayMsMax: 60_000 } });
  const timers = createTimerService({ db, clock, ids: uuidV7Generator(clock, random), random, config: config.timers, metrics });
  const fired: Timer[] = [];
  timers.registerHandler('hold.sla', async (tx, timer) => {
    fired.push(timer);
    if (handlerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, handlerDelayMs));
    await recordEffect(tx, timer.key);
  });
  return { clock, timers, fired, metrics };
}

test(`a timer never fires early, fires at its due time, and only once (I9) (${testStoreKind})`, async () => {
  const { clock, timers, fired, metrics } = setup();
  const dueAt = START_MS + 60_000;
  const { result } = await timers.schedule(t.store.db, { kind: 'hold.sla', key: 'hold-1:sla', dueAt, payload: { holdId: 'hold-1' } });
  assert.equal(result, 'scheduled');
  clock.set(dueAt - 1);
  assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 0 });
  clock.set(dueAt);
  assert.deepEqual(await timers.fireDue(), { fired: 1, failed: 0 });
  assert.equal(fired.length, 1);
  assert.deepEqual(fired[0]!.payload, { holdId: 'hold-1' });
  for (const laterMs of [0, 1, 3_600_000]) {
    clock.advance(laterMs);
    assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 0 });
  }
  assert.deepEqual(await effectKeys(t.store.db), ['hold-1:sla']);
  const [timer] = (await timers.list({ status: 'fired', limit: 10 })).items;
  assert.equal(timer?.firedAt, new Date(dueAt).toISOString());
  assert.equal((await metrics.timersFired.get()).values[0]?.value, 1);
});

test(`a clock that steps back never fires a timer early (${testStoreKind})`, async () => {
  const { clock, timers, fired } = setup();
  await timers.schedule(t.store.db, { kind: 'hold.sla', key: 'jump', dueAt: START_MS + 1_000 });
  clock.set(START_MS + 5_000);
  clock.set(START_MS + 999);
  assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 0 });
  assert.equal(fired.length, 0);
});

test(`the same key schedules one timer; the first due time stands (${testStoreKind})`, async () => {
  const { timers } = setup();
  const first = await timers.schedule(t.store.db, { kind: 'hold.sla', key: 'dup', dueAt: START_MS + 1_000 });
  const again = await t.store.db.transaction().execute((tx) => timers.schedule(tx, { kind: 'hold.sla', key: 'dup', dueAt: START_MS + 9_000 }));
  assert.equal(again.result, 'exists');
  assert.equal(again.timer.id, first.timer.id);
  assert.equal(again.timer.dueAt, new Date(START_MS + 1_000).toISOString());
  assert.equal((await timers.list({ limit: 10 })).items.length, 1);
});

test(`a timer scheduled in a transaction that rolls back does not exist (${testStoreKind})`, async () => {
  const { timers } = setup();
  await assert.rejects(
    t.store.db.transaction().execute(async (tx) => {
      await timers.schedule(tx, { kind: 'hold.sla', key: 'rolled-back', dueAt: START_MS });
      throw new Error('the hold was not created');
    }),
  );
  assert.deepEqual((await timers.list({ limit: 10 })).items, []);
});

test(`a cancelled timer never fires; cancelling again or an unknown key is harmless (${testStoreKind})`, async () => {
  const { clock, timers, fired } = setup();
  await timers.schedule(t.store.db, { kind: 'hold.sla', key: 'c-1', dueAt: START_MS + 10 });
  assert.equal((await timers.cancel(t.store.db, 'c-1')).result, 'cancelled');
  assert.equal((await timers.cancel(t.store.db, 'c-1')).result, 'not_pending');
  assert.deepEqual(await timers.cancel(t.store.db, 'nope'), { result: 'not_found', timer: null });
  clock.advance(60_000);
  assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 0 });
  assert.equal(fired.length, 0);
  assert.equal((await timers.list({ status: 'cancelled', limit: 10 })).items[0]?.key, 'c-1');
});

test(`a failing handler leaves no effect, stays pending and is retried with backoff (${testStoreKind})`, async () => {
  const { clock, timers } = setup();
  let calls = 0;
  timers.registerHandler('reservation.expiry', async (tx, timer) => {
    calls++;
    await recordEffect(tx, timer.key);
    if (calls <= 2) throw new Error('ledger busy');
  });
  await timers.schedule(t.store.db, { kind: 'reservation.expiry', key: 'r-1', dueAt: START_MS });
  assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 1 });
  let [timer] = (await timers.list({ limit: 10 })).items;
  assert.equal(timer?.status, 'pending');
  assert.equal(timer?.attempts, 1);
  assert.equal(timer?.lastError, 'ledger busy');
  const retryAt = Date.parse(timer!.nextAttemptAt);
  assert.ok(retryAt >= START_MS + 500 && retryAt <= START_MS + 1_000);
  assert.deepEqual(await effectKeys(t.store.db), []);

  clock.set(retryAt - 1);
  assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 0 });
  clock.set(retryAt);
  assert.deepEqual(await timers.fireDue(), { fired: 0, failed: 1 });
  [timer] = (await timers.list({ limit: 10 })).items;
  clock.set(Date.parse(timer!.nextAttemptAt));
  assert.deepEqual(await timers.fireDue(), { fired: 1, failed: 0 });
  [timer] = (await timers.list({ limit: 10 })).items;
  assert.equal(timer?.status, 'fired');
  assert.equal(timer?.attempts, 3);
  assert.deepEqual(await effectKeys(t.store.db), ['r-1']);
});

test(`a timer survives a restart and fires from a new service on a reopened store (${testStoreKind})`, async () => {
  const firstRun = t.reopen();
  const before = setup(firstRun.db);
  await before.timers.schedule(firstRun.db, { kind: 'hold.sla', key: 'durable', dueAt: START_MS + 5_000, payload: { n: 1 } });
  await firstRun.close();
  const secondRun = t.reopen();
  const after = setup(secondRun.db, new ManualClock(START_MS + 5_000));
  assert.deepEqual(await after.timers.fireDue(), { fired: 1, failed: 0 });
  assert.deepEqual(after.fired.map((f) => f.payload), [{ n: 1 }]);
  assert.equal(before.fired.length, 0);
  await secondRun.close();
});

test(`two nodes firing the same due timers at once fire each exactly once (${testStoreKind})`, async () => {
  const count = 25;
  const { timers, fired } = setup(t.store.db, new ManualClock(START_MS + 1_000), 2);
  for (let i = 0; i < count; i++) await timers.schedule(t.store.db, { kind: 'hold.sla', key: `n-${String(i).padStart(2, '0')}`, dueAt: START_MS + i });
  const worker = startTsWorker(new URL('../../../tests/helpers/timer-firer.worker.ts', import.meta.url), {
    storeOptions: t.options,
    nowMs: START_MS + 1_000,
    kind: 'hold.sla',
    handlerDelayMs: 2,
  });
  try {
    assert.equal(await nextMessage(worker), 'ready');
    const fromWorker = nextMessage<{ report: { fired: number }; handled: number; error?: string }>(worker);
    worker.postMessage('go');
    const [here, there] = await Promise.all([timers.fireDue(), fromWorker]);
    assert.equal(there.error, undefined);
    assert.equal(here.fired + there.report.fired, count);
    assert.equal(fired.length + there.handled, count, 'each handler ran once in total');
  } finally {
    await worker.terminate();
  }
  const keys = await effectKeys(t.store.db);
  assert.equal(keys.length, count);
  assert.equal((await timers.list({ status: 'fired', limit: 100 })).items.length, count);
});

test(`two timer services in one process over PostgreSQL fire each timer once (${testStoreKind})`, { skip: testStoreKind !== 'postgres' && 'covered by the two-thread test on SQLite' }, async () => {
  const other = t.reopen();
  const a = setup(t.store.db, new ManualClock(START_MS + 1_000), 2);
  const b = setup(other.db, new ManualClock(START_MS + 1_000), 2);
  for (let i = 0; i < 20; i++) await a.timers.schedule(t.store.db, { kind: 'hold.sla', key: `p-${i}`, dueAt: START_MS });
  const [ra, rb] = await Promise.all([a.timers.fireDue(), b.timers.fireDue()]);
  assert.equal(ra.fired + rb.fired, 20);
  assert.equal(a.fired.length + b.fired.length, 20);
  assert.equal((await effectKeys(t.store.db)).length, 20);
  await other.close();
});

test(`the list pages by due time (${testStoreKind})`, async () => {
  const { timers } = setup();
  for (let i = 0; i < 5; i++) await timers.schedule(t.store.db, { kind: i % 2 ? 'hold.sla' : 'other', key: `l-${i}`, dueAt: START_MS + (5 - i) * 1_000 });
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await timers.list({ limit: 2, cursor });
    keys.push(...page.items.map((x) => x.key));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  assert.deepEqual(keys, ['l-4', 'l-3', 'l-2', 'l-1', 'l-0']);
  assert.deepEqual((await timers.list({ kind: 'other', limit: 10 })).items.map((x) => x.key), ['l-4', 'l-2', 'l-0']);
});
