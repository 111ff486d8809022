import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleChannel, seedSampleCatalog } from '../fixtures/catalog.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import { createProcessService } from '../../src/domains/process/index.ts';

/**
 * Process intelligence end to end: real orders through the hub (intake, allocation, release,
 * shipment, invoicing, a backorder and an exception), then the KPIs, the process map and the OCEL
 * export read back over HTTP. The log follows the outbox feed as the outbox is driven.
 *
 * The story, in hours after the test clock's start: stock arrives (its movement happened 30 s
 * before the hub took it in); order A (10 × SKU-1) at 0h, allocated and released at 0.5h; order B
 * (20 × SKU-1, 5 × SKU-2, of which there is none) at 1h, released in part at 1.5h with line 2
 * backordered; a stock shortage on B's line 2 (raised by allocation itself where the hub wires
 * shortages to exceptions, else by this test at 2h); A ships at 4h and is invoiced; B's first line
 * ships at 5h. Everything is read at 5h.
 */
let t: TestApp;
const HOUR = 3_600_000;
let start = 0;
let orderA = '';
let orderB = '';

before(async () => {
  // The story spans hours without the warehouse posting again; its stock should not fade as stale.
  t = await createTestApp({ config: { inventory: { discountStaleAtp: false } } });
  start = t.clock.now();
});
after(async () => t.dispose());

const call = (url: string, role: Role = 'viewer', headers: Record<string, string> = {}) => t.app.http.inject({ method: 'GET', url, headers: { ...t.as(role), ...headers } });
const post = (url: string, role: Role, payload: unknown) => t.app.http.inject({ method: 'POST', url, headers: t.as(role), payload: payload as object });
const db = () => t.testStore.store.db;
/** The process log's tables: in the hub's database, or in an embedded hub's log file. */
const logDb = () => t.app.processLogDb;
const atHours = (h: number) => t.clock.set(start + h * HOUR);
const count = async (table: 'process_events' | 'outbox_events' | 'process_facts') => Number((await (table === 'outbox_events' ? db() : logDb()).selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const report = await t.app.services.outbox.dispatchDue();
    assert.equal(report.retrying + report.dead, 0, 'no delivery fails');
    if (report.delivered === 0) return;
  }
  assert.fail('the outbox kept producing events');
}

async function releasedRequest(orderId: string, sku: string) {
  const rows = await db().selectFrom('outbox_events').select(['data']).where('type', '=', 'crossdock.fulfillment.release_requested').orderBy('seq').execute();
  const requests = rows.map((r) => JSON.parse(r.data).request as { id: string; orderId: string; lines: Array<{ lineNumber: number; sku: string; quantity: number }> });
  return requests.find((r) => r.orderId === orderId && r.lines.some((l) => l.sku === sku))!;
}

async function kpis(query: string) {
  const res = await call(`/v1/process/kpis?${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { kpis: Array<{ kpi: string; value: number | null; count: number; numerator?: number; denominator?: number; groups?: Array<{ key: string; value: number | null }> }> };
}
interface OcelDocument {
  events: Array<{ id: string; type: string; time: string; relationships: Array<{ objectId: string; qualifier: string }> }>;
  objects: Array<{ id: string; type: string; attributes: Array<{ name: string; value: string; time: string }>; relationships: Array<{ objectId: string; qualifier: string }> }>;
  eventTypes: Array<{ name: string; attributes: Array<{ name: string; type: string }> }>;
  objectTypes: Array<{ name: string; attributes: Array<{ name: string; type: string }> }>;
}
const value = async (kpi: string) => (await kpis(`kpi=${kpi}`)).kpis[0]!;

test('real orders through the hub land in the log: one logged event per domain event', async () => {
  await seedSampleCatalog(t.app.services.catalog);
  // The sample EDI channel protects stock for itself; this story is about the log, so it protects nothing.
  assert.equal((await t.app.http.inject({ method: 'PUT', url: '/v1/channels/EDI', headers: t.as('planner'), payload: { ...sampleChannel, protectedAllocations: [] } })).statusCode, 200);
  const occurredAt = new Date(t.clock.now() - 30_000).toISOString();
  const feed = await post('/v1/inventory/events', 'integration', { events: [{ source: 'WMS-EAST', sequence: 1, locationCode: 'DC-EAST', type: 'receipt', sku: 'SKU-1', quantity: 100, occurredAt }] });
  assert.equal(feed.statusCode, 200, feed.body);
  await settle();

  orderA = await submitSampleOrder(t, 'PROC-A', [{ lineNumber: 1, sku: 'SKU-1', quantity: 10 }]);
  atHours(0.5);
  await settle();
  atHours(1);
  // The warehouse posts again (a movement 90 s old), so its stock is fresh when B is sourced.
  const again = await post('/v1/inventory/events', 'integration', {
    events: [{ source: 'WMS-EAST', sequence: 2, locationCode: 'DC-EAST', type: 'receipt', sku: 'SKU-1', quantity: 10, occurredAt: new Date(t.clock.now() - 90_000).toISOString() }],
  });
  assert.equal(again.statusCode, 200, again.body);
  orderB = await submitSampleOrder(t, 'PROC-B', [{ lineNumber: 1, sku: 'SKU-1', quantity: 20 }, { lineNumber: 2, sku: 'SKU-2', quantity: 5 }]);
  atHours(1.5);
  await settle();
  assert.deepEqual([(await call(`/v1/orders/${orderA}`)).json().state, (await call(`/v1/orders/${orderB}`)).json().state], ['released', 'released']);

  atHours(2);
  await db().transaction().execute((tx) =>
    t.app.services.exceptions.raiseIn(tx, { type: 'stock_shortage', subject: { type: 'order_line', id: `${orderB}:2` }, rootCause: { code: 'no_stock', message: 'no SKU-2 anywhere' } }),
  );
  await settle();

  atHours(4);
  const requestA = await releasedRequest(orderA, 'SKU-1');
  const shipA = await post('/v1/shipments', 'warehouse', { fulfillmentRequestId: requestA.id, shipmentNumber: 'PA-1', shippedAt: new Date(t.clock.now()).toISOString(), lines: [{ lineNumber: 1, quantity: 10 }] });
  assert.equal(shipA.statusCode, 201, shipA.body);
  await settle();
  atHours(5);
  const requestB = await releasedRequest(orderB, 'SKU-1');
  const shipB = await post('/v1/shipments', 'warehouse', { fulfillmentRequestId: requestB.id, shipmentNumber: 'PB-1', shippedAt: new Date(t.clock.now()).toISOString(), lines: [{ lineNumber: 1, quantity: 20 }] });
  assert.equal(shipB.statusCode, 201, shipB.body);
  await settle();

  assert.equal(await count('process_events'), await count('outbox_events'), 'every domain event is logged, once');
  const activities = await logDb().selectFrom('process_events').select('activity').where('seq', '>', 0).orderBy('seq').execute();
  assert.ok(activities.some((a) => a.activity === 'Exception raised') && activities.some((a) => a.activity === 'Invoice issued'), JSON.stringify(activities));
});

test('KPIs over HTTP, worked out from the story', async () => {
  const cycle = await value('order_cycle_time');
  assert.deepEqual([cycle.value, cycle.count], [4, 1], 'A: received 0h, shipped 4h; B has not shipped in full');
  const release = await value('order_to_release_time');
  assert.deepEqual([release.value, release.count], [0.5, 2]);
  assert.deepEqual([(await value('backlog_aging')).value, (await value('backorder_aging')).value], [4, 3.5], 'B open since 1h; its line 2 backordered since 1.5h');
  // The shortage was raised when B was allocated and released (1.5h) or by the test (2h); raised at its
  // release, it makes B touched, so only A was touchless.
  const raised = await db().selectFrom('outbox_events').select(['data']).where('type', '=', 'crossdock.exception.raised').execute();
  assert.equal(raised.length, 1, 'one shortage, raised once');
  const raisedAtHours = (Date.parse(JSON.parse(raised[0]!.data).exception.raisedAt) - start) / HOUR;
  assert.ok(raisedAtHours === 1.5 || raisedAtHours === 2, String(raisedAtHours));
  assert.deepEqual(
    [(await value('fill_rate_lines')).value, (await value('touchless_rate')).value, (await value('split_shipment_frequency')).value],
    [1, raisedAtHours <= 1.5 ? 0.5 : 1, 0],
  );
  const exceptions = await value('exception_rate');
  assert.deepEqual([exceptions.numerator, exceptions.denominator, exceptions.value], [1, 2, 0.5]);
  assert.equal((await value('queue_aging')).value, 5 - raisedAtHours, 'the shortage is open at 5h');
  const sync = await value('inventory_sync_latency');
  assert.deepEqual([sync.value, sync.denominator], [60, 2], 'two movements, taken in 30 s and 90 s after they happened');
  const failures = await value('integration_failure_rate');
  assert.deepEqual([failures.numerator, failures.denominator], [0, 6], 'two orders, two shipment confirmations and two inventory batches came in; none failed');
  assert.equal((await value('shipment_confirmation_timeliness')).value, 1, 'both confirmed before the DC-EAST cutoff');
  assert.equal((await value('invoice_latency')).value, 0, 'invoiced as soon as the confirmation was delivered');

  const byChannel = await kpis('kpi=order_to_release_time&by=channel&interval=hour');
  assert.deepEqual(byChannel.kpis[0]!.groups, [{ key: 'EDI', value: 0.5, count: 2, p50: 0.5, p90: 0.5, max: 0.5 }]);
  const all = await kpis('');
  assert.equal(all.kpis.length, 18, 'every KPI when none is named');

  // The projection the queries read is reported on /metrics: every logged event, and its typed memory.
  const metrics = (await t.app.http.inject({ method: 'GET', url: '/metrics' })).body;
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
  assert.equal(gauge('crossdock_process_projection_events'), await count('process_events'));
  assert.ok(gauge('crossdock_process_projection_bytes') > 0);
  assert.equal(gauge('crossdock_process_queries_from_storage'), 0, 'within its memory bound');
});

test('bad KPI queries are 4xx naming the problem; keys scoped to a partner are refused', async () => {
  const sliced = await call('/v1/process/kpis?kpi=order_cycle_time&by=queue');
  assert.deepEqual([sliced.statusCode, sliced.json().error.details[0].path], [400, 'querystring.by']);
  const backwards = await call('/v1/process/kpis?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
  assert.deepEqual([backwards.statusCode, backwards.json().error.details[0].path], [400, 'querystring.from']);
  assert.equal((await call('/v1/process/kpis?kpi=nonsense')).statusCode, 400);
  const partnerKey = (await t.app.services.keys.create({ name: 'acme viewer', roles: ['viewer'], partnerCode: 'ACME' })).secret;
  for (const url of ['/v1/process/kpis', '/v1/process/map', '/v1/process/ocel']) {
    const res = await t.app.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${partnerKey}` } });
    assert.deepEqual([res.statusCode, res.json().error.code], [403, 'forbidden'], url);
  }
});

test('the process map of orders: directly-follows edges with waits, bottlenecks and variants', async () => {
  const res = await call('/v1/process/map?objectType=order');
  assert.equal(res.statusCode, 200, res.body);
  const map = res.json();
  assert.deepEqual([map.objectType, map.objects], ['order', 2]);
  const edge = (from: string, to: string) => map.edges.find((e: { from: string; to: string }) => e.from === from && e.to === to);
  assert.deepEqual([edge('Order received', 'Order allocated').count, edge('Order received', 'Order allocated').medianWaitHours], [1, 0.5]);
  assert.equal(edge('Order received', 'Order partially allocated').count, 1);
  assert.ok(map.activities.some((a: { name: string; starts: number }) => a.name === 'Order received' && a.starts === 2));
  assert.equal(map.variants.length, 2, 'A and B went different ways');
  assert.ok(map.bottlenecks.length > 0);
  const lines = (await call('/v1/process/map?objectType=order_line&rank=total&limit=3')).json();
  assert.equal(lines.objects, 3, 'three order lines');
  assert.equal((await call('/v1/process/map?objectType=Order!')).statusCode, 400);
});

test('the OCEL 2.0 export validates against the published schema and round-trips the log', async () => {
  const schema = JSON.parse(readFileSync(new URL('../fixtures/ocel/ocel20-schema-json.json', import.meta.url), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile<OcelDocument>(schema);

  const res = await call('/v1/process/ocel');
  assert.equal(res.statusCode, 200, res.body.slice(0, 500));
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const doc = res.json() as OcelDocument;
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5)));

  const related = Number((await logDb().selectFrom('process_event_objects').select(sql<number>`count(distinct object_id)`.as('n')).executeTakeFirstOrThrow()).n);
  assert.deepEqual([doc.events.length, doc.objects.length], [await count('outbox_events'), related], 'every event and every related object, once');
  const ids = new Set(doc.objects.map((o: { id: string }) => o.id));
  assert.equal(ids.size, doc.objects.length);
  for (const e of doc.events) for (const r of e.relationships) assert.ok(ids.has(r.objectId), `${e.type} → ${r.objectId}`);
  for (const o of doc.objects) for (const r of o.relationships) assert.ok(ids.has(r.objectId), `${o.id} → ${r.objectId}`);
  const declared = new Set(doc.eventTypes.map((d: { name: string }) => d.name));
  assert.ok(doc.events.every((e: { type: string }) => declared.has(e.type)));
  const orderB1 = doc.objects.find((o: { id: string }) => o.id === `order_line:${orderB}#1`);
  assert.deepEqual(
    orderB1!.attributes.filter((a: { name: string }) => a.name === 'shippedQuantity').map((a: { value: string }) => a.value),
    ['20'],
    'a line carries its running shipped quantity',
  );
  assert.ok(
    doc.objectTypes.find((d: { name: string }) => d.name === 'order_line')!.attributes.some((a: { name: string; type: string }) => a.name === 'orderedQuantity' && a.type === 'integer'),
  );

  const orders = (await call('/v1/process/ocel?objectTypes=order,order_line')).json() as OcelDocument;
  assert.ok(validate(orders), JSON.stringify(validate.errors?.slice(0, 5)));
  assert.ok(orders.objects.length > 0 && orders.objects.every((o: { type: string }) => o.type === 'order' || o.type === 'order_line'));
  assert.ok(orders.events.every((e: { relationships: Array<{ objectId: string }> }) => e.relationships.length > 0 && e.relationships.every((r) => /^order(_line)?:/.test(r.objectId))));
  const windowed = (await call(`/v1/process/ocel?from=${new Date(start + 3 * HOUR).toISOString()}&to=${new Date(start + 6 * HOUR).toISOString()}`)).json();
  assert.ok(windowed.events.length > 0 && windowed.events.length < doc.events.length);
  assert.equal((await call('/v1/process/ocel?objectTypes=ORDER')).statusCode, 400);
});

test('two nodes following the feed at once log each event once; a recompute, with or without backfill, gives identical answers', async () => {
  const query = 'by=channel&interval=hour';
  const before = (await kpis(query)).kpis;
  const facts = async () => logDb().selectFrom('process_facts').select(['object_type', 'object_id', 'document', 'open', 'active_from', 'active_to']).orderBy('object_type').orderBy('object_id').execute();
  const factsBefore = await facts();

  // Events no KPI reads, appended after the log is caught up; a second node's log follows the same
  // feed and cursor. Both read the same page; the cursor's lock lets one of them log it.
  const { services } = t.app;
  const other = createProcessService({ db: logDb(), kind: t.testStore.store.kind, clock: t.clock, outbox: services.outbox, catalog: services.catalog });
  await db()
    .transaction()
    .execute((tx) => services.outbox.appendMany(tx, [1, 2, 3].map((n) => ({ source: '/test', type: 'crossdock.test.noted', subject: `note/${n}`, data: { n } }))));
  const taken = await Promise.all([services.process.follower.follow(), other.follower.follow()]);
  assert.deepEqual([...taken].sort(), [0, 3], 'one node took the three events in, the other found them logged');
  const events = await count('process_events');
  assert.equal(events, await count('outbox_events'), 'every event of the feed is logged, once');
  assert.deepEqual(await facts(), factsBefore, 'events about no fact object change no fact');

  // What a recompute leaves of the facts' table besides its rows: its indexes (SQLite drops two while
  // it stores the rows, then builds them again) and, on SQLite, the connection's page cache.
  const indexes = async () =>
    (t.testStore.store.kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'process_facts' and sql is not null order by name`.execute(logDb())).rows
      : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'process_facts' and indexname <> 'process_facts_pk' order by indexname`.execute(logDb())).rows
    ).map((r) => r.name);
  const cacheSize = async () => (t.testStore.store.kind === 'sqlite' ? (await sql<{ cache_size: number }>`pragma cache_size`.execute(logDb())).rows[0]!.cache_size : null);
  const [indexesBefore, cacheBefore] = [await indexes(), await cacheSize()];
  assert.deepEqual(indexesBefore, ['process_facts_active', 'process_facts_open']);
  const report = await t.app.services.process.recompute();
  assert.deepEqual([await indexes(), await cacheSize()], [indexesBefore, cacheBefore], 'the indexes are back and the cache as it was');
  assert.deepEqual([report.events, report.backfilled, report.facts], [events, 0, factsBefore.length]);
  assert.deepEqual(await facts(), factsBefore, 'the rebuilt facts are the facts kept incrementally');
  assert.deepEqual((await kpis(query)).kpis, before, 'and so are the KPIs');

  const backfilled = await t.app.services.process.recompute({ backfill: true });
  assert.deepEqual([backfilled.backfilled, backfilled.events], [0, events], 'the feed holds nothing the log lacks');
  assert.deepEqual((await kpis(query)).kpis, before);
});

test('events after a recompute keep folding incrementally into the rebuilt facts', async () => {
  atHours(6);
  const res = await post(`/v1/orders/${orderB}/cancel`, 'customer_service', { reason: 'customer gave up on SKU-2', lineNumbers: [2] });
  assert.ok(res.statusCode < 300, res.body);
  await settle();
  assert.equal((await value('backorder_aging')).count, 0, 'the cancelled line waits no more');
  const incremental = (await kpis('interval=hour')).kpis;
  await t.app.services.process.recompute();
  assert.deepEqual((await kpis('interval=hour')).kpis, incremental);
});
