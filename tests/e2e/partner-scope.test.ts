import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleCustomer, sampleTradingPartner, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * Keys scoped to a trading partner see only that partner's data: its orders (another partner's are
 * 404, as unknown ones), the events about its orders in the feed, and the inbox messages it sent;
 * data that carries no partner (availability, outbox deliveries) is refused with 403.
 */
let t: TestApp;
const keys = { acme: { id: '', secret: '' }, globex: { id: '', secret: '' } };
const orders = { acme: '', acmeByHub: '', globex: '' };
const messages = { acme: '', globex: '', hub: '' };

before(async () => {
  t = await createTestApp();
  const { catalog } = t.app.services;
  await seedSampleCatalog(catalog);
  await catalog.tradingPartners.create({ ...sampleTradingPartner, code: 'GLOBEX', name: 'Globex', x12: { ...sampleTradingPartner.x12, interchangeId: 'GLOBEX', groupId: 'GLOBEX' } });
  await catalog.customers.create({ ...sampleCustomer, code: 'CUST-GLOBEX', name: 'Globex Corp', tradingPartnerCode: 'GLOBEX' });
  for (const partner of ['acme', 'globex'] as const) {
    const created = await t.app.services.keys.create({ name: `${partner} edi`, roles: ['integration'], partnerCode: partner.toUpperCase() });
    keys[partner] = { id: created.key.id, secret: created.secret };
  }
  const submit = async (headers: Record<string, string>, partnerCode: string, customerCode: string, externalOrderNumber: string) => {
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/v1/orders',
      headers,
      payload: { channel: 'EDI', partnerCode, externalOrderNumber, customerCode, shipToCode: 'ST-001', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 2 }] },
    });
    assert.equal(res.statusCode, 201, res.body);
    return { orderId: res.json().order.id as string, messageId: res.json().messageId as string };
  };
  // Each partner sends its own order; the hub's own integration sends one more for ACME.
  ({ orderId: orders.acme, messageId: messages.acme } = await submit(as('acme'), 'ACME', 'CUST-ACME', 'PS-ACME-1'));
  ({ orderId: orders.globex, messageId: messages.globex } = await submit(as('globex'), 'GLOBEX', 'CUST-GLOBEX', 'PS-GLOBEX-1'));
  ({ orderId: orders.acmeByHub, messageId: messages.hub } = await submit(t.as('integration'), 'ACME', 'CUST-ACME', 'PS-ACME-2'));
  // Events about something other than an order: a customer's credit, which no partner key may read.
  const credit = await t.app.http.inject({ method: 'POST', url: '/v1/customers/CUST-ACME/credit', headers: t.as('finance'), payload: { openReceivablesMinor: 0, asOf: new Date(t.clock.now()).toISOString(), reference: 'PS-PAY-1' } });
  assert.equal(credit.statusCode, 200, credit.body);
  // Allocation follows (no stock: the orders wait as backorders), adding more events per order.
  for (let i = 0; i < 5 && (await t.app.services.outbox.dispatchDue()).delivered > 0; i++);
});
after(async () => t.dispose());

const as = (partner: 'acme' | 'globex') => ({ authorization: `Bearer ${keys[partner].secret}` });
const get = (url: string, headers: Record<string, string>) => t.app.http.inject({ method: 'GET', url, headers });
type Envelope = { subject: string; type: string; sequence: string };
const feed = async (headers: Record<string, string>, query = '') => {
  const res = await get(`/v1/events?limit=1000${query}`, headers);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { items: Envelope[]; nextAfter: number };
};

test("a partner's key reads its own orders; another partner's is 404, as an unknown one", async () => {
  assert.equal((await get(`/v1/orders/${orders.acme}`, as('acme'))).statusCode, 200);
  assert.equal((await get(`/v1/orders/${orders.acmeByHub}`, as('acme'))).statusCode, 200, 'an ACME order is ACME’s, whoever sent it');
  const other = await get(`/v1/orders/${orders.globex}`, as('acme'));
  assert.deepEqual([other.statusCode, other.json().error.code], [404, 'not_found']);
  assert.deepEqual((await get('/v1/orders', as('globex'))).json().items.map((o: { id: string }) => o.id), [orders.globex]);
  // Nor can it move another partner's order, which would also answer with the order.
  for (const step of ['allocate', 'release']) {
    const moved = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${orders.globex}/${step}`, headers: as('acme') });
    assert.deepEqual([moved.statusCode, moved.json().error.code], [404, 'not_found'], step);
    assert.equal((await t.app.http.inject({ method: 'POST', url: `/v1/orders/${orders.acme}/${step}`, headers: as('acme') })).statusCode, 200, `${step} its own`);
  }
});

test("the event feed gives a partner's key only the events about its orders", async () => {
  const all = await feed(t.as('viewer'));
  const subjects = new Set(all.items.map((e) => e.subject));
  for (const subject of [`order:${orders.acme}`, `order:${orders.globex}`, 'customer:CUST-ACME']) assert.ok(subjects.has(subject), `the unscoped feed has ${subject}`);

  const acme = await feed(as('acme'));
  const ownSubjects = new Set([`order:${orders.acme}`, `order:${orders.acmeByHub}`]);
  assert.deepEqual(new Set(acme.items.map((e) => e.subject)), ownSubjects, 'its two orders, nothing else');
  assert.deepEqual(
    acme.items.map((e) => e.sequence),
    all.items.filter((e) => ownSubjects.has(e.subject)).map((e) => e.sequence),
    'every event about its orders, in sequence order',
  );
  assert.ok(acme.items.some((e) => e.type === 'crossdock.order.received'));
  assert.equal(acme.nextAfter, all.nextAfter, 'the feed moved past the events it may not read');
  const globex = await feed(as('globex'));
  assert.deepEqual([...new Set(globex.items.map((e) => e.subject))], [`order:${orders.globex}`]);

  // Asking for another partner's order by subject finds nothing.
  assert.deepEqual((await feed(as('acme'), `&subject=order:${orders.globex}`)).items, []);
  assert.deepEqual((await feed(as('acme'), '&subject=customer:CUST-ACME')).items, []);

  // Read a page of one at a time, the way a poller does: the same events, and the end is reached.
  const paged: string[] = [];
  let after = 0;
  for (let polls = 0; polls < 200; polls++) {
    const page = (await get(`/v1/events?limit=1&after=${after}`, as('acme'))).json() as { items: Envelope[]; nextAfter: number };
    paged.push(...page.items.map((e) => e.sequence));
    if (page.nextAfter === after) break;
    assert.ok(page.nextAfter > after, 'every poll moves on');
    after = page.nextAfter;
  }
  assert.deepEqual(paged, acme.items.map((e) => e.sequence));
  assert.equal(after, all.nextAfter);
});

test("the inbox shows a partner's key only the messages it sent; another's is 404 to read, replay or discard", async () => {
  const list = async (partner: 'acme' | 'globex') => {
    const res = await get('/v1/inbox?limit=100', as(partner));
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items as Array<{ id: string; source: string }>;
  };
  const everything = (await get('/v1/inbox?limit=100', t.as('viewer'))).json().items as Array<{ id: string }>;
  assert.ok([messages.acme, messages.globex, messages.hub].every((id) => everything.some((m) => m.id === id)));

  // A message from the partner's EDI source is its too.
  const edi = await t.app.services.inbox.receive({ source: 'edi:ACME', dedupeKey: 'ISA-000000001', messageType: 'edi.850', contentType: 'application/edi-x12', payload: 'ISA*00*...' });
  assert.deepEqual(new Set((await list('acme')).map((m) => m.id)), new Set([messages.acme, edi.message.id]), 'not the one the hub sent for ACME with its own key');
  assert.deepEqual((await list('globex')).map((m) => m.id), [messages.globex]);
  assert.deepEqual((await get(`/v1/inbox?limit=100&source=api:${keys.globex.id}`, as('acme'))).json().items, [], 'naming another source finds nothing');

  assert.equal((await get(`/v1/inbox/${messages.acme}`, as('acme'))).statusCode, 200);
  for (const [method, url, payload] of [
    ['GET', `/v1/inbox/${messages.globex}`, undefined],
    ['POST', `/v1/inbox/${messages.globex}/replay`, { reason: 'retry' }],
    ['POST', `/v1/inbox/${messages.globex}/discard`, { reason: 'not ours' }],
  ] as const) {
    const res = await t.app.http.inject({ method, url, headers: as('acme'), ...(payload && { payload }) });
    assert.deepEqual([res.statusCode, res.json().error.code], [404, 'not_found'], `${method} ${url}`);
  }
  // The same requests from the owner reach the message: processed, so neither replayed nor discarded.
  const own = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${messages.globex}/replay`, headers: as('globex'), payload: { reason: 'retry' } });
  assert.equal(own.statusCode, 409, own.body);
});

test('availability, decisions, timers and outbox deliveries carry no partner: a partner key is refused', async () => {
  const refused = [
    await get('/v1/decisions', as('acme')),
    await get('/v1/timers', as('acme')),
    await get('/v1/availability/SKU-1', as('acme')),
    await t.app.http.inject({ method: 'POST', url: '/v1/availability/basket', headers: as('acme'), payload: { skus: ['SKU-1'] } }),
    await get('/v1/availability/feed', as('acme')),
    await get('/v1/outbox/dead-letters', as('acme')),
    await t.app.http.inject({ method: 'POST', url: '/v1/outbox/deliveries/1/replay', headers: as('acme'), payload: {} }),
  ];
  for (const res of refused) {
    assert.deepEqual([res.statusCode, res.json().error.code], [403, 'forbidden'], res.body);
    assert.match(res.json().error.message, /scoped to a trading partner \(ACME\)/);
  }
  assert.equal((await get('/v1/availability/SKU-1', t.as('viewer'))).statusCode, 200, 'unscoped keys still read availability');
});
