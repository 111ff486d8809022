import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../tests/helpers/app.ts';
import { testStoreKind } from '../../tests/helpers/store.ts';
import { checkInvariants, describeViolations, takeLedgerSnapshot, type InvariantId, type LedgerSnapshot } from './invariants.ts';

/**
 * The invariant checker on both stores: a clean order-to-cash run (full ship, short ship, cancel,
 * invoice, close by timer) reports nothing; then each invariant is broken by writing rows directly,
 * one after the other, and each break is reported under its invariant with the object it concerns.
 * The breaks pile up, so each step looks only for its own violation.
 */

const LOCATIONS = ['INV-EAST', 'INV-WEST'] as const;
const DAY = 86_400_000;
let t: TestApp;
let sequence = 0;
let snapshot: LedgerSnapshot;
const orders: Record<'full' | 'short' | 'cancelled', string> = { full: '', short: '', cancelled: '' };

const db = () => t.testStore.store.db;
const http = async (method: 'GET' | 'POST', url: string, role: Parameters<TestApp['as']>[0], payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(role), ...(payload !== undefined && { payload: payload as object }) });
  assert.ok(res.statusCode < 300, `${method} ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json();
};
const settle = async () => {
  for (let i = 0; i < 20; i++) if ((await t.app.services.outbox.dispatchDue()).delivered === 0) return;
};
const receipt = (sku: string, locationCode: string, quantity: number) =>
  http('POST', '/v1/inventory/events', 'integration', {
    events: [{ source: 'INV-WMS', sequence: ++sequence, type: 'receipt', sku, locationCode, quantity, occurredAt: new Date(t.clock.now()).toISOString() }],
  });
const order = async (externalOrderNumber: string, lines: Array<[string, number]>) =>
  (
    await http('POST', '/v1/orders', 'integration', {
      channel: 'WEB',
      externalOrderNumber,
      customerCode: 'INV',
      shipToCode: 'ST',
      lines: lines.map(([sku, quantity], i) => ({ lineNumber: i + 1, sku, quantity })),
    })
  ).order.id as string;
const ship = async (orderId: string, share: number, number: string) => {
  const [request] = (await t.app.services.fulfillment.listForOrder(orderId)).filter((r) => r.state === 'pending' || r.state === 'sent');
  assert.ok(request, `order ${orderId} has a released request`);
  const lines = request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: Math.floor(l.quantity * share) }));
  await http('POST', '/v1/shipments', 'warehouse', { fulfillmentRequestId: request.id, shipmentNumber: number, shippedAt: new Date(t.clock.now()).toISOString(), lines });
};

async function expectViolation(invariant: InvariantId, subject: string, message?: RegExp): Promise<void> {
  const report = await checkInvariants(db(), testStoreKind, { ledgerSnapshot: snapshot, now: t.clock.now() });
  const found = report.violations.filter((v) => v.invariant === invariant && v.subject === subject && (!message || message.test(v.message)));
  assert.ok(found.length > 0, `expected ${invariant} on ${subject}${message ? ` matching ${message}` : ''}; got:\n${describeViolations(report)}`);
  assert.equal(report.ok, false);
}

before(async () => {
  t = await createTestApp({ config: { auth: { rateLimitPerMinute: 1_000_000 } } });
  const catalog = t.app.services.catalog;
  await catalog.channels.create({ code: 'WEB', name: 'Web', type: 'web_store' });
  for (const code of LOCATIONS) {
    await catalog.locations.create({ code, name: code, type: 'warehouse', region: code, sourceSystem: 'wms', postingMode: 'realtime', cutoffLocalTime: '16:00', timezone: 'America/Chicago' });
  }
  await catalog.customers.create({
    code: 'INV',
    name: 'Invariant customer',
    channels: ['WEB'],
    creditLimitMinor: 1_000_000_000,
    paymentTermsDays: 30,
    shipTos: [{ code: 'ST', name: 'Ship-to', address: { line1: '1 Road', city: 'Town', region: 'TX', postalCode: '75001', country: 'US' } }],
  });
  await catalog.items.importRecords(['INV-A', 'INV-B'].map((sku) => ({ sku, description: sku, itemClass: 'INV', unitCostMinor: 100, listPriceMinor: 200 })));
});
after(async () => t.dispose());

test('a clean order-to-cash run (full ship, short ship, cancel, invoices, close) holds every invariant', async () => {
  await receipt('INV-A', 'INV-EAST', 20);
  await receipt('INV-B', 'INV-EAST', 5);
  orders.full = await order('INV-1', [['INV-A', 4]]);
  orders.short = await order('INV-2', [['INV-A', 6], ['INV-B', 4]]);
  orders.cancelled = await order('INV-3', [['INV-A', 3]]);
  await settle();
  await ship(orders.full, 1, 'S-1');
  await ship(orders.short, 0.5, 'S-2');
  await http('POST', `/v1/orders/${orders.cancelled}/cancel`, 'customer_service', { reason: 'customer called' });
  await settle();
  // Past every close window and promise date, so the timers fire and the full order closes.
  t.clock.advance(60 * DAY);
  await t.app.services.timers.fireDue();
  await settle();

  const states = await db().selectFrom('orders').select(['external_order_number', 'state']).orderBy('external_order_number').execute();
  assert.deepEqual(
    states.map((s) => s.state),
    ['closed', states[1]!.state, 'cancelled'],
  );
  assert.ok(['invoiced', 'closed', 'shipped', 'released', 'partially_shipped'].includes(states[1]!.state), `the short-shipped order is ${states[1]!.state}`);
  assert.ok((await db().selectFrom('timers').select('id').where('status', '=', 'fired').execute()).length > 0, 'some timer fired');
  assert.ok((await db().selectFrom('invoices').select('id').execute()).length >= 2, 'both shipments were invoiced');

  snapshot = await takeLedgerSnapshot(db());
  const report = await checkInvariants(db(), testStoreKind, { ledgerSnapshot: snapshot, now: t.clock.now() });
  assert.deepEqual(report.violations, [], describeViolations(report));
  assert.equal(report.ok, true);
});

test('each invariant, broken by writing rows directly, is reported', async (s) => {
  const [movement] = await db().selectFrom('inventory_movements').selectAll().where('sku', '=', 'INV-A').where('type', '=', 'receipt').execute();
  assert.ok(movement);

  await s.test('I10: a ledger row changed after it was stored', async () => {
    await db().updateTable('inventory_movements').set({ reason_code: 'edited' }).where('seq', '=', movement.seq).execute();
    await expectViolation('I10', `movement:${Number(movement.seq)}`, /changed/);
  });

  await s.test('I1: a stored balance that the ledger does not replay to', async () => {
    await db().updateTable('inventory_positions').set((eb) => ({ on_hand: eb('on_hand', '+', 7) })).where('sku', '=', 'INV-B').where('location_code', '=', 'INV-EAST').execute();
    await expectViolation('I1', 'position:INV-B@INV-EAST', /replays to/);
  });

  await s.test('I2: a movement that takes on hand below zero', async () => {
    await db()
      .insertInto('inventory_movements')
      .values({ ...movementValues('INV-NEG', 'INV-WEST'), type: 'adjustment', d_on_hand: -3 })
      .execute();
    await expectViolation('I2', 'position:INV-NEG@INV-WEST', /negative onHand/);
  });

  await s.test('I3: a reservation taken beyond the free stock', async () => {
    await db().insertInto('inventory_movements').values({ ...movementValues('INV-OVER', 'INV-WEST'), type: 'receipt', d_on_hand: 2 }).execute();
    await db().insertInto('reservations').values(reservationValues('01950000-0000-7000-8000-00000000a003', 'INV-OVER', 5)).execute();
    await db()
      .insertInto('inventory_movements')
      .values({ ...movementValues('INV-OVER', 'INV-WEST'), type: 'reservation_create', d_reserved: 5, reservation_id: '01950000-0000-7000-8000-00000000a003' })
      .execute();
    await expectViolation('I3', 'reservation:01950000-0000-7000-8000-00000000a003', /took reserved/);
  });

  await s.test('I4: a reservation resolved twice', async () => {
    const id = '01950000-0000-7000-8000-00000000a004';
    await db().insertInto('inventory_movements').values({ ...movementValues('INV-TWICE', 'INV-WEST'), type: 'receipt', d_on_hand: 10 }).execute();
    await db().insertInto('reservations').values({ ...reservationValues(id, 'INV-TWICE', 2), state: 'released', resolved_at: t.clock.now() }).execute();
    for (const [type, d] of [['reservation_create', 2], ['reservation_release', -2], ['reservation_release', -2]] as const) {
      await db().insertInto('inventory_movements').values({ ...movementValues('INV-TWICE', 'INV-WEST'), type, d_reserved: d, reservation_id: id }).execute();
    }
    await expectViolation('I4', `reservation:${id}`, /resolved 2 times/);
  });

  await s.test('I5: a shipment posted to the ledger twice', async () => {
    const shipment = await db().selectFrom('shipments').select(['id']).where('order_id', '=', orders.full).executeTakeFirstOrThrow();
    await db()
      .insertInto('inventory_movements')
      .values({ ...movementValues('INV-A', 'INV-EAST'), type: 'ship', d_on_hand: -4, source: 'crossdock', reference: `shipment:${shipment.id}` })
      .execute();
    await expectViolation('I5', `shipment:${shipment.id}`, /ledger took 8/);
  });

  await s.test('I6: an order moved along a transition the table does not have', async () => {
    await appendOrderEvent(orders.cancelled, 'crossdock.order.allocated', { orderId: orders.cancelled, from: 'cancelled', to: 'allocated' });
    await expectViolation('I6', `order:${orders.cancelled}`, /terminal state cancelled/);
    await expectViolation('I6', `order:${orders.cancelled}`, /transitions table does not have/);
  });

  await s.test('I7: a line that shipped more than it was allocated', async () => {
    await db().updateTable('order_lines').set({ shipped_quantity: 99 }).where('order_id', '=', orders.short).where('line_number', '=', 1).execute();
    await expectViolation('I7', `order:${orders.short}`, /shipped is 99 in order_lines/);
  });

  await s.test('I8: a state change stored without its announcement', async () => {
    await db().updateTable('orders').set({ state: 'shipped' }).where('id', '=', orders.full).execute();
    await expectViolation('I8', `order:${orders.full}`, /stored state is shipped but the last announced state is closed/);
  });

  await s.test('I9: a timer that fired before it was due', async () => {
    const due = t.clock.now() + DAY;
    await db()
      .insertInto('timers')
      .values({ id: '01950000-0000-7000-8000-00000000a009', kind: 'test.early', timer_key: 'test-early', due_at: due, payload: '{}', status: 'fired', created_at: t.clock.now(), fired_at: due - 1, cancelled_at: null, attempts: 1, next_attempt_at: due, last_error: null })
      .execute();
    await expectViolation('I9', 'timer:test-early', /before it was due/);
  });
});

let movementCounter = 0;
function movementValues(sku: string, locationCode: string) {
  movementCounter += 1;
  return {
    id: `01950000-0000-7000-8000-0000000b${String(movementCounter).padStart(4, '0')}`,
    sku,
    location_code: locationCode,
    type: 'adjustment',
    d_on_hand: 0,
    d_reserved: 0,
    d_quarantined: 0,
    d_damaged: 0,
    d_in_transit: 0,
    reason_code: null,
    source: 'invariant-test',
    source_sequence: null,
    occurred_at: t.clock.now(),
    received_at: t.clock.now(),
    reservation_id: null,
    reference: null,
  };
}

function reservationValues(id: string, sku: string, quantity: number) {
  return { id, order_id: orders.full, line_number: 1, sku, location_code: 'INV-WEST', quantity, state: 'pending', created_at: t.clock.now(), expires_at: null, resolved_at: null };
}

async function appendOrderEvent(orderId: string, type: string, data: object): Promise<void> {
  await db().transaction().execute((tx) => t.app.services.outbox.append(tx, { source: '/test', type, subject: `order:${orderId}`, data }));
}
