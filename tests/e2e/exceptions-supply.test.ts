import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleLocation, seedSampleCatalog } from '../fixtures/catalog.ts';
import { endOfLocalDayMs } from '../../src/platform/zoned-time.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

/**
 * Supply exceptions raised by real domain scenarios (DESIGN §7, issue 5): a count that disagrees with
 * the ledger, a gap in a warehouse feed, a movement the ledger refused, a return waiting in quarantine
 * and a purchase order past its expected date, each cleared by its action or its condition.
 */
let t: TestApp;
const sequences = new Map<string, number>();
const DAY = 86_400_000;

before(async () => {
  t = await createTestApp();
  await seedSampleCatalog(t.app.services.catalog);
  // Items of their own class, so that no channel protection (the sample EDI channel protects PPE) hides stock.
  for (const sku of ['SUP-A', 'SUP-B', 'SUP-C', 'SUP-D']) {
    await t.app.services.catalog.items.create({ sku, description: `Supply ${sku}`, itemClass: 'TOOLS', unitCostMinor: 100, listPriceMinor: 250 });
  }
});
after(async () => t.dispose());

const now = () => new Date(t.clock.now()).toISOString();
const today = (offsetDays = 0) => new Date(t.clock.now() + offsetDays * DAY).toISOString().slice(0, 10);
const call = async (method: 'GET' | 'POST', url: string, who: Role, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(who), ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
};
const act = (id: string, action: string, who: Role, body: Record<string, unknown> = {}) => call('POST', `/v1/exceptions/${id}/actions/${action}`, who, body);

/** Warehouse events at DC-EAST, each source numbered in order unless a sequence is given. */
async function events(moves: Array<{ sku: string; quantity: number; type?: string; source?: string; sequence?: number }>) {
  const batch = moves.map((m) => {
    const source = m.source ?? 'WMS-SUP';
    const sequence = m.sequence ?? (sequences.get(source) ?? 0) + 1;
    sequences.set(source, Math.max(sequence, sequences.get(source) ?? 0));
    return { source, sequence, type: m.type ?? 'receipt', sku: m.sku, locationCode: 'DC-EAST', quantity: m.quantity, occurredAt: now() };
  });
  const res = await call('POST', '/v1/inventory/events', 'integration', { events: batch });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.outcome;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const report = await t.app.services.outbox.dispatchDue();
    if (report.delivered + report.dead + report.retrying === 0) return;
  }
  assert.fail('events kept coming');
}

async function about(subjectType: string, subjectId: string, type: string) {
  const found: any[] = [];
  for (const state of ['open', 'claimed', 'resolved', 'dismissed']) {
    const res = await call('GET', `/v1/exceptions?subjectType=${subjectType}&subjectId=${encodeURIComponent(subjectId)}&state=${state}&type=${type}&limit=50`, 'viewer');
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

test('inventory drift: a count beyond tolerance raises it for the SKU at the location; accept_drift records the count as the truth', async () => {
  await events([{ sku: 'SUP-A', quantity: 100 }]);
  const snapshot = await call('POST', '/v1/inventory/snapshots', 'integration', { source: 'WMS-LEGACY', locationCode: 'DC-EAST', asOf: now(), counts: [{ sku: 'SUP-A', onHand: 80 }] });
  assert.ok(snapshot.status < 300, JSON.stringify(snapshot.body));
  await settle();
  const e = await only('item', 'SUP-A@DC-EAST', 'inventory_drift');
  assert.deepEqual([e.state, e.ownerRole, e.facts.counted, e.facts.drift, e.facts.result, e.rootCause.code], ['open', 'warehouse', 80, -20, 'corrected', 'snapshot_drift']);
  assert.deepEqual(e.links.map((l: any) => l.href), ['/v1/items/SUP-A', '/v1/locations/DC-EAST'], 'the subject links to its item');
  // A count within tolerance raises nothing.
  await call('POST', '/v1/inventory/snapshots', 'integration', { source: 'WMS-LEGACY', locationCode: 'DC-EAST', asOf: now(), counts: [{ sku: 'SUP-B', onHand: 1 }] });
  await settle();
  assert.equal((await about('item', 'SUP-B@DC-EAST', 'inventory_drift')).length, 0);

  assert.equal((await act(e.id, 'accept_drift', 'customer_service', { reason: 'x' })).status, 403, 'not the warehouse');
  const accepted = await act(e.id, 'accept_drift', 'warehouse', { reason: 'recount confirmed 80' });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.result.outcome, 'drift_accepted');
  const done = await only('item', 'SUP-A@DC-EAST', 'inventory_drift');
  assert.deepEqual([done.state, done.resolution.by, done.resolution.action], ['resolved', 'action', 'accept_drift']);
  const position = await t.testStore.store.db.selectFrom('inventory_positions').select('on_hand').where('sku', '=', 'SUP-A').where('location_code', '=', 'DC-EAST').executeTakeFirstOrThrow();
  assert.equal(Number(position.on_hand), 80, 'the ledger holds the counted figure');
});

test('inventory drift clears by condition: a later count that agrees with the ledger announces drift_cleared and resolves it with the reason', async () => {
  await t.app.services.catalog.items.create({ sku: 'SUP-E', description: 'Supply SUP-E', itemClass: 'TOOLS', unitCostMinor: 100, listPriceMinor: 250 });
  await events([{ sku: 'SUP-E', quantity: 100 }]);
  t.clock.advance(1_000);
  await call('POST', '/v1/inventory/snapshots', 'integration', { source: 'WMS-LEGACY', locationCode: 'DC-EAST', asOf: now(), counts: [{ sku: 'SUP-E', onHand: 70 }] });
  await settle();
  const e = await only('item', 'SUP-E@DC-EAST', 'inventory_drift');
  assert.deepEqual([e.state, e.facts.drift], ['open', -30]);
  // A count that still disagrees updates it; a count of another SKU leaves it alone.
  t.clock.advance(1_000);
  await call('POST', '/v1/inventory/snapshots', 'integration', { source: 'WMS-LEGACY', locationCode: 'DC-EAST', asOf: now(), counts: [{ sku: 'SUP-E', onHand: 60 }, { sku: 'SUP-B', onHand: 0 }] });
  await settle();
  const still = await only('item', 'SUP-E@DC-EAST', 'inventory_drift');
  assert.deepEqual([still.state, still.facts.drift, still.facts.counted], ['open', -10, 60]);
  // The next count agrees (the correction of 60 stands): the drift clears by itself, once.
  t.clock.advance(1_000);
  for (let i = 0; i < 2; i++) {
    const agreed = await call('POST', '/v1/inventory/snapshots', 'integration', { source: 'WMS-LEGACY', locationCode: 'DC-EAST', asOf: now(), counts: [{ sku: 'SUP-E', onHand: 61 }] });
    assert.ok(agreed.status < 300, JSON.stringify(agreed.body));
    assert.equal(agreed.body.outcome.driftEvents, 0, JSON.stringify(agreed.body));
    await settle();
  }
  const cleared = await t.testStore.store.db.selectFrom('outbox_events').select('type').where('type', '=', 'crossdock.inventory.drift_cleared').where('subject', '=', 'item/SUP-E@DC-EAST').execute();
  assert.equal(cleared.length, 1, 'the second agreeing count finds no drift open and announces nothing');
  const done = await only('item', 'SUP-E@DC-EAST', 'inventory_drift');
  assert.deepEqual([done.state, done.resolution.by, done.resolution.action], ['resolved', 'condition', null]);
  assert.match(done.resolution.reason, /counted 61 of SUP-E at DC-EAST .* within tolerance/);
  const audit = await call('GET', `/v1/exceptions/${done.id}/audit`, 'viewer');
  assert.deepEqual(audit.body.items.map((l: any) => l.what), ['raised', 'updated', 'resolved']);
});

test('sequence gap clears by condition: when every skipped number arrives late, gap_filled resolves it with the reason; a partial fill does not', async () => {
  await events([{ sku: 'SUP-C', quantity: 5, source: 'WMS-GAP2', sequence: 1 }]);
  await events([{ sku: 'SUP-C', quantity: 5, source: 'WMS-GAP2', sequence: 5 }]);
  t.clock.advance(10 * 60_000 + 1);
  await t.app.services.timers.fireDue();
  await settle();
  const e = await only('message', 'inventory-gap:WMS-GAP2:2-4', 'sequence_gap');
  assert.equal(e.state, 'open');
  const late = await events([{ sku: 'SUP-C', quantity: 1, source: 'WMS-GAP2', sequence: 3 }]);
  assert.equal(late.applied, 1);
  await settle();
  assert.equal((await only('message', 'inventory-gap:WMS-GAP2:2-4', 'sequence_gap')).state, 'open', '2 and 4 are still missing');
  // The rest arrive; a redelivery of one of them is a duplicate and changes nothing.
  await events([{ sku: 'SUP-C', quantity: 1, source: 'WMS-GAP2', sequence: 2 }, { sku: 'SUP-C', quantity: 1, source: 'WMS-GAP2', sequence: 4 }]);
  await events([{ sku: 'SUP-C', quantity: 1, source: 'WMS-GAP2', sequence: 4 }]);
  await settle();
  const done = await only('message', 'inventory-gap:WMS-GAP2:2-4', 'sequence_gap');
  assert.deepEqual([done.state, done.resolution.by], ['resolved', 'condition']);
  assert.equal(done.resolution.reason, 'the missing event(s) 2–4 of WMS-GAP2 arrived late and were applied');
  const filled = await t.testStore.store.db.selectFrom('outbox_events').select('type').where('type', '=', 'crossdock.inventory.gap_filled').where('subject', '=', 'source:WMS-GAP2').execute();
  assert.equal(filled.length, 1, 'announced once');
});

test('adjustment anomaly: a movement the ledger refused raises it; accept_drift is refused for it; resolve with a reason closes it', async () => {
  const outcome = await events([{ sku: 'SUP-B', quantity: 500, type: 'ship' }]);
  assert.equal(outcome.rejected, 1);
  await settle();
  const sequence = sequences.get('WMS-SUP')!;
  const e = await only('message', `inventory-event:WMS-SUP:${sequence}`, 'adjustment_anomaly');
  assert.deepEqual([e.state, e.ownerRole, e.facts.code, e.rootCause.code], ['open', 'warehouse', 'negative_bucket', 'negative_bucket']);
  assert.deepEqual(e.links.map((l: any) => l.href), [null], 'a feed event has no inbox page');
  const refused = await act(e.id, 'accept_drift', 'warehouse', { reason: 'take it' });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal((await act(e.id, 'resolve', 'warehouse', {})).status, 400, 'resolving needs a reason');
  const resolved = await act(e.id, 'resolve', 'warehouse', { reason: 'the pick was keyed twice; no stock moved' });
  assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
  assert.equal((await only('message', `inventory-event:WMS-SUP:${sequence}`, 'adjustment_anomaly')).state, 'resolved');
});

test('sequence gap: a gap that outlives its timeout raises it for the missing range, once; a person resolves it', async () => {
  await events([{ sku: 'SUP-C', quantity: 5, source: 'WMS-GAP', sequence: 1 }]);
  const held = await events([{ sku: 'SUP-C', quantity: 5, source: 'WMS-GAP', sequence: 4 }]);
  assert.equal(held.held, 1);
  await t.app.services.timers.fireDue();
  await settle();
  assert.equal((await about('message', 'inventory-gap:WMS-GAP:2-3', 'sequence_gap')).length, 0, 'nothing before the timeout');
  t.clock.advance(10 * 60_000 + 1);
  await t.app.services.timers.fireDue();
  await settle();
  const e = await only('message', 'inventory-gap:WMS-GAP:2-3', 'sequence_gap');
  assert.deepEqual([e.state, e.ownerRole, e.facts.skippedFrom, e.facts.skippedTo, e.facts.appliedAfterGap], ['open', 'integration', 2, 3, 1]);
  // Firing again finds nothing more to do.
  await t.app.services.timers.fireDue();
  await settle();
  assert.equal((await only('message', 'inventory-gap:WMS-GAP:2-3', 'sequence_gap')).version, e.version);
  const resolved = await act(e.id, 'resolve', 'integration', { reason: 'WMS confirmed 2 and 3 were test events it withdrew' });
  assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
  assert.equal(resolved.body.exception.state, 'resolved');
});

test('return inspection: a receipt into quarantine raises it; dispositions for every unit clear it by condition', async () => {
  await events([{ sku: 'SUP-D', quantity: 20 }]);
  const orderId = await submitSampleOrder(t, 'SUP-RMA-1', [{ lineNumber: 1, sku: 'SUP-D', quantity: 5 }]);
  await settle();
  for (const request of await t.app.services.fulfillment.listForOrder(orderId)) {
    const shipped = await call('POST', '/v1/shipments', 'warehouse', { fulfillmentRequestId: request.id, shipmentNumber: `SHP-${request.id}`, shippedAt: now(), lines: request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })) });
    assert.equal(shipped.status, 201, JSON.stringify(shipped.body));
  }
  await settle();
  const authorized = await call('POST', '/v1/returns', 'customer_service', { orderId, lines: [{ lineNumber: 1, quantity: 4, reasonCode: 'DAMAGED' }] });
  assert.equal(authorized.status, 201, JSON.stringify(authorized.body));
  const rma = authorized.body.return;
  await settle();
  assert.equal((await about('return', rma.id, 'return_inspection')).length, 0, 'nothing to inspect before goods arrive');
  assert.equal((await call('POST', `/v1/returns/${rma.id}/receipt`, 'warehouse', { receiptNumber: 'SUP-RCV-1', lines: [{ lineNumber: 1, quantity: 4 }] })).status, 200);
  await settle();
  const e = await only('return', rma.id, 'return_inspection');
  assert.deepEqual([e.state, e.ownerRole, e.facts.awaitingDisposition, e.partnerCode], ['open', 'warehouse', 4, 'ACME']);
  assert.ok(e.related.some((r: any) => r.type === 'order' && r.id === orderId));

  assert.equal((await call('POST', `/v1/returns/${rma.id}/disposition`, 'warehouse', { lines: [{ lineNumber: 1, disposition: 'restock', quantity: 3 }] })).status, 200);
  await settle();
  const partly = await only('return', rma.id, 'return_inspection');
  assert.deepEqual([partly.state, partly.facts.awaitingDisposition], ['open', 1], 'one unit still waits');
  assert.equal((await call('POST', `/v1/returns/${rma.id}/disposition`, 'warehouse', { lines: [{ lineNumber: 1, disposition: 'scrap' }] })).status, 200);
  await settle();
  const done = await only('return', rma.id, 'return_inspection');
  assert.deepEqual([done.state, done.resolution.by], ['resolved', 'condition']);
  assert.match(done.resolution.reason, /every received unit/);
});

test('supplier delay: a purchase order past its expected date (at the receiving location) raises it on the clock, never early; a new date not yet past clears it; a late one raises it again; receipt clears it', async () => {
  const expected = today(3);
  const created = await call('POST', '/v1/purchase-orders', 'procurement', { supplierCode: 'SUP-GLOVECO', locationCode: 'DC-EAST', expectedDate: expected, lines: [{ lineNumber: 1, sku: 'SUP-C', quantity: 10 }] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const po = created.body.purchaseOrder;
  assert.equal((await call('POST', `/v1/purchase-orders/${po.id}/send`, 'procurement')).status, 200);
  await settle();
  // The end of the expected date in DC-EAST's zone (America/New_York), not in UTC.
  assert.equal(sampleLocation.timezone, 'America/New_York');
  const dueAt = endOfLocalDayMs(expected, sampleLocation.timezone);
  assert.ok([4, 5].includes((dueAt - Date.parse(`${expected}T23:59:59.999Z`)) / 3_600_000), 'EDT or EST: four or five hours after midnight UTC');
  t.clock.set(dueAt - 1);
  await t.app.services.timers.fireDue();
  await settle();
  assert.equal((await about('purchase_order', po.id, 'supplier_delay')).length, 0, 'not before the end of the expected date');
  t.clock.set(dueAt);
  await t.app.services.timers.fireDue();
  await settle();
  const e = await only('purchase_order', po.id, 'supplier_delay');
  assert.deepEqual([e.state, e.ownerRole, e.facts.expectedDate, e.facts.unitsOwed, e.rootCause.code], ['open', 'procurement', expected, 10, 'past_expected_date']);
  await t.app.services.timers.fireDue();
  assert.equal((await only('purchase_order', po.id, 'supplier_delay')).version, e.version, 'a timer fires once');

  // The supplier ships with a new date two days on: not late any more.
  const later = today(2);
  assert.equal((await call('POST', `/v1/purchase-orders/${po.id}/ship`, 'integration', { expectedDate: later })).status, 200);
  await settle();
  const cleared = await only('purchase_order', po.id, 'supplier_delay');
  assert.deepEqual([cleared.state, cleared.resolution.by], ['resolved', 'condition']);
  assert.match(cleared.resolution.reason, new RegExp(`now expects .* on ${later}`));

  t.clock.set(endOfLocalDayMs(later, sampleLocation.timezone));
  await t.app.services.timers.fireDue();
  await settle();
  const again = await about('purchase_order', po.id, 'supplier_delay');
  assert.deepEqual(again.map((x) => x.state), ['resolved', 'open'], 'the new date passed too: a new exception');
  assert.equal(again[1].facts.expectedDate, later);
  assert.equal((await call('POST', `/v1/purchase-orders/${po.id}/receive`, 'warehouse', { receiptNumber: 'SUP-PO-1', lines: [{ lineNumber: 1, quantity: 10 }] })).status, 200);
  await settle();
  const received = await about('purchase_order', po.id, 'supplier_delay');
  assert.deepEqual(received.map((x) => [x.state, x.resolution.by]), [['resolved', 'condition'], ['resolved', 'condition']]);
  assert.match(received[1].resolution.reason, /received in full/);
});
