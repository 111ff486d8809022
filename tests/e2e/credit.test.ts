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
  // Room for one order of 629.40 under 1,000.00, with nothing owed yet.
  await catalog.customers.create({ ...customer, code: 'CRED-MEMO', creditLimitMinor: LIMIT_MINOR, openReceivablesMinor: 0 });
  await catalog.customers.create({ ...customer, code: 'CRED-RACE', creditLimitMinor: LIMIT_MINOR, openReceivablesMinor: 0 });
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

test('orders of one customer taken in at the same moment pass the credit limit one at a time: of six that fit one each, one goes through', async () => {
  // Each order fits the limit alone, and no two fit it together. The six requests overlap: on
  // PostgreSQL each intake runs on a connection of its own, and each must see the others' orders.
  const responses = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      t.app.http.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: t.as('integration'),
        payload: { channel: 'EDI', externalOrderNumber: `CR-RACE-${i}`, customerCode: 'CRED-RACE', shipToCode: 'ST-001', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 60 }] },
      }),
    ),
  );
  for (const res of responses) assert.equal(res.statusCode, 201, res.body);
  const onHold = responses.map((res) => (res.json().order as { holds: Array<{ type: string }> }).holds.some((h) => h.type === 'credit'));
  assert.deepEqual(onHold.filter((held) => !held).length, 1, `one order without a credit hold: ${JSON.stringify(onHold)}`);
  const kept = await db().selectFrom('customer_open_orders').select('value_minor').where('customer_code', '=', 'CRED-RACE').executeTakeFirstOrThrow();
  assert.equal(Number(kept.value_minor), 6 * ORDER_VALUE_MINOR, 'every open order counts, held or not');
  await settle();
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

test('figures dated ahead of the hub are refused and recorded nowhere, so the next real update is not stale', async () => {
  const customer = async () => (await t.app.services.catalog.customers.find('CRED-MANUAL'))!;
  const receivablesBefore = (await customer()).openReceivablesMinor;
  const nextYear = iso(365 * DAY);
  const ahead = await creditUpdate('CRED-MANUAL', { openReceivablesMinor: 0, asOf: nextYear, reference: 'ERP-TYPO' });
  assert.equal(ahead.statusCode, 422, ahead.body);
  assert.equal(ahead.json().error.code, 'time_ahead_of_clock');
  assert.deepEqual(ahead.json().error.details.map((d: { path: string }) => d.path), ['body.asOf']);
  assert.match(ahead.json().error.message, new RegExp(`asOf ${nextYear} is 365 days ahead of the hub's clock`));
  assert.equal((await customer()).openReceivablesMinor, receivablesBefore);
  const today = await creditUpdate('CRED-MANUAL', { openReceivablesMinor: 12_345, asOf: iso(), reference: 'ERP-TODAY' });
  assert.equal(today.json().result, 'applied', today.body);
  assert.equal((await customer()).openReceivablesMinor, 12_345);
});

const DAY = 86_400_000;

/** Ships everything released of the order, as its warehouse confirms it; invoicing follows on the outbox. */
async function shipInFull(orderId: string) {
  for (const request of await t.app.services.fulfillment.listForOrder(orderId)) {
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/v1/shipments',
      headers: t.as('warehouse'),
      payload: { fulfillmentRequestId: request.id, shipmentNumber: `SHP-${request.id}`, shippedAt: iso(), lines: request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })) },
    });
    assert.equal(res.statusCode, 201, res.body);
  }
  await settle();
}

/** Takes back `quantity` of line 1 of a shipped order through an RMA, restocked; answers the credit memo. */
async function returned(orderId: string, quantity: number) {
  const call = (url: string, role: Parameters<TestApp['as']>[0], payload: unknown) => t.app.http.inject({ method: 'POST', url, headers: t.as(role), payload: payload as Record<string, unknown> });
  const rma = await call('/v1/returns', 'customer_service', { orderId, lines: [{ lineNumber: 1, quantity, reasonCode: 'NOT_NEEDED' }] });
  assert.equal(rma.statusCode, 201, rma.body);
  const id = rma.json().return.id as string;
  assert.equal((await call(`/v1/returns/${id}/receipt`, 'warehouse', { receiptNumber: `RCV-${id}`, lines: [{ lineNumber: 1, quantity }] })).statusCode, 200);
  const disposed = await call(`/v1/returns/${id}/disposition`, 'warehouse', { lines: [{ lineNumber: 1, disposition: 'restock', quantity }] });
  assert.equal(disposed.statusCode, 200, disposed.body);
  assert.ok(disposed.json().creditMemo, 'the return is credited once everything is disposed of');
  return disposed.json().creditMemo as { id: string; totalMinor: number; customerCode: string; currency: string; issuedAt: string };
}

const receivableEvents = async (code: string) =>
  (await db().selectFrom('outbox_events').select(['type', 'data']).where('subject', '=', `customer:${code}`).orderBy('seq').execute())
    .filter((e) => e.type === 'crossdock.customer.receivables_adjusted')
    .map((e) => JSON.parse(e.data) as { documentType: string; amountMinor: number; openReceivablesMinor: number });

test('an invoice raises open receivables and a credit memo lowers them, once each; a memo that makes room releases a held order', async () => {
  const first = await submit('CRED-MEMO', 'CR-MEMO-1');
  assert.deepEqual(first.holds, [], 'exposure 629.40 is within 1,000.00');
  assert.equal((await getOrder(first.id)).state, 'released');
  await shipInFull(first.id);
  assert.equal((await getOrder(first.id)).state, 'invoiced');
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, ORDER_VALUE_MINOR, 'the invoice is owed until the ERP says otherwise');

  // Owed 629.40 (no longer an open order, now a receivable) + this order 629.40 is over 1,000.00.
  t.clock.advance(60_000);
  const second = await heldOrder('CRED-MEMO', 'CR-MEMO-2');

  // Half of the first order comes back: its memo of 314.70 leaves 314.70 + 629.40 = 944.10 of exposure.
  const memo = await returned(first.id, 30);
  assert.equal(memo.totalMinor, 30 * 1049);
  await settle();
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, ORDER_VALUE_MINOR - memo.totalMinor);
  const held = await getOrder(second.id);
  assert.deepEqual(
    held.holds.map((h: { id: string; resolution: string; resolvedBy: string }) => [h.id, h.resolution, h.resolvedBy]),
    [[second.holdId, 'released', 'rule:credit']],
    'the review after the memo released the hold',
  );
  assert.equal(held.state, 'released', 'and the order went on to allocation and release');
  const decisions = (await t.app.http.inject({ method: 'GET', url: `/v1/decisions?kind=credit&subjectType=order&subjectId=${second.id}`, headers: t.as('viewer') })).json().items;
  assert.deepEqual(decisions.map((d: { outcome: string; inputs: { exposureMinor: number } }) => [d.outcome, d.inputs.exposureMinor]), [['released', ORDER_VALUE_MINOR - memo.totalMinor + ORDER_VALUE_MINOR]]);

  // The memo's event delivered again (at least once) counts nothing twice.
  const receivables = t.app.services.orchestration.finance.receivables;
  const again = { documentType: 'credit_memo' as const, documentId: memo.id, customerCode: 'CRED-MEMO', amountMinor: -memo.totalMinor, currency: memo.currency, occurredAtMs: Date.parse(memo.issuedAt) };
  assert.equal(await receivables.adjust(again), 'duplicate');
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, ORDER_VALUE_MINOR - memo.totalMinor);
  assert.deepEqual(
    (await receivableEvents('CRED-MEMO')).map((e) => [e.documentType, e.amountMinor, e.openReceivablesMinor]),
    [
      ['invoice', ORDER_VALUE_MINOR, ORDER_VALUE_MINOR],
      ['credit_memo', -memo.totalMinor, ORDER_VALUE_MINOR - memo.totalMinor],
    ],
    'each document announced once',
  );
});

test("the ERP's figure stays authoritative: it replaces ours as of its time, and documents issued after that still count", async () => {
  // CRED-MEMO owes 314.70: an invoice a minute before the memo. Its last event says when the memo was issued.
  const [memo] = (await db().selectFrom('receivable_adjustments').select(['occurred_at', 'amount_minor']).where('customer_code', '=', 'CRED-MEMO').where('document_type', '=', 'credit_memo').execute());
  assert.ok(memo);
  const memoAtMs = Number(memo.occurred_at);
  const at = (ms: number) => new Date(ms).toISOString();

  // A figure as of before the memo cannot know of it: the memo still lowers it.
  const before = await creditUpdate('CRED-MEMO', { openReceivablesMinor: 50_000, asOf: at(memoAtMs - 60_000), reference: 'ERP-MEMO-1' });
  assert.equal(before.json().result, 'applied', before.body);
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, 50_000 + Number(memo.amount_minor));

  // A figure as of after it includes it: the ERP's figure is taken as it is.
  t.clock.advance(60_000);
  const afterMemo = await creditUpdate('CRED-MEMO', { openReceivablesMinor: 20_000, asOf: iso(), reference: 'ERP-MEMO-2' });
  assert.equal(afterMemo.json().result, 'applied', afterMemo.body);
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, 20_000);

  // A document issued before that figure but heard of only now is in the figure already: counted nowhere.
  const receivables = t.app.services.orchestration.finance.receivables;
  const late = { documentType: 'invoice' as const, documentId: '01900000-0000-7000-8000-000000000001', customerCode: 'CRED-MEMO', amountMinor: 5_000, currency: 'USD', occurredAtMs: t.clock.now() - 30_000 };
  assert.equal(await receivables.adjust(late), 'covered');
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, 20_000);
  // One issued after it moves the figure.
  t.clock.advance(1_000);
  const fresh = { ...late, documentId: '01900000-0000-7000-8000-000000000002', occurredAtMs: t.clock.now() };
  assert.equal(await receivables.adjust(fresh), 'counted');
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, 25_000);

  // Racing a credit update: whichever commits first, the figure ends as the ERP's plus what was
  // issued after its as-of time, and nothing issued before it.
  t.clock.advance(1_000);
  const asOfMs = t.clock.now();
  const racing = await Promise.all([
    creditUpdate('CRED-MEMO', { openReceivablesMinor: 70_000, asOf: at(asOfMs), reference: 'ERP-MEMO-3' }),
    receivables.adjust({ ...late, documentId: '01900000-0000-7000-8000-000000000003', amountMinor: 700, occurredAtMs: asOfMs - 1 }),
    receivables.adjust({ ...late, documentId: '01900000-0000-7000-8000-000000000004', amountMinor: 300, occurredAtMs: asOfMs + 1 }),
  ]);
  assert.equal(racing[0].json().result, 'applied', racing[0].body);
  assert.equal((await customer('CRED-MEMO')).openReceivablesMinor, 70_300);
});
