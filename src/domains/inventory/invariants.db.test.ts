import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import type { InventoryEvent } from './inventory.types.ts';
import { applyDeltas, checkReserve, deltasForEvent, emptyBuckets, sellable, type Buckets } from './ledger.rules.ts';
import { reservationHarness, type ReservationHarness } from './reservations.test-setup.ts';
import { checkLedgerInvariants, checkLedgerUnchanged, readMovements, type MovementRecord } from './ledger.invariants.ts';

/**
 * Property tests of DESIGN §10 (I1–I4, I10) over long random sequences of warehouse events and
 * reservation commands on the real store. Each run works on SKUs of its own, so runs share one
 * database (a fresh one per run is too slow on PostgreSQL) without seeing each other's stock. Beside
 * the stored invariants, a model built from the pure rules predicts every result code, which catches
 * a store that is consistent with itself but wrong.
 */

const LOCATIONS = ['EAST', 'WEST'] as const;
const SKUS_PER_RUN = 3;
const KEYS = SKUS_PER_RUN * LOCATIONS.length;
const ORDER = '01950000-0000-7000-8000-00000000c0de';

type Physical = Pick<InventoryEvent, 'type' | 'quantity' | 'bucket' | 'reasonCode'>;
type Op =
  | { kind: 'physical'; k: number; event: Physical }
  | { kind: 'reserve'; k: number; quantity: number; ttlMs: number | null }
  | { kind: 'repeat' | 'commit' | 'release' | 'expire'; pick: number }
  | { kind: 'tick'; ms: number };

const key = fc.nat({ max: KEYS - 1 });
const physical = (event: fc.Arbitrary<Physical>, weight: number) => ({ weight, arbitrary: fc.record({ kind: fc.constant('physical' as const), k: key, event }) });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  physical(fc.record({ type: fc.constant('receipt' as const), quantity: fc.integer({ min: 1, max: 20 }) }), 5),
  physical(fc.record({ type: fc.constant('ship' as const), quantity: fc.integer({ min: 1, max: 12 }) }), 2),
  physical(
    fc.record({
      type: fc.constant('adjustment' as const),
      quantity: fc.integer({ min: -8, max: 8 }).filter((q) => q !== 0),
      bucket: fc.constantFrom('on_hand' as const, 'quarantined' as const, 'damaged' as const),
    }),
    2,
  ),
  physical(fc.record({ type: fc.constant('cycle_count' as const), quantity: fc.integer({ min: 0, max: 30 }) }), 1),
  physical(fc.record({ type: fc.constant('return_receipt' as const), quantity: fc.integer({ min: 1, max: 6 }) }), 1),
  physical(
    fc.record({
      type: fc.constant('disposition' as const),
      quantity: fc.integer({ min: 1, max: 6 }),
      bucket: fc.constantFrom('quarantined' as const, 'damaged' as const),
      reasonCode: fc.constantFrom('restock', 'scrap', 'vendor_return'),
    }),
    1,
  ),
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('reserve' as const), k: key, quantity: fc.integer({ min: 1, max: 8 }), ttlMs: fc.option(fc.integer({ min: 1, max: 4_000 })) }),
  },
  ...(['repeat', 'commit', 'release', 'expire'] as const).map((kind) => ({ weight: kind === 'repeat' ? 1 : 2, arbitrary: fc.record({ kind: fc.constant(kind), pick: fc.nat() }) })),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3_000 }) }) },
);

interface ModelReservation {
  id: string;
  k: number;
  quantity: number;
  ttlMs: number | null;
  state: 'pending' | 'committed' | 'released' | 'expired' | 'refused';
  expiresAt: number | null;
}

let t: TestStore;
let h: ReservationHarness;
let run = 0;
/** How often each outcome occurred over all runs, so a test that never reached a path says so. */
const tally = new Map<string, number>();
const count = (what: string) => void tally.set(what, (tally.get(what) ?? 0) + 1);
before(async () => {
  t = await createTestStore();
  h = reservationHarness(t.store.db, t.store.kind);
});
after(async () => t.dispose());

/** Runs one sequence against the store and the model; returns the model's positions and the I10 snapshot. */
async function execute(ops: readonly Op[], skus: readonly string[]) {
  const model: Buckets[] = Array.from({ length: KEYS }, emptyBuckets);
  const where = (k: number) => ({ sku: skus[k % SKUS_PER_RUN]!, locationCode: LOCATIONS[Math.floor(k / SKUS_PER_RUN)]! });
  const held: ModelReservation[] = [];
  let snapshot: MovementRecord[] = [];

  const reserve = async (r: ModelReservation) => {
    const outcome = await h.reservations.reserve({ reservationId: r.id, orderId: ORDER, lineNumber: 1, ...where(r.k), quantity: r.quantity, ...(r.ttlMs ? { ttlMs: r.ttlMs } : {}) });
    count(outcome.result);
    const b = model[r.k]!;
    if (checkReserve(b, r.quantity).ok) {
      assert.equal(outcome.result, 'reserved', `reserve ${r.quantity} with ${JSON.stringify(b)}`);
      b.reserved += r.quantity;
      r.state = 'pending';
      r.expiresAt = r.ttlMs ? h.clock.now() + r.ttlMs : null;
    } else {
      assert.deepEqual(outcome, { result: 'insufficient', available: Math.max(0, sellable(b) - b.reserved) });
    }
  };

  for (const [i, op] of ops.entries()) {
    if (i === Math.floor(ops.length / 2)) snapshot = await readMovements(t.store.db, skus);
    const picked = 'pick' in op && held.length > 0 ? held[op.pick % held.length]! : undefined;
    switch (op.kind) {
      case 'physical': {
        const report = await h.post([{ ...where(op.k), type: op.event.type, event: op.event, reasonCode: op.event.reasonCode ?? null }]);
        const computed = deltasForEvent(op.event, model[op.k]!);
        const applied = computed.ok ? applyDeltas(model[op.k]!, computed.deltas, { allowNegativeOnHand: false }) : computed;
        assert.equal(report.outcomes[0]!.ok, applied.ok, `${op.event.type} ${op.event.quantity} on ${JSON.stringify(model[op.k])}`);
        count(applied.ok ? 'physical applied' : 'physical refused');
        if (applied.ok) model[op.k] = applied.position;
        break;
      }
      case 'reserve': {
        const r: ModelReservation = { id: h.ids.next(), k: op.k, quantity: op.quantity, ttlMs: op.ttlMs, state: 'refused', expiresAt: null };
        held.push(r);
        await reserve(r);
        break;
      }
      case 'repeat':
        if (!picked) break;
        if (picked.state === 'refused') await reserve(picked);
        else {
          count('exists');
          assert.equal((await h.reservations.reserve({ reservationId: picked.id, orderId: ORDER, lineNumber: 1, ...where(picked.k), quantity: picked.quantity, ...(picked.ttlMs ? { ttlMs: picked.ttlMs } : {}) })).result, 'exists');
        }
        break;
      case 'commit':
      case 'release':
      case 'expire': {
        if (!picked || picked.state === 'refused') break;
        const outcome = op.kind === 'commit' ? await h.reservations.commit(picked.id) : op.kind === 'release' ? await h.reservations.release(picked.id, 'reallocated') : await h.reservations.expire(picked.id);
        const to = ({ commit: 'committed', release: 'released', expire: 'expired' } as const)[op.kind];
        const due = picked.expiresAt !== null && picked.expiresAt <= h.clock.now();
        const expected = picked.state !== 'pending' ? 'already_resolved' : op.kind === 'expire' && !due ? 'not_due' : to;
        assert.equal(outcome.result, expected, `${op.kind} of a ${picked.state} reservation`);
        count(expected);
        assert.equal(outcome.reservation.state, expected === to ? to : picked.state);
        if (expected === to) {
          picked.state = to;
          model[picked.k]!.reserved -= picked.quantity;
        }
        break;
      }
      case 'tick': {
        h.clock.advance(op.ms);
        while ((await h.timers.fireDue()).fired > 0);
        for (const r of held.filter((x) => x.state === 'pending' && x.expiresAt !== null && x.expiresAt <= h.clock.now())) {
          r.state = 'expired';
          count('expired by timer');
          model[r.k]!.reserved -= r.quantity;
        }
        break;
      }
    }
  }
  return { model, where, held, snapshot };
}

test(`I1–I4 and I10 hold over long random sequences of events and reservations (${testStoreKind})`, async (ctx) => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.array(opArbitrary, { minLength: 30, maxLength: 80 }), async (ops) => {
      run++;
      const skus = Array.from({ length: SKUS_PER_RUN }, (_, i) => `P${run}-${i}`);
      const { model, where, held, snapshot } = await execute(ops, skus);

      assert.deepEqual(await checkLedgerInvariants(t.store.db, skus), []);
      assert.deepEqual(await checkLedgerUnchanged(t.store.db, skus, snapshot), []);
      const stored = await t.store.db.selectFrom('inventory_positions').selectAll().where('sku', 'in', skus).execute();
      for (const [k, b] of model.entries()) {
        const { sku, locationCode } = where(k);
        const row = stored.find((p) => p.sku === sku && p.location_code === locationCode);
        const actual = row ? { onHand: row.on_hand, reserved: row.reserved, quarantined: row.quarantined, damaged: row.damaged, inTransit: row.in_transit } : emptyBuckets();
        assert.deepEqual(actual, b, `the store agrees with the model at ${sku}@${locationCode}`);
      }
      const states = await t.store.db.selectFrom('reservations').select(['id', 'state']).where('sku', 'in', skus).execute();
      assert.deepEqual(
        new Map(states.map((s) => [s.id, s.state])),
        new Map(held.filter((r) => r.state !== 'refused').map((r) => [r.id, r.state])),
        'every reservation is in the state the model expects',
      );
    }),
    { numRuns: Number(process.env['CROSSDOCK_PROPERTY_RUNS'] ?? 40) },
  );
  ctx.diagnostic(`${run} sequences in ${Date.now() - started} ms: ${[...tally].map(([what, n]) => `${what} ${n}`).join(', ')}`);
  const reached = ['reserved', 'insufficient', 'exists', 'committed', 'released', 'already_resolved', 'not_due', 'expired by timer', 'physical refused'];
  assert.deepEqual(reached.filter((what) => !tally.get(what)), [], 'every outcome was exercised');
});

test(`the checkers catch a broken ledger: a second resolution, a skewed position, an edited movement (${testStoreKind})`, async () => {
  const skus = ['BROKEN-1'];
  await h.receive('BROKEN-1', 'EAST', 5);
  const outcome = await h.reservations.reserve({ orderId: ORDER, lineNumber: 1, sku: 'BROKEN-1', locationCode: 'EAST', quantity: 2 });
  assert.equal(outcome.result, 'reserved');
  const id = outcome.result === 'reserved' ? outcome.reservation.id : '';
  await h.reservations.release(id, 'reallocated');
  assert.deepEqual(await checkLedgerInvariants(t.store.db, skus), []);
  const snapshot = await readMovements(t.store.db, skus);

  // Written behind the service's back, as a bug would: a second release and an edited receipt.
  const now = h.clock.now();
  await t.store.db
    .insertInto('inventory_movements')
    .values({ id: h.ids.next(), sku: 'BROKEN-1', location_code: 'EAST', type: 'reservation_release', d_on_hand: 0, d_reserved: -2, d_quarantined: 0, d_damaged: 0, d_in_transit: 0, reason_code: null, source: 'crossdock', source_sequence: null, occurred_at: now, received_at: now, reservation_id: id, reference: null })
    .execute();
  await t.store.db.updateTable('inventory_movements').set({ d_on_hand: 6 }).where('seq', '=', snapshot[0]!.seq).execute();
  const found = await checkLedgerInvariants(t.store.db, skus);
  assert.ok(found.some((v) => v.startsWith('I1:')), found.join('\n'));
  assert.ok(found.some((v) => v.startsWith('I2:')), 'reserved went below zero in the replay');
  assert.ok(found.some((v) => v.startsWith(`I4: reservation ${id} resolved 2 times`)), found.join('\n'));
  assert.deepEqual((await checkLedgerUnchanged(t.store.db, skus, snapshot)).map((v) => v.slice(0, 13)), [`I10: movement`]);
});
