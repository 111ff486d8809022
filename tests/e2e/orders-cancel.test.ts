import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';

/** Cancelling the unshipped rest of orders and lines: stock given back, warehouse requests withdrawn. */
let t: TestApp;
before(async () => {
  t = await createTestApp();
  await seedSampleCatalog(t.app.services.catalog);
  const at = new Date(t.clock.now()).toISOString();
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/events',
    headers: t.as('integration'),
    payload: {
      events: [
        { source: 'WMS-EAST', sequence: 1, type: 'receipt', sku: 'SKU-1', locationCode: 'DC-EAST', quantity: 100, occurredAt: at },
        { source: 'WMS-EAST', sequence: 2, type: 'receipt', sku: 'SKU-2', locationCode: 'DC-EAST', quantity: 100, occurredAt: at },
      ],
    },
  });
  assert.equal(res.json().outcome.applied, 2, res.body);
});
after(async () => t.dispose());

const settle = async () => {
  for (let i = 0; i < 4; i++) await t.app.services.outbox.dispatchDue();
};
const released = async (externalOrderNumber: string, lines: Array<{ lineNumber: number; sku: string; quantity: number }>) => {
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/orders',
    headers: t.as('integration'),
    payload: { channel: 'EDI', partnerCode: 'ACME', externalOrderNumber, customerCode: 'CUST-ACME', shipToCode: 'ST-001', lines },
  });
  assert.equal(res.statusCode, 201, res.body);
  await settle();
  const id = res.json().order.id as string;
  const order = (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
  assert.equal(order.state, 'released');
  return id;
};
const cancel = (id: string, body: unknown, role: Parameters<TestApp['as']>[0] = 'customer_service') =>
  t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/cancel`, headers: t.as(role), payload: body as object });
const reserved = async (sku: string) =>
  Number((await t.testStore.store.db.selectFrom('inventory_positions').select(['reserved']).where('sku', '=', sku).where('location_code', '=', 'DC-EAST').executeTakeFirstOrThrow()).reserved);

test('cancelling one line gives back its stock and withdraws it from the warehouse request; the rest goes on', async () => {
  const before = await reserved('SKU-2');
  const id = await released('CAN-1', [
    { lineNumber: 1, sku: 'SKU-1', quantity: 5 },
    { lineNumber: 2, sku: 'SKU-2', quantity: 7 },
  ]);
  assert.equal(await reserved('SKU-2'), before + 7);
  const res = await cancel(id, { reason: 'customer called', lineNumbers: [2] });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.order.state, 'released');
  assert.deepEqual(body.order.lines.map((l: { state: string; cancelledQuantity: number }) => [l.state, l.cancelledQuantity]), [['released', 0], ['cancelled', 7]]);
  assert.deepEqual(body.lines, [{ lineNumber: 2, cancelledQuantity: 7 }]);
  assert.equal(await reserved('SKU-2'), before, 'the stock held for line 2 is free again');
  const [request] = await t.app.services.fulfillment.listForOrder(id);
  assert.deepEqual(request!.lines.map((l) => l.lineNumber), [1]);
  assert.equal(request!.reservationIds.length, 1);
  assert.deepEqual(body.withdrawnRequests, [request!.id]);
  const withdrawal = await t.testStore.store.db.selectFrom('outbox_events').select(['data']).where('type', '=', 'crossdock.fulfillment.cancel_requested').where('subject', '=', `fulfillment:${request!.id}`).execute();
  assert.equal(withdrawal.length, 1, 'the connector is told to withdraw the line');
  // The warehouse can no longer ship the withdrawn line; the rest ships as usual.
  const ship = (lines: unknown[], n: string) =>
    t.app.http.inject({ method: 'POST', url: '/v1/shipments', headers: t.as('warehouse'), payload: { fulfillmentRequestId: request!.id, shipmentNumber: n, shippedAt: new Date(t.clock.now()).toISOString(), lines } });
  assert.equal((await ship([{ lineNumber: 2, quantity: 7 }], 'CAN-1-A')).statusCode, 422);
  assert.equal((await ship([{ lineNumber: 1, quantity: 5 }], 'CAN-1-B')).statusCode, 201);
  await settle();
  const done = (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
  assert.equal(done.state, 'invoiced', 'shipped in full of what was left, then invoiced');
  assert.deepEqual(done.lines.map((l: { invoicedQuantity: number }) => l.invoicedQuantity), [5, 0]);
});

test('cancelling a whole order before it ships cancels it and its warehouse request; a second cancel is refused', async () => {
  const before = await reserved('SKU-1');
  const id = await released('CAN-2', [{ lineNumber: 1, sku: 'SKU-1', quantity: 4 }]);
  const res = await cancel(id, { reason: 'duplicate order' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().order.state, 'cancelled');
  assert.equal(await reserved('SKU-1'), before);
  const [request] = await t.app.services.fulfillment.listForOrder(id);
  assert.equal(request!.state, 'cancelled');
  const again = await cancel(id, { reason: 'again' });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'invalid_state');
});

test('cancelling the backordered rest of a partly shipped order completes it as shipped', async () => {
  const id = await released('CAN-3', [{ lineNumber: 1, sku: 'SKU-1', quantity: 6 }]);
  const [request] = await t.app.services.fulfillment.listForOrder(id);
  // The warehouse ships 4 of 6; the default short-ship policy backorders the other 2.
  const shipped = await t.app.http.inject({
    method: 'POST',
    url: '/v1/shipments',
    headers: t.as('warehouse'),
    payload: { fulfillmentRequestId: request!.id, shipmentNumber: 'CAN-3-A', shippedAt: new Date(t.clock.now()).toISOString(), lines: [{ lineNumber: 1, quantity: 4 }] },
  });
  assert.equal(shipped.statusCode, 201, shipped.body);
  await settle();
  const res = await cancel(id, { reason: 'customer does not want to wait' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().order.state, 'shipped');
  assert.deepEqual(res.json().lines, [{ lineNumber: 1, cancelledQuantity: 2 }]);
  await settle();
  const done = (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
  assert.equal(done.state, 'invoiced');
  assert.deepEqual([done.lines[0].shippedQuantity, done.lines[0].invoicedQuantity, done.lines[0].cancelledQuantity], [4, 4, 2]);
});

test('cancelling is refused to a viewer, for an unknown line and for an unknown order', async () => {
  const id = await released('CAN-4', [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }]);
  assert.equal((await cancel(id, { reason: 'x' }, 'viewer')).statusCode, 403);
  const unknown = await cancel(id, { reason: 'x', lineNumbers: [9] });
  assert.equal(unknown.statusCode, 422);
  assert.match(unknown.json().error.message, /no line 9/);
  assert.equal((await cancel('01950000-0000-7000-8000-000000000000', { reason: 'x' })).statusCode, 404);
  assert.equal((await cancel(id, {})).statusCode, 400, 'a reason is required');
});
