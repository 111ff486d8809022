import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * Shipment confirmation end to end: intake → allocation → release → a warehouse confirms what it
 * shipped → reservations consumed, on hand lowered, the order moved on, short ships handled by the
 * policy in force; then carrier milestones and promise dates.
 */
let t: TestApp;
const sequences = new Map<string, number>();

before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  await catalog.locations.create(sampleWestLocation);
  // Items of their own class, so that no channel protection (the sample EDI channel protects PPE) hides stock.
  for (const sku of ['TOOL-A', 'TOOL-B', 'TOOL-C', 'TOOL-D', 'TOOL-E', 'TOOL-F', 'TOOL-G', 'TOOL-H', 'TOOL-I', 'TOOL-J']) {
    await catalog.items.create({ sku, description: `Tool ${sku}`, itemClass: 'TOOLS', unitCostMinor: 50, listPriceMinor: 100 });
  }
  await stock([
    ['TOOL-A', 'DC-EAST', 20],
    ['TOOL-B', 'DC-EAST', 4],
    ['TOOL-C', 'DC-WEST', 3],
    ['TOOL-D', 'DC-EAST', 10],
    ['TOOL-E', 'DC-EAST', 10],
    ['TOOL-F', 'DC-EAST', 10],
    ['TOOL-G', 'DC-EAST', 10],
    ['TOOL-H', 'DC-EAST', 10],
    ['TOOL-I', 'DC-EAST', 10],
  ]);
});
after(async () => t.dispose());

/** Warehouse events, each source numbered in order. */
async function stock(moves: Array<[sku: string, location: string, quantity: number, type?: string]>) {
  const events = moves.map(([sku, locationCode, quantity, type]) => {
    const source = `WMS-${locationCode}`;
    const sequence = (sequences.get(source) ?? 0) + 1;
    sequences.set(source, sequence);
    return { source, sequence, type: type ?? 'receipt', sku, locationCode, quantity, occurredAt: new Date(t.clock.now()).toISOString() };
  });
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events } });
  assert.equal(res.json().outcome.applied, moves.length, res.body);
}

/** Submits an order and lets the outbox allocate and release it. */
async function released(externalOrderNumber: string, lines: unknown[], extra: Record<string, unknown> = {}) {
  const id = await submitSampleOrder(t, externalOrderNumber, lines, extra);
  await t.app.services.outbox.dispatchDue(); // allocation
  await t.app.services.outbox.dispatchDue(); // release
  const order = await getOrder(id);
  assert.equal(order.state, 'released', JSON.stringify(order));
  return { id, requests: await t.app.services.fulfillment.listForOrder(id) };
}

const getOrder = async (id: string) => (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
const confirm = (payload: unknown, role: 'warehouse' | 'integration' = 'warehouse') => t.app.http.inject({ method: 'POST', url: '/v1/shipments', headers: t.as(role), payload: payload as object });
const milestone = (shipmentId: string, payload: unknown) => t.app.http.inject({ method: 'POST', url: `/v1/shipments/${shipmentId}/milestones`, headers: t.as('integration'), payload: payload as object });
const shippedAt = () => new Date(t.clock.now()).toISOString();

async function position(sku: string, location: string) {
  const row = await t.testStore.store.db.selectFrom('inventory_positions').select(['on_hand', 'reserved']).where('sku', '=', sku).where('location_code', '=', location).executeTakeFirstOrThrow();
  return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
}
async function atp(sku: string, location: string): Promise<number> {
  const res = await t.app.http.inject({ method: 'GET', url: `/v1/availability/${sku}`, headers: t.as('viewer') });
  return res.json().locations.find((l: { locationCode: string }) => l.locationCode === location).atp;
}
async function orderEvents(id: string) {
  const rows = await t.testStore.store.db.selectFrom('outbox_events').select(['type', 'data']).where('subject', '=', `order:${id}`).orderBy('seq').execute();
  return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) }));
}
const eventTypes = async (id: string) => (await orderEvents(id)).map((e) => e.type);
async function activateShortShip(remainder: 'resource' | 'backorder' | 'cancel') {
  const proposed = await t.app.http.inject({ method: 'POST', url: '/v1/policies/short_ship', headers: t.as('admin'), payload: { document: { remainder } } });
  assert.equal(proposed.statusCode, 201, proposed.body);
  const activated = await t.app.http.inject({ method: 'POST', url: `/v1/policies/short_ship/${proposed.json().version}/activate`, headers: t.as('admin') });
  assert.equal(activated.statusCode, 200, activated.body);
  return proposed.json().version as number;
}

let fullShipmentId = '';

test('a full shipment consumes the reservation, takes the units off on hand and ships the order', async () => {
  const { id, requests } = await released('SHIP-1', [{ lineNumber: 1, sku: 'TOOL-A', quantity: 5 }]);
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.deepEqual(await position('TOOL-A', 'DC-EAST'), { onHand: 20, reserved: 5 });
  assert.equal(await atp('TOOL-A', 'DC-EAST'), 15);

  const res = await confirm({ fulfillmentRequestId: request!.id, shipmentNumber: '945-0001', shippedAt: shippedAt(), carrierScac: 'UPSN', trackingNumber: '1Z999', lines: [{ lineNumber: 1, quantity: 5 }] });
  assert.equal(res.statusCode, 201, res.body);
  const { result, shipment, order } = res.json();
  fullShipmentId = shipment.id;
  assert.equal(result, 'created');
  assert.deepEqual([order.state, order.lines[0].state, order.lines[0].shippedQuantity, order.lines[0].allocatedQuantity], ['shipped', 'shipped', 5, 5]);
  assert.deepEqual(shipment.lines, [{ lineNumber: 1, sku: 'TOOL-A', quantity: 5 }]);
  assert.deepEqual([shipment.locationCode, shipment.shipmentNumber, shipment.carrierScac, shipment.shortShipped], ['DC-EAST', '945-0001', 'UPSN', []]);
  assert.equal((await getOrder(id)).state, 'shipped');

  const reservation = await t.app.services.inventory.reservations.get(request!.reservationIds[0]!);
  assert.equal(reservation.state, 'committed');
  assert.deepEqual(await position('TOOL-A', 'DC-EAST'), { onHand: 15, reserved: 0 }, 'on hand and reserved both fall by the shipped units');
  assert.equal(await atp('TOOL-A', 'DC-EAST'), 15, 'what was promised to nobody stays available');
  const moves = await t.testStore.store.db.selectFrom('inventory_movements').select(['type', 'd_on_hand', 'source', 'reference']).where('reference', '=', `shipment:${shipment.id}`).orderBy('seq').execute();
  assert.deepEqual(moves.map((m) => [m.type, Number(m.d_on_hand), m.source]), [['reservation_commit', 0, 'crossdock'], ['ship', -5, 'crossdock']]);
  assert.equal((await t.app.services.fulfillment.listForOrder(id))[0]!.state, 'shipped');

  const events = await orderEvents(id);
  assert.deepEqual(events.slice(-2).map((e) => e.type), ['crossdock.shipment.confirmed', 'crossdock.order.shipped']);
  assert.deepEqual(events.at(-2)!.data.policyVersion, 0);
  assert.deepEqual(events.at(-1)!.data, { orderId: id, from: 'released', to: 'shipped', shipmentId: shipment.id });

  const read = await t.app.http.inject({ method: 'GET', url: `/v1/shipments/${shipment.id}`, headers: t.as('viewer') });
  assert.deepEqual(read.json(), shipment);
  const list = await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}/shipments`, headers: t.as('viewer') });
  assert.deepEqual(list.json().items.map((s: { id: string }) => s.id), [shipment.id]);
});

test('the same shipment number again answers exists and moves no stock twice; another number for a shipped request is refused', async () => {
  const shipment = (await t.app.http.inject({ method: 'GET', url: `/v1/shipments/${fullShipmentId}`, headers: t.as('viewer') })).json();
  const before = await position('TOOL-A', 'DC-EAST');
  const eventsBefore = (await eventTypes(shipment.orderId)).length;
  const body = { fulfillmentRequestId: shipment.fulfillmentRequestId, shipmentNumber: '945-0001', shippedAt: shipment.shippedAt, lines: [{ lineNumber: 1, quantity: 5 }] };
  const again = await confirm(body, 'integration');
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual([again.json().result, again.json().shipment.id], ['exists', shipment.id]);
  assert.deepEqual(await position('TOOL-A', 'DC-EAST'), before, 'no double decrement');
  assert.equal((await eventTypes(shipment.orderId)).length, eventsBefore, 'nothing announced again');

  const other = await confirm({ ...body, shipmentNumber: '945-0002' });
  assert.equal(other.statusCode, 409, other.body);
  assert.equal(other.json().error.code, 'invalid_state');
  assert.deepEqual(await position('TOOL-A', 'DC-EAST'), before);
});

test('an order split over two warehouses is partially shipped by the first confirmation and shipped by the second', async () => {
  const { id, requests } = await released('SHIP-2', [{ lineNumber: 1, sku: 'TOOL-B', quantity: 4 }, { lineNumber: 2, sku: 'TOOL-C', quantity: 3 }]);
  const east = requests.find((r) => r.locationCode === 'DC-EAST')!;
  const west = requests.find((r) => r.locationCode === 'DC-WEST')!;
  assert.ok(east && west, 'one request per warehouse');

  const first = await confirm({ fulfillmentRequestId: east.id, shipmentNumber: 'E-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual([first.json().order.state, first.json().order.lines.map((l: { state: string }) => l.state)], ['partially_shipped', ['shipped', 'released']]);
  // Shipment numbers are unique per location: the west warehouse may use the same one.
  const second = await confirm({ fulfillmentRequestId: west.id, shipmentNumber: 'E-1', shippedAt: shippedAt(), lines: [{ lineNumber: 2, quantity: 3 }] });
  assert.equal(second.statusCode, 201, second.body);
  assert.equal(second.json().order.state, 'shipped');
  const types = (await eventTypes(id)).filter((e) => e.startsWith('crossdock.order.') && e.includes('shipped'));
  assert.deepEqual(types, ['crossdock.order.partially_shipped', 'crossdock.order.shipped']);
  assert.deepEqual([await position('TOOL-B', 'DC-EAST'), await position('TOOL-C', 'DC-WEST')], [{ onHand: 0, reserved: 0 }, { onHand: 0, reserved: 0 }]);

  // A number already used at a location for another request is a conflict, not a silent duplicate.
  const { requests: others } = await released('SHIP-2b', [{ lineNumber: 1, sku: 'TOOL-H', quantity: 1 }]);
  const reused = await confirm({ fulfillmentRequestId: others[0]!.id, shipmentNumber: 'E-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 1 }] });
  assert.equal(reused.statusCode, 409, reused.body);
  assert.equal(reused.json().error.code, 'conflict');
});

test('over-shipment is refused with 422 and changes nothing', async () => {
  const { id, requests } = await released('SHIP-3', [{ lineNumber: 1, sku: 'TOOL-E', quantity: 4 }]);
  const before = { order: await getOrder(id), stock: await position('TOOL-E', 'DC-EAST'), events: await eventTypes(id) };
  const over = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'OVER-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 5 }] });
  assert.equal(over.statusCode, 422, over.body);
  assert.equal(over.json().error.code, 'over_shipment');
  assert.equal(over.json().error.details[0].path, 'lines.0.quantity');
  const stranger = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'OVER-2', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 4 }, { lineNumber: 7, quantity: 1 }] });
  assert.equal(stranger.statusCode, 422, stranger.body);
  assert.deepEqual([stranger.json().error.code, stranger.json().error.details[0].path], ['over_shipment', 'lines.1.lineNumber']);

  assert.deepEqual(await getOrder(id), before.order);
  assert.deepEqual(await position('TOOL-E', 'DC-EAST'), before.stock);
  assert.deepEqual(await eventTypes(id), before.events);
  assert.deepEqual((await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}/shipments`, headers: t.as('viewer') })).json().items, []);
  assert.equal((await t.app.services.fulfillment.listForOrder(id))[0]!.state, 'pending');

  const unknown = await confirm({ fulfillmentRequestId: '019b76da-a800-7008-b590-6be31a34885b', shipmentNumber: 'X', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 1 }] });
  assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'not_found']);
  // A line listed ships at least one unit; lines left out shipped nothing.
  const badBody = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'X', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 0 }] });
  assert.deepEqual([badBody.statusCode, badBody.json().error.details[0].path], [400, 'body.lines.0.quantity']);
  assert.equal((await t.app.http.inject({ method: 'POST', url: '/v1/shipments', headers: t.as('viewer'), payload: {} })).statusCode, 403);

  // The request can still be confirmed correctly afterwards.
  const ok = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'OVER-3', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.equal(ok.statusCode, 201, ok.body);
});

test('a short ship under the default policy backorders the remainder', async () => {
  const { id, requests } = await released('SHIP-4', [{ lineNumber: 1, sku: 'TOOL-D', quantity: 10 }]);
  const res = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'SHORT-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 7 }] });
  assert.equal(res.statusCode, 201, res.body);
  const line = res.json().order.lines[0];
  assert.deepEqual([line.allocatedQuantity, line.shippedQuantity, line.backorderedQuantity, line.cancelledQuantity, line.state], [7, 7, 3, 0, 'partially_shipped']);
  assert.equal(res.json().order.state, 'partially_shipped');
  assert.deepEqual(res.json().shipment.shortShipped, [{ lineNumber: 1, sku: 'TOOL-D', quantity: 3, handling: 'backorder' }]);
  const confirmed = (await orderEvents(id)).find((e) => e.type === 'crossdock.shipment.confirmed')!;
  assert.deepEqual([confirmed.data.shortShipped, confirmed.data.policyVersion], [[{ lineNumber: 1, quantity: 3, handling: 'backorder' }], 0]);
  // Every reservation of the request is used up; the three units not shipped stay on hand, free.
  assert.deepEqual(await position('TOOL-D', 'DC-EAST'), { onHand: 3, reserved: 0 });
});

test('a short ship under the cancel policy cancels the remainder; nothing shipped at all cancels the order', async () => {
  const version = await activateShortShip('cancel');
  const { requests } = await released('SHIP-5', [{ lineNumber: 1, sku: 'TOOL-F', quantity: 5 }]);
  const res = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'CXL-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 3 }] });
  assert.equal(res.statusCode, 201, res.body);
  const line = res.json().order.lines[0];
  assert.deepEqual([line.allocatedQuantity, line.shippedQuantity, line.backorderedQuantity, line.cancelledQuantity, line.state], [3, 3, 0, 2, 'shipped']);
  assert.equal(res.json().order.state, 'shipped', 'what is still wanted has all shipped');

  const { id, requests: second } = await released('SHIP-6', [{ lineNumber: 1, sku: 'TOOL-F', quantity: 2 }]);
  const stockBefore = await position('TOOL-F', 'DC-EAST');
  const none = await confirm({ fulfillmentRequestId: second[0]!.id, shipmentNumber: 'CXL-2', shippedAt: shippedAt(), lines: [] });
  assert.equal(none.statusCode, 201, none.body);
  assert.deepEqual([none.json().order.state, none.json().order.lines[0].cancelledQuantity, none.json().shipment.lines], ['cancelled', 2, []]);
  assert.deepEqual(await position('TOOL-F', 'DC-EAST'), { onHand: stockBefore.onHand, reserved: stockBefore.reserved - 2 }, 'the hold is given up, nothing left the building');
  assert.equal((await t.app.services.fulfillment.listForOrder(id))[0]!.state, 'cancelled');
  const last = (await orderEvents(id)).at(-1)!;
  assert.deepEqual([last.type, last.data.to], ['crossdock.order.cancelled', 'cancelled']);
  assert.equal((await orderEvents(id)).find((e) => e.type === 'crossdock.shipment.confirmed')!.data.policyVersion, version);
});

test('a short ship under the resource policy sources the remainder again, from stock elsewhere', async () => {
  await activateShortShip('resource');
  const { id, requests } = await released('SHIP-7', [{ lineNumber: 1, sku: 'TOOL-G', quantity: 10 }]);
  assert.equal(requests[0]!.locationCode, 'DC-EAST');
  // The east warehouse finds four units missing and reports it; the west one has received some meanwhile.
  await stock([['TOOL-G', 'DC-EAST', -4, 'adjustment'], ['TOOL-G', 'DC-WEST', 8]]);
  const res = await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'RES-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 6 }] });
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(res.json().shipment.shortShipped, [{ lineNumber: 1, sku: 'TOOL-G', quantity: 4, handling: 'resource' }]);
  const line = res.json().order.lines[0];
  assert.deepEqual([res.json().order.state, line.allocatedQuantity, line.shippedQuantity, line.backorderedQuantity], ['partially_shipped', 10, 6, 0], 'the answer shows the remainder allocated again');
  assert.deepEqual(await position('TOOL-G', 'DC-EAST'), { onHand: 0, reserved: 0 });
  assert.deepEqual(await position('TOOL-G', 'DC-WEST'), { onHand: 8, reserved: 4 });

  await t.app.services.outbox.dispatchDue(); // the new allocation is released
  // Releasing again by hand is harmless; it keeps the test independent of other subscribers (invoicing)
  // that change the order in the same dispatch and can make the release step skip on a version change.
  await t.app.services.orchestration.release.release(id);
  const west = (await t.app.services.fulfillment.listForOrder(id)).find((r) => r.locationCode === 'DC-WEST');
  assert.ok(west, 'the re-sourced units went to the west warehouse');
  assert.deepEqual(west.lines, [{ lineNumber: 1, sku: 'TOOL-G', quantity: 4 }]);
  const done = await confirm({ fulfillmentRequestId: west.id, shipmentNumber: 'RES-2', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.equal(done.statusCode, 201, done.body);
  assert.deepEqual([done.json().order.state, done.json().order.lines[0].shippedQuantity], ['shipped', 10]);
  await activateShortShip('backorder');
});

test('carrier milestones are stored once each and announced; the last delivery says the order is delivered', async () => {
  const departed = { type: 'departed', occurredAt: shippedAt(), detail: 'left the dock' };
  const first = await milestone(fullShipmentId, departed);
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual(first.json().shipment.milestones, [departed]);
  const repeat = await milestone(fullShipmentId, departed);
  assert.deepEqual([repeat.statusCode, repeat.json().result, repeat.json().shipment.milestones.length], [200, 'exists', 1]);
  const delivered = await milestone(fullShipmentId, { type: 'delivered', occurredAt: new Date(t.clock.now() + 3_600_000).toISOString() });
  assert.equal(delivered.statusCode, 201, delivered.body);
  const orderId = delivered.json().shipment.orderId;
  const events = (await orderEvents(orderId)).filter((e) => e.type.startsWith('crossdock.shipment.') && e.type !== 'crossdock.shipment.confirmed');
  assert.deepEqual(events.map((e) => [e.type, e.data.orderDelivered]), [['crossdock.shipment.departed', false], ['crossdock.shipment.delivered', true]]);
  assert.equal((await getOrder(orderId)).state === 'shipped' || (await getOrder(orderId)).state === 'invoiced', true, 'delivery is not an order state');

  // A split order is delivered only when its last shipment is.
  const split = (await t.app.http.inject({ method: 'GET', url: '/v1/orders?externalOrderNumber=SHIP-2', headers: t.as('viewer') })).json().items[0];
  const shipments = (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${split.id}/shipments`, headers: t.as('viewer') })).json().items;
  assert.equal(shipments.length, 2);
  const at = shippedAt();
  assert.equal((await milestone(shipments[0].id, { type: 'delivered', occurredAt: at })).statusCode, 201);
  assert.equal((await milestone(shipments[1].id, { type: 'delivered', occurredAt: at })).statusCode, 201);
  const deliveries = (await orderEvents(split.id)).filter((e) => e.type === 'crossdock.shipment.delivered');
  assert.deepEqual(deliveries.map((e) => e.data.orderDelivered), [false, true]);

  assert.equal((await milestone('019b76da-a800-7008-b590-6be31a34885b', departed)).statusCode, 404);
  assert.equal((await milestone(fullShipmentId, { type: 'teleported', occurredAt: at })).statusCode, 400);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/shipments/nope', headers: t.as('viewer') })).statusCode, 404);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/orders/nope/shipments', headers: t.as('viewer') })).statusCode, 404);
});

test('a delay past the promise date raises the breach at once, and only once', async () => {
  const { id, requests } = await released('SHIP-8', [{ lineNumber: 1, sku: 'TOOL-H', quantity: 2 }], { requestedDeliveryDate: '2026-01-10' });
  const shipment = (await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'LATE-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 2 }] })).json().shipment;
  const onTime = await milestone(shipment.id, { type: 'delayed', occurredAt: shippedAt(), estimatedDeliveryAt: '2026-01-10T18:00:00Z' });
  assert.equal(onTime.statusCode, 201);
  assert.equal((await eventTypes(id)).includes('crossdock.order.promise_date_breached'), false, 'a delay that still meets the date is no breach');

  await milestone(shipment.id, { type: 'delayed', occurredAt: new Date(t.clock.now() + 1000).toISOString(), estimatedDeliveryAt: '2026-01-12T12:00:00Z' });
  await milestone(shipment.id, { type: 'delayed', occurredAt: new Date(t.clock.now() + 2000).toISOString(), estimatedDeliveryAt: '2026-01-13T12:00:00Z' });
  const breaches = (await orderEvents(id)).filter((e) => e.type === 'crossdock.order.promise_date_breached');
  assert.equal(breaches.length, 1);
  assert.deepEqual([breaches[0]!.data.cause, breaches[0]!.data.promiseDate, breaches[0]!.data.undeliveredLines], ['delayed', '2026-01-10', [{ lineNumber: 1, sku: 'TOOL-H', quantity: 2 }]]);
});

test('the promise-date timer raises the breach when the date is over and goods are missing, never early', async () => {
  const late = await released('SHIP-9', [{ lineNumber: 1, sku: 'TOOL-I', quantity: 3 }], { requestedDeliveryDate: '2026-01-03' });
  const kept = await released('SHIP-10', [{ lineNumber: 1, sku: 'TOOL-I', quantity: 1 }], { requestedDeliveryDate: '2026-01-03' });
  const timers = (await t.app.http.inject({ method: 'GET', url: '/v1/timers?kind=order.promise-date', headers: t.as('viewer') })).json().items;
  const timer = timers.find((x: { key: string }) => x.key === `order-promise:${late.id}`);
  // The ship-to has no zone of its own in master data; its address is in New Jersey, so the day ends
  // at midnight in New York.
  assert.equal(timer.dueAt, '2026-01-04T04:59:59.999Z');

  await confirm({ fulfillmentRequestId: late.requests[0]!.id, shipmentNumber: 'PRM-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 3 }] });
  const keptShipment = (await confirm({ fulfillmentRequestId: kept.requests[0]!.id, shipmentNumber: 'PRM-2', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 1 }] })).json().shipment;
  t.clock.set(Date.parse('2026-01-02T10:00:00Z'));
  assert.equal((await milestone(keptShipment.id, { type: 'delivered', occurredAt: '2026-01-02T10:00:00Z' })).statusCode, 201);

  t.clock.set(Date.parse('2026-01-04T04:59:59.998Z'));
  await t.app.services.timers.fireDue();
  assert.equal((await eventTypes(late.id)).includes('crossdock.order.promise_date_breached'), false, 'not a millisecond early');

  t.clock.advance(1);
  await t.app.services.timers.fireDue();
  const breaches = (await orderEvents(late.id)).filter((e) => e.type === 'crossdock.order.promise_date_breached');
  assert.equal(breaches.length, 1);
  assert.deepEqual([breaches[0]!.data.cause, breaches[0]!.data.undeliveredLines], ['timer', [{ lineNumber: 1, sku: 'TOOL-I', quantity: 3 }]]);
  assert.equal((await eventTypes(kept.id)).includes('crossdock.order.promise_date_breached'), false, 'delivered in time: no breach');
  // Releasing again (it is harmless) does not make a second timer.
  const again = (await t.app.http.inject({ method: 'GET', url: '/v1/timers?kind=order.promise-date', headers: t.as('viewer') })).json().items;
  assert.equal(again.filter((x: { key: string }) => x.key === `order-promise:${late.id}`).length, 1);
});

test('a promise date ends at midnight where the ship-to is, when master data gives its time zone', async () => {
  const customers = t.app.services.catalog.customers;
  const { version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...customer } = (await customers.find('CUST-ACME'))!;
  const westShipTo = { code: 'ST-WEST', name: 'Acme store 9', address: { line1: '9 Ocean Ave', city: 'Los Angeles', region: 'CA', postalCode: '90001', country: 'US' }, timezone: 'America/Los_Angeles' };
  await customers.update('CUST-ACME', { ...customer, shipTos: [...customer.shipTos, westShipTo] });
  // Received now: the warehouse's feed is fresh at the clock the earlier tests moved on.
  await stock([['TOOL-H', 'DC-EAST', 5]]);
  // 8 March 2026 is the day clocks go forward in Los Angeles: it ends at 07:00 UTC on the 9th (PDT).
  const { id, requests } = await released('SHIP-TZ-1', [{ lineNumber: 1, sku: 'TOOL-H', quantity: 1 }], { shipToCode: 'ST-WEST', requestedDeliveryDate: '2026-03-08' });
  const timers = (await t.app.http.inject({ method: 'GET', url: '/v1/timers?kind=order.promise-date', headers: t.as('viewer') })).json().items;
  assert.equal(timers.find((x: { key: string }) => x.key === `order-promise:${id}`).dueAt, '2026-03-09T06:59:59.999Z');
  // An ad hoc address that names its zone counts the same; sourcing records the zone it judged the date in.
  const santaMonica = { line1: '1 Pier', city: 'Santa Monica', region: 'CA', postalCode: '90401', country: 'US', timezone: 'America/Los_Angeles' };
  const adHoc = await released('SHIP-TZ-2', [{ lineNumber: 1, sku: 'TOOL-H', quantity: 1 }], { shipToCode: undefined, shipToAddress: santaMonica, requestedDeliveryDate: '2026-03-08' });
  const adHocTimers = (await t.app.http.inject({ method: 'GET', url: '/v1/timers?kind=order.promise-date', headers: t.as('viewer') })).json().items;
  assert.equal(adHocTimers.find((x: { key: string }) => x.key === `order-promise:${adHoc.id}`).dueAt, '2026-03-09T06:59:59.999Z');
  const decisions = (await t.app.http.inject({ method: 'GET', url: `/v1/decisions?orderId=${adHoc.id}`, headers: t.as('viewer') })).json().items;
  assert.deepEqual(
    decisions.filter((d: { kind: string }) => d.kind === 'sourcing').map((d: { inputs: { promiseDate: string; promiseTimeZone: string } }) => [d.inputs.promiseDate, d.inputs.promiseTimeZone]),
    [['2026-03-08', 'America/Los_Angeles']],
  );

  const shipment = (await confirm({ fulfillmentRequestId: requests[0]!.id, shipmentNumber: 'TZ-1', shippedAt: shippedAt(), lines: [{ lineNumber: 1, quantity: 1 }] })).json().shipment;
  // 22:00 in Los Angeles on the promised day: past midnight in UTC, still in time for the customer.
  assert.equal((await milestone(shipment.id, { type: 'delayed', occurredAt: shippedAt(), estimatedDeliveryAt: '2026-03-09T05:00:00Z' })).statusCode, 201);
  assert.equal((await eventTypes(id)).includes('crossdock.order.promise_date_breached'), false, 'in time at the ship-to');
  assert.equal((await milestone(shipment.id, { type: 'delayed', occurredAt: new Date(t.clock.now() + 1000).toISOString(), estimatedDeliveryAt: '2026-03-09T07:00:00Z' })).statusCode, 201);
  assert.deepEqual(
    (await orderEvents(id)).filter((e) => e.type === 'crossdock.order.promise_date_breached').map((e) => e.data.promiseDate),
    ['2026-03-08'],
    'midnight in Los Angeles is too late',
  );
});

test('a shipment or milestone dated ahead of the hub by more than clocks disagree is refused and changes nothing; within it, taken', async () => {
  // Received now: the warehouse's feed is fresh at the clock the earlier tests moved on.
  await stock([['TOOL-J', 'DC-EAST', 10]]);
  const { id, requests } = await released('SHIP-11', [{ lineNumber: 1, sku: 'TOOL-J', quantity: 4 }]);
  const request = requests[0]!;
  const hour = 3_600_000;
  // A local time written as UTC by a warehouse two hours east of the hub.
  const ahead = new Date(t.clock.now() + 2 * hour).toISOString();
  const refused = await confirm({ fulfillmentRequestId: request.id, shipmentNumber: 'FUT-1', shippedAt: ahead, lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.equal(refused.statusCode, 422, refused.body);
  const error = refused.json().error;
  assert.equal(error.code, 'time_ahead_of_clock');
  assert.deepEqual(error.details.map((d: { path: string }) => d.path), ['shippedAt']);
  assert.match(error.message, new RegExp(`shippedAt ${ahead} is 2 hours ahead of the hub's clock \\(${new Date(t.clock.now()).toISOString()}\\)`));
  assert.equal((await getOrder(id)).state, 'released');
  assert.deepEqual(await position('TOOL-J', 'DC-EAST'), { onHand: 10, reserved: 4 }, 'no stock moved');
  assert.equal((await t.app.services.fulfillment.listForOrder(id))[0]!.state, request.state, 'the request is still open');

  // A warehouse clock half an hour fast is clock skew: the shipment is taken, with the time as sent.
  const skewed = new Date(t.clock.now() + hour / 2).toISOString();
  const taken = await confirm({ fulfillmentRequestId: request.id, shipmentNumber: 'FUT-2', shippedAt: skewed, lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.equal(taken.statusCode, 201, taken.body);
  const shipment = taken.json().shipment;
  assert.equal(shipment.shippedAt, skewed);

  // A carrier milestone is judged the same way by when it happened; its delivery estimate may be far ahead.
  const tomorrow = new Date(t.clock.now() + 24 * hour).toISOString();
  const early = await milestone(shipment.id, { type: 'delivered', occurredAt: tomorrow });
  assert.equal(early.statusCode, 422, early.body);
  assert.deepEqual([early.json().error.code, early.json().error.details[0].path], ['time_ahead_of_clock', 'occurredAt']);
  const delayed = await milestone(shipment.id, { type: 'delayed', occurredAt: shippedAt(), estimatedDeliveryAt: new Date(t.clock.now() + 30 * 24 * hour).toISOString() });
  assert.equal(delayed.statusCode, 201, delayed.body);
  const milestones = (await t.app.http.inject({ method: 'GET', url: `/v1/shipments/${shipment.id}`, headers: t.as('viewer') })).json().milestones;
  assert.deepEqual(milestones.map((m: { type: string }) => m.type), ['delayed']);
});
