import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleCustomer, sampleItem, seedSampleCatalog } from '../fixtures/catalog.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

/**
 * Order exceptions raised by shipments, carriers and holds (DESIGN §7, issue 5): a short ship, a
 * carrier's delay, a broken promise date, a price off the contract and a refused substitute each
 * become owned work, and clear by the action a person takes or by their condition clearing.
 */
let t: TestApp;
let sequence = 0;

before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  // Items of their own class, so that no channel protection (the sample EDI channel protects PPE) hides stock.
  for (const sku of ['EXO-A', 'EXO-B', 'EXO-C']) await catalog.items.create({ sku, description: `Tool ${sku}`, itemClass: 'TOOLS', unitCostMinor: 50, listPriceMinor: 100 });
  const { tradingPartnerCode: _partner, ...customer } = sampleCustomer;
  await catalog.customers.create({ ...customer, code: 'EXO-SUB', acceptsSubstitutions: true });
  const { gtin: _gtin, ...item } = sampleItem;
  // SKU-Y's substitute earns almost nothing, so a person approves it.
  await catalog.items.create({ ...item, sku: 'EXO-THIN', unitCostMinor: 1_000, substitutes: [] });
  await catalog.items.create({ ...item, sku: 'EXO-Y', substitutes: ['EXO-THIN'] });
  for (const sku of ['EXO-B', 'EXO-C', 'EXO-THIN']) await receive(sku, 100);
  await receive('EXO-A', 10);
});
after(async () => t.dispose());

async function receive(sku: string, quantity: number, type = 'receipt') {
  sequence += 1;
  const events = [{ source: 'WMS-EAST', sequence, type, sku, locationCode: 'DC-EAST', quantity, occurredAt: new Date(t.clock.now()).toISOString() }];
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events } });
  assert.equal(res.json().outcome.applied, 1, res.body);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const report = await t.app.services.outbox.dispatchDue();
    if (report.delivered + report.dead + report.retrying === 0) return;
  }
  assert.fail('events kept coming');
}

const call = async (method: 'GET' | 'POST', url: string, who: Role, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(who), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
};
const act = (id: string, action: string, who: Role, body: Record<string, unknown> = {}) => call('POST', `/v1/exceptions/${id}/actions/${action}`, who, body);
const getOrder = async (id: string) => (await call('GET', `/v1/orders/${id}`, 'viewer')).body;

async function submit(externalOrderNumber: string, lines: unknown[], extra: Record<string, unknown> = {}, customerCode = 'CUST-ACME') {
  const res = await call('POST', '/v1/orders', 'integration', { channel: 'EDI', externalOrderNumber, customerCode, shipToCode: 'ST-001', lines, ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await settle();
  return res.body.order.id as string;
}

/** An order allocated and released to its warehouse; answers its one fulfillment request. */
async function released(externalOrderNumber: string, lines: unknown[], extra: Record<string, unknown> = {}) {
  const id = await submit(externalOrderNumber, lines, extra);
  const requests = await t.app.services.fulfillment.listForOrder(id);
  assert.equal((await getOrder(id)).state, 'released');
  assert.equal(requests.length, 1);
  return { id, request: requests[0]! };
}

const ship = async (requestId: string, shipmentNumber: string, lines: Array<{ lineNumber: number; quantity: number }>) => {
  const res = await call('POST', '/v1/shipments', 'warehouse', { fulfillmentRequestId: requestId, shipmentNumber, shippedAt: new Date(t.clock.now()).toISOString(), lines });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await settle();
  return res.body.shipment as { id: string };
};
const milestone = async (shipmentId: string, payload: Record<string, unknown>) => {
  const res = await call('POST', `/v1/shipments/${shipmentId}/milestones`, 'integration', payload);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await settle();
};

/** The exceptions of a type about a subject, in every state. */
async function about(subjectType: string, subjectId: string, type: string) {
  const found: any[] = [];
  for (const state of ['open', 'claimed', 'resolved', 'dismissed']) {
    const res = await call('GET', `/v1/exceptions?subjectType=${subjectType}&subjectId=${encodeURIComponent(subjectId)}&state=${state}&type=${type}&limit=50`, 'viewer');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    found.push(...res.body.items);
  }
  return found;
}
async function only(subjectType: string, subjectId: string, type: string) {
  const list = await about(subjectType, subjectId, type);
  assert.equal(list.length, 1, `one ${type} exception about ${subjectType} ${subjectId}: ${JSON.stringify(list.map((e) => e.state))}`);
  return list[0];
}

test('short shipment: a short ship with the remainder backordered raises it; accept_short_ship cancels the remainder and resolves it', async () => {
  const { id, request } = await released('EXO-SHORT-1', [{ lineNumber: 1, sku: 'EXO-A', quantity: 10 }]);
  // The warehouse finds three units missing and reports it, so nothing is left to cover the remainder.
  await receive('EXO-A', -3, 'adjustment');
  await ship(request.id, 'EXO-SHORT-1-1', [{ lineNumber: 1, quantity: 7 }]);
  const e = await only('order_line', `${id}:1`, 'short_shipment');
  assert.deepEqual([e.state, e.ownerRole, e.facts.shortQuantity, e.facts.handling, e.rootCause.code], ['open', 'customer_service', 3, 'backorder', 'short_shipped']);
  assert.equal((await about('order_line', `${id}:1`, 'stock_shortage')).length, 0, 'a short ship is one exception, not also a shortage');
  // Delivering the confirmation again changes nothing.
  const confirmed = await t.testStore.store.db.selectFrom('outbox_events').select(['id', 'type', 'data']).where('subject', '=', `order:${id}`).where('type', '=', 'crossdock.shipment.confirmed').executeTakeFirstOrThrow();
  await t.app.services.orchestration.exceptionRaising.onOrderEvent({ id: confirmed.id, type: confirmed.type, data: JSON.parse(confirmed.data) });
  assert.equal((await only('order_line', `${id}:1`, 'short_shipment')).version, e.version);

  assert.equal((await act(e.id, 'accept_short_ship', 'warehouse', { reason: 'x' })).status, 403, 'not the owner’s queue');
  const accepted = await act(e.id, 'accept_short_ship', 'customer_service', { reason: 'customer takes the seven' });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.result.outcome, 'short_ship_accepted');
  await settle();
  const done = await only('order_line', `${id}:1`, 'short_shipment');
  assert.deepEqual([done.state, done.resolution.by, done.resolution.action], ['resolved', 'action', 'accept_short_ship']);
  const line = (await getOrder(id)).lines[0];
  assert.deepEqual([line.shippedQuantity, line.backorderedQuantity, line.cancelledQuantity], [7, 0, 3]);
});

test('shipment delay: a carrier’s delay raises it on the shipment; the delivery clears it by condition', async () => {
  const { id, request } = await released('EXO-LATE-1', [{ lineNumber: 1, sku: 'EXO-B', quantity: 2 }]);
  const shipment = await ship(request.id, 'EXO-LATE-1-1', [{ lineNumber: 1, quantity: 2 }]);
  assert.equal((await about('shipment', shipment.id, 'shipment_delay')).length, 0, 'nothing before the carrier says so');
  await milestone(shipment.id, { type: 'delayed', occurredAt: new Date(t.clock.now()).toISOString(), estimatedDeliveryAt: '2026-02-20T12:00:00Z', detail: 'weather at the hub' });
  const e = await only('shipment', shipment.id, 'shipment_delay');
  assert.deepEqual([e.state, e.ownerRole, e.facts.orderId, e.rootCause.code], ['open', 'customer_service', id, 'carrier_delayed']);
  assert.match(e.rootCause.message, /weather at the hub; new estimate 2026-02-20T12:00:00/);

  await milestone(shipment.id, { type: 'delivered', occurredAt: new Date(t.clock.now() + 3_600_000).toISOString() });
  const cleared = await only('shipment', shipment.id, 'shipment_delay');
  assert.deepEqual([cleared.state, cleared.resolution.by], ['resolved', 'condition']);
  assert.match(cleared.resolution.reason, /delivered/);
});

test('pricing variance: a price off the contract raises it on the line; release_hold releases the pricing hold and resolves it', async () => {
  const id = await submit('EXO-PRICE-1', [{ lineNumber: 1, sku: 'SKU-2', quantity: 1, unitPriceMinor: 900 }]);
  const hold = (await getOrder(id)).holds.find((h: any) => h.type === 'pricing');
  assert.ok(hold, 'a pricing hold');
  const e = await only('order_line', `${id}:1`, 'pricing_variance');
  assert.deepEqual([e.state, e.ownerRole, e.facts.holdId], ['open', 'customer_service', hold.id]);
  assert.equal((await act(e.id, 'release_hold', 'finance', {})).status, 403, 'the pricing queue is customer service’s');
  const released = await act(e.id, 'release_hold', 'customer_service', { reason: 'promotional price agreed' });
  assert.equal(released.status, 200, JSON.stringify(released.body));
  await settle();
  const done = await only('order_line', `${id}:1`, 'pricing_variance');
  assert.deepEqual([done.state, done.resolution.action], ['resolved', 'release_hold']);
  assert.equal((await getOrder(id)).holds.find((h: any) => h.id === hold.id).resolution, 'released');
});

test('reject_substitution: refusing the substitute rejects the hold, resolves the exception and sends the line back to wait', async () => {
  const id = await submit('EXO-SUB-1', [{ lineNumber: 1, sku: 'EXO-Y', quantity: 5 }], {}, 'EXO-SUB');
  const hold = (await getOrder(id)).holds.find((h: any) => h.type === 'substitution');
  assert.ok(hold, 'a substitution hold');
  const e = await only('order_line', `${id}:1`, 'substitution_approval');
  const rejected = await act(e.id, 'reject_substitution', e.queueRole, { reason: 'customer wants the ordered item' });
  assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  assert.equal(rejected.body.result.outcome, 'rejected');
  await settle();
  const done = await only('order_line', `${id}:1`, 'substitution_approval');
  assert.deepEqual([done.state, done.resolution.action], ['resolved', 'reject_substitution']);
  const order = await getOrder(id);
  assert.equal(order.holds.find((h: any) => h.id === hold.id).resolution, 'rejected');
  assert.equal(order.lines[0].sku, 'EXO-Y', 'the line waits for the ordered SKU again');
  // No stock of EXO-Y: the line is short now, and that is its own exception.
  assert.equal((await only('order_line', `${id}:1`, 'stock_shortage')).state, 'open');
});

test('change_promise_date on goods shipped but not delivered moves the promise; once every unit is delivered it is refused with order_delivered', async () => {
  const promiseDate = new Date(t.clock.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const { id, request } = await released('EXO-PROMISE-2', [{ lineNumber: 1, sku: 'EXO-B', quantity: 2 }], { requestedDeliveryDate: promiseDate });
  const shipment = await ship(request.id, 'EXO-PROMISE-2-1', [{ lineNumber: 1, quantity: 2 }]);
  assert.ok(['shipped', 'invoiced'].includes((await getOrder(id)).state), 'the goods have left');
  await milestone(shipment.id, { type: 'delayed', occurredAt: new Date(t.clock.now()).toISOString(), estimatedDeliveryAt: new Date(t.clock.now() + 4 * 86_400_000).toISOString(), detail: 'missed the linehaul' });
  const e = await only('shipment', shipment.id, 'shipment_delay');
  const later = new Date(t.clock.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const changed = await act(e.id, 'change_promise_date', 'customer_service', { reason: 'customer agreed', params: { promiseDate: later } });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.deepEqual([changed.body.result.outcome, changed.body.result.data.to, changed.body.exception.state], ['changed', later, 'resolved']);
  assert.equal((await getOrder(id)).promiseDate, later);

  // A second delay; the delivery is recorded but its event not yet handled, so the exception is still
  // live when a person acts: the order has nothing left to promise.
  await milestone(shipment.id, { type: 'delayed', occurredAt: new Date(t.clock.now() + 60_000).toISOString(), estimatedDeliveryAt: new Date(t.clock.now() + 6 * 86_400_000).toISOString(), detail: 'again' });
  const again = (await about('shipment', shipment.id, 'shipment_delay')).find((x) => x.state === 'open');
  assert.ok(again, 'a second delay raises a new exception');
  const delivered = await call('POST', `/v1/shipments/${shipment.id}/milestones`, 'integration', { type: 'delivered', occurredAt: new Date(t.clock.now() + 120_000).toISOString() });
  assert.equal(delivered.status, 201, JSON.stringify(delivered.body));
  const refused = await act(again.id, 'change_promise_date', 'customer_service', { reason: 'x', params: { promiseDate: new Date(t.clock.now() + 9 * 86_400_000).toISOString().slice(0, 10) } });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.deepEqual([refused.body.error.code, refused.body.error.details[0].message], ['invalid_state', 'order_delivered']);
  assert.match(refused.body.error.message, /has been delivered/);
  await settle();
  const closed = (await about('shipment', shipment.id, 'shipment_delay')).find((x) => x.id === again.id);
  assert.deepEqual([closed.state, closed.resolution.by], ['resolved', 'condition'], 'the delivery clears it');
});

// Last: it moves the clock by days, which leaves the warehouse feed stale for the tests after it.
test('change_promise_date: a promise date passed with goods unshipped raises a delay on the order; a new date agreed resolves it and moves the timer', async () => {
  const promiseDate = new Date(t.clock.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const { id } = await released('EXO-PROMISE-1', [{ lineNumber: 1, sku: 'EXO-C', quantity: 2 }], { requestedDeliveryDate: promiseDate });
  // Past the end of the date where the ship-to is, whatever its zone.
  t.clock.advance(3 * 86_400_000 + 14 * 3_600_000);
  await t.app.services.timers.fireDue();
  await settle();
  const e = await only('order', id, 'shipment_delay');
  assert.equal(e.state, 'open');

  assert.equal((await act(e.id, 'change_promise_date', 'customer_service', { params: {} })).status, 400, 'the new date is required');
  assert.equal((await act(e.id, 'change_promise_date', 'customer_service', { params: { promiseDate: '14/01/2026' } })).status, 400);
  const newDate = new Date(t.clock.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const changed = await act(e.id, 'change_promise_date', 'customer_service', { reason: 'customer agreed to a later date', params: { promiseDate: newDate } });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.deepEqual([changed.body.result.outcome, changed.body.result.data.from, changed.body.result.data.to], ['changed', promiseDate, newDate]);
  await settle();
  const done = await only('order', id, 'shipment_delay');
  assert.deepEqual([done.state, done.resolution.action], ['resolved', 'change_promise_date']);
  const announced = await t.testStore.store.db.selectFrom('outbox_events').select('data').where('subject', '=', `order:${id}`).where('type', '=', 'crossdock.order.promise_date_changed').execute();
  assert.equal(announced.length, 1);
  assert.equal(JSON.parse(announced[0]!.data).to, newDate);
  const timers = (await call('GET', '/v1/timers?kind=order.promise-date&limit=200', 'viewer')).body.items.filter((x: any) => x.key.includes(id));
  assert.ok(timers.some((x: any) => x.key === `order-promise:${id}:${newDate}` && x.status === 'pending'), JSON.stringify(timers));
});
