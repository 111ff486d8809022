import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { parseConfig } from '../../config.ts';
import { ManualClock } from '../clock.ts';
import type { Tx } from '../db/store.ts';
import { AppError, ExternalError } from '../errors.ts';
import { createMetrics } from '../http/metrics.ts';
import { uuidV7Generator } from '../ids.ts';
import { seededRandom } from '../random.ts';
import { createOutboxService, type EventEnvelope, type FeedFollower, type NewEvent, type OutboxService, type Subscriber } from './index.ts';

let t: TestStore;
before(async () => {
  t = await createTestStore();
});
after(async () => t.dispose());
beforeEach(async () => {
  await sql`delete from outbox_deliveries`.execute(t.store.db);
  await sql`delete from outbox_events`.execute(t.store.db);
});

/** A subscriber that records what it received and fails as its script says. */
function probe(name: string, types: Subscriber['types'] = '*', fail: (event: EventEnvelope, attempt: number) => Error | null = () => null) {
  const received: EventEnvelope[] = [];
  const attempts = new Map<string, number>();
  const subscriber: Subscriber = {
    name,
    types,
    async deliver(event) {
      const attempt = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, attempt);
      const error = fail(event, attempt);
      if (error) throw error;
      received.push(event);
    },
  };
  return { subscriber, received, subjects: () => received.map((e) => `${e.subject}:${(e.data as { n: number }).n}`) };
}

function setup(subscribers: Subscriber[], outboxConfig: Record<string, number> = {}) {
  const clock = new ManualClock();
  const random = seededRandom(5);
  const metrics = createMetrics();
  const config = parseConfig({ outbox: { attemptsMax: 4, retryDelayMsBase: 1_000, retryDelayMsMax: 60_000, ...outboxConfig } });
  const outbox = createOutboxService({
    db: t.store.db,
    kind: t.store.kind,
    clock,
    ids: uuidV7Generator(clock, random),
    random,
    config: config.outbox,
    metrics,
    subscribers,
  });
  return { clock, outbox, metrics };
}

const event = (subject: string, n: number, type = 'crossdock.inventory.adjusted'): NewEvent => ({
  source: '/crossdock/inventory',
  type,
  subject,
  data: { n },
  correlationId: 'corr-1',
});

const appendAll = (outbox: OutboxService, events: NewEvent[]) =>
  t.store.db.transaction().execute(async (tx) => {
    for (const e of events) await outbox.append(tx, e);
  });

/** Gives a running dispatcher turns of a millisecond until `done`, at most `count` of them. */
async function turnsUntil(done: () => boolean, count = 2_000) {
  for (let turn = 0; turn < count && !done(); turn++) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Moves the clock to the earliest retry still in the future and ticks. */
async function tickAtNextRetry(outbox: OutboxService, clock: ManualClock) {
  const next = await t.store.db
    .selectFrom('outbox_deliveries')
    .select((eb) => eb.fn.min<number>('next_attempt_at').as('at'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', clock.now())
    .executeTakeFirstOrThrow();
  if (next.at !== null) clock.set(Math.max(clock.now(), Number(next.at)));
  return outbox.dispatchDue();
}

test(`an append in a transaction that rolls back publishes nothing (I8) (${testStoreKind})`, async () => {
  const p = probe('all');
  const { outbox } = setup([p.subscriber]);
  await assert.rejects(
    t.store.db.transaction().execute(async (tx) => {
      await outbox.append(tx, event('item/A', 1));
      throw new Error('the state change failed after the append');
    }),
    /state change failed/,
  );
  assert.deepEqual((await outbox.readFeed({ after: 0, limit: 100 })).items, []);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 0, retrying: 0, dead: 0, followed: 0, skipped: false });
  assert.deepEqual(p.received, []);
  assert.deepEqual(await outbox.countDeliveriesByStatus(), { pending: 0, delivered: 0, dead: 0, discarded: 0 });
});

test(`an append needs a transaction (${testStoreKind})`, async () => {
  const { outbox } = setup([]);
  await assert.rejects(outbox.append(t.store.db as unknown as Tx, event('item/A', 1)), /needs the transaction/);
});

test(`the envelope is CloudEvents 1.0 with our extensions (${testStoreKind})`, async () => {
  const p = probe('all');
  const { outbox, clock } = setup([p.subscriber]);
  let appended: EventEnvelope | undefined;
  await t.store.db.transaction().execute(async (tx) => {
    appended = await outbox.append(tx, { ...event('item/A', 1), causationId: 'msg-9', dataSchemaVersion: '2' });
  });
  await outbox.dispatchDue();
  assert.equal(p.received.length, 1);
  const delivered = p.received[0]!;
  assert.deepEqual(delivered, appended);
  assert.equal(delivered.specversion, '1.0');
  assert.equal(delivered.datacontenttype, 'application/json');
  assert.equal(delivered.time, new Date(clock.now()).toISOString());
  assert.equal(delivered.correlationid, 'corr-1');
  assert.equal(delivered.causationid, 'msg-9');
  assert.equal(delivered.dataschemaversion, '2');
  assert.match(delivered.sequence, /^\d+$/);
  assert.deepEqual(delivered.data, { n: 1 });
  const { items } = await outbox.readFeed({ after: 0, limit: 10 });
  assert.deepEqual(items, [appended]);
});

test(`a subscriber that fails twice then succeeds gets the event, with two retries counted (${testStoreKind})`, async () => {
  const p = probe('flaky', '*', (_e, attempt) => (attempt <= 2 ? new ExternalError('503', { retryable: true }) : null));
  const { outbox, clock, metrics } = setup([p.subscriber]);
  await appendAll(outbox, [event('item/A', 1)]);
  assert.equal((await outbox.dispatchDue()).retrying, 1);
  assert.equal((await outbox.dispatchDue()).retrying, 0, 'not due again before its backoff');
  assert.equal((await tickAtNextRetry(outbox, clock)).retrying, 1);
  assert.equal((await tickAtNextRetry(outbox, clock)).delivered, 1);
  assert.deepEqual(p.subjects(), ['item/A:1']);
  const row = await t.store.db.selectFrom('outbox_deliveries').selectAll().executeTakeFirstOrThrow();
  assert.equal(row.status, 'delivered');
  assert.equal(row.attempts, 3);
  assert.equal((await metrics.outboxRetries.get()).values.find((v) => v.labels.subscriber === 'flaky')?.value, 2);
});

test(`a retrying event holds back later events of its subject while other subjects proceed (${testStoreKind})`, async () => {
  const p = probe('ordered', '*', (e, attempt) => (e.subject === 'item/A' && (e.data as { n: number }).n === 1 && attempt === 1 ? new Error('timeout') : null));
  const { outbox, clock } = setup([p.subscriber]);
  await appendAll(outbox, [event('item/A', 1), event('item/A', 2), event('item/B', 1), event('item/A', 3), event('item/B', 2)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 2, retrying: 1, dead: 0, followed: 0, skipped: false });
  assert.deepEqual(p.subjects(), ['item/B:1', 'item/B:2']);
  await appendAll(outbox, [event('item/A', 4)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 0, retrying: 0, dead: 0, followed: 0, skipped: false }, 'A is held until its first event is retried');
  await tickAtNextRetry(outbox, clock);
  assert.deepEqual(p.subjects(), ['item/B:1', 'item/B:2', 'item/A:1', 'item/A:2', 'item/A:3', 'item/A:4']);
});

test(`a batching subscriber gets events a few at a time, one per subject; an event settled with an error retries alone and holds its subject (${testStoreKind})`, async () => {
  const batches: string[][] = [];
  let failedOnce = false;
  const batching: Subscriber = {
    name: 'batching',
    types: '*',
    deliver: async () => assert.fail('a subscriber that takes batches is not given events one by one'),
    async deliverMany(events) {
      const names = events.map((e) => `${e.subject}:${(e.data as { n: number }).n}`);
      batches.push(names);
      return names.map((name) => {
        if (name !== 'item/B:1' || failedOnce) return { ok: true as const };
        failedOnce = true;
        return { ok: false as const, error: new ExternalError('503', { retryable: true }) };
      });
    },
  };
  const { outbox, clock } = setup([batching]);
  await appendAll(outbox, [event('item/A', 1), event('item/B', 1), event('item/A', 2), event('item/C', 1), event('item/D', 1), event('item/E', 1), event('item/B', 2)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 5, retrying: 1, dead: 0, followed: 0, skipped: false });
  // A batch ends before a subject it already holds; B's later event waits behind its retry.
  assert.deepEqual(batches, [['item/A:1', 'item/B:1'], ['item/A:2', 'item/C:1', 'item/D:1', 'item/E:1']]);
  await tickAtNextRetry(outbox, clock);
  assert.deepEqual(batches.slice(2), [['item/B:1'], ['item/B:2']]);
  const statuses = await t.store.db.selectFrom('outbox_deliveries').select(['status', 'attempts']).execute();
  assert.ok(statuses.every((d) => d.status === 'delivered'));
  assert.equal(statuses.filter((d) => d.attempts === 2).length, 1, 'only the failed event was attempted twice');
});

test(`a batch that throws as a whole fails each of its events, which are retried (${testStoreKind})`, async () => {
  let calls = 0;
  const batching: Subscriber = {
    name: 'batching',
    types: '*',
    deliver: async () => undefined,
    async deliverMany(events) {
      if (++calls === 1) throw new ExternalError('connection reset', { retryable: true });
      return events.map(() => ({ ok: true as const }));
    },
  };
  const { outbox, clock } = setup([batching]);
  await appendAll(outbox, [event('item/A', 1), event('item/B', 1)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 0, retrying: 2, dead: 0, followed: 0, skipped: false });
  // Past the longest backoff, both are due again.
  clock.advance(61_000);
  assert.equal((await outbox.dispatchDue()).delivered, 2);
  assert.equal(calls, 2);
});

test(`a terminal failure is a dead letter that does not hold its subject; replay delivers it (${testStoreKind})`, async () => {
  const rejected = new Set(['item/A:1']);
  const p = probe('strict', '*', (e) => (rejected.has(`${e.subject}:${(e.data as { n: number }).n}`) ? new ExternalError('422 schema', { retryable: false }) : null));
  const { outbox, metrics } = setup([p.subscriber]);
  await appendAll(outbox, [event('item/A', 1), event('item/A', 2)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 1, retrying: 0, dead: 1, followed: 0, skipped: false });
  assert.deepEqual(p.subjects(), ['item/A:2']);
  assert.equal((await metrics.outboxDeadLetters.get()).values[0]?.value, 1);

  const dead = await outbox.listDeadLetters({ limit: 10 });
  assert.equal(dead.items.length, 1);
  const letter = dead.items[0]!;
  assert.equal(letter.status, 'dead');
  assert.equal(letter.attempts, 1);
  assert.match(letter.lastError ?? '', /422 schema/);
  assert.equal(letter.event.subject, 'item/A');

  rejected.clear();
  const replayed = await outbox.replayDeadLetter(letter.id, 'subscriber fixed its schema');
  assert.equal(replayed.status, 'pending');
  assert.equal(replayed.attempts, 0);
  assert.equal(replayed.replayCount, 1);
  assert.equal((await outbox.dispatchDue()).delivered, 1, 'deliverable at once, without moving the clock');
  assert.deepEqual(p.subjects(), ['item/A:2', 'item/A:1']);
  assert.ok(Number(p.received[1]!.sequence) < Number(p.received[0]!.sequence), 'the replayed event keeps its earlier sequence');
  await assert.rejects(outbox.replayDeadLetter(letter.id), (e: unknown) => e instanceof AppError && e.code === 'invalid_state');
});

test(`retries run out into a dead letter, which can be discarded for good (${testStoreKind})`, async () => {
  const p = probe('down', '*', () => new Error('ECONNREFUSED'));
  const { outbox, clock } = setup([p.subscriber], { attemptsMax: 3 });
  await appendAll(outbox, [event('item/A', 1)]);
  await outbox.dispatchDue();
  await tickAtNextRetry(outbox, clock);
  assert.equal((await tickAtNextRetry(outbox, clock)).dead, 1);
  const [letter] = (await outbox.listDeadLetters({ subscriber: 'down', limit: 10 })).items;
  assert.equal(letter?.attempts, 3);
  const discarded = await outbox.discardDeadLetter(letter!.id, 'partner decommissioned');
  assert.equal(discarded.status, 'discarded');
  assert.equal(discarded.operatorNote, 'partner decommissioned');
  await assert.rejects(outbox.replayDeadLetter(letter!.id), (e: unknown) => e instanceof AppError && e.code === 'invalid_state');
  await assert.rejects(outbox.discardDeadLetter(999_999, 'x'), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  assert.deepEqual(await outbox.countDeliveriesByStatus(), { pending: 0, delivered: 0, dead: 0, discarded: 1 });
});

test(`type filters decide which subscribers get a delivery (${testStoreKind})`, async () => {
  const inventory = probe('inventory', ['crossdock.inventory.*']);
  const releases = probe('releases', ['crossdock.orders.released']);
  const { outbox } = setup([inventory.subscriber, releases.subscriber]);
  await appendAll(outbox, [event('item/A', 1), event('order/1', 2, 'crossdock.orders.released'), event('order/1', 3, 'crossdock.orders.closed')]);
  const rows = await t.store.db.selectFrom('outbox_deliveries').select(['subscriber', 'event_seq']).orderBy('event_seq').execute();
  assert.deepEqual(rows.map((r) => r.subscriber), ['inventory', 'releases']);
  await outbox.dispatchDue();
  assert.deepEqual(inventory.subjects(), ['item/A:1']);
  assert.deepEqual(releases.subjects(), ['order/1:2']);
});

test(`a subscriber's accepts test, asked at append, decides which events of its types get a delivery at all (${testStoreKind})`, async () => {
  const even = probe('even', ['crossdock.inventory.*']);
  even.subscriber.accepts = (e) => (e.data as { n: number }).n % 2 === 0;
  const all = probe('all', ['crossdock.inventory.*']);
  // A test that throws is a bug in it: the change the event announces is still committed, and the event delivered.
  const careless = probe('careless', ['crossdock.inventory.*']);
  careless.subscriber.accepts = (e) => (e.data as { n: number }).n > 2 || (e.data as unknown as { missing: { n: number } }).missing.n > 0;
  const { outbox } = setup([even.subscriber, all.subscriber, careless.subscriber]);
  await appendAll(outbox, [event('item/A', 1), event('item/A', 2), event('item/B', 3), event('item/B', 4)]);
  const rows = await t.store.db.selectFrom('outbox_deliveries').select(['subscriber']).where('subscriber', '=', 'even').execute();
  assert.equal(rows.length, 2, 'the refused events have no delivery row to select or mark');
  assert.equal((await outbox.dispatchDue()).delivered, 10);
  assert.deepEqual(even.subjects(), ['item/A:2', 'item/B:4']);
  assert.deepEqual(all.subjects(), ['item/A:1', 'item/A:2', 'item/B:3', 'item/B:4']);
  assert.deepEqual(careless.subjects(), ['item/A:1', 'item/A:2', 'item/B:3', 'item/B:4']);
});

test(`a tick marks every subscriber's deliveries at its end, beside another subscriber's retry, and delivers none twice (${testStoreKind})`, async () => {
  const good = probe('good', ['crossdock.inventory.*']);
  const flaky = probe('flaky', ['crossdock.inventory.*'], (_e, attempt) => (attempt === 1 ? new ExternalError('503', { retryable: true }) : null));
  const { outbox, clock } = setup([good.subscriber, flaky.subscriber]);
  await appendAll(outbox, [event('item/A', 1), event('item/B', 2)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 2, retrying: 2, dead: 0, followed: 0, skipped: false });
  const statuses = await t.store.db.selectFrom('outbox_deliveries').select(['subscriber', 'status', 'attempts']).orderBy('subscriber').orderBy('event_seq').execute();
  assert.deepEqual(
    statuses.map((r) => `${r.subscriber}:${r.status}:${r.attempts}`),
    ['flaky:pending:1', 'flaky:pending:1', 'good:delivered:1', 'good:delivered:1'],
  );
  clock.advance(60_000);
  assert.equal((await outbox.dispatchDue()).delivered, 2, 'the retries, and nothing the good subscriber had');
  assert.equal((await outbox.dispatchDue()).delivered, 0);
  assert.deepEqual(good.subjects(), ['item/A:1', 'item/B:2']);
  assert.deepEqual(flaky.subjects(), ['item/A:1', 'item/B:2']);
});

test(`subscribers are registered before the first append, once each (${testStoreKind})`, async () => {
  const { outbox } = setup([]);
  outbox.subscribe(probe('early').subscriber);
  assert.throws(() => outbox.subscribe(probe('early').subscriber), /registered twice/);
  assert.throws(() => outbox.subscribe(probe('bad', ['crossdock.*.x']).subscriber), /not a type or a prefix pattern/);
  await appendAll(outbox, [event('item/A', 1)]);
  assert.throws(() => outbox.subscribe(probe('late').subscriber), /after events were appended/);
});

test(`the feed reads in sequence order after a position, by type prefix and subject (${testStoreKind})`, async () => {
  const { outbox } = setup([]);
  await appendAll(outbox, [event('item/A', 1), event('order/1', 2, 'crossdock.orders.released'), event('item/B', 3), event('item/A', 4)]);
  const all = await outbox.readFeed({ after: 0, limit: 2 });
  assert.deepEqual(all.items.map((e) => (e.data as { n: number }).n), [1, 2]);
  const rest = await outbox.readFeed({ after: all.nextAfter, limit: 10 });
  assert.deepEqual(rest.items.map((e) => (e.data as { n: number }).n), [3, 4]);
  const empty = await outbox.readFeed({ after: rest.nextAfter, limit: 10 });
  assert.deepEqual(empty, { items: [], nextAfter: rest.nextAfter });
  const inventory = await outbox.readFeed({ after: 0, type: 'crossdock.inventory.*', limit: 10 });
  assert.deepEqual(inventory.items.map((e) => (e.data as { n: number }).n), [1, 3, 4]);
  const exact = await outbox.readFeed({ after: 0, type: 'crossdock.orders.released', limit: 10 });
  assert.deepEqual(exact.items.map((e) => (e.data as { n: number }).n), [2]);
  const itemA = await outbox.readFeed({ after: 0, subject: 'item/A', limit: 10 });
  assert.deepEqual(itemA.items.map((e) => (e.data as { n: number }).n), [1, 4]);
});

test(`on PostgreSQL only one node dispatches at a time, so each event is delivered once (${testStoreKind})`, { skip: testStoreKind !== 'postgres' && 'SQLite runs one process' }, async () => {
  const received: string[] = [];
  const slow: Subscriber = {
    name: 'slow',
    types: '*',
    async deliver(e) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      received.push(e.id);
    },
  };
  const a = setup([slow]);
  const b = setup([slow]);
  await appendAll(a.outbox, Array.from({ length: 10 }, (_, i) => event(`item/${i % 3}`, i)));
  const [ra, rb] = await Promise.all([a.outbox.dispatchDue(), b.outbox.dispatchDue()]);
  assert.equal(ra.delivered + rb.delivered, 10);
  assert.ok(ra.skipped !== rb.skipped, 'exactly one node took the lock');
  assert.equal(new Set(received).size, 10);
  assert.equal(received.length, 10);
});

test(`a subscriber marked first is delivered before the others of the tick start (${testStoreKind})`, async () => {
  const steps: string[] = [];
  const recording = (name: string, first: boolean): Subscriber => ({
    name,
    types: '*',
    first,
    async deliver(e) {
      steps.push(`${name} starts ${(e.data as { n: number }).n}`);
      // A turn of the event loop, in which a subscriber running alongside would start.
      await new Promise((resolve) => setImmediate(resolve));
      steps.push(`${name} ends ${(e.data as { n: number }).n}`);
    },
  });
  // Registered last, and subscribers run in parallel by default: only `first` puts it ahead.
  const { outbox } = setup([recording('log', false), recording('documents', false), recording('allocate', true)]);
  await appendAll(outbox, [event('order/1', 1), event('order/2', 2)]);
  await outbox.dispatchDue();
  assert.deepEqual(steps.slice(0, 4), ['allocate starts 1', 'allocate ends 1', 'allocate starts 2', 'allocate ends 2']);
  assert.equal(steps.length, 12);
});

test(`in a running dispatcher the first lane delivers while a slow tick of the rest is still under way (${testStoreKind})`, async () => {
  // Only the first delivery is held: once released, later ones pass at once, so the lane's ticks
  // after the test (it delivered, so it looks again) cannot hold up stop().
  let released = false;
  let releaseSlow: () => void = () => undefined;
  const slowStarted: string[] = [];
  const slow: Subscriber = {
    name: 'slow-log',
    types: '*',
    async deliver(e) {
      slowStarted.push(e.id);
      if (released) return;
      await new Promise<void>((resolve) => (releaseSlow = resolve));
    },
  };
  const allocate = probe('allocate', '*');
  const { outbox } = setup([slow, { ...allocate.subscriber, first: true }], { pollIntervalMs: 600_000 });
  outbox.start();
  try {
    await appendAll(outbox, [event('order/1', 1)]);
    outbox.nudge();
    await turnsUntil(() => slowStarted.length === 1 && allocate.received.length === 1);
    assert.equal(slowStarted.length, 1, 'the rest lane took the event and is stuck in its subscriber');
    // A second order arrives while the rest lane's tick still waits: the first lane takes it anyway.
    await appendAll(outbox, [event('order/2', 2)]);
    outbox.nudge();
    await turnsUntil(() => allocate.received.length === 2);
    assert.deepEqual(allocate.subjects(), ['order/1:1', 'order/2:2']);
    assert.equal(slowStarted.length, 1);
  } finally {
    released = true;
    releaseSlow();
    await outbox.stop();
  }
});

test(`stopping the dispatcher stops both lanes at once: the rest lane starts no tick while the first lane's last tick is waited on (${testStoreKind})`, async () => {
  // The rest lane holds its first delivery; the first lane holds its second. Stopping the lanes one
  // after the other would wait on the first lane while the rest lane, its held tick done and so
  // looking for more work, started a tick of the second event.
  const hold = () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    return { held, release: () => release() };
  };
  const restHold = hold();
  const firstHold = hold();
  const restStarted: number[] = [];
  const firstStarted: number[] = [];
  const rest: Subscriber = {
    name: 'log',
    types: '*',
    async deliver(e) {
      const n = (e.data as { n: number }).n;
      restStarted.push(n);
      if (n === 1) await restHold.held;
    },
  };
  const first: Subscriber = {
    name: 'allocate',
    types: '*',
    first: true,
    async deliver(e) {
      const n = (e.data as { n: number }).n;
      firstStarted.push(n);
      if (n === 2) await firstHold.held;
    },
  };
  const { outbox } = setup([rest, first], { pollIntervalMs: 600_000 });
  outbox.start();
  await appendAll(outbox, [event('order/1', 1)]);
  outbox.nudge();
  await turnsUntil(() => restStarted.length === 1 && firstStarted.length === 1);
  await appendAll(outbox, [event('order/2', 2)]);
  outbox.nudge();
  await turnsUntil(() => firstStarted.length === 2);
  assert.deepEqual([restStarted, firstStarted], [[1], [1, 2]], 'each lane is inside a held delivery');
  const stopped = outbox.stop();
  restHold.release();
  // Time for the rest lane to finish its tick and, if it were still running, to start the next.
  await turnsUntil(() => restStarted.length > 1, 100);
  firstHold.release();
  await stopped;
  assert.deepEqual(restStarted, [1], 'the rest lane started no tick after stop');
});

test(`a tick gives the event loop a turn every few deliveries, so requests and timers are not held for the whole tick (${testStoreKind})`, async () => {
  const seen: boolean[] = [];
  let turned = false;
  const { outbox } = setup([{ name: 'counting', types: '*', deliver: async () => void seen.push(turned) }]);
  await appendAll(outbox, Array.from({ length: 12 }, (_, i) => event(`item/${i}`, i)));
  // Waiting for the next turn of the event loop, as a request or a timer would.
  setImmediate(() => (turned = true));
  await outbox.dispatchDue();
  assert.equal(seen.length, 12);
  assert.equal(seen[0], true, 'the first delivery already came after a turn of the event loop');
});

/** A feed follower that keeps its cursor in memory and fails as its script says (by attempt). */
function follower(name: string, outbox: () => OutboxService, fail: (attempt: number) => Error | null = () => null) {
  let cursor = 0;
  let attempts = 0;
  const taken: number[] = [];
  const feedFollower: FeedFollower = {
    name,
    async follow() {
      const error = fail(++attempts);
      if (error) throw error;
      let count = 0;
      for (;;) {
        const page = await outbox().readFeed({ after: cursor, limit: 2 });
        if (page.items.length === 0) return count;
        for (const e of page.items) taken.push((e.data as { n: number }).n);
        count += page.items.length;
        cursor = page.nextAfter;
      }
    },
    position: async () => cursor,
  };
  return { follower: feedFollower, taken, attempts: () => attempts };
}

test(`a feed follower takes in the feed after its own cursor whenever the dispatcher is driven, with no delivery rows (${testStoreKind})`, async () => {
  const p = probe('erp', ['crossdock.inventory.*']);
  const { outbox } = setup([p.subscriber]);
  const f = follower('log', () => outbox);
  outbox.follow(f.follower);
  await appendAll(outbox, [event('item/A', 1), event('item/B', 2), event('order/1', 3, 'crossdock.order.received')]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 2, retrying: 0, dead: 0, followed: 3, skipped: false });
  assert.deepEqual(f.taken, [1, 2, 3], 'every event, in sequence order, whatever its type');
  const rows = await t.store.db.selectFrom('outbox_deliveries').select('subscriber').execute();
  assert.deepEqual(rows.map((r) => r.subscriber), ['erp', 'erp'], 'deliveries only for the subscriber');
  const [health] = await outbox.followerHealth();
  assert.deepEqual([health!.name, health!.lag, health!.failuresInRow, health!.hour], ['log', 0, 0, { requests: 3, failures: 0 }]);
  await appendAll(outbox, [event('item/C', 4)]);
  assert.equal((await outbox.followerHealth())[0]!.lag, 1, 'its lag is what the feed holds after its position');
  assert.equal((await outbox.dispatchDue()).followed, 1);
  assert.equal((await outbox.dispatchDue()).followed, 0, 'nothing new, nothing taken in');
});

test(`in a running hub an order appended during a follower's page is allocated before the follower's next page (${testStoreKind})`, async () => {
  const steps: string[] = [];
  const allocate: Subscriber = { name: 'allocate', types: ['crossdock.order.received'], first: true, deliver: async () => void steps.push('allocated') };
  const { outbox } = setup([allocate], { pollIntervalMs: 600_000, followIntervalMs: 600_000 });
  const paging: FeedFollower = {
    name: 'paging-log',
    async follow(turn) {
      for (const page of [1, 2]) {
        if (page > 1) await turn!();
        steps.push(`page ${page}`);
        if (page === 1) {
          // An order taken in while the log's page is under way, as intake would nudge the lanes.
          await appendAll(outbox, [event('order/1', 1, 'crossdock.order.received')]);
          outbox.nudge();
        }
      }
      return 2;
    },
    position: async () => 0,
  };
  outbox.follow(paging);
  outbox.start();
  try {
    await outbox.dispatchDue();
    assert.deepEqual(steps.slice(0, 3), ['page 1', 'allocated', 'page 2']);
  } finally {
    await outbox.stop();
  }
});

test(`a follower that fails waits with backoff on the injected clock, counts as retrying and shows its lag and error, then catches up (${testStoreKind})`, async () => {
  const { outbox, clock } = setup([]);
  const f = follower('log', () => outbox, (attempt) => (attempt <= 2 ? new Error(`log store unavailable (attempt ${attempt})`) : null));
  outbox.follow(f.follower);
  await appendAll(outbox, [event('item/A', 1), event('item/B', 2)]);
  assert.deepEqual(await outbox.dispatchDue(), { delivered: 0, retrying: 1, dead: 0, followed: 0, skipped: false });
  let [health] = await outbox.followerHealth();
  assert.deepEqual([health!.lag, health!.failuresInRow, health!.lastError], [2, 1, 'log store unavailable (attempt 1)']);
  assert.ok(health!.nextAttemptAt! > clock.now(), 'it waits before trying again');

  assert.deepEqual(await outbox.dispatchDue(), { delivered: 0, retrying: 0, dead: 0, followed: 0, skipped: false });
  assert.equal(f.attempts(), 1, 'not tried again before its time');
  clock.set(health!.nextAttemptAt!);
  assert.equal((await outbox.dispatchDue()).retrying, 1);
  [health] = await outbox.followerHealth();
  assert.equal(health!.failuresInRow, 2);
  clock.set(health!.nextAttemptAt!);
  assert.equal((await outbox.dispatchDue()).followed, 2);
  [health] = await outbox.followerHealth();
  assert.deepEqual([health!.lag, health!.failuresInRow, health!.nextAttemptAt, health!.hour], [0, 0, null, { requests: 4, failures: 2 }]);
  assert.deepEqual(f.taken, [1, 2], 'nothing taken twice or skipped');
});

test(`followers are registered before the first append, under a name no subscriber has (${testStoreKind})`, async () => {
  const p = probe('erp');
  const { outbox } = setup([p.subscriber]);
  assert.throws(() => outbox.follow(follower('erp', () => outbox).follower), /"erp" is registered twice/);
  outbox.follow(follower('log', () => outbox).follower);
  assert.throws(() => outbox.subscribe(probe('log').subscriber), /already registered as a follower/);
  await appendAll(outbox, [event('item/A', 1)]);
  assert.throws(() => outbox.follow(follower('late', () => outbox).follower), /registered after events were appended/);
});
