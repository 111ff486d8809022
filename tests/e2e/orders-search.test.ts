import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleCustomer, sampleTradingPartner, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * GET /v1/orders with q (any one reference) and sort (newest, oldest, promiseDate), keyset-paged.
 * Six orders: five from ACME for CUST-ACME with shuffled delivery dates (one undated), one from BETA
 * for CUST-BETA.
 */
let t: TestApp;
const ids: Record<string, string> = {};
/** Order number → the date the customer was promised (requested delivery date at intake); null for none. */
const dates: Record<string, string | null> = { 'S-1': '2026-03-05', 'S-2': '2026-02-10', 'S-3': null, 'S-4': '2026-02-10', 'S-5': '2026-02-01', 'B-1': '2026-04-01' };

before(async () => {
  t = await createTestApp();
  await seedSampleCatalog(t.app.services.catalog);
  await t.app.services.catalog.tradingPartners.create({ ...sampleTradingPartner, code: 'BETA', name: 'Beta Stores', x12: { ...sampleTradingPartner.x12, interchangeId: 'BETASTORES', groupId: 'BETASTORES' } });
  await t.app.services.catalog.customers.create({ ...sampleCustomer, code: 'CUST-BETA', name: 'Beta Stores LLC', tradingPartnerCode: 'BETA' });
  for (const [number, date] of Object.entries(dates)) {
    const beta = number.startsWith('B');
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: t.as('integration'),
      payload: {
        channel: 'EDI',
        partnerCode: beta ? 'BETA' : 'ACME',
        externalOrderNumber: number,
        customerCode: beta ? 'CUST-BETA' : 'CUST-ACME',
        customerPo: `PO-${number}`,
        shipToCode: 'ST-001',
        ...(date !== null && { requestedDeliveryDate: date }),
        lines: [{ lineNumber: 1, sku: number === 'S-3' ? 'SKU-2' : 'SKU-1', quantity: 1 }],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    ids[number] = res.json().order.id;
    // Ids are time-ordered; a tick between intakes makes the order of receipt unambiguous.
    t.clock.advance(1_000);
  }
});
after(async () => t.dispose());

const get = (query: string) => t.app.http.inject({ method: 'GET', url: `/v1/orders?${query}`, headers: t.as('viewer') });

/** Every page of a query, following nextCursor; answers the external order numbers in order and the page count. */
async function walk(query: string): Promise<{ numbers: string[]; pages: number }> {
  const numbers: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { items: Array<{ externalOrderNumber: string }>; nextCursor: string | null };
    numbers.push(...body.items.map((o) => o.externalOrderNumber));
    cursor = body.nextCursor;
    pages++;
    assert.ok(pages < 10, 'paging ends');
  } while (cursor !== null);
  return { numbers, pages };
}

test('each sort pages across several pages without skipping or repeating an order', async () => {
  assert.deepEqual(await walk('sort=newest'), { numbers: ['B-1', 'S-5', 'S-4', 'S-3', 'S-2', 'S-1'], pages: 3 });
  assert.deepEqual(await walk('partnerCode=ACME'), { numbers: ['S-5', 'S-4', 'S-3', 'S-2', 'S-1'], pages: 3 }, 'newest is the default');
  assert.deepEqual(await walk('sort=oldest'), { numbers: ['S-1', 'S-2', 'S-3', 'S-4', 'S-5', 'B-1'], pages: 3 });
  // Earliest promise first; S-2 and S-4 share a date and keep the order of receipt; the undated S-3 comes last.
  assert.deepEqual(await walk('sort=promiseDate'), { numbers: ['S-5', 'S-2', 'S-4', 'S-1', 'B-1', 'S-3'], pages: 3 });
  assert.deepEqual(await walk('sort=promiseDate&q=ACME'), { numbers: ['S-5', 'S-2', 'S-4', 'S-1', 'S-3'], pages: 3 });
});

test('q finds orders by each kind of reference, exactly', async () => {
  const numbersOf = async (q: string, extra = '') => {
    const res = await get(`q=${encodeURIComponent(q)}${extra}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items.map((o: { externalOrderNumber: string }) => o.externalOrderNumber);
  };
  assert.deepEqual(await numbersOf(ids['S-2']!), ['S-2'], 'order id');
  assert.deepEqual(await numbersOf('S-4'), ['S-4'], 'external order number');
  assert.deepEqual(await numbersOf('PO-S-1'), ['S-1'], 'customer PO');
  assert.deepEqual(await numbersOf('CUST-BETA'), ['B-1'], 'customer code');
  assert.deepEqual(await numbersOf('BETA'), ['B-1'], 'partner code');
  assert.deepEqual(await numbersOf('SKU-2'), ['S-3'], 'line SKU');
  assert.deepEqual(await numbersOf('SKU-1', '&sort=oldest'), ['S-1', 'S-2', 'S-4', 'S-5', 'B-1'], 'line SKU, oldest first');
  assert.deepEqual(await numbersOf('S-'), [], 'exact, not a prefix');
  assert.deepEqual(await numbersOf('s-4'), [], 'case-sensitive');
  assert.deepEqual(await numbersOf('S-4', '&customerCode=CUST-BETA'), [], 'q combines with the other filters');
});

test('a partner-scoped key searches only its partner’s orders', async () => {
  const key = (await t.app.services.keys.create({ name: 'beta viewer', roles: ['viewer'], partnerCode: 'BETA' })).secret;
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/orders?q=SKU-1', headers: { authorization: `Bearer ${key}` } });
  assert.deepEqual(res.json().items.map((o: { externalOrderNumber: string }) => o.externalOrderNumber), ['B-1']);
});

test('a cursor from another sort, a bad sort or an over-long q is a 400', async () => {
  const first = await get('sort=oldest&limit=2');
  const cursor = first.json().nextCursor as string;
  const other = await get(`sort=promiseDate&limit=2&cursor=${cursor}`);
  assert.equal(other.statusCode, 400, other.body);
  assert.equal(other.json().error.code, 'invalid_cursor');
  assert.match(other.json().error.message, /sorted by oldest, not promiseDate/);
  assert.equal((await get(`limit=2&cursor=${cursor}`)).statusCode, 400, 'nor under the default sort');
  assert.equal((await get('cursor=bm9wZQ')).statusCode, 400);
  assert.equal((await get('sort=cheapest')).statusCode, 400);
  assert.equal((await get(`q=${'x'.repeat(65)}`)).statusCode, 400);
});
