import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { postToLedger } from '../../src/domains/inventory/ledger.posting.ts';
import { uuidV7Generator } from '../../src/platform/ids.ts';
import { seededRandom } from '../../src/platform/random.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  ids = uuidV7Generator(t.clock, seededRandom(77));
});
after(async () => t.dispose());

const ORDER = '01950000-0000-7000-8000-0000000e2e01';
let sequence = 0;
let ids: ReturnType<typeof uuidV7Generator>;

/** Stock arrives as a warehouse receipt would post it. */
async function receive(sku: string, quantity: number, locationCode = 'EAST') {
  const now = t.clock.now();
  await t.testStore.store.db.transaction().execute((tx) =>
    postToLedger(tx, { kind: t.testStore.store.kind, ids, now, allowNegativeOnHand: () => false }, [
      { sku, locationCode, type: 'receipt', event: { type: 'receipt', quantity }, source: 'WMS-E2E', sourceSequence: ++sequence, occurredAt: now, receivedAt: now },
    ]),
  );
}

const reserve = (role: Parameters<TestApp['as']>[0], body: Record<string, unknown>) =>
  t.app.http.inject({ method: 'POST', url: '/v1/reservations', headers: t.as(role), payload: body });
const line = (sku: string, quantity: number, extra: Record<string, unknown> = {}) => ({ orderId: ORDER, lineNumber: 1, sku, locationCode: 'EAST', quantity, ...extra });

test('a planner reserves free stock; any role reads it, by id or by order', async () => {
  await receive('E2E-1', 10);
  const created = await reserve('planner', line('E2E-1', 4));
  assert.equal(created.statusCode, 201);
  const reservation = created.json();
  assert.equal(created.headers.location, `/v1/reservations/${reservation.id}`);
  assert.deepEqual({ ...reservation, id: undefined }, {
    id: undefined,
    orderId: ORDER,
    lineNumber: 1,
    sku: 'E2E-1',
    locationCode: 'EAST',
    quantity: 4,
    state: 'pending',
    createdAt: new Date(t.clock.now()).toISOString(),
  });
  const byId = await t.app.http.inject({ method: 'GET', url: `/v1/reservations/${reservation.id}`, headers: t.as('viewer') });
  assert.deepEqual([byId.statusCode, byId.json()], [200, reservation]);
  const byOrder = await t.app.http.inject({ method: 'GET', url: `/v1/reservations?orderId=${ORDER}`, headers: t.as('finance') });
  assert.deepEqual(byOrder.json().items.map((r: { id: string }) => r.id), [reservation.id]);
});

test('reserving is refused to read-only and unrelated roles, to partner-scoped keys and to anonymous callers', async () => {
  await receive('E2E-2', 10);
  for (const role of ['viewer', 'finance', 'procurement'] as const) {
    const res = await reserve(role, line('E2E-2', 1));
    assert.deepEqual([role, res.statusCode, res.json().error.code], [role, 403, 'forbidden']);
  }
  for (const role of ['integration', 'customer_service', 'warehouse', 'admin'] as const) assert.equal((await reserve(role, line('E2E-2', 1))).statusCode, 201, role);
  const partner = await t.app.services.keys.create({ name: 'acme', roles: ['integration'], partnerCode: 'ACME' });
  const scoped = await t.app.http.inject({ method: 'POST', url: '/v1/reservations', headers: { authorization: `Bearer ${partner.secret}` }, payload: line('E2E-2', 1) });
  assert.equal(scoped.statusCode, 403);
  assert.equal((await t.app.http.inject({ method: 'POST', url: '/v1/reservations', payload: line('E2E-2', 1) })).statusCode, 401);
});

test('more than is free is 409 insufficient_stock with what is available; nothing is held', async () => {
  await receive('E2E-3', 5);
  assert.equal((await reserve('planner', line('E2E-3', 3))).statusCode, 201);
  const refused = await reserve('planner', line('E2E-3', 3, { lineNumber: 2 }));
  assert.equal(refused.statusCode, 409);
  const { error } = refused.json();
  assert.equal(error.code, 'insufficient_stock');
  assert.deepEqual(error.details, [{ path: 'body.quantity', message: 'at most 2 can be reserved now', available: 2, requested: 3 }]);
  assert.equal((await reserve('planner', line('E2E-3', 2, { lineNumber: 2 }))).statusCode, 201, 'the refusal held nothing');
});

test('a repeated reservationId answers 200 with the first reservation; with a different request it is 422', async () => {
  await receive('E2E-4', 5);
  const reservationId = '01950000-0000-7000-8000-0000000e2e44';
  const first = await reserve('integration', line('E2E-4', 2, { reservationId }));
  assert.equal(first.statusCode, 201);
  const again = await reserve('integration', line('E2E-4', 2, { reservationId }));
  assert.deepEqual([again.statusCode, again.json()], [200, first.json()]);
  const different = await reserve('integration', line('E2E-4', 3, { reservationId }));
  assert.equal(different.statusCode, 422);
  assert.equal(different.json().error.code, 'idempotency_key_reused');
  assert.equal(different.json().error.details[0].path, 'body.quantity');
});

test('commit and release resolve once: a repeat is 200 already_resolved, the other ending is 409 invalid_state', async () => {
  await receive('E2E-5', 10);
  const a = (await reserve('planner', line('E2E-5', 3))).json();
  const b = (await reserve('planner', line('E2E-5', 3, { lineNumber: 2 }))).json();
  const commit = (id: string, payload?: Record<string, string>) =>
    t.app.http.inject({ method: 'POST', url: `/v1/reservations/${id}/commit`, headers: t.as('warehouse'), ...(payload === undefined ? {} : { payload }) });
  const release = (id: string, payload: Record<string, string>) =>
    t.app.http.inject({ method: 'POST', url: `/v1/reservations/${id}/release`, headers: t.as('customer_service'), payload });

  const committed = await commit(a.id, { reference: 'SHIP-9' });
  assert.deepEqual([committed.statusCode, committed.json().result, committed.json().reservation.state], [200, 'committed', 'committed']);
  assert.deepEqual([(await commit(a.id)).statusCode, (await commit(a.id)).json().result], [200, 'already_resolved']);
  const wrongEnding = await release(a.id, { reason: 'order_cancelled' });
  assert.deepEqual([wrongEnding.statusCode, wrongEnding.json().error.code], [409, 'invalid_state']);

  const released = await release(b.id, { reason: 'order_cancelled' });
  assert.deepEqual([released.statusCode, released.json().result], [200, 'released']);
  assert.equal((await release(b.id, { reason: 'order_cancelled' })).json().result, 'already_resolved');
  assert.deepEqual([(await commit(b.id)).statusCode], [409]);
  const viewerCommit = await t.app.http.inject({ method: 'POST', url: `/v1/reservations/${a.id}/commit`, headers: t.as('viewer') });
  assert.equal(viewerCommit.statusCode, 403);
});

test('a reservation with ttlMs expires through the app timer, not before', async () => {
  await receive('E2E-6', 2);
  const r = (await reserve('planner', line('E2E-6', 2, { ttlMs: 60_000 }))).json();
  t.clock.advance(59_999);
  await t.app.services.timers.fireDue();
  const get = async () => (await t.app.http.inject({ method: 'GET', url: `/v1/reservations/${r.id}`, headers: t.as('viewer') })).json();
  assert.equal((await get()).state, 'pending');
  t.clock.advance(1);
  assert.equal((await t.app.services.timers.fireDue()).fired, 1);
  assert.equal((await get()).state, 'expired');
  assert.equal((await reserve('planner', line('E2E-6', 2, { lineNumber: 2 }))).statusCode, 201, 'the stock is free again');
});

test('bad input is 400 validation_failed at its path; an unknown reservation is 404', async () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['zero quantity', line('E2E-7', 0), 'body.quantity'],
    ['fractional quantity', line('E2E-7', 1.5), 'body.quantity'],
    ['order id not a UUID', { ...line('E2E-7', 1), orderId: 'PO-1' }, 'body.orderId'],
    ['unknown field', { ...line('E2E-7', 1), priority: 'high' }, 'body.priority'],
    ['ttl of zero', line('E2E-7', 1, { ttlMs: 0 }), 'body.ttlMs'],
  ];
  for (const [label, body, path] of cases) {
    const res = await reserve('planner', body);
    assert.equal(res.statusCode, 400, label);
    assert.equal(res.json().error.code, 'validation_failed', label);
    assert.ok(res.json().error.details.some((d: { path: string }) => d.path === path), `${label}: ${JSON.stringify(res.json().error.details)}`);
  }
  const get = (url: string) => t.app.http.inject({ method: 'GET', url, headers: t.as('viewer') });
  assert.equal((await get('/v1/reservations')).statusCode, 400, 'orderId is required');
  assert.equal((await get('/v1/reservations/not-a-uuid')).statusCode, 400);
  const unknown = await get('/v1/reservations/01950000-0000-7000-8000-00000000ffff');
  assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'not_found']);
  const release = await t.app.http.inject({ method: 'POST', url: '/v1/reservations/01950000-0000-7000-8000-00000000ffff/release', headers: t.as('planner'), payload: { reason: 'Order Cancelled' } });
  assert.equal(release.statusCode, 400, 'a reason is a snake_case code');
});

test("a SKU's reservations page newest first by state and location; orderId and sku go alone", async () => {
  await receive('E2E-SKU', 50);
  await receive('E2E-SKU', 50, 'WEST');
  const made: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const res = await reserve('planner', { ...line('E2E-SKU', 2), lineNumber: i, locationCode: i === 5 ? 'WEST' : 'EAST' });
    assert.equal(res.statusCode, 201);
    made.push(res.json().id);
    t.clock.advance(1_000);
  }
  const released = await t.app.http.inject({ method: 'POST', url: `/v1/reservations/${made[0]}/release`, headers: t.as('planner'), payload: { reason: 'order_cancelled' } });
  assert.equal(released.statusCode, 200);

  const seen: string[] = [];
  let cursor: string | null | undefined;
  do {
    const res = await t.app.http.inject({ method: 'GET', url: `/v1/reservations?sku=E2E-SKU&limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: t.as('viewer') });
    assert.equal(res.statusCode, 200);
    seen.push(...res.json().items.map((r: { id: string }) => r.id));
    cursor = res.json().nextCursor;
  } while (cursor);
  assert.deepEqual(seen, made.slice(1).reverse(), 'pending only, newest first, across pages');

  const west = await t.app.http.inject({ method: 'GET', url: '/v1/reservations?sku=E2E-SKU&locationCode=WEST', headers: t.as('viewer') });
  assert.deepEqual(west.json().items.map((r: { id: string }) => r.id), [made[4]]);
  const gone = await t.app.http.inject({ method: 'GET', url: '/v1/reservations?sku=E2E-SKU&state=released', headers: t.as('viewer') });
  assert.deepEqual(gone.json().items.map((r: { id: string }) => r.id), [made[0]]);

  for (const query of ['', `?sku=E2E-SKU&orderId=${ORDER}`]) {
    const res = await t.app.http.inject({ method: 'GET', url: `/v1/reservations${query}`, headers: t.as('viewer') });
    assert.deepEqual([res.statusCode, res.json().error.code], [400, 'validation_failed'], query);
  }
});
