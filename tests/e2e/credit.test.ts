import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleCustomer, sampleItem, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * Credit holds after intake (DESIGN §5.2): a payment or limit update from the ERP releases a hold
 * when exposure is back within the limit, oldest order first; a stale or repeated update changes
 * nothing; a person of the hold's owner role releases or rejects it, once (I4).
 */
let t: TestApp;
// Each scenario has its own customer: limit 1,000.00, receivables 500.00. An order of 60 × 10.49 =
// 629.40 takes exposure to 1,129.40 and goes on credit hold.
const LIMIT_MINOR = 100_000;
const RECEIVABLES_MINOR = 50_000;
const ORDER_VALUE_MINOR = 60 * 1049;

before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  const { tradingPartnerCode: _partner, ...customer } = sampleCustomer;
  for (const code of ['CRED-PAY', 'CRED-OVER', 'CRED-TWO', 'CRED-MANUAL', 'CRED-REJECT']) {
    await catalog.customers.create({ ...customer, code, creditLimitMinor: LIMIT_MINOR, openReceivablesMinor: RECEIVABLES_MINOR });
  }
  await catalog.customers.create({ ...customer, code: 'CRED-SUB', acceptsSubstitutions: true });
  // SKU-X has no stock of its own; its substitute SKU-2 has.
  const { gtin: _gtin, ...item } = sampleItem;
  await catalog.items.create({ ...item, sku: 'SKU-X', substitutes: ['SKU-2'] });
  const stock = (sequence: number, sku: string) => ({ source: 'WMS-EAST', sequence, type: 'receipt', sku, locationCode: 'DC-EAST', quantity: 1000, occurredAt: new Date(t.clock.now()).toISOString() });
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events: [stock(1, 'SKU-1'), stock(2, 'SKU-2')] } });
  assert.equal(res.json().outcome.applied, 2, res.body);
});
after(async () => t.dispose());

const db = () => t.testStore.store.db;
const iso = (offsetMs = 0) => new Date(t.clock.now() + offsetMs).toISOString();

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const report = await t.app.services.outbox.dispatchDue();
    assert.equal(report.retrying + report.dead, 0, 'every delivery succeeded');
    if (report.delivered === 0) return;
  }
  assert.fail('events kept coming');
}

async function submit(customerCode: string, externalOrderNumber: string, lines: unknown[] = [{ lineNumber: 1, sku: 'SKU-1', quantity: 60 }]) {
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/orders', headers: t.as('integration'), payload: { channel: 'EDI', externalOrderNumber, customerCode, shipToCode: 'ST-001', lines } });
  assert.equal(res.statusCode, 201, res.body);
  await settle();
  return res.json().order as { id: string; holds: Array<{ id: string; type: string; ownerRole: string }> };
}
/** An order of the customer on credit hold; answers its id and the hold's. */
async function heldOrder(customerCode: string, externalOrderNumber: string) {
  const order = await submit(customerCode, externalOrderNumber);
  const hold = order.holds.find((h) => h.type === 'credit');
  assert.ok(hold, 'the order went on credit hold');
  assert.equal((await getOrder(order.id)).state, 'validated', 'a credit hold stops allocation');
  return { id: order.id, holdId: hold.id };
}
const getOrder = async (id: string) => (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
const creditUpdate = (code: string, body: Record<string, unknown>, role: 'finance' | 'integration' | 'customer_service' = 'finance') =>
  t.app.http.inject({ method: 'POST', url: `/v1/customers/${code}/credit`, headers: t.as(role), payload: body });
const customer = async (code: string) => (await t.app.http.inject({ method: 'GET', url: `/v1/customers/${code}`, headers: t.as('viewer') })).json();
const resolve = (orderId: string, holdId: string, action: 'release' | 'reject', role: Parameters<TestApp['as']>[0], body: unknown = { reason: 'checked with the customer' }) =>
  t.app.http.inject({ method: 'POST', url: `/v1/orders/${orderId}/holds/${holdId}/${action}`, headers: t.as(role), payload: body as Record<string, unknown> });
const eventTypes = async (orderId: string) => (await db().selectFrom('outbox_events').select(['type']).where('subject', '=', `order:${orderId}`).orderBy('seq').execute()).map((e) => e.type);

test('a payment that brings exposure within the limit releases the credit hold, and the order goes on to allocation', async () => {
  const { id, holdId } = await heldOrder('CRED-PAY', 'CR-PAY-1');
  const before = await customer('CRED-PAY');
  const res = await creditUpdate('CRED-PAY', { openReceivablesMinor: 10_000, asOf: iso(), reference: 'PAY-1' }, 'integration');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().result, 'applied');
  assert.deepEqual(res.json().released, [{ orderId: id, holdIds: [holdId], exposureMinor: 10_000 + ORDER_VALUE_MINOR, limitMinor: LIMIT_MINOR }]);
  const after = await customer('CRED-PAY');
  assert.deepEqual([after.openReceivablesMinor, after.version], [10_000, before.version + 1], 'master data updated under its version');

  const order = await getOrder(id);
  const hold = order.holds.find((h: { id: string }) => h.id === holdId);
  assert.deepEqual([hold.resolution, hold.resolvedBy, typeof hold.resolvedAt], ['released', 'rule:credit', 'string']);
  const decisions = (await t.app.http.inject({ method: 'GET', url: `/v1/decisions?kind=credit&subjectType=order&subjectId=${id}`, headers: t.as('viewer') })).json().items;
  assert.deepEqual(decisions.map((d: { outcome: string; madeBy: string }) => [d.outcome, d.madeBy]), [['released', 'rule']]);
  await settle();
  assert.equal((await getOrder(id)).state, 'released', 'allocated and sent to the warehouse once the hold was released');
  assert.equal((await eventTypes(id)).filter((e) => e === 'crossdock.order.hold_released').length, 1);

  // The same payment again: nothing more happens.
  const again = await creditUpdate('CRED-PAY', { openReceivablesMinor: 10_000, asOf: iso(), reference: 'PAY-1' });
  assert.deepEqual([again.json().result, again.json().released], ['duplicate', []]);
  assert.equal((await customer('CRED-PAY')).version, after.version);
  const updated = await db().selectFrom('outbox_events').select(['type']).where('subject', '=', 'customer:CRED-PAY').execute();
  assert.deepEqual(updated.map((e) => e.type), ['crossdock.customer.credit_updated'], 'announced once');
});

test('a payment that leaves exposure over the limit releases nothing; a stale update is ignored; a raised limit releases', async () => {
  const { id } = await heldOrder('CRED-OVER', 'CR-OVER-1');
  t.clock.advance(60_000);
  const partial = await creditUpdate('CRED-OVER', { openReceivablesMinor: 45_000, asOf: iso(), reference: 'PAY-2' });
  assert.equal(partial.json().result, 'applied');
  assert.deepEqual(partial.json().released, []);
  assert.deepEqual(partial.json().stillHeld.map((s: { orderId: string; reasonCode: string; exposureMinor: number }) => [s.orderId, s.reasonCode, s.exposureMinor]), [[id, 'over_credit_limit', 45_000 + ORDER_VALUE_MINOR]]);
  assert.equal((await getOrder(id)).holds[0].resolvedAt, undefined);

  // An older report arriving late (say, receivables 0 as of yesterday) must not undo the newer one.
  const stale = await creditUpdate('CRED-OVER', { openReceivablesMinor: 0, asOf: iso(-DAY), reference: 'PAY-OLD' });
  assert.deepEqual([stale.json().result, stale.json().released], ['stale', []]);
  assert.equal((await customer('CRED-OVER')).openReceivablesMinor, 45_000);
  assert.equal((await getOrder(id)).holds[0].resolvedAt, undefined);

  // The ERP still flags the customer: even a limit that covers everything releases nothing.
  const flagged = await creditUpdate('CRED-OVER', { openReceivablesMinor: 45_000, creditLimitMinor: 500_000, erpCreditHold: true, asOf: iso(1), reference: 'LIMIT-1' });
  assert.deepEqual(flagged.json().stillHeld.map((s: { reasonCode: string }) => s.reasonCode), ['erp_credit_hold']);
  const cleared = await creditUpdate('CRED-OVER', { openReceivablesMinor: 45_000, erpCreditHold: false, asOf: iso(2), reference: 'LIMIT-2' });
  assert.deepEqual(cleared.json().released.map((r: { orderId: string }) => r.orderId), [id]);
  assert.deepEqual([(await customer('CRED-OVER')).creditLimitMinor, (await customer('CRED-OVER')).erpCreditHold], [500_000, false]);
});

test('one payment making room for one order releases the oldest and keeps the next on hold', async () => {
  const first = await heldOrder('CRED-TWO', 'CR-TWO-1');
  const second = await heldOrder('CRED-TWO', 'CR-TWO-2');
  // Receivables paid off: room for one order of 629.40 under 1,000.00, not for two.
  const res = await creditUpdate('CRED-TWO', { openReceivablesMinor: 0, asOf: iso(), reference: 'PAY-3' });
  assert.deepEqual(res.json().released.map((r: { orderId: string }) => r.orderId), [first.id]);
  assert.deepEqual(res.json().stillHeld.map((s: { orderId: string; exposureMinor: number }) => [s.orderId, s.exposureMinor]), [[second.id, 2 * ORDER_VALUE_MINOR]]);
  // The review delivered by the outbox comes to the same answer and releases nothing more.
  await settle();
  assert.equal((await getOrder(second.id)).holds[0].resolvedAt, undefined);
});

test('a person of the owner role releases a hold, once; other roles are refused', async () => {
  const { id, holdId } = await heldOrder('CRED-MANUAL', 'CR-MAN-1');
  assert.equal((await resolve(id, holdId, 'release', 'customer_service')).statusCode, 403, 'credit holds belong to finance');
  assert.equal((await resolve(id, holdId, 'release', 'viewer')).statusCode, 403);
  assert.equal((await resolve(id, holdId, 'release', 'finance', {})).statusCode, 400, 'a reason is required');
  assert.equal((await resolve(id, 'no-such-hold', 'release', 'finance')).statusCode, 404);

  const released = await resolve(id, holdId, 'release', 'finance');
  assert.equal(released.statusCode, 200, released.body);
  assert.equal(released.json().result, 'released');
  assert.match(released.json().hold.resolvedBy, /^key:/);
  const twice = await resolve(id, holdId, 'release', 'finance');
  assert.deepEqual([twice.statusCode, twice.json().error.code], [409, 'invalid_state']);
  const rejectAfter = await resolve(id, holdId, 'reject', 'admin');
  assert.deepEqual([rejectAfter.statusCode, rejectAfter.json().error.code], [409, 'invalid_state'], 'a released hold cannot be rejected after');
  await settle();
  assert.equal((await getOrder(id)).state, 'released');
  const decisions = (await t.app.http.inject({ method: 'GET', url: `/v1/decisions?kind=credit&subjectType=order&subjectId=${id}`, headers: t.as('viewer') })).json().items;
  assert.deepEqual(decisions.map((d: { outcome: string; madeBy: string }) => [d.outcome, d.madeBy]), [['released', 'person']]);
});

test('rejecting a credit hold cancels the order', async () => {
  const { id, holdId } = await heldOrder('CRED-REJECT', 'CR-REJ-1');
  const rejected = await resolve(id, holdId, 'reject', 'finance', { reason: 'customer in collections' });
  assert.equal(rejected.statusCode, 200, rejected.body);
  const order = await getOrder(id);
  assert.equal(order.state, 'cancelled');
  assert.deepEqual(order.lines.map((l: { state: string; cancelledQuantity: number }) => [l.state, l.cancelledQuantity]), [['cancelled', 60]]);
  assert.deepEqual((await eventTypes(id)).slice(-2), ['crossdock.order.hold_rejected', 'crossdock.order.cancelled']);
  await settle();
  assert.equal((await getOrder(id)).state, 'cancelled', 'a cancelled order is not allocated');
  assert.deepEqual(await t.app.services.inventory.reservations.listByOrder(id), []);
});

test('hold decisions apply to other hold types: a substitution approved goes to the warehouse, one refused gives its stock back and waits for the ordered item', async () => {
  const who = { keyId: 'test', name: 'test' };
  const proposed = await t.app.services.policies.propose('sourcing', { substitution: { approvalBelowMarginRatio: 0.5 } }, 'test: approve thin substitutes', who);
  await t.app.services.policies.activate('sourcing', proposed.version, who);
  const substituted = async (externalOrderNumber: string) => {
    const order = await submit('CRED-SUB', externalOrderNumber, [{ lineNumber: 1, sku: 'SKU-X', quantity: 4 }]);
    const held = await getOrder(order.id);
    const hold = held.holds.find((h: { type: string }) => h.type === 'substitution');
    assert.ok(hold, 'the thin substitute waits for approval');
    assert.equal(held.state, 'allocated');
    return { id: order.id, holdId: hold.id as string };
  };

  const approved = await substituted('CR-SUB-1');
  assert.equal((await resolve(approved.id, approved.holdId, 'release', 'finance')).statusCode, 403, 'substitution holds belong to customer service');
  assert.equal((await resolve(approved.id, approved.holdId, 'release', 'customer_service')).statusCode, 200);
  await settle();
  assert.equal((await getOrder(approved.id)).state, 'released');
  assert.equal((await t.app.services.fulfillment.listForOrder(approved.id)).length, 1, 'the approved substitute went to the warehouse');

  const refused = await substituted('CR-SUB-2');
  assert.deepEqual((await t.app.services.inventory.reservations.listByOrder(refused.id)).map((r) => r.state), ['pending']);
  assert.equal((await resolve(refused.id, refused.holdId, 'reject', 'customer_service')).statusCode, 200);
  await settle();
  const after = await getOrder(refused.id);
  assert.equal(after.state, 'backordered', 'the order is not cancelled: the line waits for the item ordered');
  assert.deepEqual([after.lines[0].sku, after.lines[0].substituteForSku, after.lines[0].allocatedQuantity, after.lines[0].backorderedQuantity], ['SKU-X', undefined, 0, 4]);
  assert.deepEqual((await t.app.services.inventory.reservations.listByOrder(refused.id)).map((r) => r.state), ['released'], 'the stock held for it is given back');
  const allocateAgain = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${refused.id}/allocate`, headers: t.as('planner') });
  assert.equal(allocateAgain.json().result, 'backordered', 'the refused substitute is not offered again');
  assert.equal((await t.app.services.inventory.reservations.listByOrder(refused.id)).length, 1);
});

test('credit updates are validated and limited to finance and integration', async () => {
  assert.equal((await creditUpdate('CRED-PAY', { openReceivablesMinor: 1, asOf: iso(), reference: 'X' }, 'customer_service')).statusCode, 403);
  const bad = await creditUpdate('CRED-PAY', { openReceivablesMinor: 1.5, asOf: 'yesterday', reference: '' });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().error.details.map((d: { path: string }) => d.path).sort(), ['body.asOf', 'body.openReceivablesMinor', 'body.reference']);
  assert.equal((await creditUpdate('NO-SUCH', { openReceivablesMinor: 1, asOf: iso(), reference: 'X' })).statusCode, 404);
});

const DAY = 86_400_000;
