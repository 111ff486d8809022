import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { uuidV7Generator } from '../../src/platform/ids.ts';
import { seededRandom } from '../../src/platform/random.ts';
import type { Executor } from '../../src/platform/db/store.ts';
import Database from 'better-sqlite3';
import { processLogPathOf } from '../../src/process-log/log-file.ts';
import { startProcessLogThread } from '../../src/process-log/thread.ts';
import { storeLogEvents } from '../../src/domains/process/process.synthetic-store.ts';
import { generateSyntheticLog } from '../../src/domains/process/process.synthetic-log.ts';
import { createTestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { createTestStore, testStoreKind, type TestStore } from '../helpers/store.ts';
import { sampleChannel, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * An embedded hub in a file keeps its process log in a file of its own beside the hub's, taken in
 * by a thread of its own (src/process-log), so that the log's writes never wait for the order path's
 * or hold it up. A hub whose log was in its own file until now has it copied over once.
 */
const sqliteOnly = testStoreKind !== 'sqlite' && 'the log has a file of its own on the embedded store only';

const LOG_TABLES = ['process_events', 'process_event_objects', 'process_objects', 'process_object_changes', 'process_object_links', 'process_facts', 'process_cursor'] as const;
const countsOf = async (db: Executor) => {
  const counts: Record<string, number> = {};
  for (const table of LOG_TABLES) counts[table] = Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  return counts;
};
const indexesOf = async (db: Executor) =>
  (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name like 'process_%' and sql is not null order by name`.execute(db)).rows.map((r) => r.name);

test('orders taken in by an embedded hub are logged in the log file, and the hub file’s log tables stay empty', { skip: sqliteOnly }, async () => {
  const t = await createTestApp();
  try {
    const hubDb = t.testStore.store.db;
    assert.ok(existsSync(processLogPathOf(t.testStore.store.sqlitePath!)), 'the log file is beside the hub file');
    await seedSampleCatalog(t.app.services.catalog);
    assert.equal((await t.app.http.inject({ method: 'PUT', url: '/v1/channels/EDI', headers: t.as('planner'), payload: { ...sampleChannel, protectedAllocations: [] } })).statusCode, 200);
    const occurredAt = new Date(t.clock.now() - 30_000).toISOString();
    const feed = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events: [{ source: 'WMS-EAST', sequence: 1, locationCode: 'DC-EAST', type: 'receipt', sku: 'SKU-1', quantity: 100, occurredAt }] } });
    assert.equal(feed.statusCode, 200, feed.body);
    const orderId = await submitSampleOrder(t, 'LOG-FILE-1', [{ lineNumber: 1, sku: 'SKU-1', quantity: 10 }]);
    for (let round = 0; round < 20 && (await t.app.services.outbox.dispatchDue()).delivered > 0; round++);

    const outboxEvents = Number((await hubDb.selectFrom('outbox_events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const inLogFile = await countsOf(t.app.processLogDb);
    assert.equal(inLogFile['process_events'], outboxEvents, 'every domain event is logged, once, in the log file');
    assert.ok(inLogFile['process_facts']! > 0);
    assert.deepEqual(Object.values(await countsOf(hubDb)), LOG_TABLES.map(() => 0), 'nothing is written to the hub file’s log tables');

    // The follower the outbox runs is the thread's, under the log's name, and it has caught up.
    const health = (await t.app.services.outbox.followerHealth()).find((f) => f.name === 'process.log');
    assert.ok(health && health.lag === 0 && health.failuresInRow === 0, JSON.stringify(health));
    // The hub's queries read the log file: the order's released and its facts count.
    const kpi = await t.app.http.inject({ method: 'GET', url: `/v1/process/kpis?kpi=order_to_release_time&from=${new Date(t.clock.now() - 3_600_000).toISOString()}`, headers: t.as('viewer') });
    assert.equal(kpi.statusCode, 200, kpi.body);
    assert.equal(kpi.json().kpis[0].count, 1, kpi.body);
    const timeline = await t.app.http.inject({ method: 'GET', url: `/v1/orders/${orderId}/timeline`, headers: t.as('viewer') });
    assert.equal(timeline.statusCode, 200, timeline.body);
    assert.ok((timeline.json().items as unknown[]).length > 0, timeline.body);
  } finally {
    await t.dispose();
  }
});

test('the log thread takes the feed in while the hub’s own thread is busy and cannot', { skip: sqliteOnly }, async () => {
  const t = await createTestApp();
  const hubPath = t.testStore.store.sqlitePath!;
  const thread = startProcessLogThread({ hubPath, logPath: processLogPathOf(hubPath), outbox: parseConfig({}).outbox, clock: t.clock, position: async () => 0 });
  const reader = new Database(processLogPathOf(hubPath), { readonly: true });
  try {
    await t.testStore.store.db.transaction().execute((tx) => t.app.services.outbox.appendMany(tx, [1, 2, 3].map((n) => ({ source: '/test', type: 'crossdock.test.noted', subject: `note/${n}`, data: { n } }))));
    // The follow is asked for, then this thread spins without yielding, reading the log's file on a
    // connection of its own: a follow done on this thread could not log anything until the spin ends.
    const following = thread.follower.follow();
    const logged = () => (reader.prepare('select count(*) as n from process_events').get() as { n: number }).n;
    const deadline = Date.now() + 30_000;
    while (logged() < 3 && Date.now() < deadline);
    assert.equal(logged(), 3, 'logged while the hub’s thread never yielded');
    assert.equal(await following, 3);
  } finally {
    reader.close();
    await thread.stop();
    await t.dispose();
  }
});

test('a hub whose log was in the hub file has it copied into a log file of its own once, with its indexes, and the hub file’s copy emptied', { skip: sqliteOnly }, async () => {
  const testStore: TestStore = await createTestStore();
  const clock = new ManualClock();
  const start = async () => {
    const random = seededRandom(7);
    return buildApp(parseConfig({ log: { level: 'silent' } }), { store: testStore.store, clock, ids: uuidV7Generator(clock, random), random, subscribers: [] });
  };
  try {
    // The log as a hub before the log file kept it: in the hub file, with its cursor.
    const { log } = generateSyntheticLog(3_000);
    await testStore.store.db.transaction().execute((tx) => storeLogEvents(tx, log, 0, log.events));
    const before = await countsOf(testStore.store.db);
    const indexes = await indexesOf(testStore.store.db);
    const cursor = await testStore.store.db.selectFrom('process_cursor').selectAll().orderBy('name').execute();
    assert.ok(before['process_events'] === log.events && before['process_event_objects']! > log.events, JSON.stringify(before));

    const app = await start();
    try {
      assert.deepEqual(await countsOf(app.processLogDb), before, 'every row copied');
      assert.deepEqual(await indexesOf(app.processLogDb), indexes, 'with the same indexes');
      assert.deepEqual(await app.processLogDb.selectFrom('process_cursor').selectAll().orderBy('name').execute(), cursor, 'and the cursor where it was');
      assert.deepEqual(Object.values(await countsOf(testStore.store.db)), LOG_TABLES.map(() => 0), 'the hub file’s copy is emptied');
      const report = await app.services.process.recompute();
      assert.equal(report.events, log.events, 'the hub reads the copied log');
    } finally {
      await app.close();
    }

    // Started again: the log file is used as it is, not copied again.
    const again = await start();
    try {
      const counts = await countsOf(again.processLogDb);
      assert.deepEqual([counts['process_events'], counts['process_event_objects'], counts['process_object_changes']], [before['process_events'], before['process_event_objects'], before['process_object_changes']]);
      assert.deepEqual(Object.values(await countsOf(testStore.store.db)), LOG_TABLES.map(() => 0));
    } finally {
      await again.close();
    }

    // A migration that changed the log's tables in the hub's file alone is refused at start, by name.
    await sql`create index process_events_type on process_events (type)`.execute(testStore.store.db);
    await assert.rejects(start(), /the process log's tables in .*test\.process\.db differ from those the hub's migrations made in .*test\.db/);
  } finally {
    await testStore.dispose();
  }
});
