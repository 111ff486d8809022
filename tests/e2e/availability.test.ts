import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PositionChange } from '../../src/domains/inventory/index.ts';
import { postToLedger, type LedgerPosting } from '../../src/domains/inventory/ledger.posting.ts';
import type { Role } from '../../src/platform/auth/roles.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { testStoreKind } from '../helpers/store.ts';

/**
 * The availability API over HTTP: single SKU, basket, channel protections, supply inputs, role
 * checks, and the Server-Sent Events change feed over a real socket.
 */
let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { inventory: { feedCoalesceMs: 40 } } });
  const { catalog } = t.app.services;
  const site = { type: 'warehouse', region: 'US', cutoffLocalTime: '16:00', timezone: 'America/New_York' } as const;
  await catalog.locations.create({ ...site, code: 'EAST', name: 'East', sourceSystem: 'wms-east', postingMode: 'batch', postingIntervalMinutes: 60 });
  await catalog.locations.create({ ...site, code: 'WEST', name: 'West', sourceSystem: 'wms-west', postingMode: 'realtime' });
  for (const sku of ['SKU-1', 'SKU-2', 'SKU-3']) await catalog.items.create({ sku, description: sku, itemClass: 'PPE', unitCostMinor: 1, listPriceMinor: 2 });
  await catalog.channels.create({ code: 'EDI', name: 'EDI retail', type: 'edi', protectedAllocations: [{ sku: 'SKU-1', sharePercent: 20 }, { itemClass: 'PPE', quantity: 3 }] });
  await catalog.channels.create({ code: 'WEB', name: 'Web store', type: 'web_store', protectedAllocations: [] });
  // Master data made after start reaches availability with the next refresh (one projection tick).
  await t.app.services.inventory.availability.refreshMasterData();
  await receive([
    { sku: 'SKU-1', locationCode: 'EAST', quantity: 100 },
    { sku: 'SKU-1', locationCode: 'WEST', quantity: 50 },
    { sku: 'SKU-2', locationCode: 'EAST', quantity: 10 },
  ]);
});
after(async () => t.dispose());

let sequence = 0;
/** Receipts posted in one transaction, then announced on the app's bus as the ingest does after commit. */
async function receive(lines: Array<{ sku: string; locationCode: string; quantity: number }>) {
  publish(await post(lines));
}

const publish = (changes: PositionChange[]) => t.app.services.inventory.inventoryChanges.publish(changes);

async function post(lines: Array<{ sku: string; locationCode: string; quantity: number }>): Promise<PositionChange[]> {
  const now = t.clock.now();
  const postings: LedgerPosting[] = lines.map((l) => ({
    ...l,
    type: 'receipt',
    event: { type: 'receipt', quantity: l.quantity },
    source: 'TEST',
    sourceSequence: ++sequence,
    occurredAt: now,
    receivedAt: now,
  }));
  const ids = { next: () => crypto.randomUUID() };
  const report = await t.testStore.store.db
    .transaction()
    .execute((tx) => postToLedger(tx, { kind: testStoreKind, ids, now, allowNegativeOnHand: () => false }, postings));
  return [...report.positions.values()].map((p) => ({ ...p, lastMovementSeq: report.lastMovementSeq, acceptedAtMs: now }));
}

const get = (url: string, as: Role = 'viewer') => t.app.http.inject({ method: 'GET', url, headers: t.as(as) });
const send = (method: 'POST' | 'PUT', url: string, payload: unknown, as: Role = 'planner') => t.app.http.inject({ method, url, headers: t.as(as), payload: payload as object });

test('one SKU: per location and network, with freshness and confidence per location', async () => {
  const res = await get('/v1/availability/SKU-1');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  // EDI protects 20% of SKU-1 (its SKU rule wins over its PPE rule): 20 at EAST, 10 at WEST.
  assert.deepEqual(body.locations.map((l: { locationCode: string; atp: number }) => [l.locationCode, l.atp]), [
    ['EAST', 80],
    ['WEST', 40],
  ]);
  assert.equal(body.network.atp, 120);
  for (const l of body.locations) {
    assert.ok(Array.isArray(l.freshness) && typeof l.confidence === 'number' && typeof l.confidenceAdjustedAtp === 'number');
  }
  const east = await get('/v1/availability/SKU-1?location=EAST');
  assert.deepEqual(east.json().locations.map((l: { locationCode: string }) => l.locationCode), ['EAST']);
  assert.equal(east.json().network.atp, 120, 'network totals still cover every sellable location');
});

test('a channel keeps its own protection; others do not see it', async () => {
  const edi = (await get('/v1/availability/SKU-1?channel=EDI')).json();
  assert.deepEqual(edi.locations.map((l: { atpForChannel: number }) => l.atpForChannel), [100, 50]);
  const web = (await get('/v1/availability/SKU-1?channel=WEB')).json();
  assert.deepEqual(web.locations.map((l: { atpForChannel: number }) => l.atpForChannel), [80, 40]);
  const sku2 = (await get('/v1/availability/SKU-2?channel=WEB')).json();
  assert.equal(sku2.locations[0].atpForChannel, 7, "EDI's item-class rule holds 3 of SKU-2's 10");
  assert.equal((await get('/v1/availability/SKU-1?channel=FAX')).json().error.code, 'not_found');
});

test('safety stock and inbound supply through the API change ATP and ATP by date', async () => {
  const forbidden = await send('PUT', '/v1/inventory/safety-stock/SKU-2/EAST', { quantity: 2 }, 'warehouse');
  assert.equal(forbidden.statusCode, 403);
  const set = await send('PUT', '/v1/inventory/safety-stock/SKU-2/EAST', { quantity: 2 });
  assert.equal(set.statusCode, 200, set.body);
  assert.equal((await get('/v1/inventory/safety-stock/SKU-2/EAST')).json().quantity, 2);
  assert.equal((await get('/v1/inventory/safety-stock/SKU-2/WEST')).statusCode, 404);
  assert.equal((await send('PUT', '/v1/inventory/safety-stock/NOPE/EAST', { quantity: 1 })).statusCode, 404);

  const tomorrow = new Date(t.clock.now() + 86_400_000);
  const po = await send('PUT', '/v1/inventory/inbound-supply/PO-7', { kind: 'purchase_order', lines: [{ sku: 'SKU-2', locationCode: 'EAST', quantity: 25, expectedAt: tomorrow.toISOString() }] }, 'procurement');
  assert.equal(po.statusCode, 200, po.body);
  assert.equal((await get('/v1/inventory/inbound-supply/PO-7')).json().lines[0].quantity, 25);
  const unknown = await send('PUT', '/v1/inventory/inbound-supply/PO-8', { kind: 'transfer', lines: [{ sku: 'SKU-2', locationCode: 'MOON', quantity: 1, expectedAt: tomorrow.toISOString() }] });
  assert.equal(unknown.statusCode, 422);
  assert.equal(unknown.json().error.details[0].path, 'body.lines.0.locationCode');

  // EAST is in New York. The supply is due 24 hours from now; a date counts through the end of that
  // day in New York.
  const newYorkDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(ms);
  const dueMs = tomorrow.getTime();
  const dayBefore = newYorkDate(dueMs - 86_400_000);
  const today = (await get(`/v1/availability/SKU-2?date=${dayBefore}`)).json();
  assert.equal(today.byDate, dayBefore, 'the date as asked');
  assert.equal(today.locations[0].atp, 10 - 2 - 3);
  assert.equal(today.locations[0].atpByDate, 5);
  assert.ok(Date.parse(today.locations[0].byDateThrough) < dueMs);
  const byTomorrow = (await get(`/v1/availability/SKU-2?date=${newYorkDate(dueMs)}`)).json();
  assert.equal(byTomorrow.locations[0].atpByDate, 30);
  assert.equal(byTomorrow.network.atpByDate, 30);
});

test('inbound supply references with colons are written and read back, as is or percent-encoded; the hub keeps po: and transfer:', async () => {
  const expectedAt = new Date(t.clock.now() + 7 * 86_400_000).toISOString();
  const lines = [{ sku: 'SKU-3', locationCode: 'WEST', quantity: 4, expectedAt }];
  const written = await send('PUT', '/v1/inventory/inbound-supply/PO:123:1', { kind: 'purchase_order', lines }, 'procurement');
  assert.equal(written.statusCode, 200, written.body);
  assert.equal(written.json().reference, 'PO:123:1');
  for (const path of ['PO:123:1', 'PO%3A123%3A1', 'PO%3a123%3a1']) {
    const read = await get(`/v1/inventory/inbound-supply/${path}`);
    assert.equal(read.statusCode, 200, `${path}: ${read.body}`);
    assert.deepEqual([read.json().reference, read.json().lines], ['PO:123:1', lines], path);
  }
  assert.equal((await get('/v1/inventory/inbound-supply/PO:123:2')).statusCode, 404, 'another line of the same order is another reference');

  // The hub's own references, written by procurement for its purchase orders and transfers, read back too.
  const supply = t.app.services.inventory.supply;
  const transferReference = `transfer:${'0190a0b0-0000-7000-8000-000000000001'}`;
  await supply.replaceInboundSupply('po:PO-000042', { kind: 'purchase_order', lines });
  await supply.replaceInboundSupply(transferReference, { kind: 'transfer', lines });
  assert.equal((await get('/v1/inventory/inbound-supply/po:PO-000042')).json().kind, 'purchase_order');
  assert.equal((await get(`/v1/inventory/inbound-supply/${encodeURIComponent(transferReference)}`)).json().kind, 'transfer');
  // ...and cannot be overwritten by a sender, whose write would be undone by the next purchase order step.
  const taken = await send('PUT', '/v1/inventory/inbound-supply/po:PO-000042', { kind: 'purchase_order', lines: [] }, 'procurement');
  assert.equal(taken.statusCode, 400);
  assert.equal(taken.json().error.details[0].path, 'params.reference');
  assert.equal((await get('/v1/inventory/inbound-supply/po:PO-000042')).statusCode, 200, 'still there');
  const bad = await get('/v1/inventory/inbound-supply/PO%20123');
  assert.deepEqual([bad.statusCode, bad.json().error.details[0].path], [400, 'params.reference']);

  for (const reference of ['PO:123:1', 'po:PO-000042', transferReference]) await supply.replaceInboundSupply(reference, { kind: 'purchase_order', lines: [] });
  assert.equal((await get('/v1/inventory/inbound-supply/PO:123:1')).statusCode, 404, 'an empty list removes the reference');
});

test('a basket answers every SKU, reporting unknown ones per entry; more than 500 is refused', async () => {
  const res = await send('POST', '/v1/availability/basket', { skus: ['SKU-1', 'NOPE', 'SKU-3'], channel: 'EDI' }, 'viewer');
  assert.equal(res.statusCode, 200, res.body);
  const items = res.json().items;
  assert.deepEqual(items.map((i: { sku: string; found: boolean }) => [i.sku, i.found]), [
    ['SKU-1', true],
    ['NOPE', false],
    ['SKU-3', true],
  ]);
  assert.equal(items[1].error.code, 'not_found');
  assert.equal(items[0].availability.network.atpForChannel, 150);
  assert.equal(items[2].availability.network.atp, 0, 'a known SKU with no stock is zero, not an error');
  const tooMany = await send('POST', '/v1/availability/basket', { skus: Array.from({ length: 501 }, (_, i) => `S-${i}`) }, 'viewer');
  assert.equal(tooMany.statusCode, 400);
  assert.equal(tooMany.json().error.code, 'validation_failed');
});

test('reads need a key of any role; writes need planner, integration or procurement', async () => {
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/availability/SKU-1' })).statusCode, 401);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/availability/feed' })).statusCode, 401);
  for (const role of ['viewer', 'warehouse', 'finance'] as const) assert.equal((await get('/v1/availability/SKU-1', role)).statusCode, 200, role);
  assert.equal((await send('PUT', '/v1/inventory/safety-stock/SKU-1/EAST', { quantity: 0 }, 'viewer')).statusCode, 403);
  assert.equal((await send('PUT', '/v1/inventory/safety-stock/SKU-1/EAST', { quantity: 0 }, 'integration')).statusCode, 200);
  assert.equal((await get('/v1/availability/NOPE')).statusCode, 404);
});

/** Reads SSE events from a fetch response until `until` says enough or the time is up. */
async function readEvents(res: Response, until: (events: Array<{ id: string; data: Record<string, unknown> }>) => boolean, timeoutMs: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ id: string; data: Record<string, unknown> }> = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (!until(events) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(1, deadline - Date.now())))]);
    if (chunk === null || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      if (fields.get('event') === 'availability') events.push({ id: fields.get('id')!, data: JSON.parse(fields.get('data')!) });
    }
  }
  reader.releaseLock();
  return events;
}

test('the SSE feed sends one coalesced event per SKU for quick changes, and replays from Last-Event-ID', async () => {
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.http.server.address();
  assert.ok(address && typeof address === 'object');
  const url = `http://127.0.0.1:${address.port}/v1/availability/feed?skus=SKU-1,SKU-3`;
  const abort = new AbortController();
  try {
    const res = await fetch(url, { headers: t.as('viewer'), signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);

    // Five commits on one SKU, announced in quick succession as a busy ingest would, then one more batch.
    const commits: PositionChange[][] = [];
    for (let i = 0; i < 5; i++) commits.push(await post([{ sku: 'SKU-1', locationCode: 'WEST', quantity: 1 }]));
    commits.push(await post([{ sku: 'SKU-3', locationCode: 'EAST', quantity: 10 }, { sku: 'SKU-2', locationCode: 'EAST', quantity: 1 }]));
    for (const changes of commits) publish(changes);
    const events = await readEvents(res, () => false, 400);
    assert.deepEqual(events.map((e) => e.data['sku']).sort(), ['SKU-1', 'SKU-3'], 'one event per SKU; SKU-2 is filtered out');
    const sku1 = events.find((e) => e.data['sku'] === 'SKU-1')!.data as { locations: Array<{ locationCode: string; atp: number }>; network: { atp: number }; acceptedAtMs: number; publishedAt: string };
    assert.deepEqual(sku1.locations.find((l) => l.locationCode === 'WEST')!.atp, 44, 'the event carries the state after all five receipts: 55 less 20%');
    assert.equal(sku1.network.atp, 80 + 44);
    assert.equal(typeof sku1.acceptedAtMs, 'number');
    assert.ok(!Number.isNaN(Date.parse(sku1.publishedAt)));
    const sku3Id = Number(events.find((e) => e.data['sku'] === 'SKU-3')!.id);
    assert.ok(sku3Id > 0, 'the id is the ledger watermark');

    const replay = await fetch(url, { headers: { ...t.as('viewer'), 'last-event-id': String(sku3Id) }, signal: abort.signal });
    const replayed = await readEvents(replay, (e) => e.length >= 1, 2_000);
    assert.deepEqual(replayed.map((e) => e.data['sku']), ['SKU-3'], 'changes at or after the id are sent again at once');
  } finally {
    abort.abort();
  }
});
