import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';
import { roles, type Role } from '../../src/platform/auth/roles.ts';

/**
 * Invoice mismatch raised and cleared by a real scenario (issue 5): the ERP acknowledges an invoice we
 * issued from a shipment. A rejection, or an amount other than ours, raises `invoice_mismatch` for the
 * invoice; a later acceptance at our amount clears it by condition; `resend_invoice` sends it again and
 * `accept_erp_amount` records the ERP's amount as what the customer owes.
 */
let t: TestApp;

before(async () => {
  t = await createTestApp();
  await seedSampleCatalog(t.app.services.catalog);
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/events',
    headers: t.as('integration'),
    payload: { events: [{ source: 'WMS-INV', sequence: 1, type: 'receipt', sku: 'SKU-1', locationCode: 'DC-EAST', quantity: 1000, occurredAt: new Date(t.clock.now()).toISOString() }] },
  });
  assert.equal(res.json().outcome.applied, 1, res.body);
});
after(async () => t.dispose());

const db = () => t.testStore.store.db;
const call = async (method: 'GET' | 'POST', url: string, who: Role, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(who), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
};
const ack = (invoiceId: string, body: Record<string, unknown>, who: Role = 'integration') => call('POST', `/v1/invoices/${invoiceId}/erp-acknowledgement`, who, body);
const act = (id: string, action: string, who: Role, body: Record<string, unknown> = {}) => call('POST', `/v1/exceptions/${id}/actions/${action}`, who, body);

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const report = await t.app.services.outbox.dispatchDue();
    if (report.delivered + report.dead + report.retrying === 0) return;
  }
  assert.fail('events kept coming');
}

/** An order shipped in full and billed per shipment: answers its invoice. */
async function invoicedOrder(externalOrderNumber: string, quantity: number) {
  const orderId = await submitSampleOrder(t, externalOrderNumber, [{ lineNumber: 1, sku: 'SKU-1', quantity }]);
  await settle();
  for (const request of await t.app.services.fulfillment.listForOrder(orderId)) {
    const shipped = await call('POST', '/v1/shipments', 'warehouse', { fulfillmentRequestId: request.id, shipmentNumber: `SHP-${request.id}`, shippedAt: new Date(t.clock.now()).toISOString(), lines: request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })) });
    assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
  }
  await settle();
  const invoices = await call('GET', `/v1/orders/${orderId}/invoices`, 'viewer');
  assert.equal(invoices.body.items.length, 1, JSON.stringify(invoices.body));
  return invoices.body.items[0] as { id: string; invoiceNumber: string; orderId: string; customerCode: string; totalMinor: number; state: string };
}

async function mismatchesOf(invoiceId: string) {
  const found: any[] = [];
  for (const state of ['open', 'claimed', 'resolved', 'dismissed']) {
    const res = await call('GET', `/v1/exceptions?subjectType=invoice&subjectId=${invoiceId}&type=invoice_mismatch&state=${state}`, 'viewer');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    found.push(...res.body.items);
  }
  return found;
}
const eventsOf = async (type: string) => (await db().selectFrom('outbox_events').select(['data']).where('type', '=', type).execute()).map((e) => JSON.parse(e.data));

test('an ERP amount other than ours raises invoice_mismatch with the facts; resend_invoice keeps it open; acceptance at our amount clears it by condition', async () => {
  const invoice = await invoicedOrder('INV-MM-1', 10);
  const theirs = invoice.totalMinor - 500;

  // Bad input and the wrong roles are refused before anything is recorded.
  assert.equal((await ack(invoice.id, { ackId: 'ERP-ACK-0', status: 'rejected' })).status, 400, 'a rejection needs a reason');
  assert.equal((await ack(invoice.id, { ackId: 'ERP-ACK-0', status: 'maybe' })).status, 400);
  assert.equal((await ack(invoice.id, { ackId: 'ERP-ACK-0', status: 'accepted' }, 'warehouse')).status, 403);
  assert.equal((await ack('0190a7c4-0000-7000-8000-000000000000', { ackId: 'ERP-ACK-0', status: 'accepted' })).status, 404);

  const first = await ack(invoice.id, { ackId: 'ERP-ACK-1', status: 'accepted', erpAmountMinor: theirs, reason: 'price list 2026-B' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual([first.body.result, first.body.exception.result, first.body.invoice.state, first.body.invoice.erp.agrees, first.body.invoice.erp.differenceMinor], ['applied', 'raised', 'issued', false, -500]);
  await settle();
  const [e] = await mismatchesOf(invoice.id);
  assert.equal(e.id, first.body.exception.id);
  assert.deepEqual([e.state, e.ownerRole, e.subject.type, e.rootCause.code], ['open', 'finance', 'invoice', 'erp_amount_differs']);
  assert.deepEqual(
    [e.facts.ourAmountMinor, e.facts.erpAmountMinor, e.facts.differenceMinor, e.facts.orderId, e.facts.customerCode, e.facts.invoiceNumber],
    [invoice.totalMinor, theirs, -500, invoice.orderId, invoice.customerCode, invoice.invoiceNumber],
  );
  assert.deepEqual(e.links.map((l: any) => l.href), [`/v1/invoices/${invoice.id}`, `/v1/orders/${invoice.orderId}`, '/v1/customers/CUST-ACME']);
  assert.deepEqual(e.allowedActions, ['resend_invoice', 'accept_erp_amount', 'resolve', 'dismiss']);
  assert.equal(e.partnerCode, 'ACME');

  // Roles × actions: only finance (the owner's queue) and admin may act; a 400 for a bad params field
  // proves the role passed and nothing ran. A key of another partner does not see the invoice at all.
  for (const action of ['resend_invoice', 'accept_erp_amount']) {
    for (const role of roles) {
      const res = await act(e.id, action, role, { params: { bogus: 1 } });
      assert.equal(res.status, role === 'finance' || role === 'admin' ? 400 : 403, `${role} on ${action}: ${JSON.stringify(res.body)}`);
    }
  }
  const globex = { authorization: `Bearer ${(await t.app.services.keys.create({ name: 'globex erp', roles: ['integration'], partnerCode: 'GLOBEX' })).secret}` };
  const foreign = await t.app.http.inject({ method: 'POST', url: `/v1/invoices/${invoice.id}/erp-acknowledgement`, headers: globex, payload: { ackId: 'ERP-GLOBEX-1', status: 'accepted' } });
  assert.equal(foreign.statusCode, 404, foreign.body);

  // The same acknowledgement again changes nothing.
  const again = await ack(invoice.id, { ackId: 'ERP-ACK-1', status: 'accepted', erpAmountMinor: theirs });
  assert.deepEqual([again.status, again.body.result, again.body.exception], [200, 'duplicate', null]);
  assert.equal((await mismatchesOf(invoice.id)).length, 1);

  assert.equal((await act(e.id, 'resend_invoice', 'customer_service', {})).status, 403, 'finance owns it');
  const resent = await act(e.id, 'resend_invoice', 'finance', { reason: 'ERP keyed the old price list' });
  assert.equal(resent.status, 200, JSON.stringify(resent.body));
  assert.deepEqual([resent.body.result.outcome, resent.body.exception.state], ['resent', 'open']);
  assert.equal((await eventsOf('crossdock.invoice.resent')).filter((d) => d.invoice.id === invoice.id).length, 1, 'the invoice went out again');

  // An acknowledgement older than the one applied is stale and changes nothing.
  const stale = await ack(invoice.id, { ackId: 'ERP-ACK-OLD', status: 'accepted', acknowledgedAt: new Date(t.clock.now() - 3_600_000).toISOString() });
  assert.equal(stale.body.result, 'stale');
  assert.equal((await mismatchesOf(invoice.id))[0].state, 'open');
  // One dated a day ahead of the hub would outrank every real answer until then: refused, and nothing recorded.
  const ahead = await ack(invoice.id, { ackId: 'ERP-ACK-TYPO', status: 'accepted', acknowledgedAt: new Date(t.clock.now() + 86_400_000).toISOString() });
  assert.equal(ahead.status, 422);
  assert.deepEqual([ahead.body.error.code, ahead.body.error.details[0].path], ['time_ahead_of_clock', 'body.acknowledgedAt']);
  assert.equal((await mismatchesOf(invoice.id))[0].state, 'open');

  t.clock.advance(60_000);
  const agreed = await ack(invoice.id, { ackId: 'ERP-ACK-2', status: 'accepted' });
  assert.deepEqual([agreed.body.result, agreed.body.exception.result, agreed.body.invoice.state, agreed.body.invoice.erp.agrees], ['applied', 'resolved', 'acknowledged', true]);
  const [done] = await mismatchesOf(invoice.id);
  assert.deepEqual([done.state, done.resolution.by], ['resolved', 'condition']);
  assert.match(done.resolution.reason, /the ERP accepted invoice INV-\d{4}-\d{6} at our amount \(acknowledgement ERP-ACK-2\)/);
  const acks = await eventsOf('crossdock.invoice.erp_acknowledged');
  assert.equal(acks.filter((d) => d.invoiceId === invoice.id).length, 2, 'each applied acknowledgement is announced once');
});

test('a rejection raises it; accept_erp_amount is refused until the ERP names an amount, then records it on the invoice and resolves it', async () => {
  const invoice = await invoicedOrder('INV-MM-2', 4);
  const reused = await ack(invoice.id, { ackId: 'ERP-ACK-1', status: 'accepted' });
  assert.deepEqual([reused.status, reused.body.error.code], [409, 'conflict'], 'an acknowledgement id belongs to one invoice');
  const rejected = await ack(invoice.id, { ackId: 'ERP-REJ-1', status: 'rejected', reason: 'customer PO closed' }, 'finance');
  assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  const [e] = await mismatchesOf(invoice.id);
  assert.deepEqual([e.rootCause.code, e.facts.erpStatus, e.facts.erpReason], ['erp_rejected', 'rejected', 'customer PO closed']);
  assert.match(e.rootCause.message, /rejected invoice .*: customer PO closed/);

  const refused = await act(e.id, 'accept_erp_amount', 'finance', { reason: 'fine' });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'invalid_state');

  t.clock.advance(60_000);
  const theirs = invoice.totalMinor + 250;
  const updated = await ack(invoice.id, { ackId: 'ERP-ACK-3', status: 'accepted', erpAmountMinor: theirs });
  assert.equal(updated.body.exception.result, 'updated', 'one live exception per invoice, with the newest facts');
  assert.equal((await act(e.id, 'accept_erp_amount', 'finance', {})).status, 400, 'accepting needs a reason');
  const accepted = await act(e.id, 'accept_erp_amount', 'finance', { reason: 'freight surcharge agreed with the customer' });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.deepEqual([accepted.body.result.outcome, accepted.body.exception.state, accepted.body.exception.resolution.by], ['erp_amount_accepted', 'resolved', 'action']);
  const stored = (await call('GET', `/v1/invoices/${invoice.id}`, 'viewer')).body;
  assert.deepEqual([stored.state, stored.erp.agrees, stored.erp.settlement.amountMinor, stored.erp.settlement.reason], ['acknowledged', true, theirs, 'freight surcharge agreed with the customer']);
  assert.equal((await eventsOf('crossdock.invoice.erp_amount_accepted')).filter((d) => d.invoiceId === invoice.id)[0].differenceMinor, 250);

  // The ERP confirming its amount again agrees with the settlement: nothing new is raised.
  t.clock.advance(60_000);
  const confirmed = await ack(invoice.id, { ackId: 'ERP-ACK-4', status: 'accepted', erpAmountMinor: theirs });
  assert.deepEqual([confirmed.body.result, confirmed.body.exception, confirmed.body.invoice.erp.agrees], ['applied', null, true]);
  assert.equal((await mismatchesOf(invoice.id)).length, 1);
  const audit = await call('GET', `/v1/exceptions/${e.id}/audit`, 'viewer');
  assert.deepEqual(audit.body.items.map((l: any) => l.what), ['raised', 'action_failed', 'updated', 'action_failed', 'action', 'resolved']);
});
