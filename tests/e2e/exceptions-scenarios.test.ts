import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleCustomer, sampleItem, sampleTradingPartner, seedSampleCatalog } from '../fixtures/catalog.ts';
import { roles, type Role } from '../../src/platform/auth/roles.ts';
import { AppError } from '../../src/platform/errors.ts';

/**
 * Exceptions raised and cleared by real domain scenarios (DESIGN §7, issue 5): orders on hold, lines
 * short of stock, invalid orders and dead letters become owned work, and clear by their condition or
 * by the action a person takes through the API.
 */
let t: TestApp;
// The probe subscriber fails, as a partner's endpoint refusing a message, while `failProbe` is set.
let failProbe = false;
const LIMIT_MINOR = 100_000;

before(async () => {
  t = await createTestApp({
    subscribers: [
      {
        name: 'test.probe',
        types: ['crossdock.order.received'],
        deliver: async () => {
          if (failProbe) throw new AppError('unprocessable', 'the partner refused the message');
        },
      },
    ],
  });
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  const { tradingPartnerCode: _partner, ...customer } = sampleCustomer;
  for (const code of ['EX-CREDIT', 'EX-KEEP']) await catalog.customers.create({ ...customer, code, creditLimitMinor: LIMIT_MINOR, openReceivablesMinor: 50_000 });
  await catalog.customers.create({ ...customer, code: 'EX-SUB', acceptsSubstitutions: true });
  await catalog.tradingPartners.create({ ...sampleTradingPartner, code: 'GLOBEX', name: 'Globex', x12: { ...sampleTradingPartner.x12, interchangeId: 'GLOBEX', groupId: 'GLOBEX' } });
  await catalog.customers.create({ ...sampleCustomer, code: 'CUST-GLOBEX', name: 'Globex Corp', tradingPartnerCode: 'GLOBEX', creditLimitMinor: LIMIT_MINOR, openReceivablesMinor: 50_000 });
  const { gtin: _gtin, ...item } = sampleItem;
  await catalog.items.create({ ...item, sku: 'SKU-X', substitutes: ['SKU-2'] });
  // SKU-Y's substitute earns almost nothing, so a person approves it.
  await catalog.items.create({ ...item, sku: 'SKU-THIN', unitCostMinor: 1_000, substitutes: [] });
  await catalog.items.create({ ...item, sku: 'SKU-Y', substitutes: ['SKU-THIN'] });
  await catalog.items.create({ ...item, sku: 'SKU-NONE' });
  await receive(1, 'SKU-1', 1000);
  await receive(2, 'SKU-2', 1000);
  await receive(3, 'SKU-THIN', 1000);
});
after(async () => t.dispose());

let sequence = 4;
async function receive(seq: number, sku: string, quantity: number) {
  const events = [{ source: 'WMS-EAST', sequence: seq, type: 'receipt', sku, locationCode: 'DC-EAST', quantity, occurredAt: new Date(t.clock.now()).toISOString() }];
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events } });
  assert.equal(res.statusCode < 300, true, res.body);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const report = await t.app.services.outbox.dispatchDue();
    if (report.delivered + report.dead + report.retrying === 0) return;
  }
  assert.fail('events kept coming');
}

type Headers = Record<string, string>;
const call = async (method: 'GET' | 'POST', url: string, who: Role | Headers, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: typeof who === 'string' ? t.as(who) : who, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
};

async function submit(customerCode: string, externalOrderNumber: string, lines: unknown[] = [{ lineNumber: 1, sku: 'SKU-1', quantity: 60 }], who: Role | Headers = 'integration', extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/orders', who, { channel: 'EDI', externalOrderNumber, customerCode, shipToCode: 'ST-001', lines, ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await settle();
  return res.body.order as { id: string; holds: Array<{ id: string; type: string }> };
}

/** The exceptions about a subject, newest last, in every state. */
async function about(subjectType: string, subjectId: string, type?: string) {
  const found: any[] = [];
  for (const state of ['open', 'claimed', 'resolved', 'dismissed']) {
    const res = await call('GET', `/v1/exceptions?subjectType=${subjectType}&subjectId=${encodeURIComponent(subjectId)}&state=${state}${type ? `&type=${type}` : ''}&limit=50`, 'viewer');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    found.push(...res.body.items);
  }
  return found.sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id));
}
async function only(subjectType: string, subjectId: string, type: string) {
  const list = await about(subjectType, subjectId, type);
  assert.equal(list.length, 1, `one ${type} exception about ${subjectType} ${subjectId}: ${JSON.stringify(list.map((e) => e.state))}`);
  return list[0];
}
const act = (id: string, action: string, who: Role | Headers, body: Record<string, unknown> = {}) => call('POST', `/v1/exceptions/${id}/actions/${action}`, who, body);
const getOrder = async (id: string) => (await call('GET', `/v1/orders/${id}`, 'viewer')).body;

test('credit hold: raised with the hold’s owner, SLA and context; cleared by a payment, with why', async () => {
  const order = await submit('EX-CREDIT', 'EXC-CR-1');
  const hold = order.holds.find((h) => h.type === 'credit')!;
  assert.ok(hold);
  const e = await only('order', order.id, 'credit_hold');
  assert.equal(e.state, 'open');
  assert.deepEqual([e.ownerRole, e.facts.holdId, e.facts.customerCode, e.partnerCode], ['finance', hold.id, 'EX-CREDIT', null]);
  assert.match(e.summary.what, /EXC-CR-1 is on credit hold/);
  assert.match(e.summary.impact, /strategic customer; 629\.40 USD at stake/);
  assert.deepEqual(e.links.map((l: any) => l.href).slice(0, 2), [`/v1/orders/${order.id}`, '/v1/customers/EX-CREDIT']);

  // Delivering the events again changes nothing: still one exception, same version.
  await t.app.services.orchestration.exceptionRaising.onOrderEvent({ id: 'again', type: 'crossdock.order.hold_placed', data: { orderId: order.id, hold } });
  assert.equal((await only('order', order.id, 'credit_hold')).version, e.version);

  const paid = await call('POST', '/v1/customers/EX-CREDIT/credit', 'integration', { openReceivablesMinor: 0, asOf: new Date(t.clock.now()).toISOString(), reference: 'PAY-EX-1' });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  await settle();
  const cleared = await only('order', order.id, 'credit_hold');
  assert.equal(cleared.state, 'resolved');
  assert.equal(cleared.resolution.by, 'condition');
  assert.match(cleared.resolution.reason, /credit hold released by rule:credit/);
});

test('credit hold: keep_hold leaves it live; release_hold runs the hold release and resolves it by action', async () => {
  const order = await submit('EX-KEEP', 'EXC-KEEP-1');
  const e = await only('order', order.id, 'credit_hold');
  assert.equal((await act(e.id, 'keep_hold', 'finance', {})).status, 400, 'keeping a hold needs a reason');
  const kept = await act(e.id, 'keep_hold', 'finance', { reason: 'waiting for the remittance' });
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  assert.equal(kept.body.exception.state, 'open');
  assert.equal((await getOrder(order.id)).holds[0].resolvedAt, undefined, 'the hold stays');

  const released = await act(e.id, 'release_hold', 'finance', { reason: 'customer paid by phone' });
  assert.equal(released.status, 200, JSON.stringify(released.body));
  assert.equal(released.body.result.outcome, 'released');
  await settle();
  const after = await only('order', order.id, 'credit_hold');
  assert.equal(after.state, 'resolved');
  assert.equal(after.resolution.by, 'action');
  assert.equal(after.resolution.action, 'release_hold');
  const o = await getOrder(order.id);
  assert.equal(o.holds[0].resolution, 'released');
  assert.equal(o.state, 'released', 'the order went on to allocation and release');
  const audit = (await call('GET', `/v1/exceptions/${e.id}/audit`, 'viewer')).body.items.map((a: any) => a.what);
  assert.deepEqual(audit, ['raised', 'action_failed', 'action', 'action', 'resolved'], 'the refused keep_hold is recorded too');
});

test('substitution approval: raised on the line; approve_substitution releases the hold', async () => {
  const order = await submit('EX-SUB', 'EXC-SUB-1', [{ lineNumber: 1, sku: 'SKU-Y', quantity: 5 }]);
  const o = await getOrder(order.id);
  const hold = o.holds.find((h: any) => h.type === 'substitution');
  assert.ok(hold, `a substitution hold: ${JSON.stringify(o.holds)}`);
  const e = await only('order_line', `${order.id}:1`, 'substitution_approval');
  assert.deepEqual([e.state, e.facts.sku, e.facts.substituteForSku], ['open', 'SKU-THIN', 'SKU-Y']);
  assert.equal((await act(e.id, 'approve_substitution', 'warehouse')).status, 403, 'not the owner’s queue');
  const approved = await act(e.id, 'approve_substitution', e.queueRole, { reason: 'customer agreed' });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  await settle();
  assert.equal((await only('order_line', `${order.id}:1`, 'substitution_approval')).state, 'resolved');
  assert.equal((await getOrder(order.id)).holds.find((h: any) => h.id === hold.id).resolution, 'released');
});

test('stock shortage: a backordered line raises it; stock arriving clears it by condition; cancel_line clears another', async () => {
  const order = await submit('CUST-ACME', 'EXC-SHORT-1', [{ lineNumber: 1, sku: 'SKU-NONE', quantity: 4 }]);
  const e = await only('order_line', `${order.id}:1`, 'stock_shortage');
  assert.deepEqual([e.state, e.ownerRole, e.facts.backorderedQuantity, e.rootCause.code], ['open', 'planner', 4, 'no_stock_to_allocate']);
  await receive(sequence++, 'SKU-NONE', 10);
  // Allocation runs again as automation runs it; the line is covered and the shortage clears by condition.
  assert.equal((await call('POST', `/v1/orders/${order.id}/allocate`, 'planner')).status, 200);
  await settle();
  const cleared = await only('order_line', `${order.id}:1`, 'stock_shortage');
  assert.equal(cleared.state, 'resolved', JSON.stringify(await getOrder(order.id)));
  assert.equal(cleared.resolution.by, 'condition');

  const second = await submit('CUST-ACME', 'EXC-SHORT-2', [{ lineNumber: 1, sku: 'SKU-1', quantity: 2 }, { lineNumber: 2, sku: 'SKU-NONE', quantity: 40 }]);
  const shortage = await only('order_line', `${second.id}:2`, 'stock_shortage');
  assert.equal((await act(shortage.id, 'cancel_line', 'planner', { reason: 'customer does not want to wait' })).status, 200);
  await settle();
  const done = await only('order_line', `${second.id}:2`, 'stock_shortage');
  assert.deepEqual([done.state, done.resolution.action], ['resolved', 'cancel_line']);
  assert.equal((await getOrder(second.id)).lines[1].state, 'cancelled');
});

test('invalid order: a rejected intake message raises it; edit_and_replay with a corrected payload takes the order and clears it', async () => {
  const bad = await call('POST', '/v1/orders', 'integration', { channel: 'EDI', externalOrderNumber: 'EXC-BAD-1', customerCode: 'NOBODY', shipToCode: 'ST-001', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }] });
  assert.ok(bad.status >= 400 && bad.status < 500, JSON.stringify(bad.body));
  const messages = (await call('GET', '/v1/inbox?status=failed&limit=50', 'integration')).body.items;
  const message = messages.find((m: any) => m.error?.message.includes('EXC-BAD-1'));
  assert.ok(message, 'the raw message is kept as failed');
  const e = await only('message', message.id, 'invalid_order');
  assert.deepEqual([e.state, e.ownerRole, e.facts.externalOrderNumber], ['open', 'customer_service', 'EXC-BAD-1']);
  assert.equal(e.links[0].href, `/v1/inbox/${message.id}`);

  const fixed = JSON.stringify({ channel: 'EDI', externalOrderNumber: 'EXC-BAD-1', customerCode: 'CUST-ACME', shipToCode: 'ST-001', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }] });
  const replayed = await act(e.id, 'edit_and_replay', 'customer_service', { reason: 'customer code corrected', params: { payload: fixed } });
  assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
  assert.equal(replayed.body.result.outcome, 'replayed');
  const after = await only('message', message.id, 'invalid_order');
  assert.equal(after.state, 'resolved');
  assert.match(after.resolution.reason, /processed on replay 1 with an edited payload/);
});

test('integration failure: a dead letter raises it; retry_dead_letter requeues it and its delivery clears it; a discard clears another', async () => {
  failProbe = true;
  const order = await submit('CUST-ACME', 'EXC-DEAD-1', [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }]);
  failProbe = false;
  const failure = async (orderId: string) => {
    const live = (await call('GET', '/v1/exceptions?type=integration_failure&limit=200', 'viewer')).body.items.find((x: any) => x.facts.eventSubject === `order:${orderId}`);
    assert.ok(live, 'the probe’s dead letter raised an integration failure');
    const letter = await t.testStore.store.db.selectFrom('outbox_deliveries').select(['id', 'status']).where('id', '=', live.facts.deliveryId).executeTakeFirstOrThrow();
    assert.equal(letter.status, 'dead');
    return { id: Number(letter.id) };
  };
  const dead = await failure(order.id);
  const e = await only('message', String(dead.id), 'integration_failure');
  assert.deepEqual([e.state, e.ownerRole, e.facts.subscriber, e.rootCause.code], ['open', 'integration', 'test.probe', 'dead_letter']);
  assert.ok(e.related.some((r: any) => r.type === 'order' && r.id === order.id));

  const retried = await act(e.id, 'retry_dead_letter', 'integration', { reason: 'partner fixed their endpoint' });
  assert.equal(retried.status, 200, JSON.stringify(retried.body));
  assert.equal(retried.body.exception.state, 'open', 'still live until the delivery succeeds');
  await settle();
  const cleared = await only('message', String(dead.id), 'integration_failure');
  assert.deepEqual([cleared.state, cleared.resolution.by], ['resolved', 'condition']);
  assert.match(cleared.resolution.reason, /delivered on a replay/);

  failProbe = true;
  const other = await submit('CUST-ACME', 'EXC-DEAD-2', [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }]);
  failProbe = false;
  const dead2 = await failure(other.id);
  const e2 = await only('message', String(dead2.id), 'integration_failure');
  assert.equal((await act(e2.id, 'discard_dead_letter', 'integration', {})).status, 400, 'a discard needs a reason');
  const discarded = await act(e2.id, 'discard_dead_letter', 'integration', { reason: 'the partner has this order already' });
  assert.equal(discarded.status, 200, JSON.stringify(discarded.body));
  assert.equal((await only('message', String(dead2.id), 'integration_failure')).state, 'resolved');
});

test('authorisation matrix: only the role of the current level (or admin) may act; a viewer’s forced request is refused', async () => {
  // A body with a bad params field passes every check but the last, so a 400 proves the role was allowed
  // and nothing ran; a 403 proves it was refused.
  const order = await submit('CUST-GLOBEX', 'EXC-AUTH-1', [{ lineNumber: 1, sku: 'SKU-NONE', quantity: 60 }], 'integration', { partnerCode: 'GLOBEX' });
  const short = await submit('CUST-ACME', 'EXC-AUTH-2', [{ lineNumber: 1, sku: 'SKU-NONE', quantity: 60 }], 'integration', { partnerCode: 'ACME' });
  const cases = [
    { e: await only('order', order.id, 'credit_hold'), action: 'release_hold', owner: 'finance' },
    { e: await only('order_line', `${short.id}:1`, 'stock_shortage'), action: 'resource_line', owner: 'planner' },
    { e: await only('order_line', `${short.id}:1`, 'stock_shortage'), action: 'change_promise_date', owner: 'planner' },
  ];
  for (const { e, action, owner } of cases) {
    for (const role of roles) {
      const res = await act(e.id, action, role, { params: { bogus: 1 } });
      const allowed = role === owner || role === 'admin';
      assert.equal(res.status, allowed ? 400 : 403, `${role} on ${action}: ${JSON.stringify(res.body)}`);
    }
    // An action the type does not allow is refused even to its owner.
    assert.equal((await act(e.id, 'discard_dead_letter', owner as Role, { reason: 'x' })).status, 422);
  }
  // A partner-scoped key sees its partner's exceptions only.
  const globex = { authorization: `Bearer ${(await t.app.services.keys.create({ name: 'globex reader', roles: ['viewer'], partnerCode: 'GLOBEX' })).secret}` };
  const acme = { authorization: `Bearer ${(await t.app.services.keys.create({ name: 'acme reader', roles: ['viewer'], partnerCode: 'ACME' })).secret}` };
  const seen = (await call('GET', '/v1/exceptions?limit=200', globex)).body.items;
  assert.ok(seen.length >= 1 && seen.every((x: any) => x.partnerCode === 'GLOBEX'), JSON.stringify(seen.map((x: any) => x.partnerCode)));
  assert.equal((await call('GET', `/v1/exceptions/${cases[0]!.e.id}`, globex)).status, 200);
  assert.equal((await call('GET', `/v1/exceptions/${cases[0]!.e.id}`, acme)).status, 404);
  assert.ok((await call('GET', '/v1/exceptions?limit=200', acme)).body.items.every((x: any) => x.partnerCode === 'ACME'));
});
