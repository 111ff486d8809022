import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';

/**
 * Invoicing bills confirmed shipped quantities only (DESIGN §5.6, I7): per shipment or once on
 * completion, at the order line's price, never more than shipped, never twice — and an invoiced
 * order closes when the returns window has passed, not before.
 */
let t: TestApp;
const DAY_MS = 86_400_000;
// SKU-1 is stocked only in the east, SKU-2 only in the west, so an order of both is released as two
// fulfillment requests and ships as two shipments.
before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  await catalog.locations.create(sampleWestLocation);
  const stock = (sku: string, locationCode: string) => ({ source: `WMS-${locationCode}`, sequence: 1, type: 'receipt', sku, locationCode, quantity: 1000, occurredAt: new Date(t.clock.now()).toISOString() });
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events: [stock('SKU-1', 'DC-EAST'), stock('SKU-2', 'DC-WEST')] } });
  assert.equal(res.json().outcome.applied, 2, res.body);
});
after(async () => t.dispose());

const db = () => t.testStore.store.db;

/** Delivers events until none are left, failing on any delivery that failed. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const report = await t.app.services.outbox.dispatchDue();
    if (report.retrying > 0 || report.dead > 0) {
      const failed = await db().selectFrom('outbox_deliveries').select(['subscriber', 'last_error']).where('status', 'in', ['pending', 'dead']).where('last_error', 'is not', null).execute();
      assert.fail(`a delivery failed: ${JSON.stringify(failed)}`);
    }
    if (report.delivered === 0) return;
  }
  assert.fail('events kept coming');
}

/** An order taken in, allocated and released; answers its id and fulfillment requests by location. */
interface Request {
  id: string;
  locationCode: string;
  lines: Array<{ lineNumber: number; quantity: number }>;
}
async function releasedOrder(externalOrderNumber: string, lines: unknown[]): Promise<{ id: string; requests: Map<string, Request> }> {
  const id = await submitSampleOrder(t, externalOrderNumber, lines);
  await settle();
  const events = await db().selectFrom('outbox_events').select(['data']).where('type', '=', 'crossdock.fulfillment.release_requested').execute();
  const requests = events.map((e) => JSON.parse(e.data).request as Request & { orderId: string }).filter((r) => r.orderId === id);
  assert.ok(requests.length > 0, 'the order was released');
  return { id, requests: new Map(requests.map((r) => [r.locationCode, r])) };
}

async function ship(request: Request, shipmentNumber: string, lines = request.lines) {
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/shipments',
    headers: t.as('warehouse'),
    payload: { fulfillmentRequestId: request.id, shipmentNumber, shippedAt: new Date(t.clock.now()).toISOString(), lines: lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })) },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().shipment as { id: string };
}

const getOrder = async (id: string) => (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
const invoicesOf = async (orderId: string, role: 'viewer' | 'finance' = 'viewer') => {
  const res = await t.app.http.inject({ method: 'GET', url: `/v1/orders/${orderId}/invoices`, headers: t.as(role) });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().items as Invoice[]).reverse();
};
const eventTypes = async (orderId: string) => (await db().selectFrom('outbox_events').select(['type']).where('subject', '=', `order:${orderId}`).orderBy('seq').execute()).map((e) => e.type);
const setInvoicingMode = async (mode: 'per_shipment' | 'on_completion') => {
  const proposed = await t.app.http.inject({ method: 'POST', url: '/v1/policies/invoicing', headers: t.as('admin'), payload: { document: { mode } } });
  assert.equal(proposed.statusCode, 201, proposed.body);
  const activated = await t.app.http.inject({ method: 'POST', url: `/v1/policies/invoicing/${proposed.json().version}/activate`, headers: t.as('admin') });
  assert.equal(activated.statusCode, 200, activated.body);
};

interface Invoice {
  id: string;
  invoiceNumber: string;
  shipmentIds: string[];
  lines: Array<{ lineNumber: number; sku: string; quantity: number; unitPriceMinor: number; amountMinor: number }>;
  totalMinor: number;
  issuedAt: string;
}
/** Units billed per line over all of an order's invoices. */
const billedByLine = (invoices: Invoice[]) => {
  const billed = new Map<number, number>();
  for (const i of invoices) for (const l of i.lines) billed.set(l.lineNumber, (billed.get(l.lineNumber) ?? 0) + l.quantity);
  return Object.fromEntries(billed);
};
const assertTotals = (invoice: Invoice) => {
  for (const l of invoice.lines) assert.equal(l.amountMinor, l.quantity * l.unitPriceMinor);
  assert.equal(invoice.totalMinor, invoice.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0));
};

let perShipmentOrder = '';

test('per shipment: two shipments make two invoices at the line prices; the order is invoiced when both are billed', async () => {
  const { id, requests } = await releasedOrder('INV-PS-1', [
    { lineNumber: 1, sku: 'SKU-1', quantity: 5 },
    { lineNumber: 2, sku: 'SKU-2', quantity: 3 },
  ]);
  perShipmentOrder = id;
  const east = await ship(requests.get('DC-EAST')!, 'E-100');
  await settle();
  let invoices = await invoicesOf(id);
  assert.equal(invoices.length, 1);
  assert.deepEqual(invoices[0]!.shipmentIds, [east.id]);
  assert.deepEqual(invoices[0]!.lines, [{ lineNumber: 1, sku: 'SKU-1', quantity: 5, unitPriceMinor: 1049, amountMinor: 5 * 1049 }]);
  assert.match(invoices[0]!.invoiceNumber, /^INV-2026-\d{6}$/);
  let order = await getOrder(id);
  assert.equal(order.state, 'partially_shipped', 'half shipped, half billed: the header waits for the rest');
  assert.deepEqual(order.lines.map((l: { shippedQuantity: number; invoicedQuantity: number }) => [l.shippedQuantity, l.invoicedQuantity]), [[5, 5], [0, 0]]);
  // Credit exposure counts the billed part as a receivable, so the open order counts only the rest.
  const open = await db().selectFrom('orders').select(['value_minor']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(Number(open.value_minor), 3 * 1099, 'the order stands to bill only its unbilled line');

  const west = await ship(requests.get('DC-WEST')!, 'W-100');
  await settle();
  invoices = await invoicesOf(id);
  assert.equal(invoices.length, 2);
  assert.deepEqual(invoices[1]!.shipmentIds, [west.id]);
  assert.deepEqual(invoices[1]!.lines, [{ lineNumber: 2, sku: 'SKU-2', quantity: 3, unitPriceMinor: 1099, amountMinor: 3 * 1099 }]);
  assert.notEqual(invoices[0]!.invoiceNumber, invoices[1]!.invoiceNumber);
  invoices.forEach(assertTotals);
  order = await getOrder(id);
  assert.equal(order.state, 'invoiced');
  assert.deepEqual(billedByLine(invoices), { 1: 5, 2: 3 }, 'the invoices add up to what shipped');
  assert.deepEqual(order.lines.map((l: { state: string; invoicedQuantity: number }) => [l.state, l.invoicedQuantity]), [['invoiced', 5], ['invoiced', 3]]);

  const types = await eventTypes(id);
  assert.equal(types.filter((e) => e === 'crossdock.invoice.issued').length, 2);
  assert.equal(types.filter((e) => e === 'crossdock.order.invoiced').length, 1);
  assert.equal(types[types.lastIndexOf('crossdock.invoice.issued') + 1], 'crossdock.order.invoiced', 'the order is invoiced with its last invoice');
  const issued = await db().selectFrom('outbox_events').select(['data']).where('subject', '=', `order:${id}`).where('type', '=', 'crossdock.invoice.issued').orderBy('seq').executeTakeFirstOrThrow();
  assert.deepEqual(Object.keys(JSON.parse(issued.data)).sort(), ['invoice', 'policyVersion']);

  // Reads: by id, by order and by customer.
  const one = await t.app.http.inject({ method: 'GET', url: `/v1/invoices/${invoices[0]!.id}`, headers: t.as('customer_service') });
  assert.deepEqual(one.json(), invoices[0]);
  const byCustomer = await t.app.http.inject({ method: 'GET', url: `/v1/invoices?customerCode=CUST-ACME&orderId=${id}&limit=1`, headers: t.as('finance') });
  assert.equal(byCustomer.json().items.length, 1);
  assert.ok(byCustomer.json().nextCursor, 'a second page follows');
  const unknown = await t.app.http.inject({ method: 'GET', url: '/v1/invoices/019b76da-a800-7008-b590-6be31a34885b', headers: t.as('viewer') });
  assert.equal(unknown.statusCode, 404);
});

test('a redelivered shipment event, a repeated shipped event and a manual run after it all issue nothing new', async () => {
  const before = (await invoicesOf(perShipmentOrder)).length;
  const confirmed = await db().selectFrom('outbox_events').select(['data']).where('subject', '=', `order:${perShipmentOrder}`).where('type', '=', 'crossdock.shipment.confirmed').execute();
  assert.equal(confirmed.length, 2);
  const invoicing = t.app.services.orchestration.finance.invoicing;
  for (const event of confirmed) {
    const data = JSON.parse(event.data);
    const again = await invoicing.onShipmentConfirmed(data.orderId, data.shipment);
    assert.equal(again.result, 'skipped');
  }
  assert.equal((await invoicing.onOrderShipped(perShipmentOrder, undefined)).result, 'skipped');
  const manual = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${perShipmentOrder}/invoice`, headers: t.as('finance') });
  assert.equal(manual.statusCode, 200, manual.body);
  assert.deepEqual([manual.json().result, manual.json().reason], ['skipped', 'nothing shipped waits for an invoice']);
  assert.equal((await invoicesOf(perShipmentOrder)).length, before);
});

test('on completion: shipments are only noted; one invoice follows when the order has shipped in full', async () => {
  await setInvoicingMode('on_completion');
  try {
    const { id, requests } = await releasedOrder('INV-OC-1', [
      { lineNumber: 1, sku: 'SKU-1', quantity: 4 },
      { lineNumber: 2, sku: 'SKU-2', quantity: 7 },
    ]);
    const east = await ship(requests.get('DC-EAST')!, 'E-200');
    await settle();
    assert.equal((await invoicesOf(id)).length, 0, 'nothing is billed before the order has shipped in full');
    assert.equal((await getOrder(id)).state, 'partially_shipped');
    const west = await ship(requests.get('DC-WEST')!, 'W-200');
    await settle();
    const invoices = await invoicesOf(id);
    assert.equal(invoices.length, 1);
    assert.deepEqual([...invoices[0]!.shipmentIds].sort(), [east.id, west.id].sort());
    assert.deepEqual(billedByLine(invoices), { 1: 4, 2: 7 });
    assertTotals(invoices[0]!);
    assert.equal(invoices[0]!.totalMinor, 4 * 1049 + 7 * 1099);
    assert.equal((await getOrder(id)).state, 'invoiced');
  } finally {
    await setInvoicingMode('per_shipment');
  }
});

test('never more than shipped: a short ship is billed for what shipped; a manual run before the event leaves the event nothing to bill', async () => {
  const { id, requests } = await releasedOrder('INV-SHORT-1', [{ lineNumber: 1, sku: 'SKU-1', quantity: 10 }]);
  // The warehouse ships 6 of 10; the short-ship policy backorders the rest.
  await ship(requests.get('DC-EAST')!, 'E-300', [{ lineNumber: 1, quantity: 6 }]);
  const forbidden = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/invoice`, headers: t.as('customer_service') });
  assert.equal(forbidden.statusCode, 403);
  // Finance runs invoicing by hand before the confirmation's event is delivered.
  const manual = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/invoice`, headers: t.as('finance') });
  assert.equal(manual.statusCode, 200, manual.body);
  assert.equal(manual.json().result, 'invoiced');
  assert.deepEqual(manual.json().invoice.lines.map((l: { quantity: number }) => l.quantity), [6]);
  await settle();
  const invoices = await invoicesOf(id);
  assert.equal(invoices.length, 1, 'the delivered event found everything billed already');
  const order = await getOrder(id);
  assert.deepEqual([order.state, order.lines[0].shippedQuantity, order.lines[0].invoicedQuantity], ['partially_shipped', 6, 6]);
  const again = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/invoice`, headers: t.as('finance') });
  assert.equal(again.json().result, 'skipped');

  // I7 over every order of this file: invoiced never exceeds shipped, and every invoice adds up.
  const lines = await db().selectFrom('order_lines').select(['order_id', 'line_number', 'shipped_quantity', 'invoiced_quantity']).execute();
  for (const l of lines) assert.ok(Number(l.invoiced_quantity) <= Number(l.shipped_quantity), `order ${l.order_id} line ${l.line_number}`);
  const all = await db().selectFrom('invoices').select(['document', 'total_minor']).execute();
  for (const row of all) {
    const invoice = JSON.parse(row.document) as Invoice;
    assertTotals(invoice);
    assert.equal(Number(row.total_minor), invoice.totalMinor);
  }
  assert.equal(new Set((await db().selectFrom('invoices').select('invoice_number').execute()).map((r) => r.invoice_number)).size, all.length, 'invoice numbers are unique');
});

test('an unknown order cannot be invoiced or listed', async () => {
  const missing = '019b76da-a800-7008-b590-6be31a34885b';
  assert.equal((await t.app.http.inject({ method: 'POST', url: `/v1/orders/${missing}/invoice`, headers: t.as('finance') })).statusCode, 404);
  assert.equal((await t.app.http.inject({ method: 'GET', url: `/v1/orders/${missing}/invoices`, headers: t.as('viewer') })).statusCode, 404);
});

// Last: it moves the clock a month on.
test('an invoiced order closes when the returns window has passed, not a moment before', async () => {
  const timer = await db().selectFrom('timers').selectAll().where('timer_key', '=', `order-close:${perShipmentOrder}`).executeTakeFirstOrThrow();
  assert.equal(timer.kind, 'order.close');
  const invoicedAt = Date.parse((await invoicesOf(perShipmentOrder)).at(-1)!.issuedAt);
  assert.equal(Number(timer.due_at), invoicedAt + 30 * DAY_MS, 'due after the default 30-day returns window');

  t.clock.set(Number(timer.due_at) - 1);
  await t.app.services.timers.fireDue();
  await settle();
  assert.equal((await getOrder(perShipmentOrder)).state, 'invoiced', 'not closed early');

  t.clock.set(Number(timer.due_at));
  await t.app.services.timers.fireDue();
  const order = await getOrder(perShipmentOrder);
  assert.equal(order.state, 'closed');
  assert.deepEqual(order.lines.map((l: { state: string }) => l.state), ['closed', 'closed']);
  const types = await eventTypes(perShipmentOrder);
  assert.equal(types.filter((e) => e === 'crossdock.order.closed').length, 1);
  assert.equal(types.at(-1), 'crossdock.order.closed');
});
