import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';

/** GET /v1/inventory/movements: a SKU's ledger, newest first, with the on-hand after each movement per location. */
let t: TestApp;
const MINUTE = 60_000;

before(async () => {
  t = await createTestApp();
  await seedSampleCatalog(t.app.services.catalog);
  await t.app.services.catalog.locations.create(sampleWestLocation);
  const at = (minutes: number) => new Date(t.clock.now() - 60 * MINUTE + minutes * MINUTE).toISOString();
  const events = [
    { sequence: 1, locationCode: 'DC-EAST', type: 'receipt', sku: 'SKU-1', quantity: 100, reference: 'ASN-1', occurredAt: at(1) },
    { sequence: 2, locationCode: 'DC-WEST', type: 'receipt', sku: 'SKU-1', quantity: 50, occurredAt: at(2) },
    { sequence: 3, locationCode: 'DC-EAST', type: 'ship', sku: 'SKU-1', quantity: 30, reference: 'SO-9', occurredAt: at(3) },
    { sequence: 4, locationCode: 'DC-EAST', type: 'receipt', sku: 'SKU-2', quantity: 7, occurredAt: at(4) },
    { sequence: 5, locationCode: 'DC-EAST', type: 'adjustment', sku: 'SKU-1', quantity: -5, reasonCode: 'damaged-in-aisle', occurredAt: at(5) },
    { sequence: 6, locationCode: 'DC-EAST', type: 'adjustment', bucket: 'quarantined', sku: 'SKU-1', quantity: 4, occurredAt: at(6) },
  ].map((e) => ({ source: 'WMS-EAST', ...e }));
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().outcome.applied, events.length, res.body);
});
after(async () => t.dispose());

interface Movement {
  id: string;
  sku: string;
  locationCode: string;
  kind: string;
  quantity: number;
  onHandAfter: number | null;
  source: string | null;
  reference: string | null;
  occurredAt: string;
  recordedAt: string;
}
const get = (query: string) => t.app.http.inject({ method: 'GET', url: `/v1/inventory/movements?${query}`, headers: t.as('viewer') });

async function all(query: string): Promise<{ items: Movement[]; pages: number }> {
  const items: Movement[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.statusCode, 200, res.body);
    items.push(...res.json().items);
    cursor = res.json().nextCursor;
    pages++;
  } while (cursor !== null && pages < 10);
  return { items, pages };
}

test('a SKU’s movements, newest first, across pages, with on hand after each per location', async () => {
  const { items, pages } = await all('sku=SKU-1');
  assert.equal(pages, 3);
  assert.deepEqual(
    items.map((m) => [m.locationCode, m.kind, m.quantity, m.onHandAfter, m.reference]),
    [
      ['DC-EAST', 'adjustment', 4, 65, null],
      ['DC-EAST', 'adjustment', -5, 65, null],
      ['DC-EAST', 'ship', -30, 70, 'SO-9'],
      ['DC-WEST', 'receipt', 50, 50, null],
      ['DC-EAST', 'receipt', 100, 100, 'ASN-1'],
    ],
  );
  const first = items[items.length - 1]!;
  assert.equal(first.sku, 'SKU-1');
  assert.equal(first.source, 'WMS-EAST');
  assert.equal(first.recordedAt, new Date(t.clock.now()).toISOString());
  assert.equal(Date.parse(first.recordedAt) - Date.parse(first.occurredAt), 59 * MINUTE);
  assert.equal(new Set(items.map((m) => m.id)).size, 5, 'no movement repeated across pages');
});

test('locationCode narrows to one position; another SKU has its own ledger', async () => {
  const west = await get('sku=SKU-1&locationCode=DC-WEST');
  assert.deepEqual(west.json().items.map((m: Movement) => [m.kind, m.onHandAfter]), [['receipt', 50]]);
  assert.equal(west.json().nextCursor, null);
  const other = await get('sku=SKU-2');
  assert.deepEqual(other.json().items.map((m: Movement) => [m.sku, m.quantity, m.onHandAfter]), [['SKU-2', 7, 7]]);
  assert.deepEqual((await get('sku=NOPE')).json(), { items: [], nextCursor: null });
});

test('sku is required; a bad cursor is a 400', async () => {
  assert.equal((await get('locationCode=DC-EAST')).statusCode, 400);
  assert.equal((await get('sku=SKU-1&cursor=bm9wZQ')).statusCode, 400);
  assert.equal((await get('sku=SKU-1&limit=0')).statusCode, 400);
});
