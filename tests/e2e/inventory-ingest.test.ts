import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * Inventory events through the HTTP API and the inbox: dedupe, per-source ordering with gaps and
 * their timeout, rejections kept, and the seeds' case of a live warehouse beside an hourly snapshot.
 */
let t: TestApp;
const MINUTE = 60_000;
before(async () => {
  t = await createTestApp({ config: { inventory: { sequenceGapTimeoutMs: 10 * MINUTE } } });
  const { catalog } = t.app.services;
  await catalog.locations.create({ code: 'LIVE', name: 'Live WMS', type: 'warehouse', region: 'EAST', sourceSystem: 'wms-live', postingMode: 'realtime', cutoffLocalTime: '16:00', timezone: 'America/New_York' });
  await catalog.locations.create({ code: 'LEGACY', name: 'Legacy WMS', type: 'warehouse', region: 'WEST', sourceSystem: 'wms-legacy', postingMode: 'batch', postingIntervalMinutes: 60, cutoffLocalTime: '16:00', timezone: 'America/Los_Angeles' });
  for (const sku of ['A', 'B']) {
    await catalog.items.create({ sku, description: `Item ${sku}`, itemClass: 'HW', unitCostMinor: 100, listPriceMinor: 200, packSizes: [{ unit: 'CA', quantity: 12 }] });
  }
});
after(async () => t.dispose());

const iso = () => new Date(t.clock.now()).toISOString();
const ev = (sequence: number, fields: Record<string, unknown>) => ({ source: 'WMS-LIVE', sequence, sku: 'A', locationCode: 'LIVE', occurredAt: iso(), ...fields });

async function post(events: unknown[], headers: Record<string, string> = {}) {
  return t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: { ...t.as('integration'), ...headers }, payload: { events } });
}
async function onHand(sku: string, location: string): Promise<number> {
  const row = await t.testStore.store.db.selectFrom('inventory_positions').select(['on_hand']).where('sku', '=', sku).where('location_code', '=', location).executeTakeFirst();
  return row?.on_hand ?? 0;
}

test('events apply in order with unit conversion; a repeated batch answers exists with the first outcome', async () => {
  const res = await post([ev(1, { type: 'receipt', quantity: 2, unit: 'CA' }), ev(2, { type: 'ship', quantity: 5 })], { 'idempotency-key': 'batch-1' });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.received, 'accepted');
  assert.equal(body.outcome.applied, 2);
  assert.deepEqual(body.outcome.results, [], 'only events that need attention are listed');
  assert.equal(await onHand('A', 'LIVE'), 19, '2 cases of 12, less 5');

  const again = await post([ev(1, { type: 'receipt', quantity: 2, unit: 'CA' }), ev(2, { type: 'ship', quantity: 5 })], { 'idempotency-key': 'batch-1' });
  assert.equal(again.body, res.body, 'the same key and body get the stored answer, byte for byte');
  assert.equal(again.headers['idempotent-replayed'], 'true');
  const reused = await post([ev(1, { type: 'receipt', quantity: 3, unit: 'CA' })], { 'idempotency-key': 'batch-1' });
  assert.equal(reused.statusCode, 422);
  assert.equal(reused.json().error.code, 'idempotency_key_reused');
  const unkeyed = await post([ev(1, { type: 'receipt', quantity: 2, unit: 'CA' }), ev(2, { type: 'ship', quantity: 5 })]);
  assert.equal(unkeyed.json().received, 'exists', 'the same body again without a key is the same inbox message');
  assert.deepEqual(unkeyed.json().outcome, body.outcome);
  const resent = await post([ev(2, { type: 'ship', quantity: 5 })]);
  assert.equal(resent.json().outcome.results[0].result, 'exists', 'the same sequence number in a new batch is a duplicate');
  assert.equal(await onHand('A', 'LIVE'), 19);
});

test('a gap holds later events until it fills, then they apply in order', async () => {
  const held = await post([ev(4, { type: 'ship', quantity: 4 }), ev(5, { type: 'ship', quantity: 1 })]);
  assert.equal(held.json().status, 'processed', held.body);
  assert.deepEqual(held.json().outcome.results.map((r: { result: string }) => r.result), ['held', 'held']);
  assert.equal(held.json().outcome.results[0].missingFrom, 3);
  assert.equal(await onHand('A', 'LIVE'), 19);
  // Sequence 4 ships 4: only possible after 3 receives 10 — proof that held events wait for order.
  const filled = await post([ev(3, { type: 'receipt', quantity: 10 })]);
  assert.equal(filled.json().outcome.applied, 1);
  assert.equal(filled.json().outcome.appliedFromHeld, 2, 'the two events it released');
  assert.equal(await onHand('A', 'LIVE'), 24);
  const sources = (await t.app.http.inject({ method: 'GET', url: '/v1/inventory/sources', headers: t.as('viewer') })).json();
  assert.equal(sources.items.find((s: { source: string }) => s.source === 'WMS-LIVE').nextExpected, 6);
});

test('a gap that outlives its timeout is skipped and raised; the late event still applies once', async () => {
  await post([ev(7, { type: 'receipt', quantity: 3 })]);
  t.clock.advance(10 * MINUTE - 1);
  await t.app.services.timers.fireDue();
  assert.equal(await onHand('A', 'LIVE'), 24, 'not one millisecond early');
  t.clock.advance(1);
  await t.app.services.timers.fireDue();
  assert.equal(await onHand('A', 'LIVE'), 27, 'held event applied after the timeout');
  const gapEvents = await t.testStore.store.db.selectFrom('outbox_events').select(['data']).where('type', '=', 'crossdock.inventory.sequence_gap').execute();
  assert.equal(gapEvents.length, 1);
  assert.deepEqual(JSON.parse(gapEvents[0]!.data), { source: 'WMS-LIVE', skippedFrom: 6, skippedTo: 6, appliedAfterGap: 1 });
  const late = await post([ev(6, { type: 'receipt', quantity: 1 })]);
  assert.deepEqual(late.json().outcome.results[0].result, 'applied');
  assert.equal(late.json().outcome.results[0].late, true, 'a late arrival is listed so its sender can see it');
  const again = await post([ev(6, { type: 'receipt', quantity: 1, reference: 'resent' })]);
  assert.equal(again.json().received, 'accepted', 'a different body is a new message');
  assert.equal(again.json().outcome.results[0].result, 'exists', 'but its sequence number has taken effect already');
  assert.equal(await onHand('A', 'LIVE'), 28);
});

test('bad events are rejected with precise codes and the raw batch is kept; invalid ones leave a gap, rule-breaking ones are announced', async () => {
  const bad = (sequence: number, fields: Record<string, unknown>) => ({ ...ev(sequence, fields), source: 'WMS-BAD' });
  const res = await post([
    bad(1, { type: 'receipt', quantity: 5 }),
    bad(2, { type: 'receipt', quantity: -4 }),
    bad(3, { type: 'ship', quantity: 1000 }),
    bad(4, { type: 'receipt', quantity: 1, sku: 'NOPE' }),
    bad(5, { type: 'receipt', quantity: 1, locationCode: 'MOON' }),
    bad(6, { type: 'receipt', quantity: 1, unit: 'PL' }),
    bad(7, { type: 'receipt', quantity: 1.5 }),
    { source: 'WMS-BAD', sequence: 8, type: 'teleport' },
    bad(9, { type: 'receipt', quantity: 2 }),
  ]);
  assert.equal(res.statusCode, 200);
  const { results, applied } = res.json().outcome;
  assert.equal(applied, 1);
  assert.deepEqual(
    results.map((r: { index: number; result: string; code?: string }) => `${r.index}:${r.code ?? r.result}`),
    ['1:quantity_must_be_positive', '2:negative_bucket', '3:unknown_sku', '4:unknown_location', '5:unknown_unit', '6:invalid_event', '7:invalid_event', '8:held'],
  );
  assert.match(results[2].message, /events\.3\.sku: no item NOPE/);
  assert.match(results[4].message, /item A has no unit PL/);
  assert.match(results[6].message, /^events\.7\./);
  assert.equal(results[7].missingFrom, 4, 'events that failed validation did not consume their numbers');
  const message = await t.app.services.inbox.get(res.json().messageId);
  assert.ok(message.payload.includes('teleport'), 'the raw batch, bad events included, is kept');
  const announced = await t.testStore.store.db.selectFrom('outbox_events').select(['data']).where('type', '=', 'crossdock.inventory.event_rejected').execute();
  assert.deepEqual(announced.map((e) => JSON.parse(e.data).sequence), [2, 3]);
});

test('an event dated ahead of the hub by more than clocks disagree is rejected and leaves a gap; sent again with its true time, it applies', async () => {
  const future = (sequence: number, occurredAt: string, quantity: number) => ({ ...ev(sequence, { type: 'receipt', quantity }), source: 'WMS-FUTURE', occurredAt });
  const nextYear = new Date(t.clock.now() + 365 * 24 * 60 * MINUTE).toISOString();
  const before = await onHand('A', 'LIVE');
  // Counted in every snapshot until next year as arriving after it, this receipt would be added to on hand by each one.
  const res = await post([future(1, nextYear, 5), future(2, iso(), 1)]);
  const { results, applied } = res.json().outcome;
  assert.equal(applied, 0);
  assert.deepEqual(
    results.map((r: { index: number; result: string; code?: string }) => `${r.index}:${r.code ?? r.result}`),
    ['0:time_ahead_of_clock', '1:held'],
  );
  assert.equal(results[0].path, 'events.0.occurredAt');
  assert.match(results[0].message, new RegExp(`^events\\.0\\.occurredAt ${nextYear} is 365 days ahead of the hub's clock`));
  assert.equal(await onHand('A', 'LIVE'), before);

  // Corrected, the receipt applies and lets the one held behind it through; half an hour fast is only clock skew.
  const resent = await post([future(1, iso(), 5), future(3, new Date(t.clock.now() + 30 * MINUTE).toISOString(), 2)]);
  assert.equal(resent.json().outcome.applied, 2, resent.body);
  assert.equal(resent.json().outcome.appliedFromHeld, 1);
  assert.equal(await onHand('A', 'LIVE'), before + 8);
});

test('a count dated ahead of the hub by more than clocks disagree is refused and kept as failed; nothing is corrected', async () => {
  const before = await onHand('A', 'LEGACY');
  const tomorrow = new Date(t.clock.now() + 24 * 60 * MINUTE).toISOString();
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/snapshots',
    headers: t.as('integration'),
    payload: { source: 'WMS-LEGACY', locationCode: 'LEGACY', asOf: tomorrow, counts: [{ sku: 'A', onHand: 40 }] },
  });
  assert.equal(res.statusCode, 422, res.body);
  // The snapshot was kept in the inbox first: the answer is the kept message's failure, with its error.
  const error = res.json().error;
  assert.equal(error.code, 'unprocessable');
  assert.equal(error.details[0].path, 'asOf');
  assert.match(error.message, /asOf \S+ is 24 hours ahead of the hub's clock/);
  const messageId = error.details.at(-1).message.match(/inbox\/(\S+)/)[1];
  const kept = await t.app.services.inbox.get(messageId);
  assert.deepEqual([kept.status, kept.error?.code], ['failed', 'time_ahead_of_clock']);
  assert.equal(await onHand('A', 'LEGACY'), before);
});

test('a batch that is not an event list is refused at the door; a rejected snapshot is kept as failed', async () => {
  const notBatch = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { event: [] } });
  assert.equal(notBatch.statusCode, 400);
  const unknownLocation = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/snapshots',
    headers: t.as('integration'),
    payload: { source: 'WMS-LEGACY', locationCode: 'MOON', asOf: iso(), counts: [{ sku: 'A', onHand: 1 }] },
  });
  assert.equal(unknownLocation.statusCode, 422);
  const messageId = unknownLocation.json().error.details.at(-1).message.match(/inbox\/(\S+)/)[1];
  assert.equal((await t.app.services.inbox.get(messageId)).status, 'failed');
});

test("the seeds' case: one warehouse posts live, another an hourly snapshot with shipments in flight; drift is recorded", async () => {
  const legacy = (sequence: number, fields: Record<string, unknown>) => ({ ...ev(sequence, fields), source: 'WMS-LEGACY-FEED', sku: 'B', locationCode: 'LEGACY' });
  await post([legacy(1, { type: 'receipt', quantity: 100 })]);
  // Freshness shows at once after a commit, without waiting for the projection's refresh loop.
  const availability = (await t.app.http.inject({ method: 'GET', url: '/v1/availability/B?location=LEGACY', headers: t.as('viewer') })).json();
  const legacyFreshness = availability.locations[0].freshness.find((f: { source: string }) => f.source === 'WMS-LEGACY-FEED');
  assert.deepEqual([legacyFreshness.state, legacyFreshness.lastReportAt], ['fresh', iso()]);
  assert.equal(availability.locations[0].atp, 100);
  // The legacy WMS writes its hourly file at 10:00; B shows 100 on hand then.
  const asOf = iso();
  t.clock.advance(5 * MINUTE);
  // Shipments that happened after the file was cut arrive on the live feed before the file does.
  await post([legacy(2, { type: 'ship', quantity: 30 })]);
  t.clock.advance(MINUTE);
  const matching = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/snapshots',
    headers: t.as('integration'),
    payload: { source: 'WMS-LEGACY', locationCode: 'LEGACY', asOf, counts: [{ sku: 'B', onHand: 100 }] },
  });
  assert.equal(matching.statusCode, 200, matching.body);
  assert.equal(matching.json().outcome.matched, 1, 'the count agrees once in-flight shipments are accounted for');
  assert.equal(await onHand('B', 'LEGACY'), 70, 'ATP stays correct: no overwrite with the stale 100');

  // The next hourly file finds 8 fewer than the ledger expects (damage nobody reported).
  t.clock.advance(54 * MINUTE);
  const drifting = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/snapshots',
    headers: t.as('integration'),
    payload: { source: 'WMS-LEGACY', locationCode: 'LEGACY', asOf: iso(), counts: [{ sku: 'B', onHand: 62 }] },
  });
  const report = drifting.json().outcome;
  assert.equal(report.corrected, 1);
  assert.equal(report.lines[0].drift, -8);
  assert.equal(await onHand('B', 'LEGACY'), 62);
  const correction = await t.testStore.store.db.selectFrom('inventory_movements').selectAll().where('type', '=', 'correction').executeTakeFirstOrThrow();
  assert.equal(correction.d_on_hand, -8);
  assert.equal(correction.reason_code, 'snapshot_drift');
  const drift = await t.testStore.store.db.selectFrom('outbox_events').select(['subject']).where('type', '=', 'crossdock.inventory.drift_detected').execute();
  assert.deepEqual(drift.map((d) => d.subject), ['item/B@LEGACY']);
  const freshness = await t.testStore.store.db.selectFrom('inventory_freshness').selectAll().where('source', '=', 'WMS-LEGACY').executeTakeFirstOrThrow();
  assert.ok(freshness.recent_drift_units >= 8, 'drift feeds the confidence of this source');
});

test('every transaction that changes positions is announced once, each changed SKU listed once', async () => {
  const announced = () =>
    t.testStore.store.db.selectFrom('outbox_events').select(['subject', 'data']).where('type', '=', 'crossdock.inventory.availability_changed').orderBy('seq').execute();
  const before = (await announced()).length;
  const fresh = (sequence: number, sku: string) => ({ ...ev(sequence, { type: 'receipt', quantity: 1 }), source: 'WMS-ANNOUNCE', sku });
  await post([fresh(1, 'A'), fresh(2, 'A'), fresh(3, 'B')]);
  const rows = (await announced()).slice(before);
  assert.equal(rows.length, 1, 'one announcement for the batch');
  assert.equal(rows[0]!.subject, 'inventory/availability');
  assert.deepEqual(JSON.parse(rows[0]!.data).skus.map((s: { sku: string }) => s.sku), ['A', 'B']);
  await post([fresh(4, 'NOPE')]);
  assert.equal((await announced()).length - before, 1, 'a batch that changed nothing announces nothing');
});
