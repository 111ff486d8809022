import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { AppError } from '../../platform/errors.ts';
import { readAllPositions } from './ledger.repo.ts';
import { reservationHarness, type ReservationHarness } from './reservations.test-setup.ts';

let t: TestStore;
let h: ReservationHarness;
before(async () => {
  t = await createTestStore();
  h = reservationHarness(t.store.db, t.store.kind);
});
after(async () => t.dispose());

const ORDER = '01950000-0000-7000-8000-000000000001';
let skuCounter = 0;
/** Each test works on a SKU of its own, so the tests share the database without sharing stock. */
const freshSku = () => `SKU-${++skuCounter}`;

async function buckets(sku: string, locationCode = 'EAST') {
  const row = (await readAllPositions(t.store.db)).find((p) => p.sku === sku && p.location_code === locationCode);
  return row ? { onHand: row.on_hand, reserved: row.reserved } : { onHand: 0, reserved: 0 };
}

const movementsOf = (reservationId: string) =>
  t.store.db.selectFrom('inventory_movements').select(['type', 'd_reserved', 'd_on_hand', 'reason_code', 'reference']).where('reservation_id', '=', reservationId).orderBy('seq').execute();

const line = (sku: string, quantity: number, extra: { ttlMs?: number; reservationId?: string; lineNumber?: number } = {}) => ({
  orderId: ORDER,
  lineNumber: extra.lineNumber ?? 1,
  sku,
  locationCode: 'EAST',
  quantity,
  ...extra,
});

async function reserved(sku: string, quantity: number, extra: Parameters<typeof line>[2] = {}) {
  const outcome = await h.reservations.reserve(line(sku, quantity, extra));
  assert.equal(outcome.result, 'reserved');
  return outcome.result === 'reserved' ? outcome.reservation : assert.fail('not reserved');
}

test(`reserve takes free stock, answers insufficient with what is free, and changes nothing then (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 10);
  await h.post([{ sku, locationCode: 'EAST', type: 'adjustment', event: { type: 'adjustment', quantity: 2, bucket: 'damaged' } }]);
  h.published.length = 0;

  const first = await reserved(sku, 6);
  assert.equal(first.state, 'pending');
  assert.equal(first.expiresAt, undefined);
  assert.deepEqual(await buckets(sku), { onHand: 10, reserved: 6 });
  assert.deepEqual(h.published.map((c) => [c.sku, c.buckets.reserved]), [[sku, 6]], 'announced after commit');

  // Sellable is 10 on hand − 2 damaged = 8, of which 6 are reserved.
  assert.deepEqual(await h.reservations.reserve(line(sku, 3, { lineNumber: 2 })), { result: 'insufficient', available: 2 });
  assert.deepEqual(await buckets(sku), { onHand: 10, reserved: 6 });
  assert.equal((await h.reservations.listByOrder(ORDER)).filter((r) => r.sku === sku).length, 1, 'no row is left by a refusal');
  assert.equal(h.published.length, 1, 'a refusal announces nothing');
  assert.deepEqual(await h.reservations.reserve(line(freshSku(), 1)), { result: 'insufficient', available: 0 }, 'a SKU never seen has nothing free');

  await reserved(sku, 2, { lineNumber: 2 });
  assert.deepEqual(await buckets(sku), { onHand: 10, reserved: 8 });
  const feed = await h.outbox.readFeed({ after: 0, limit: 100 });
  const types = feed.items.map((e) => e.type);
  assert.ok(types.includes('crossdock.inventory.reservation.created'));
  assert.ok(types.includes('crossdock.inventory.availability_changed'), 'the channel feed hears of the reservation');
});

test(`the same reservation id again answers exists and posts nothing; with another request it is refused (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 5);
  const reservationId = '01950000-0000-7000-8000-0000000000a1';
  const first = await reserved(sku, 3, { reservationId });
  assert.equal(first.id, reservationId);
  assert.deepEqual(await h.reservations.reserve(line(sku, 3, { reservationId })), { result: 'exists', reservation: first });
  await assert.rejects(h.reservations.reserve(line(sku, 4, { reservationId })), (e: unknown) => e instanceof AppError && e.code === 'idempotency_key_reused');
  assert.deepEqual((await movementsOf(reservationId)).map((m) => m.type), ['reservation_create']);
  assert.deepEqual(await buckets(sku), { onHand: 5, reserved: 3 });
});

test(`commit consumes the hold, release gives it back, and each resolves once (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 10);
  const a = await reserved(sku, 4);
  const b = await reserved(sku, 5, { lineNumber: 2 });

  const committed = await h.reservations.commit(a.id, { reference: 'SHIP-1' });
  assert.equal(committed.result, 'committed');
  assert.equal(committed.reservation.state, 'committed');
  assert.equal(committed.reservation.resolvedAt, new Date(h.clock.now()).toISOString());
  // Committing lowers only reserved: the units stay on hand until the shipment posts its ship movement.
  assert.deepEqual(await buckets(sku), { onHand: 10, reserved: 5 });

  const released = await h.reservations.release(b.id, 'order_cancelled');
  assert.equal(released.result, 'released');
  assert.deepEqual(await buckets(sku), { onHand: 10, reserved: 0 });

  for (const again of [() => h.reservations.commit(a.id), () => h.reservations.release(a.id, 'late'), () => h.reservations.expire(a.id)]) {
    const outcome = await again();
    assert.equal(outcome.result, 'already_resolved');
    assert.equal(outcome.reservation.state, 'committed');
  }
  assert.equal((await h.reservations.commit(b.id)).result, 'already_resolved');
  assert.deepEqual(await buckets(sku), { onHand: 10, reserved: 0 }, 'a second resolve changes nothing');
  assert.deepEqual(await movementsOf(a.id), [
    { type: 'reservation_create', d_reserved: 4, d_on_hand: 0, reason_code: null, reference: `order/${ORDER}/line/1` },
    { type: 'reservation_commit', d_reserved: -4, d_on_hand: 0, reason_code: null, reference: 'SHIP-1' },
  ]);
  assert.deepEqual((await movementsOf(b.id)).map((m) => [m.type, m.reason_code]), [
    ['reservation_create', null],
    ['reservation_release', 'order_cancelled'],
  ]);
});

test(`concurrent resolvers of one reservation: exactly one wins (I4) (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 3);
  const r = await reserved(sku, 3);
  const outcomes = await Promise.all([
    h.reservations.commit(r.id),
    h.reservations.release(r.id, 'reallocated'),
    h.reservations.commit(r.id),
    h.reservations.release(r.id, 'reallocated'),
  ]);
  assert.equal(outcomes.filter((o) => o.result !== 'already_resolved').length, 1);
  assert.equal((await movementsOf(r.id)).length, 2);
  assert.deepEqual(await buckets(sku), { onHand: 3, reserved: 0 });
});

test(`commits racing their expiry timers neither deadlock nor resolve anything twice (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 40);
  const held = [];
  for (let i = 1; i <= 20; i++) held.push(await reserved(sku, 2, { ttlMs: 1_000, lineNumber: i }));
  h.clock.advance(1_000);
  const [fired, ...commits] = await Promise.all([h.timers.fireDue(), ...held.map((r) => h.reservations.commit(r.id))]);
  assert.equal(fired.failed, 0, 'no timer handler failed (a deadlock would abort one)');
  const states = await Promise.all(held.map(async (r) => (await h.reservations.get(r.id)).state));
  assert.equal(states.filter((s) => s === 'committed').length, commits.filter((c) => c.result === 'committed').length);
  assert.ok(states.every((s) => s === 'committed' || s === 'expired'), states.join());
  for (const r of held) assert.equal((await movementsOf(r.id)).length, 2, `reservation ${r.id} resolved once`);
  assert.deepEqual(await buckets(sku), { onHand: 40, reserved: 0 });
});

test(`a reservation expires by its timer at its expiry time, not one ms early, and once (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 5);
  const start = h.clock.now();
  const r = await reserved(sku, 5, { ttlMs: 60_000 });
  assert.equal(r.expiresAt, new Date(start + 60_000).toISOString());

  h.clock.set(start + 59_999);
  assert.deepEqual(await h.timers.fireDue(), { fired: 0, failed: 0 });
  assert.equal((await h.reservations.expire(r.id)).result, 'not_due', 'a direct call cannot expire it early either');
  assert.equal((await h.reservations.get(r.id)).state, 'pending');
  assert.deepEqual(await buckets(sku), { onHand: 5, reserved: 5 });

  h.published.length = 0;
  h.clock.set(start + 60_000);
  assert.deepEqual(await h.timers.fireDue(), { fired: 1, failed: 0 });
  const expired = await h.reservations.get(r.id);
  assert.equal(expired.state, 'expired');
  assert.equal(expired.resolvedAt, new Date(start + 60_000).toISOString());
  assert.deepEqual(await buckets(sku), { onHand: 5, reserved: 0 });
  assert.deepEqual(h.published.map((c) => [c.sku, c.buckets.reserved]), [[sku, 0]], 'announced once the firing transaction committed');

  h.clock.advance(3_600_000);
  assert.deepEqual(await h.timers.fireDue(), { fired: 0, failed: 0 });
  const late = await h.reservations.commit(r.id);
  assert.deepEqual([late.result, late.reservation.state], ['already_resolved', 'expired']);
  assert.deepEqual((await movementsOf(r.id)).map((m) => m.type), ['reservation_create', 'reservation_expire']);
});

test(`committing or releasing cancels the expiry timer (${testStoreKind})`, async () => {
  const sku = freshSku();
  await h.receive(sku, 'EAST', 4);
  const a = await reserved(sku, 2, { ttlMs: 1_000 });
  const b = await reserved(sku, 2, { ttlMs: 1_000, lineNumber: 2 });
  await h.reservations.commit(a.id);
  await h.reservations.release(b.id, 'order_cancelled');
  h.clock.advance(5_000);
  assert.deepEqual(await h.timers.fireDue(), { fired: 0, failed: 0 });
  const cancelled = (await h.timers.list({ status: 'cancelled', kind: 'inventory.reservation.expire', limit: 500 })).items.map((x) => x.key);
  assert.ok(cancelled.includes(`reservation-expire:${a.id}`) && cancelled.includes(`reservation-expire:${b.id}`));
  assert.deepEqual((await movementsOf(a.id)).map((m) => m.type), ['reservation_create', 'reservation_commit']);
});

test(`an unknown reservation is not_found; an order lists its reservations by line (${testStoreKind})`, async () => {
  const unknown = '01950000-0000-7000-8000-0000000000ff';
  for (const call of [() => h.reservations.get(unknown), () => h.reservations.commit(unknown), () => h.reservations.release(unknown, 'x'), () => h.reservations.expire(unknown)]) {
    await assert.rejects(call(), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  }
  const sku = freshSku();
  await h.receive(sku, 'EAST', 9);
  const order = '01950000-0000-7000-8000-0000000000b2';
  await h.reservations.reserve({ ...line(sku, 2, { lineNumber: 3 }), orderId: order });
  await h.reservations.reserve({ ...line(sku, 2, { lineNumber: 1 }), orderId: order });
  assert.deepEqual((await h.reservations.listByOrder(order)).map((r) => r.lineNumber), [1, 3]);
  assert.deepEqual(await h.reservations.listByOrder('01950000-0000-7000-8000-0000000000b3'), []);
});
