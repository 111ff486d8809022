import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

/**
 * Returns end to end, on orders driven to shipped through the API (intake → allocation → release →
 * shipment confirmation): RMA → receipt into quarantine → disposition → credit memo, and the
 * refusals on the way (window, over-return, roles), the receipt's dedupe and expiry by timer.
 */
let t: TestApp;
let sequence = 0;
const DAY = 86_400_000;
const PRICE = 250;

before(async () => {
  t = await createTestApp();
  await seedSampleCatalog(t.app.services.catalog);
  // Items of their own class, so that no channel protection (the sample EDI channel protects PPE) hides stock.
  for (const sku of ['RET-A', 'RET-B', 'RET-C', 'RET-D', 'RET-E', 'RET-F', 'RET-G']) {
    await t.app.services.catalog.items.create({ sku, description: `Returnable ${sku}`, itemClass: 'TOOLS', unitCostMinor: 100, listPriceMinor: PRICE });
  }
});
after(async () => t.dispose());

const call = (method: 'GET' | 'POST', url: string, role: Role, payload?: unknown) =>
  t.app.http.inject({ method, url, headers: t.as(role), ...(payload !== undefined && { payload: payload as object }) });
const now = () => new Date(t.clock.now()).toISOString();

/** Receipts at DC-EAST, reported now by its warehouse feed (which also keeps the source fresh). */
async function stock(sku: string, quantity: number) {
  sequence += 1;
  const res = await call('POST', '/v1/inventory/events', 'integration', {
    events: [{ source: 'WMS-DC-EAST', sequence, type: 'receipt', sku, locationCode: 'DC-EAST', quantity, occurredAt: now() }],
  });
  assert.equal(res.json().outcome.applied, 1, res.body);
}

/** An order shipped in full through the API; lines given with no stock stay backordered and unshipped. */
async function shippedOrder(externalOrderNumber: string, lines: Array<{ sku: string; quantity: number; stock?: number }>) {
  for (const l of lines) if ((l.stock ?? l.quantity) > 0) await stock(l.sku, l.stock ?? l.quantity);
  const orderId = await submitSampleOrder(t, externalOrderNumber, lines.map((l, i) => ({ lineNumber: i + 1, sku: l.sku, quantity: l.quantity })));
  await t.app.services.outbox.dispatchDue(); // allocation
  await t.app.services.outbox.dispatchDue(); // release
  const shipmentIds: string[] = [];
  for (const request of await t.app.services.fulfillment.listForOrder(orderId)) {
    const res = await call('POST', '/v1/shipments', 'warehouse', {
      fulfillmentRequestId: request.id,
      shipmentNumber: `SHP-${externalOrderNumber}-${request.locationCode}`,
      shippedAt: now(),
      lines: request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })),
    });
    assert.equal(res.statusCode, 201, res.body);
    shipmentIds.push(res.json().shipment.id);
  }
  await t.app.services.outbox.dispatchDue();
  return { orderId, shipmentIds };
}

const authorize = (payload: unknown, role: Role = 'customer_service') => call('POST', '/v1/returns', role, payload);
const receive = (id: string, payload: unknown, role: Role = 'warehouse') => call('POST', `/v1/returns/${id}/receipt`, role, payload);
const dispose = (id: string, payload: unknown, role: Role = 'warehouse') => call('POST', `/v1/returns/${id}/disposition`, role, payload);

async function position(sku: string) {
  const row = await t.testStore.store.db
    .selectFrom('inventory_positions')
    .select(['on_hand', 'quarantined'])
    .where('sku', '=', sku)
    .where('location_code', '=', 'DC-EAST')
    .executeTakeFirstOrThrow();
  return { onHand: Number(row.on_hand), quarantined: Number(row.quarantined) };
}
async function atp(sku: string): Promise<number> {
  const res = await call('GET', `/v1/availability/${sku}`, 'viewer');
  return res.json().locations.find((l: { locationCode: string }) => l.locationCode === 'DC-EAST').atp;
}
const movementsOf = (returnId: string) =>
  t.testStore.store.db
    .selectFrom('inventory_movements')
    .select(['type', 'd_on_hand', 'd_quarantined', 'reason_code'])
    .where('reference', '=', `return:${returnId}`)
    .orderBy('seq')
    .execute();
async function returnEvents(orderId: string) {
  const rows = await t.testStore.store.db.selectFrom('outbox_events').select(['type', 'data']).where('subject', '=', `order:${orderId}`).orderBy('seq').execute();
  return rows.filter((r) => r.type.startsWith('crossdock.return.') || r.type.startsWith('crossdock.finance.credit_memo')).map((r) => ({ type: r.type, data: JSON.parse(r.data) }));
}

test('RMA → receipt into quarantine → restock and scrap → one credit memo for what came back', async () => {
  const { orderId } = await shippedOrder('RMA-1', [{ sku: 'RET-A', quantity: 10, stock: 20 }]);
  assert.equal(await atp('RET-A'), 10);

  const authorized = await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 4, reasonCode: 'DAMAGED' }] });
  assert.equal(authorized.statusCode, 201, authorized.body);
  const rma = authorized.json().return;
  assert.equal(rma.state, 'authorized');
  assert.equal(rma.locationCode, 'DC-EAST', 'by default the goods go back where they shipped from');
  assert.equal(rma.expiresAt, new Date(t.clock.now() + 30 * DAY).toISOString());
  assert.equal(rma.inspectionRequired, true, 'the default returns policy inspects before restocking');
  assert.match(rma.rmaNumber, /^RMA-[0-9A-F]{16}$/);

  t.clock.advance(DAY);
  const received = await receive(rma.id, { receiptNumber: 'RCV-1', lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.equal(received.statusCode, 200, received.body);
  assert.equal(received.json().result, 'received');
  assert.equal(received.json().return.lines[0].receivedQuantity, 4);
  assert.deepEqual(await position('RET-A'), { onHand: 14, quarantined: 4 });
  assert.equal(await atp('RET-A'), 10, 'quarantined units are on hand but not available');

  const duplicate = await receive(rma.id, { receiptNumber: 'RCV-1', lines: [{ lineNumber: 1, quantity: 4 }] });
  assert.deepEqual([duplicate.statusCode, duplicate.json().result], [200, 'exists']);
  const second = await receive(rma.id, { receiptNumber: 'RCV-2', lines: [{ lineNumber: 1, quantity: 1 }] });
  assert.deepEqual([second.statusCode, second.json().error.code], [409, 'invalid_state']);
  assert.deepEqual(await position('RET-A'), { onHand: 14, quarantined: 4 }, 'the same receipt twice moves the goods once');
  assert.equal((await movementsOf(rma.id)).length, 1);

  const partly = await dispose(rma.id, { lines: [{ lineNumber: 1, disposition: 'restock', quantity: 3 }] });
  assert.equal(partly.statusCode, 200, partly.body);
  assert.deepEqual([partly.json().result, partly.json().return.state, partly.json().creditMemo], ['inspected', 'inspected', undefined]);
  assert.deepEqual(await position('RET-A'), { onHand: 14, quarantined: 1 });
  assert.equal(await atp('RET-A'), 13, 'restocked units are available again');

  const rest = await dispose(rma.id, { lines: [{ lineNumber: 1, disposition: 'scrap' }] });
  assert.equal(rest.statusCode, 200, rest.body);
  assert.deepEqual([rest.json().result, rest.json().return.state], ['credited', 'credited']);
  assert.deepEqual(await position('RET-A'), { onHand: 13, quarantined: 0 });
  assert.equal(await atp('RET-A'), 13, 'scrapped units never become available');

  const memo = rest.json().creditMemo;
  assert.equal(memo.totalMinor, 4 * PRICE, 'every unit that came back is credited at the order price, whatever its disposition');
  assert.deepEqual(memo.lines, [{ lineNumber: 1, sku: 'RET-A', quantity: 4, unitPriceMinor: PRICE, amountMinor: 4 * PRICE }]);
  assert.deepEqual([memo.returnId, memo.orderId, memo.customerCode, memo.currency], [rma.id, orderId, 'CUST-ACME', 'USD']);
  assert.equal(rest.json().return.creditMemoId, memo.id);
  const fetched = await call('GET', `/v1/credit-memos/${memo.id}`, 'finance');
  assert.deepEqual(fetched.json(), memo);

  const again = await dispose(rma.id, { lines: [{ lineNumber: 1, disposition: 'restock' }] });
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'invalid_state']);
  const memos = await t.testStore.store.db.selectFrom('credit_memos').select(['id']).where('return_id', '=', rma.id).execute();
  assert.equal(memos.length, 1, 'one credit memo per return');

  assert.deepEqual(
    (await movementsOf(rma.id)).map((m) => [m.type, Number(m.d_on_hand), Number(m.d_quarantined), m.reason_code]),
    [
      ['return_receipt', 4, 4, 'DAMAGED'],
      ['disposition', 0, -3, 'restock'],
      ['disposition', -1, -1, 'scrap'],
    ],
  );
  const events = await returnEvents(orderId);
  assert.deepEqual(events.map((e) => e.type), [
    'crossdock.return.authorized',
    'crossdock.return.received',
    'crossdock.return.inspected',
    'crossdock.return.disposed',
    'crossdock.finance.credit_memo_issued',
  ]);
  assert.equal(events[4]!.data.creditMemo.id, memo.id);

  const byOrder = await call('GET', `/v1/orders/${orderId}/returns`, 'viewer');
  assert.deepEqual(byOrder.json().items.map((r: { id: string; state: string }) => [r.id, r.state]), [[rma.id, 'credited']]);
  const listed = await call('GET', `/v1/returns?orderId=${orderId}&state=credited`, 'viewer');
  assert.deepEqual(listed.json().items.map((r: { id: string }) => r.id), [rma.id]);
  assert.equal((await call('GET', `/v1/returns?orderId=${orderId}&state=authorized`, 'viewer')).json().items.length, 0);
  assert.equal((await call('GET', `/v1/returns/${rma.id}`, 'viewer')).json().state, 'credited');
});

test('a vendor return leaves stock; a partial receipt credits only what came back', async () => {
  const { orderId } = await shippedOrder('RMA-2', [{ sku: 'RET-B', quantity: 6 }]);
  const rma = (await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 5, reasonCode: 'DEFECTIVE' }] })).json().return;
  const received = await receive(rma.id, { receiptNumber: 'RCV-B', lines: [{ lineNumber: 1, quantity: 2 }] });
  assert.equal(received.statusCode, 200, received.body);
  const over = await dispose(rma.id, { lines: [{ lineNumber: 1, disposition: 'vendor_return', quantity: 3 }] });
  assert.deepEqual([over.statusCode, over.json().error.code, over.json().error.details[0].path], [422, 'unprocessable', 'body.lines.0.quantity']);
  const done = await dispose(rma.id, { lines: [{ lineNumber: 1, disposition: 'vendor_return' }] });
  assert.equal(done.statusCode, 200, done.body);
  assert.equal(done.json().creditMemo.totalMinor, 2 * PRICE);
  assert.deepEqual(await position('RET-B'), { onHand: 0, quarantined: 0 });
  assert.equal(await atp('RET-B'), 0);
});

test('returns beyond what shipped are refused, across RMAs; unshipped lines and unknown reasons too', async () => {
  // Line 2 has no stock anywhere: it stays backordered and never ships.
  const { orderId } = await shippedOrder('RMA-3', [{ sku: 'RET-C', quantity: 5 }, { sku: 'RET-D', quantity: 2, stock: 0 }]);
  const first = await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 3, reasonCode: 'NOT_NEEDED' }] });
  assert.equal(first.statusCode, 201, first.body);

  const tooMany = await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 3, reasonCode: 'NOT_NEEDED' }] });
  assert.equal(tooMany.statusCode, 422, tooMany.body);
  assert.equal(tooMany.json().error.code, 'exceeds_returnable');
  assert.deepEqual(tooMany.json().error.details[0], {
    path: 'body.lines.0.quantity',
    message: 'line 1: 3 asked, 2 returnable (5 shipped, 3 on other RMAs)',
    code: 'exceeds_returnable',
  });
  assert.equal((await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 2, reasonCode: 'NOT_NEEDED' }] })).statusCode, 201);
  assert.equal((await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 1, reasonCode: 'NOT_NEEDED' }] })).json().error.code, 'exceeds_returnable');

  const unshipped = await authorize({ orderId, lines: [{ lineNumber: 2, quantity: 1, reasonCode: 'NOT_NEEDED' }] });
  assert.deepEqual([unshipped.statusCode, unshipped.json().error.code, unshipped.json().error.details[0].code], [422, 'exceeds_returnable', 'not_shipped']);
  const reason = await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 1, reasonCode: 'CHANGED_MIND' }] });
  assert.deepEqual([reason.statusCode, reason.json().error.code, reason.json().error.details[0].path], [422, 'unprocessable', 'body.lines.0.reasonCode']);
  const unknownOrder = await authorize({ orderId: '019b76da-a800-7008-b590-6be31a34885b', lines: [{ lineNumber: 1, quantity: 1, reasonCode: 'DAMAGED' }] });
  assert.equal(unknownOrder.statusCode, 404);
  const unknownLocation = await authorize({ orderId, locationCode: 'NOWHERE', lines: [{ lineNumber: 1, quantity: 1, reasonCode: 'DAMAGED' }] });
  assert.deepEqual([unknownLocation.statusCode, unknownLocation.json().error.code], [422, 'unknown_reference']);
  assert.equal((await call('GET', `/v1/orders/${orderId}/returns`, 'viewer')).json().items.length, 2, 'refusals store nothing');
});

test('two RMAs asked at the same moment cannot both take the same shipped units', async () => {
  const { orderId } = await shippedOrder('RMA-3B', [{ sku: 'RET-C', quantity: 5 }]);
  const body = { orderId, lines: [{ lineNumber: 1, quantity: 3, reasonCode: 'DAMAGED' }] };
  const answers = await Promise.all([authorize(body), authorize(body), authorize(body)]);
  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 422, 422], answers.map((a) => a.body).join('\n'));
  assert.equal((await call('GET', `/v1/orders/${orderId}/returns`, 'viewer')).json().items.length, 1);
});

test('only the roles that handle returns may act on them; anyone may read', async () => {
  const { orderId } = await shippedOrder('RMA-4', [{ sku: 'RET-E', quantity: 3 }]);
  const body = { orderId, lines: [{ lineNumber: 1, quantity: 1, reasonCode: 'DAMAGED' }] };
  for (const role of ['viewer', 'warehouse', 'finance'] as const) assert.equal((await authorize(body, role)).statusCode, 403, role);
  const rma = (await authorize(body, 'integration')).json().return;
  const receipt = { receiptNumber: 'RCV-E', lines: [{ lineNumber: 1, quantity: 1 }] };
  for (const role of ['viewer', 'customer_service'] as const) assert.equal((await receive(rma.id, receipt, role)).statusCode, 403, role);
  assert.equal((await receive(rma.id, receipt, 'integration')).statusCode, 200);
  for (const role of ['viewer', 'integration', 'customer_service'] as const) {
    assert.equal((await dispose(rma.id, { lines: [{ lineNumber: 1, disposition: 'restock' }] }, role)).statusCode, 403, role);
  }
  assert.equal((await call('GET', `/v1/returns/${rma.id}`, 'viewer')).statusCode, 200);
  // A key acting for another trading partner sees neither the order's returns nor the order.
  const other = (await t.app.services.keys.create({ name: 'other partner', roles: ['customer_service'], partnerCode: 'OTHER' })).secret;
  const asOther = { authorization: `Bearer ${other}` };
  assert.equal((await t.app.http.inject({ method: 'GET', url: `/v1/returns/${rma.id}`, headers: asOther })).statusCode, 404);
  assert.equal((await t.app.http.inject({ method: 'GET', url: `/v1/returns?orderId=${orderId}`, headers: asOther })).json().items.length, 0);
  assert.equal((await t.app.http.inject({ method: 'POST', url: '/v1/returns', headers: asOther, payload: body })).statusCode, 404);
  assert.equal((await call('GET', '/v1/returns/019b76da-a800-7008-b590-6be31a34885b', 'viewer')).statusCode, 404);
  assert.equal((await call('GET', '/v1/orders/019b76da-a800-7008-b590-6be31a34885b/returns', 'viewer')).statusCode, 404);
});

test('without inspection the receipt restocks at once and credits the return', async () => {
  const { orderId } = await shippedOrder('RMA-5', [{ sku: 'RET-F', quantity: 4 }]);
  const document = { windowDays: 30, reasonCodes: ['DAMAGED', 'DEFECTIVE', 'WRONG_ITEM', 'NOT_NEEDED'], restockInspectionRequired: false };
  const proposed = await call('POST', '/v1/policies/returns', 'admin', { document });
  assert.equal(proposed.statusCode, 201, proposed.body);
  assert.equal((await call('POST', `/v1/policies/returns/${proposed.json().version}/activate`, 'admin')).statusCode, 200);
  try {
    const rma = (await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 2, reasonCode: 'WRONG_ITEM' }] })).json().return;
    assert.equal(rma.inspectionRequired, false);
    assert.equal(await atp('RET-F'), 0);
    const received = await receive(rma.id, { receiptNumber: 'RCV-F', lines: [{ lineNumber: 1, quantity: 2 }] });
    assert.equal(received.statusCode, 200, received.body);
    assert.deepEqual([received.json().result, received.json().return.state, received.json().creditMemo.totalMinor], ['received', 'credited', 2 * PRICE]);
    assert.deepEqual(await position('RET-F'), { onHand: 2, quarantined: 0 });
    assert.equal(await atp('RET-F'), 2);
    assert.deepEqual((await returnEvents(orderId)).map((e) => e.type), [
      'crossdock.return.authorized',
      'crossdock.return.received',
      'crossdock.return.disposed',
      'crossdock.finance.credit_memo_issued',
    ]);
  } finally {
    const restored = await call('POST', '/v1/policies/returns', 'admin', { document: { ...document, restockInspectionRequired: true } });
    await call('POST', `/v1/policies/returns/${restored.json().version}/activate`, 'admin');
  }
});

test('an RMA nothing came back for expires by its timer, not a moment early; goods arriving later are refused', async () => {
  const { orderId } = await shippedOrder('RMA-6', [{ sku: 'RET-G', quantity: 2 }]);
  const rma = (await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 2, reasonCode: 'NOT_NEEDED' }] })).json().return;
  t.clock.advance(Date.parse(rma.expiresAt) - t.clock.now() - 1);
  await t.app.services.timers.fireDue();
  assert.equal((await call('GET', `/v1/returns/${rma.id}`, 'viewer')).json().state, 'authorized');
  t.clock.advance(1);
  await t.app.services.timers.fireDue();
  const expired = (await call('GET', `/v1/returns/${rma.id}`, 'viewer')).json();
  assert.deepEqual([expired.state, expired.expiredAt], ['expired', rma.expiresAt]);
  assert.deepEqual((await returnEvents(orderId)).map((e) => e.type), ['crossdock.return.authorized', 'crossdock.return.expired']);
  const late = await receive(rma.id, { receiptNumber: 'RCV-G', lines: [{ lineNumber: 1, quantity: 2 }] });
  assert.deepEqual([late.statusCode, late.json().error.code], [409, 'invalid_state']);
  assert.equal((await movementsOf(rma.id)).length, 0);
});

test('the window counts from delivery when the carrier reported it, and refuses after it closes', async () => {
  const { orderId, shipmentIds } = await shippedOrder('RMA-7', [{ sku: 'RET-A', quantity: 2 }, { sku: 'RET-C', quantity: 1 }]);
  // Delivered five days after shipping, and reported then; the window opens at delivery.
  t.clock.advance(5 * DAY);
  const milestone = await call('POST', `/v1/shipments/${shipmentIds[0]}/milestones`, 'integration', { type: 'delivered', occurredAt: new Date(t.clock.now()).toISOString() });
  assert.ok(milestone.statusCode < 300, milestone.body);
  t.clock.advance(28 * DAY);
  const inWindow = await authorize({ orderId, lines: [{ lineNumber: 1, quantity: 1, reasonCode: 'DAMAGED' }] });
  assert.equal(inWindow.statusCode, 201, inWindow.body);
  t.clock.advance(3 * DAY);
  const late = await authorize({ orderId, lines: [{ lineNumber: 2, quantity: 1, reasonCode: 'DAMAGED' }] });
  assert.equal(late.statusCode, 422, late.body);
  assert.equal(late.json().error.code, 'outside_return_window');
  assert.equal(late.json().error.details[0].path, 'body.lines.0.lineNumber');
});
