import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleChannel, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * GET /v1/orders/:id/timeline: an order taken in over HTTP, allocated and released, shipped and
 * invoiced, with the clock moved between steps; its timeline lists those activities in time order,
 * and another order's events stay off it.
 */
let t: TestApp;
let orderId = '';
let otherId = '';
const MINUTE = 60_000;

before(async () => {
  t = await createTestApp({ config: { inventory: { discountStaleAtp: false } } });
  await seedSampleCatalog(t.app.services.catalog);
});
after(async () => t.dispose());

const get = (url: string, headers = t.as('viewer')) => t.app.http.inject({ method: 'GET', url, headers });

async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const report = await t.app.services.outbox.dispatchDue();
    if (report.delivered === 0) return;
  }
  assert.fail('the outbox kept producing events');
}

test('intake, shipment and invoice of an order appear on its timeline, oldest first', async () => {
  assert.equal((await t.app.http.inject({ method: 'PUT', url: '/v1/channels/EDI', headers: t.as('planner'), payload: { ...sampleChannel, protectedAllocations: [] } })).statusCode, 200);
  const feed = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/events',
    headers: t.as('integration'),
    payload: { events: [{ source: 'WMS-EAST', sequence: 1, locationCode: 'DC-EAST', type: 'receipt', sku: 'SKU-1', quantity: 100, occurredAt: new Date(t.clock.now()).toISOString() }] },
  });
  assert.equal(feed.statusCode, 200, feed.body);
  await settle();
  t.clock.advance(MINUTE);
  orderId = await submitSampleOrder(t, 'TL-1', [{ lineNumber: 1, sku: 'SKU-1', quantity: 4 }]);
  const receivedAt = t.clock.now();
  t.clock.advance(MINUTE);
  await settle();
  otherId = await submitSampleOrder(t, 'TL-2', [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }]);
  await settle();

  t.clock.advance(10 * MINUTE);
  const released = await t.testStore.store.db.selectFrom('outbox_events').select('data').where('type', '=', 'crossdock.fulfillment.release_requested').orderBy('seq').execute();
  const request = released.map((r) => JSON.parse(r.data).request as { id: string; orderId: string }).find((r) => r.orderId === orderId)!;
  const ship = await t.app.http.inject({
    method: 'POST',
    url: '/v1/shipments',
    headers: t.as('warehouse'),
    payload: { fulfillmentRequestId: request.id, shipmentNumber: 'TL-SHIP-1', shippedAt: new Date(t.clock.now()).toISOString(), lines: [{ lineNumber: 1, quantity: 4 }] },
  });
  assert.equal(ship.statusCode, 201, ship.body);
  const shippedAt = t.clock.now();
  await settle();

  const res = await get(`/v1/orders/${orderId}/timeline`);
  assert.equal(res.statusCode, 200, res.body);
  const { items, nextCursor } = res.json() as { items: Array<{ id: string; at: string; activity: string; objects: Array<{ type: string; id: string; qualifier: string }>; attributes: Record<string, unknown> }>; nextCursor: string | null };
  assert.equal(nextCursor, null);
  const activities = items.map((i) => i.activity);
  const position = (activity: string) => {
    const index = activities.indexOf(activity);
    assert.ok(index >= 0, `${activity} is on the timeline: ${JSON.stringify(activities)}`);
    return index;
  };
  assert.equal(position('Order received'), 0);
  assert.ok(position('Order received') < position('Order allocated'));
  assert.ok(position('Order allocated') < position('Shipment confirmed'), JSON.stringify(activities));
  assert.ok(position('Shipment confirmed') < position('Invoice issued'));
  const times = items.map((i) => Date.parse(i.at));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  assert.equal(times[0], receivedAt);
  assert.equal(times[position('Shipment confirmed')], shippedAt);
  const received = items[0]!;
  assert.ok(received.objects.some((o) => o.type === 'order' && o.id === orderId && o.qualifier === 'order'), JSON.stringify(received.objects));
  assert.equal(received.attributes['externalOrderNumber'], 'TL-1');
  const invoice = items[position('Invoice issued')]!;
  assert.ok(invoice.objects.some((o) => o.type === 'invoice'));
  assert.ok(
    items.every((i) => !i.objects.some((o) => o.type === 'order' && o.id === otherId)),
    'the other order’s events are not on this timeline',
  );

  // Paged one at a time, the same events in the same order.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await get(`/v1/orders/${orderId}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.statusCode, 200, page.body);
    seen.push(...page.json().items.map((i: { id: string }) => i.id));
    cursor = page.json().nextCursor;
  } while (cursor !== null);
  assert.deepEqual(seen, items.map((i) => i.id));
});

test('the timeline is partner-scoped and 404s for an unknown order', async () => {
  assert.equal((await get('/v1/orders/nope/timeline')).statusCode, 404);
  const beta = (await t.app.services.keys.create({ name: 'beta viewer', roles: ['viewer'], partnerCode: 'BETA' })).secret;
  const acme = (await t.app.services.keys.create({ name: 'acme viewer', roles: ['viewer'], partnerCode: 'ACME' })).secret;
  assert.equal((await get(`/v1/orders/${orderId}/timeline`, { authorization: `Bearer ${beta}` })).statusCode, 404);
  assert.equal((await get(`/v1/orders/${orderId}/timeline`, { authorization: `Bearer ${acme}` })).statusCode, 200);
  assert.equal((await get(`/v1/orders/${orderId}/timeline?cursor=bm9wZQ`)).statusCode, 400);
});
