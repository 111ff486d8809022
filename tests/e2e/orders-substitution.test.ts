import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleCustomer, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * Substitution carried out: when the ordered item has no stock and the customer accepts substitutes,
 * the line ships the item's listed substitute; below the policy's margin floor a person approves it
 * first, and until then its stock stays reserved but is not released to the warehouse.
 */
let t: TestApp;
before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  const current = await catalog.customers.get('CUST-ACME');
  await catalog.customers.update('CUST-ACME', { ...sampleCustomer, acceptsSubstitutions: true }, { expectedVersion: current.version });
  // SKU-1 (the ordered item) has none; its substitute SKU-2 has 20.
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/events',
    headers: t.as('integration'),
    payload: { events: [{ source: 'WMS-EAST', sequence: 1, type: 'receipt', sku: 'SKU-2', locationCode: 'DC-EAST', quantity: 20, occurredAt: new Date(t.clock.now()).toISOString() }] },
  });
  assert.equal(res.json().outcome.applied, 1, res.body);
});
after(async () => t.dispose());

const submit = (externalOrderNumber: string, quantity: number) => submitSampleOrder(t, externalOrderNumber, [{ lineNumber: 1, sku: 'SKU-1', quantity }]);
const getOrder = async (id: string) => (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
const dispatch = async (rounds = 3) => {
  for (let i = 0; i < rounds; i++) await t.app.services.outbox.dispatchDue();
};

test('a substitute with a healthy margin ships in place of the ordered item, without a person', async () => {
  const id = await submit('SUB-1', 5);
  await dispatch();
  const order = await getOrder(id);
  assert.equal(order.state, 'released');
  assert.deepEqual([order.lines[0].sku, order.lines[0].substituteForSku, order.lines[0].allocatedQuantity], ['SKU-2', 'SKU-1', 5]);
  assert.equal(order.holds.length, 0);
  const requests = await t.app.services.fulfillment.listForOrder(id);
  assert.deepEqual(requests[0]!.lines, [{ lineNumber: 1, sku: 'SKU-2', quantity: 5 }]);
  const row = await t.testStore.store.db.selectFrom('order_lines').select(['sku']).where('order_id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.sku, 'SKU-2', 'the line row names the SKU it ships, so searches by SKU find it');
  const decisions = (await t.app.http.inject({ method: 'GET', url: `/v1/decisions?kind=substitution`, headers: t.as('viewer') })).json().items;
  assert.ok(decisions.some((d: { reasons: Array<{ code: string }> }) => d.reasons.some((r) => r.code === 'substitute_available')));
});

test('below the margin floor the substitute waits on a substitution hold: reserved, not released', async () => {
  // SKU-1 sells at 1049 and SKU-2 costs 640: a margin ratio of 0.39, under a floor of 0.5.
  const policies = t.app.services.policies;
  const who = { keyId: 'test', name: 'test' };
  const proposed = await policies.propose('sourcing', { substitution: { approvalBelowMarginRatio: 0.5 } }, 'test: approve thin substitutes', who);
  await policies.activate('sourcing', proposed.version, who);
  const id = await submit('SUB-2', 4);
  await dispatch();
  const order = await getOrder(id);
  assert.equal(order.state, 'allocated', 'allocated, but not released while the hold is open');
  assert.equal(order.lines[0].sku, 'SKU-2');
  const [hold] = order.holds;
  assert.deepEqual([hold.type, hold.lineNumber, hold.ownerRole, hold.reasonCode], ['substitution', 1, 'customer_service', 'substitute_margin_below_threshold']);
  assert.equal(hold.resolvedAt, undefined);
  assert.equal((await t.app.services.fulfillment.listForOrder(id)).length, 0, 'nothing went to the warehouse');
  const reservations = await t.app.services.inventory.reservations.listByOrder(id);
  assert.deepEqual(reservations.map((r) => [r.sku, r.quantity, r.state]), [['SKU-2', 4, 'pending']]);
  const types = (await t.testStore.store.db.selectFrom('outbox_events').select(['type']).where('subject', '=', `order:${id}`).orderBy('seq').execute()).map((e) => e.type);
  assert.ok(types.includes('crossdock.order.hold_placed'));
});
