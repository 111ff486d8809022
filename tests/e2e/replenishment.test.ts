import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

/**
 * Procure-to-stock over HTTP: replenishment proposals, purchase orders and transfers moving supply,
 * and backorders allocated in priority order when supply arrives. The clock stands at
 * 2026-01-01T00:00Z; DC-EAST's supplier has a 12.5-day mean lead time.
 */
let t: TestApp;
const sequences = new Map<string, number>();

before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  await catalog.locations.create({ ...sampleWestLocation, sourceSystem: 'wms-west' });
  // Hardware has no channel protections, so ATP is on hand less reserved.
  for (const sku of ['BOLT-1', 'BOLT-2', 'BOLT-3', 'BOLT-4']) {
    await catalog.items.create({ sku, description: `Bolt ${sku}`, itemClass: 'HARDWARE', unitCostMinor: 100, listPriceMinor: 200 });
  }
  await catalog.customers.create({
    code: 'CUST-SMALL',
    name: 'Small Hardware Co.',
    tier: 'standard',
    channels: ['EDI'],
    creditLimitMinor: 1_000_000_00,
    paymentTermsDays: 30,
    shipTos: [{ code: 'ST-100', name: 'Shop', address: { line1: '5 Elm St', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' }, locationPreference: 'DC-EAST' }],
  });
});
after(async () => t.dispose());

const call = async (method: 'GET' | 'POST' | 'PUT', url: string, role: Role, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(role), ...(payload !== undefined && { payload: payload as object }) });
  return { status: res.statusCode, body: res.json(), raw: res.body };
};
/** A warehouse reports a receipt (or any movement) through the normal inventory feed. */
const wmsReceipt = async (sku: string, locationCode: string, quantity: number) => {
  const source = `WMS-${locationCode}`;
  const sequence = (sequences.get(source) ?? 0) + 1;
  sequences.set(source, sequence);
  const res = await call('POST', '/v1/inventory/events', 'integration', {
    events: [{ source, sequence, type: 'receipt', sku, locationCode, quantity, occurredAt: new Date(t.clock.now()).toISOString() }],
  });
  assert.equal(res.body.outcome.applied, 1, res.raw);
};
const position = async (sku: string, locationCode: string) =>
  t.testStore.store.db.selectFrom('inventory_positions').select(['on_hand', 'reserved', 'in_transit']).where('sku', '=', sku).where('location_code', '=', locationCode).executeTakeFirst();
const atEast = async (sku: string, date: string) => {
  const res = await call('GET', `/v1/availability/${sku}?location=DC-EAST&date=${date}`, 'viewer');
  assert.equal(res.status, 200, res.raw);
  return { atp: res.body.locations[0].atp as number, atpByDate: res.body.locations[0].atpByDate as number };
};
const throughAtEast = async (sku: string, date: string) => (await call('GET', `/v1/availability/${sku}?location=DC-EAST&date=${date}`, 'viewer')).body.locations[0].byDateThrough as string;
const run = async () => {
  const res = await call('POST', '/v1/replenishment/run', 'planner');
  assert.equal(res.status, 200, res.raw);
  return res.body as { evaluated: number; purchaseOrders: any[]; transfers: any[]; unresolved: any[] };
};
const forSku = (docs: any[], sku: string) => docs.filter((d) => d.lines.some((l: { sku: string }) => l.sku === sku));

let boltOnePo: { id: string; poNumber: string };

test('a reorder-point breach proposes a purchase order with the right quantity and its reasons; a second run adds nothing', async () => {
  assert.equal((await call('PUT', '/v1/replenishment/parameters/BOLT-1/DC-EAST', 'viewer', { method: 'reorder_point', reorderPoint: 10, reorderQuantity: 50 })).status, 403);
  const unknownSupplier = await call('PUT', '/v1/replenishment/parameters/BOLT-1/DC-EAST', 'planner', { method: 'reorder_point', reorderPoint: 10, reorderQuantity: 50, supplierCode: 'NOPE' });
  assert.deepEqual([unknownSupplier.status, unknownSupplier.body.error.code, unknownSupplier.body.error.details[0].path], [422, 'unknown_reference', 'body.supplierCode']);
  const badMinMax = await call('PUT', '/v1/replenishment/parameters/BOLT-1/DC-EAST', 'planner', { method: 'min_max', min: 9, max: 3 });
  assert.deepEqual([badMinMax.status, badMinMax.body.error.details[0].path], [400, 'body.min']);
  const set = await call('PUT', '/v1/replenishment/parameters/BOLT-1/DC-EAST', 'procurement', { method: 'reorder_point', reorderPoint: 10, reorderQuantity: 50, supplierCode: 'SUP-GLOVECO' });
  assert.equal(set.status, 200, set.raw);
  assert.deepEqual([set.body.method, set.body.reorderPoint, set.body.reorderQuantity, set.body.version], ['reorder_point', 10, 50, 1]);
  await wmsReceipt('BOLT-1', 'DC-EAST', 4);

  const first = await run();
  const [po] = forSku(first.purchaseOrders, 'BOLT-1');
  assert.equal(forSku(first.purchaseOrders, 'BOLT-1').length, 1);
  assert.deepEqual([po.state, po.supplierCode, po.locationCode, po.origin, po.expectedDate], ['proposed', 'SUP-GLOVECO', 'DC-EAST', 'replenishment', '2026-01-14']);
  assert.deepEqual(po.lines.map((l: any) => [l.sku, l.quantity, l.unitCostMinor]), [['BOLT-1', 50, 100]]);
  boltOnePo = po;

  const decisions = await call('GET', `/v1/decisions?kind=replenishment&subjectType=purchase_order&subjectId=${po.id}`, 'viewer');
  assert.equal(decisions.body.items.length, 1);
  const decision = decisions.body.items[0];
  assert.deepEqual(decision.reasons.map((r: { code: string }) => r.code), ['projected_stock', 'reorder_point_reached', 'purchase_from_supplier']);
  assert.deepEqual([decision.inputs.atp, decision.inputs.inbound, decision.inputs.projected, decision.policyVersion, decision.outcome], [4, 0, 4, 1, 'purchase_order']);
  assert.match(decision.reasons[1].message, /projected 4 is at or below the reorder point 10; ordering 50/);

  const second = await run();
  assert.deepEqual(forSku(second.purchaseOrders, 'BOLT-1'), [], 'the open proposal counts as inbound');
  const listed = await call('GET', '/v1/purchase-orders?supplierCode=SUP-GLOVECO&state=proposed', 'viewer');
  assert.equal(forSku(listed.body.items, 'BOLT-1').length, 1);
});

test('a location with surplus gives a transfer instead; shipping and receiving it moves the stock', async () => {
  await call('PUT', '/v1/replenishment/parameters/BOLT-2/DC-EAST', 'planner', { method: 'min_max', min: 10, max: 30, supplierCode: 'SUP-GLOVECO' });
  await call('PUT', '/v1/replenishment/parameters/BOLT-2/DC-WEST', 'planner', { method: 'min_max', min: 5, max: 20 });
  await wmsReceipt('BOLT-2', 'DC-WEST', 80);

  const first = await run();
  assert.deepEqual(forSku(first.purchaseOrders, 'BOLT-2'), []);
  const [transfer] = forSku(first.transfers, 'BOLT-2');
  assert.deepEqual([transfer.fromLocationCode, transfer.toLocationCode, transfer.state, transfer.lines[0].quantity], ['DC-WEST', 'DC-EAST', 'proposed', 30]);
  assert.equal(transfer.expectedArrivalAt, '2026-01-03T00:00:00.000Z', 'the sourcing policy’s transfer lead time of 2 days');
  const decision = (await call('GET', `/v1/decisions?kind=replenishment&subjectType=transfer&subjectId=${transfer.id}`, 'viewer')).body.items[0];
  assert.equal(decision.reasons.at(-1).code, 'surplus_transfer');
  assert.deepEqual(decision.inputs.surplus, [{ locationCode: 'DC-WEST', surplus: 60, keep: 20 }]);
  const again = await run();
  assert.deepEqual([forSku(again.transfers, 'BOLT-2'), forSku(again.purchaseOrders, 'BOLT-2')], [[], []], 'no duplicate proposal');

  const early = await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {});
  assert.deepEqual([early.status, early.body.error.code], [409, 'invalid_state'], 'a proposal is released before it ships');
  const released = await call('POST', `/v1/transfers/${transfer.id}/release`, 'procurement', {});
  assert.equal(released.body.transfer.state, 'released', released.raw);
  assert.deepEqual(await position('BOLT-2', 'DC-WEST'), { on_hand: 80, reserved: 30, in_transit: 0 }, 'a released transfer holds its units at the origin');
  const hold = await call('GET', `/v1/reservations/${released.body.transfer.lines[0].reservationId}`, 'viewer');
  assert.deepEqual([hold.body.orderId, hold.body.lineNumber, hold.body.locationCode, hold.body.quantity, hold.body.state], [transfer.id, 1, 'DC-WEST', 30, 'pending'], hold.raw);
  assert.equal((await call('POST', `/v1/transfers/${transfer.id}/release`, 'procurement', {})).body.result, 'unchanged');
  assert.equal((await position('BOLT-2', 'DC-WEST'))!.reserved, 30, 'releasing again holds nothing more');
  const held = await run();
  assert.deepEqual([forSku(held.transfers, 'BOLT-2'), forSku(held.purchaseOrders, 'BOLT-2')], [[], []], 'held units are not counted away twice');
  const shipped = await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {});
  assert.deepEqual([shipped.status, shipped.body.result, shipped.body.transfer.state], [200, 'changed', 'in_transit'], shipped.raw);
  assert.equal((await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {})).body.result, 'unchanged');
  assert.deepEqual(await position('BOLT-2', 'DC-WEST'), { on_hand: 50, reserved: 0, in_transit: 0 }, 'the hold is used up as the units leave');
  assert.equal((await call('GET', `/v1/reservations/${released.body.transfer.lines[0].reservationId}`, 'viewer')).body.state, 'committed');
  assert.deepEqual(await position('BOLT-2', 'DC-EAST'), { on_hand: 0, reserved: 0, in_transit: 30 });
  // It arrives at 00:00 UTC on the 3rd: 19:00 on the 2nd in New York, where DC-EAST is.
  assert.deepEqual(await atEast('BOLT-2', '2026-01-01'), { atp: 0, atpByDate: 0 });
  assert.deepEqual(await atEast('BOLT-2', '2026-01-02T23:59:59Z'), { atp: 0, atpByDate: 0 }, 'not before its expected arrival');
  assert.deepEqual(await atEast('BOLT-2', '2026-01-02'), { atp: 0, atpByDate: 30 }, 'in transit counts by its expected arrival, on the local day it arrives');

  const received = await call('POST', `/v1/transfers/${transfer.id}/receive`, 'warehouse', { receiptNumber: 'TR-1' });
  assert.deepEqual([received.status, received.body.transfer.state], [200, 'received'], received.raw);
  assert.equal((await call('POST', `/v1/transfers/${transfer.id}/receive`, 'warehouse', { receiptNumber: 'TR-1' })).body.result, 'unchanged');
  assert.deepEqual(await position('BOLT-2', 'DC-EAST'), { on_hand: 30, reserved: 0, in_transit: 0 });
  assert.deepEqual(await atEast('BOLT-2', '2026-01-03'), { atp: 30, atpByDate: 30 }, 'no inbound is left');
  const types = (await t.testStore.store.db.selectFrom('outbox_events').select('type').where('subject', '=', `transfer:${transfer.id}`).orderBy('seq').execute()).map((e) => e.type);
  assert.deepEqual(types, ['crossdock.procurement.transfer_proposed', 'crossdock.procurement.transfer_released', 'crossdock.procurement.transfer_in_transit', 'crossdock.procurement.transfer_received']);
});

test('releasing a transfer needs its units free at the origin; cancelling it gives them back', async () => {
  await wmsReceipt('BOLT-4', 'DC-EAST', 10);
  const transferOf = async (id: string, quantity: number) => {
    const now = new Date(t.clock.now()).toISOString();
    const transfer = {
      id,
      fromLocationCode: 'DC-EAST',
      toLocationCode: 'DC-WEST',
      state: 'proposed' as const,
      lines: [{ lineNumber: 1, sku: 'BOLT-4', quantity, receivedQuantity: 0 }],
      expectedArrivalAt: now,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await t.testStore.store.db.transaction().execute((tx) => t.app.services.procurement.insertProposalsIn(tx, { purchaseOrders: [], transfers: [transfer] }));
    return transfer.id;
  };
  const tooMuch = await transferOf('019b7c3a-0000-7000-8000-0000000000a1', 11);
  const refused = await call('POST', `/v1/transfers/${tooMuch}/release`, 'procurement', {});
  assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details[0].path], [409, 'insufficient_stock', 'BOLT-4@DC-EAST'], refused.raw);
  assert.equal((await call('GET', `/v1/transfers/${tooMuch}`, 'viewer')).body.state, 'proposed', 'a refused release changes nothing');

  const fits = await transferOf('019b7c3a-0000-7000-8000-0000000000a2', 6);
  await call('POST', `/v1/transfers/${fits}/release`, 'procurement', {});
  assert.equal((await position('BOLT-4', 'DC-EAST'))!.reserved, 6);
  const cancelled = await call('POST', `/v1/transfers/${fits}/cancel`, 'procurement', { reason: 'not needed' });
  assert.deepEqual([cancelled.status, cancelled.body.transfer.state], [200, 'cancelled'], cancelled.raw);
  assert.equal((await position('BOLT-4', 'DC-EAST'))!.reserved, 0, 'the hold is given back');
  assert.equal((await call('GET', `/v1/reservations/${cancelled.body.transfer.lines[0].reservationId}`, 'viewer')).body.state, 'released');
  assert.equal((await call('POST', `/v1/transfers/${fits}/cancel`, 'procurement', {})).body.result, 'unchanged');
  assert.equal((await call('POST', `/v1/transfers/${tooMuch}/cancel`, 'procurement', {})).body.transfer.state, 'cancelled', 'a proposal holds nothing to give back');
});

test('a purchase order is sent, acknowledged, shipped (ATP by date sees it on its date, not before) and received once per receipt', async () => {
  const id = boltOnePo.id;
  assert.equal((await call('POST', `/v1/purchase-orders/${id}/send`, 'viewer')).status, 403);
  assert.equal((await call('POST', `/v1/purchase-orders/${id}/send`, 'procurement')).body.purchaseOrder.state, 'sent');
  assert.equal((await call('POST', `/v1/purchase-orders/${id}/send`, 'procurement')).body.result, 'unchanged');
  const acked = await call('POST', `/v1/purchase-orders/${id}/acknowledge`, 'integration', { expectedDate: '2026-01-20' });
  assert.deepEqual([acked.body.purchaseOrder.state, acked.body.purchaseOrder.expectedDate], ['acknowledged', '2026-01-20'], acked.raw);
  assert.deepEqual(await atEast('BOLT-1', '2026-01-20'), { atp: 4, atpByDate: 4 }, 'acknowledged is not yet on its way');

  const shipped = await call('POST', `/v1/purchase-orders/${id}/ship`, 'integration', { expectedDate: '2026-01-20' });
  assert.deepEqual([shipped.status, shipped.body.purchaseOrder.state], [200, 'shipped'], shipped.raw);
  assert.deepEqual(await atEast('BOLT-1', '2026-01-19'), { atp: 4, atpByDate: 4 }, 'not before the expected date');
  assert.deepEqual(await atEast('BOLT-1', '2026-01-20'), { atp: 4, atpByDate: 54 }, 'on the expected date');
  // DC-EAST is in New York (UTC−5 in January): the goods are supply from local midnight of the 20th,
  // and a date asked for is counted through the end of that day there.
  const inbound = await t.testStore.store.db.selectFrom('inventory_inbound_supply').select('expected_at').where('reference', '=', `po:${boltOnePo.poNumber}`).execute();
  assert.deepEqual(inbound.map((r) => new Date(Number(r.expected_at)).toISOString()), ['2026-01-20T05:00:00.000Z']);
  assert.equal(await throughAtEast('BOLT-1', '2026-01-19'), '2026-01-20T04:59:59.999Z');
  assert.deepEqual(await atEast('BOLT-1', '2026-01-20T03:00:00Z'), { atp: 4, atpByDate: 4 }, 'UTC midnight has passed, New York midnight has not');
  assert.deepEqual(await atEast('BOLT-1', '2026-01-20T05:00:00Z'), { atp: 4, atpByDate: 54 }, 'midnight in New York');
  const supply = await call('GET', `/v1/purchase-orders/${id}`, 'viewer');
  assert.equal(supply.body.state, 'shipped');

  const unknownLine = await call('POST', `/v1/purchase-orders/${id}/receive`, 'warehouse', { receiptNumber: 'RCV-0', lines: [{ lineNumber: 7, quantity: 1 }] });
  assert.deepEqual([unknownLine.status, unknownLine.body.error.details[0].path], [422, 'body.lines.0.lineNumber']);
  const part = await call('POST', `/v1/purchase-orders/${id}/receive`, 'warehouse', { receiptNumber: 'RCV-1', lines: [{ lineNumber: 1, quantity: 20 }] });
  assert.deepEqual([part.status, part.body.purchaseOrder.state, part.body.purchaseOrder.lines[0].receivedQuantity], [200, 'partially_received', 20], part.raw);
  assert.equal((await position('BOLT-1', 'DC-EAST'))!.on_hand, 24);
  assert.deepEqual(await atEast('BOLT-1', '2026-01-20'), { atp: 24, atpByDate: 54 }, 'the rest is still inbound');

  const duplicate = await call('POST', `/v1/purchase-orders/${id}/receive`, 'warehouse', { receiptNumber: 'RCV-1', lines: [{ lineNumber: 1, quantity: 20 }] });
  assert.deepEqual([duplicate.status, duplicate.body.result], [200, 'unchanged']);
  assert.equal((await position('BOLT-1', 'DC-EAST'))!.on_hand, 24, 'a receipt number takes effect once');

  const rest = await call('POST', `/v1/purchase-orders/${id}/receive`, 'warehouse', { receiptNumber: 'RCV-2', lines: [{ lineNumber: 1, quantity: 30 }] });
  assert.equal(rest.body.purchaseOrder.state, 'received');
  assert.equal((await position('BOLT-1', 'DC-EAST'))!.on_hand, 54);
  assert.deepEqual(await atEast('BOLT-1', '2026-01-20'), { atp: 54, atpByDate: 54 }, 'the inbound is gone');
  const movements = await t.testStore.store.db.selectFrom('inventory_movements').select(['type', 'd_on_hand', 'source']).where('reference', '=', `po:${boltOnePo.poNumber}`).orderBy('seq').execute();
  assert.deepEqual(movements.map((m) => [m.type, Number(m.d_on_hand), m.source]), [['receipt', 20, 'crossdock'], ['receipt', 30, 'crossdock']]);
  const cancel = await call('POST', `/v1/purchase-orders/${id}/cancel`, 'procurement', {});
  assert.deepEqual([cancel.status, cancel.body.error.code], [409, 'invalid_state']);
  const types = (await t.testStore.store.db.selectFrom('outbox_events').select('type').where('subject', '=', `purchase_order:${id}`).orderBy('seq').execute()).map((e) => e.type);
  assert.deepEqual(types, ['proposed', 'sent', 'acknowledged', 'shipped', 'partially_received', 'received'].map((s) => `crossdock.procurement.po_${s}`));
});

test('arriving supply allocates waiting backorders in priority order: a strategic customer’s newer order before a standard one’s older', async () => {
  const submit = async (externalOrderNumber: string, fields: Record<string, unknown>) => {
    const res = await call('POST', '/v1/orders', 'integration', { channel: 'EDI', externalOrderNumber, lines: [{ lineNumber: 1, sku: 'BOLT-3', quantity: 6 }], ...fields });
    assert.equal(res.status, 201, res.raw);
    await t.app.services.outbox.dispatchDue();
    return res.body.order.id as string;
  };
  const order = async (id: string) => (await call('GET', `/v1/orders/${id}`, 'viewer')).body;

  const older = await submit('BO-STANDARD', { customerCode: 'CUST-SMALL', shipToCode: 'ST-100' });
  assert.equal((await order(older)).state, 'backordered');
  t.clock.advance(2 * 86_400_000);
  // The warehouse keeps reporting, so DC-EAST's numbers stay trusted after two days.
  await wmsReceipt('BOLT-4', 'DC-EAST', 1);
  const newer = await submit('BO-STRATEGIC', { partnerCode: 'ACME', customerCode: 'CUST-ACME', shipToCode: 'ST-001' });
  assert.equal((await order(newer)).state, 'backordered');

  const waiting = await call('GET', '/v1/backorders?sku=BOLT-3', 'viewer');
  assert.deepEqual(
    waiting.body.items.map((w: any) => [w.orderId, w.tier, w.priority, w.waitingQuantity]),
    [
      [newer, 'strategic', 40, 6],
      [older, 'standard', 22, 6],
    ],
  );
  assert.deepEqual(waiting.body.items.map((w: any) => [w.expectedAvailableAt, w.coveredBy]), [[null, null], [null, null]], 'no supply known yet');

  // Eight units arrive on a purchase order entered by hand: less than the twelve both orders need.
  const created = await call('POST', '/v1/purchase-orders', 'procurement', { poNumber: 'ERP-77', supplierCode: 'SUP-GLOVECO', locationCode: 'DC-EAST', lines: [{ lineNumber: 1, sku: 'BOLT-3', quantity: 8 }] });
  assert.deepEqual([created.status, created.body.purchaseOrder.origin, created.body.purchaseOrder.lines[0].unitCostMinor], [201, 'manual', 100], created.raw);
  const again = await call('POST', '/v1/purchase-orders', 'procurement', { poNumber: 'ERP-77', supplierCode: 'SUP-GLOVECO', locationCode: 'DC-EAST', lines: [{ lineNumber: 1, sku: 'BOLT-3', quantity: 8 }] });
  assert.deepEqual([again.status, again.body.result, again.body.purchaseOrder.id], [200, 'exists', created.body.purchaseOrder.id]);
  const poId = created.body.purchaseOrder.id;
  await call('POST', `/v1/purchase-orders/${poId}/send`, 'procurement');
  assert.equal((await call('POST', `/v1/purchase-orders/${poId}/ship`, 'integration', { expectedDate: '2026-01-05' })).body.purchaseOrder.state, 'shipped');
  // On its way: the eight units cover the strategic order from New York midnight of the 5th; the
  // two left over cannot complete the standard one.
  const estimated = await call('GET', '/v1/backorders?sku=BOLT-3', 'viewer');
  assert.deepEqual(
    estimated.body.items.map((w: any) => [w.orderId, w.expectedAvailableAt, w.coveredBy]),
    [
      [newer, '2026-01-05T05:00:00.000Z', 'po:ERP-77'],
      [older, null, null],
    ],
  );
  const onlyOlder = await call('GET', `/v1/backorders?sku=BOLT-3&orderId=${older}`, 'viewer');
  assert.deepEqual(onlyOlder.body.items.map((w: any) => [w.orderId, w.coveredBy]), [[older, null]], 'one order’s lines, estimated behind the lines ahead of them');
  const receipt = await call('POST', `/v1/purchase-orders/${poId}/receive`, 'warehouse', { receiptNumber: 'RCV-77', lines: [{ lineNumber: 1, quantity: 8 }] });
  assert.equal(receipt.body.purchaseOrder.state, 'received', receipt.raw);
  await t.app.services.outbox.dispatchDue();
  await t.app.services.outbox.dispatchDue();

  const strategic = await order(newer);
  const standard = await order(older);
  assert.equal(strategic.lines[0].allocatedQuantity, 6, 'the strategic order is served in full first');
  assert.equal(standard.lines[0].allocatedQuantity, 2, 'the standard order takes what is left');
  assert.equal(standard.lines[0].backorderedQuantity, 4);
  assert.deepEqual(await position('BOLT-3', 'DC-EAST'), { on_hand: 8, reserved: 8, in_transit: 0 });

  const repeat = await call('POST', '/v1/backorders/allocate', 'planner', { skus: ['BOLT-3'] });
  assert.deepEqual([repeat.status, repeat.body.attempts], [200, []], 'no usable ATP is left: nothing is tried');
  assert.equal((await call('POST', '/v1/backorders/allocate', 'viewer', { skus: ['BOLT-3'] })).status, 403);
  assert.equal((await position('BOLT-3', 'DC-EAST'))!.reserved, 8);
  const left = await call('GET', '/v1/backorders?sku=BOLT-3', 'viewer');
  assert.deepEqual(left.body.items.map((w: any) => [w.orderId, w.waitingQuantity]), [[older, 4]]);
});

test('a run proposes for backorders nobody set parameters for, at the ship-to’s location', async () => {
  // BOLT-3 has no parameters; four units wait at DC-EAST (the ship-to's preferred location).
  const report = await run();
  const unresolved = report.unresolved.filter((u) => u.sku === 'BOLT-3');
  assert.deepEqual(
    unresolved.map((u) => [u.locationCode, u.quantity, u.reason]),
    [['DC-EAST', 4, 'no_supplier']],
    'without a supplier in parameters the need is reported, not guessed',
  );
  await call('PUT', '/v1/replenishment/parameters/BOLT-3/DC-EAST', 'planner', { method: 'min_max', min: 0, max: 10, supplierCode: 'SUP-GLOVECO' });
  const [po] = forSku((await run()).purchaseOrders, 'BOLT-3');
  assert.equal(po.lines[0].quantity, 14, 'projected −4, up to the max of 10');
});

test('a run waits for another run’s proposals to commit, so a need is proposed once', async () => {
  await call('PUT', '/v1/replenishment/parameters/BOLT-4/DC-WEST', 'planner', { method: 'reorder_point', reorderPoint: 5, reorderQuantity: 12, supplierCode: 'SUP-GLOVECO' });
  const { procurement, orchestration } = t.app.services;
  const now = new Date(t.clock.now()).toISOString();
  let second: Promise<Awaited<ReturnType<typeof run>>> | undefined;
  // Play a first run by hand: it holds the run lock and has written its proposal but not committed
  // it when a second run starts. Without the lock the second would miss the proposal and repeat it.
  await t.testStore.store.db.transaction().execute(async (tx) => {
    await procurement.lockRun(tx);
    await procurement.insertProposalsIn(tx, {
      transfers: [],
      purchaseOrders: [
        {
          id: '019b7c3a-0000-7000-8000-000000000001',
          poNumber: 'PO-FIRST-RUN',
          supplierCode: 'SUP-GLOVECO',
          locationCode: 'DC-WEST',
          currency: 'USD',
          state: 'proposed',
          lines: [{ lineNumber: 1, sku: 'BOLT-4', quantity: 12, receivedQuantity: 0, unitCostMinor: 100 }],
          expectedDate: '2026-01-16',
          origin: 'replenishment',
          receipts: [],
          createdAt: now,
          updatedAt: now,
          version: 1,
        },
      ],
    });
    second = orchestration.replenishment.replenishment.run();
    // Give the second run every chance to read before this transaction commits.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  const report = await second!;
  assert.deepEqual(forSku(report.purchaseOrders, 'BOLT-4'), []);
  const stored = await call('GET', '/v1/purchase-orders?locationCode=DC-WEST', 'viewer');
  assert.deepEqual(forSku(stored.body.items, 'BOLT-4').map((po) => po.poNumber), ['PO-FIRST-RUN']);
});
