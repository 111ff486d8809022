import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

/**
 * Transfers chosen by sourcing, over HTTP: a line the order's ship-from location cannot fill comes
 * from another of our locations when the transfer still meets the promise date. The origin's units
 * are held for the line, the transfer ships and arrives through the API, and the line is then released
 * from the destination and shipped like any other. The clock stands at 2026-01-01T00:00Z; the default
 * sourcing policy gives a transfer two days.
 *
 * CUST-ONE wants one shipment per order (it refuses splits), so an order whose lines sit at DC-EAST
 * and DC-WEST ships from DC-EAST and moves DC-WEST's units there. DC-RESERVE is a warehouse that does
 * not sell to customers: its stock reaches them only through a location that does.
 */
let t: TestApp;
const sequences = new Map<string, number>();

before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  await catalog.locations.create({ ...sampleWestLocation, sourceSystem: 'wms-west' });
  await catalog.locations.create({ ...sampleWestLocation, code: 'DC-RESERVE', name: 'Reserve', region: 'US-CENTRAL', sourceSystem: 'wms-reserve', sellable: false });
  await catalog.channels.create({ code: 'WEB', name: 'Web store', type: 'web_store' });
  for (const sku of ['PIPE-1', 'PIPE-2', 'PIPE-3']) await catalog.items.create({ sku, description: `Pipe ${sku}`, itemClass: 'HARDWARE', unitCostMinor: 100, listPriceMinor: 200 });
  const customer = (code: string, acceptsBackorders: boolean) => ({
    code,
    name: `Customer ${code}`,
    tier: 'key' as const,
    channels: ['WEB'],
    creditLimitMinor: 1_000_000_00,
    paymentTermsDays: 30,
    acceptsSplits: false,
    acceptsBackorders,
    shipTos: [{ code: 'ST-1', name: 'Dock', address: { line1: '1 Pier', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' }, locationPreference: 'DC-EAST' }],
  });
  await catalog.customers.create(customer('CUST-ONE', true));
  await catalog.customers.create(customer('CUST-NOWAIT', false));
  await stock('PIPE-1', 'DC-EAST', 20);
  await stock('PIPE-2', 'DC-WEST', 20);
  await stock('PIPE-3', 'DC-RESERVE', 10);
});
after(async () => t.dispose());

const call = async (method: 'GET' | 'POST', url: string, role: Role, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(role), ...(payload !== undefined && { payload: payload as object }) });
  return { status: res.statusCode, body: res.json(), raw: res.body };
};
async function stock(sku: string, locationCode: string, quantity: number): Promise<void> {
  const source = `WMS-${locationCode}`;
  const sequence = (sequences.get(source) ?? 0) + 1;
  sequences.set(source, sequence);
  const res = await call('POST', '/v1/inventory/events', 'integration', { events: [{ source, sequence, type: 'receipt', sku, locationCode, quantity, occurredAt: new Date(t.clock.now()).toISOString() }] });
  assert.equal(res.body.outcome.applied, 1, res.raw);
}
const dispatch = async () => {
  for (let i = 0; i < 3; i++) await t.app.services.outbox.dispatchDue();
};
/** A WEB order to the customer's dock, allocated (and released) by the outbox. */
async function submit(externalOrderNumber: string, customerCode: string, requestedDeliveryDate: string, lines: Array<[string, number]>): Promise<string> {
  const res = await call('POST', '/v1/orders', 'integration', {
    channel: 'WEB',
    externalOrderNumber,
    customerCode,
    shipToCode: 'ST-1',
    requestedDeliveryDate,
    lines: lines.map(([sku, quantity], i) => ({ lineNumber: i + 1, sku, quantity })),
  });
  assert.equal(res.status, 201, res.raw);
  await dispatch();
  return res.body.order.id as string;
}
const order = async (id: string) => (await call('GET', `/v1/orders/${id}`, 'viewer')).body;
const transfersOf = async (orderId: string) => (await call('GET', `/v1/transfers?orderId=${orderId}`, 'viewer')).body.items;
const decisionOf = async (orderId: string, lineNumber: number) =>
  (await call('GET', `/v1/decisions?subjectType=order_line&subjectId=${encodeURIComponent(`${orderId}:${lineNumber}`)}`, 'viewer')).body.items[0];
const position = async (sku: string, locationCode: string) =>
  t.testStore.store.db.selectFrom('inventory_positions').select(['on_hand', 'reserved', 'in_transit']).where('sku', '=', sku).where('location_code', '=', locationCode).executeTakeFirst();
const atp = async (sku: string, locationCode: string, date?: string) => {
  const res = await call('GET', `/v1/availability/${sku}?location=${locationCode}${date ? `&date=${date}` : ''}`, 'viewer');
  assert.equal(res.status, 200, res.raw);
  return date ? res.body.locations[0].atpByDate : res.body.locations[0].atp;
};
const requestsOf = (orderId: string) => t.app.services.fulfillment.listForOrder(orderId);

test('a line its ship-from location cannot fill comes by transfer: held at the origin, shipped, received, then released and shipped from the destination', async () => {
  const id = await submit('TR-1', 'CUST-ONE', '2026-01-06', [
    ['PIPE-1', 4],
    ['PIPE-2', 6],
  ]);

  // Sourcing: line 1 ships from DC-EAST; DC-WEST would add a shipment the customer refuses, so its
  // units move to DC-EAST, arriving in two days, before the promise date.
  const decision = await decisionOf(id, 2);
  assert.deepEqual([decision.kind, decision.outcome], ['transfer', 'transfer']);
  const codes = decision.reasons.map((r: { code: string }) => r.code);
  assert.equal(codes[0], 'transfer_meets_promise');
  assert.ok(codes.includes('split_not_accepted'), codes.join(', '));
  assert.match(decision.reasons[0].message, /6 units move from DC-WEST to DC-EAST in 2 day\(s\), within the promise date/);

  const [transfer, ...others] = await transfersOf(id);
  assert.deepEqual(others, [], 'one transfer for the order');
  assert.equal(decision.inputs.transferId, transfer.id, 'the decision names the transfer it created');
  assert.deepEqual([transfer.state, transfer.fromLocationCode, transfer.toLocationCode, transfer.orderId, transfer.expectedArrivalAt], ['released', 'DC-WEST', 'DC-EAST', id, '2026-01-03T00:00:00.000Z']);
  assert.deepEqual([transfer.lines[0].sku, transfer.lines[0].quantity, transfer.lines[0].orderLineNumber], ['PIPE-2', 6, 2]);

  // The origin's units are held for the order line, so DC-WEST no longer promises them.
  const hold = (await call('GET', `/v1/reservations/${transfer.lines[0].reservationId}`, 'viewer')).body;
  assert.deepEqual([hold.orderId, hold.lineNumber, hold.locationCode, hold.quantity, hold.state], [id, 2, 'DC-WEST', 6, 'pending']);
  assert.deepEqual(await position('PIPE-2', 'DC-WEST'), { on_hand: 20, reserved: 6, in_transit: 0 });
  assert.equal(await atp('PIPE-2', 'DC-WEST'), 14);

  // Line 1 goes to DC-EAST at once; line 2 waits for its transfer, and nothing goes to DC-WEST.
  let placed = await order(id);
  assert.equal(placed.state, 'released');
  assert.deepEqual([placed.lines[1].allocatedQuantity, placed.lines[1].state, placed.lines[1].transfers], [6, 'allocated', [{ transferId: transfer.id, fromLocationCode: 'DC-WEST', toLocationCode: 'DC-EAST', quantity: 6 }]]);
  let requests = await requestsOf(id);
  assert.deepEqual(requests.map((r) => [r.locationCode, r.lines.map((l) => l.lineNumber)]), [['DC-EAST', [1]]]);
  assert.equal((await call('POST', `/v1/orders/${id}/allocate`, 'planner')).body.reason, 'every line is allocated', 'allocating again creates no second transfer');
  assert.equal((await transfersOf(id)).length, 1);

  // Shipped: the hold is used up as on hand leaves DC-WEST, once; the units are in transit, and they
  // are the order's, so DC-EAST promises no one else anything by their arrival.
  const shipped = await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {});
  assert.deepEqual([shipped.status, shipped.body.transfer.state], [200, 'in_transit'], shipped.raw);
  assert.equal((await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {})).body.result, 'unchanged');
  assert.deepEqual(await position('PIPE-2', 'DC-WEST'), { on_hand: 14, reserved: 0, in_transit: 0 });
  assert.deepEqual(await position('PIPE-2', 'DC-EAST'), { on_hand: 0, reserved: 0, in_transit: 6 });
  assert.equal(await atp('PIPE-2', 'DC-WEST'), 14, 'shipping does not move the origin’s ATP again');
  assert.equal(await atp('PIPE-2', 'DC-EAST', '2026-01-04'), 0);
  assert.equal((await call('GET', `/v1/reservations/${transfer.lines[0].reservationId}`, 'viewer')).body.state, 'committed');
  await dispatch();
  assert.equal((await requestsOf(id)).length, 1, 'in transit, the line is still not released');

  // Received: DC-EAST has the units, held for the line at once; the line stops waiting and goes to DC-EAST.
  const received = await call('POST', `/v1/transfers/${transfer.id}/receive`, 'warehouse', { receiptNumber: 'TR-1-IN' });
  assert.deepEqual([received.status, received.body.transfer.state], [200, 'received'], received.raw);
  assert.equal((await call('POST', `/v1/transfers/${transfer.id}/receive`, 'warehouse', { receiptNumber: 'TR-1-IN' })).body.result, 'unchanged');
  assert.deepEqual(await position('PIPE-2', 'DC-EAST'), { on_hand: 6, reserved: 6, in_transit: 0 }, 'received once, held once');
  assert.equal(await atp('PIPE-2', 'DC-EAST'), 0, 'no other order can take the arrived units');
  placed = await order(id);
  assert.equal(placed.lines[1].transfers, undefined);
  await dispatch();
  requests = await requestsOf(id);
  assert.deepEqual(
    requests.map((r) => [r.locationCode, r.lines.map((l) => [l.lineNumber, l.quantity])]),
    [
      ['DC-EAST', [[1, 4]]],
      ['DC-EAST', [[2, 6]]],
    ],
  );
  assert.equal((await order(id)).lines[1].state, 'released');

  // Both requests ship; the order is shipped in full.
  for (const [i, request] of requests.entries()) {
    const res = await call('POST', '/v1/shipments', 'warehouse', {
      fulfillmentRequestId: request.id,
      shipmentNumber: `TR-1-S${i + 1}`,
      shippedAt: new Date(t.clock.now()).toISOString(),
      lines: request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })),
    });
    assert.equal(res.status, 201, res.raw);
  }
  const done = await order(id);
  assert.deepEqual([done.state, done.lines.map((l: { shippedQuantity: number }) => l.shippedQuantity)], ['shipped', [4, 6]]);
  assert.deepEqual(await position('PIPE-2', 'DC-EAST'), { on_hand: 0, reserved: 0, in_transit: 0 });
  const types = (await t.testStore.store.db.selectFrom('outbox_events').select('type').where('subject', '=', `order:${id}`).orderBy('seq').execute()).map((e) => e.type);
  assert.ok(types.includes('crossdock.order.transfer_received'), types.join(', '));
});

test('stock at a location that does not sell to customers reaches them through the ship-to’s location', async () => {
  const id = await submit('TR-2', 'CUST-ONE', '2026-01-06', [['PIPE-3', 5]]);
  const decision = await decisionOf(id, 1);
  assert.equal(decision.outcome, 'transfer');
  const [transfer] = await transfersOf(id);
  assert.deepEqual([transfer.fromLocationCode, transfer.toLocationCode, transfer.lines[0].quantity], ['DC-RESERVE', 'DC-EAST', 5]);
  assert.deepEqual(await position('PIPE-3', 'DC-RESERVE'), { on_hand: 10, reserved: 5, in_transit: 0 });
  assert.equal((await order(id)).state, 'allocated', 'nothing can be released before the transfer arrives');
  assert.deepEqual(await requestsOf(id), []);
});

test('a promise date the transfer would miss: no transfer; the line waits for supply, or is a shortage for a customer who takes no backorders', async () => {
  const heldBefore = (await position('PIPE-2', 'DC-WEST'))!.reserved;
  const waits = await submit('TR-3', 'CUST-ONE', '2026-01-01', [
    ['PIPE-1', 2],
    ['PIPE-2', 2],
  ]);
  const decision = await decisionOf(waits, 2);
  assert.equal(decision.outcome, 'backorder');
  assert.ok(decision.reasons.some((r: { code: string }) => r.code === 'transfer_misses_promise'), JSON.stringify(decision.reasons));
  assert.deepEqual(await transfersOf(waits), []);
  const line = (await order(waits)).lines[1];
  assert.deepEqual([line.allocatedQuantity, line.backorderedQuantity, line.transfers], [0, 2, undefined]);
  assert.equal((await position('PIPE-2', 'DC-WEST'))!.reserved, heldBefore, 'nothing more is held at DC-WEST');

  const short = await submit('TR-4', 'CUST-NOWAIT', '2026-01-01', [
    ['PIPE-1', 2],
    ['PIPE-2', 2],
  ]);
  const shortage = await decisionOf(short, 2);
  assert.equal(shortage.outcome, 'shortage');
  assert.ok(shortage.reasons.some((r: { code: string }) => r.code === 'transfer_misses_promise'));
  assert.deepEqual(await transfersOf(short), []);
});

test('a cancelled transfer gives the origin its units back and sends the line back to sourcing', async () => {
  const id = await submit('TR-5', 'CUST-ONE', '2026-01-09', [['PIPE-3', 3]]);
  const [first] = await transfersOf(id);
  assert.deepEqual([first.fromLocationCode, first.lines[0].quantity], ['DC-RESERVE', 3]);
  const heldBefore = (await position('PIPE-3', 'DC-RESERVE'))!.reserved - 3;
  const cancelled = await call('POST', `/v1/transfers/${first.id}/cancel`, 'procurement', { reason: 'truck unavailable' });
  assert.deepEqual([cancelled.status, cancelled.body.transfer.state], [200, 'cancelled'], cancelled.raw);
  assert.equal((await call('GET', `/v1/reservations/${first.lines[0].reservationId}`, 'viewer')).body.state, 'released');
  assert.equal((await position('PIPE-3', 'DC-RESERVE'))!.reserved, heldBefore);
  const waiting = await order(id);
  assert.deepEqual([waiting.state, waiting.lines[0].allocatedQuantity, waiting.lines[0].backorderedQuantity, waiting.lines[0].transfers], ['backordered', 0, 3, undefined], 'the line waits again');
  assert.equal((await call('POST', `/v1/transfers/${first.id}/cancel`, 'procurement', {})).body.result, 'unchanged');

  // The outbox hands the cancellation to sourcing, which still finds a transfer the only way.
  await dispatch();
  const transfers = await transfersOf(id);
  assert.deepEqual(transfers.map((tr: { state: string }) => tr.state).sort(), ['cancelled', 'released']);
  const again = await order(id);
  assert.deepEqual([again.state, again.lines[0].allocatedQuantity], ['allocated', 3]);
  assert.equal((await position('PIPE-3', 'DC-RESERVE'))!.reserved, heldBefore + 3, 'held once, for the new transfer');
});

test('an order line cancelled while its transfer waits: the transfer is called off and the origin keeps its units; one already on its way arrives as plain stock', async () => {
  const id = await submit('TR-6', 'CUST-ONE', '2026-01-09', [['PIPE-3', 2]]);
  const [transfer] = await transfersOf(id);
  const before = (await position('PIPE-3', 'DC-RESERVE'))!;
  const cancelled = await call('POST', `/v1/orders/${id}/cancel`, 'customer_service', { reason: 'customer changed their mind' });
  assert.deepEqual([cancelled.status, cancelled.body.order.state, cancelled.body.order.lines[0].transfers], [200, 'cancelled', undefined], cancelled.raw);
  assert.equal((await position('PIPE-3', 'DC-RESERVE'))!.reserved, before.reserved - 2, "the order's hold at the origin is given back");
  await dispatch();
  const calledOff = await call('GET', `/v1/transfers/${transfer.id}`, 'viewer');
  assert.equal(calledOff.body.state, 'cancelled', calledOff.raw);
  assert.deepEqual(await position('PIPE-3', 'DC-RESERVE'), { ...before, reserved: before.reserved - 2 }, 'nothing left the origin');
  await dispatch();
  assert.equal((await call('GET', `/v1/transfers/${transfer.id}`, 'viewer')).body.state, 'cancelled', 'a redelivered cancellation changes nothing');

  // Cancelled after its transfer left, the line no longer waits for it: the units arrive as free stock.
  const late = await submit('TR-6B', 'CUST-ONE', '2026-01-09', [['PIPE-3', 2]]);
  const [moving] = await transfersOf(late);
  const shipped = await call('POST', `/v1/transfers/${moving.id}/ship`, 'warehouse', {});
  assert.equal(shipped.status, 200, shipped.raw);
  assert.equal((await call('POST', `/v1/orders/${late}/cancel`, 'customer_service', { reason: 'customer changed their mind' })).status, 200);
  await dispatch();
  assert.equal((await call('GET', `/v1/transfers/${moving.id}`, 'viewer')).body.state, 'in_transit', 'a transfer on its way is not called back');
  const eastBefore = await atp('PIPE-3', 'DC-EAST');
  await call('POST', `/v1/transfers/${moving.id}/receive`, 'warehouse', { receiptNumber: 'TR-6B-IN' });
  assert.equal(await atp('PIPE-3', 'DC-EAST'), eastBefore + 2, 'nobody waits for them: they are free stock at DC-EAST');
  assert.equal((await order(late)).state, 'cancelled');
});

test('a short arrival: what came is held for the line, the rest is sourced again', async () => {
  // DC-EAST has two free units (the cancelled order's transfer left them), too few for the line.
  await stock('PIPE-3', 'DC-RESERVE', 4);
  const id = await submit('TR-7', 'CUST-ONE', '2026-01-09', [['PIPE-3', 4]]);
  const [transfer] = await transfersOf(id);
  assert.deepEqual([transfer.fromLocationCode, transfer.toLocationCode, transfer.lines[0].quantity], ['DC-RESERVE', 'DC-EAST', 4]);
  await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {});
  const eastBefore = (await position('PIPE-3', 'DC-EAST'))!;
  const received = await call('POST', `/v1/transfers/${transfer.id}/receive`, 'warehouse', { receiptNumber: 'TR-7-IN', lines: [{ lineNumber: 1, quantity: 3 }] });
  assert.equal(received.status, 200, received.raw);
  assert.deepEqual(await position('PIPE-3', 'DC-EAST'), { on_hand: eastBefore.on_hand + 3, reserved: eastBefore.reserved + 3, in_transit: 0 });
  const short = await order(id);
  assert.deepEqual([short.state, short.lines[0].allocatedQuantity, short.lines[0].backorderedQuantity], ['partially_allocated', 3, 1]);

  // The missing unit is sourced again, from DC-EAST's free stock, and both parts go to DC-EAST.
  await dispatch();
  const served = await order(id);
  assert.deepEqual([served.state, served.lines[0].allocatedQuantity, served.lines[0].state], ['released', 4, 'released']);
  const requests = await requestsOf(id);
  assert.deepEqual([...new Set(requests.map((r) => r.locationCode))], ['DC-EAST']);
  assert.equal(requests.flatMap((r) => r.lines).reduce((sum, l) => sum + l.quantity, 0), 4);
});
