import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
});
after(async () => t.dispose());

const order = (externalOrderNumber: string, fields: Record<string, unknown> = {}) => ({
  channel: 'EDI',
  partnerCode: 'ACME',
  externalOrderNumber,
  customerCode: 'CUST-ACME',
  customerPo: `PO-${externalOrderNumber}`,
  shipToCode: 'ST-001',
  lines: [
    { lineNumber: 1, partnerItem: 'AC-778', quantity: 2, unit: 'CS' },
    { lineNumber: 2, sku: 'SKU-2', quantity: 5 },
  ],
  ...fields,
});
const submit = (body: unknown, role: Parameters<TestApp['as']>[0] = 'integration') =>
  t.app.http.inject({ method: 'POST', url: '/v1/orders', headers: t.as(role), payload: body as object });

test('an order from a partner resolves items and units, is validated and stored once per order number', async () => {
  const first = await submit(order('850-1'));
  assert.equal(first.statusCode, 201, first.body);
  const created = first.json().order;
  assert.equal(created.state, 'validated');
  assert.deepEqual(created.lines.map((l: { sku: string; orderedUnit: string; orderedQuantity: number }) => [l.sku, l.orderedUnit, l.orderedQuantity]), [
    ['SKU-1', 'CA', 24],
    ['SKU-2', 'EA', 5],
  ]);
  assert.deepEqual(created.holds, []);

  const resent = await submit({ ...order('850-1'), notes: 'sent again by the VAN' });
  assert.equal(resent.statusCode, 200);
  assert.equal(resent.json().result, 'exists');
  assert.equal(resent.json().order.id, created.id, 'the same partner order number is one order (I5)');

  const fetched = await t.app.http.inject({ method: 'GET', url: `/v1/orders/${created.id}`, headers: t.as('viewer') });
  assert.equal(fetched.json().externalOrderNumber, '850-1');
  const bySku = await t.app.http.inject({ method: 'GET', url: '/v1/orders?sku=SKU-2', headers: t.as('customer_service') });
  assert.deepEqual(bySku.json().items.map((o: { id: string }) => o.id), [created.id]);
  const events = await t.testStore.store.db.selectFrom('outbox_events').select(['type']).where('subject', '=', `order:${created.id}`).execute();
  assert.deepEqual(events.map((e) => e.type), ['crossdock.order.received']);
});

test('invalid orders get a 422 naming each problem and the raw message is kept', async () => {
  const res = await submit(order('850-2', { shipToCode: 'ST-999', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }, { lineNumber: 4, sku: 'NOPE', quantity: 1 }] }));
  assert.equal(res.statusCode, 422);
  const { error } = res.json();
  assert.equal(error.code, 'unprocessable');
  assert.deepEqual(error.details.slice(0, 2).map((d: { path: string; code: string }) => [d.path, d.code]), [
    ['shipToCode', 'unknown_ship_to'],
    ['lines.1.sku', 'unknown_item'],
  ]);
  assert.match(error.details[1].message, /line 4: sku NOPE is not a known item/);
  const messageId = error.details.at(-1).message.match(/inbox\/(\S+)/)[1];
  assert.equal((await t.app.services.inbox.get(messageId)).status, 'failed');
  const schemaError = await submit({ ...order('850-3'), lines: [{ lineNumber: 1, quantity: 1 }] });
  assert.equal(schemaError.statusCode, 400);
  assert.equal(schemaError.json().error.details[0].path, 'body.lines.0.sku');
});

test('a price off the contract places a pricing hold owned by customer service; exposure over the limit a credit hold', async () => {
  const priced = await submit(order('850-4', { lines: [{ lineNumber: 1, sku: 'SKU-2', quantity: 1, unitPriceMinor: 900 }] }));
  assert.equal(priced.statusCode, 201);
  const holds = priced.json().order.holds;
  assert.deepEqual(holds.map((h: { type: string; ownerRole: string; lineNumber: number }) => [h.type, h.ownerRole, h.lineNumber]), [['pricing', 'customer_service', 1]]);
  assert.equal(Date.parse(holds[0].slaDueAt) - Date.parse(holds[0].placedAt), 8 * 3_600_000);

  // Limit 50,000.00 with 12,500.00 open receivables: 4,000 units at 10.99 push exposure over it.
  const big = await submit(order('850-5', { lines: [{ lineNumber: 1, sku: 'SKU-2', quantity: 4_000 }] }));
  assert.equal(big.statusCode, 201);
  assert.deepEqual(big.json().order.holds.map((h: { type: string; reasonCode: string; ownerRole: string }) => [h.type, h.reasonCode, h.ownerRole]), [['credit', 'over_credit_limit', 'finance']]);
  const held = await t.testStore.store.db.selectFrom('outbox_events').select(['type']).where('subject', '=', `order:${big.json().order.id}`).orderBy('seq').execute();
  assert.deepEqual(held.map((e) => e.type), ['crossdock.order.received', 'crossdock.order.hold_placed']);
});

test('roles and partner scope: a viewer cannot submit; a key for another partner cannot submit or see these orders', async () => {
  assert.equal((await submit(order('850-6'), 'viewer')).statusCode, 403);
  const { secret } = await t.app.services.keys.create({ name: 'other partner', roles: ['integration'], partnerCode: 'GLOBEX' });
  const headers = { authorization: `Bearer ${secret}` };
  const refused = await t.app.http.inject({ method: 'POST', url: '/v1/orders', headers, payload: order('850-7') });
  assert.equal(refused.statusCode, 403);
  const listed = await t.app.http.inject({ method: 'GET', url: '/v1/orders', headers });
  assert.deepEqual(listed.json().items, []);
});

test('Idempotency-Key under 50 parallel requests over real HTTP: exactly one order, one stored answer', async () => {
  // The app's own close (in dispose) stops this listener.
  const address = await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  {
    const body = JSON.stringify(order('850-IDEM'));
    const send = (payload: string) =>
      fetch(`${address}/v1/orders`, { method: 'POST', headers: { ...t.as('integration'), 'content-type': 'application/json', 'idempotency-key': 'idem-850' }, body: payload });
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(body).then(async (r) => ({ status: r.status, body: await r.text(), replayed: r.headers.get('idempotent-replayed') }))));
    const created = answers.filter((a) => a.status === 201);
    const inProgress = answers.filter((a) => a.status === 409);
    assert.equal(created.length + inProgress.length, 50, `only 201 or 409: ${[...new Set(answers.map((a) => a.status))]}`);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((a) => a.body)).size, 1, 'every 201 is the same bytes');
    for (const a of inProgress) assert.equal(JSON.parse(a.body).error.code, 'idempotency_in_progress');
    const rows = await t.testStore.store.db.selectFrom('orders').select(['id']).where('external_order_number', '=', '850-IDEM').execute();
    assert.equal(rows.length, 1, 'exactly one order');

    const again = await send(body);
    assert.equal(again.status, 201);
    assert.equal(await again.text(), created[0]!.body, 'a later retry gets the stored answer byte for byte');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const reused = await send(JSON.stringify(order('850-OTHER')));
    assert.equal(reused.status, 422);
    assert.equal(((await reused.json()) as { error: { code: string } }).error.code, 'idempotency_key_reused');
  }
});

test('intake follows the pricing policy in force and records the versions it used', async () => {
  const proposed = await t.app.http.inject({
    method: 'POST',
    url: '/v1/policies/pricing',
    headers: t.as('admin'),
    payload: { document: { varianceToleranceRatio: 0.25, holdSlaHours: 8 }, comment: 'promotion week' },
  });
  assert.equal(proposed.statusCode, 201, proposed.body);
  const version = proposed.json().version;
  assert.equal((await t.app.http.inject({ method: 'POST', url: `/v1/policies/pricing/${version}/activate`, headers: t.as('admin') })).statusCode, 200);
  // 9.00 against 10.99 is 18% off: a hold under the default 2%, none under 25%.
  const res = await submit(order('850-POLICY', { lines: [{ lineNumber: 1, sku: 'SKU-2', quantity: 1, unitPriceMinor: 900 }] }));
  assert.equal(res.statusCode, 201);
  const types = res.json().order.holds.map((h: { type: string }) => h.type);
  assert.ok(!types.includes('pricing'), 'no pricing hold under the 25% tolerance');
  assert.ok(types.includes('credit'), 'the large open order from before still counts toward credit exposure');
  const received = await t.testStore.store.db.selectFrom('outbox_events').select(['data']).where('subject', '=', `order:${res.json().order.id}`).executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(received.data).policyVersions, { credit: 0, pricing: version, holds: 0 });
});
