import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../platform/clock.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { postToLedger, type LedgerPosting } from './ledger.posting.ts';
import { readAllPositions } from './ledger.repo.ts';

let t: TestStore;
const clock = new ManualClock();
const ids = uuidV7Generator(clock, seededRandom(3));
before(async () => {
  t = await createTestStore();
});
after(async () => t.dispose());

const base = { source: 'WMS-A', occurredAt: 1, receivedAt: 1, locationCode: 'EAST' };
const context = () => ({ kind: testStoreKind, ids, now: clock.now(), allowNegativeOnHand: (loc: string) => loc === 'NEG' });

test(`posting applies in order, rejects what breaks I2/I3 and keeps the rest (${testStoreKind})`, async () => {
  const postings: LedgerPosting[] = [
    { ...base, sku: 'A', type: 'receipt', event: { type: 'receipt', quantity: 10 }, sourceSequence: 1 },
    { ...base, sku: 'A', type: 'ship', event: { type: 'ship', quantity: 4 }, sourceSequence: 2 },
    { ...base, sku: 'A', type: 'ship', event: { type: 'ship', quantity: 7 }, sourceSequence: 3 },
    { ...base, sku: 'A', type: 'reservation_create', deltas: { reserved: 5 }, reserveQuantity: 5, sourceSequence: null, source: 'crossdock' },
    { ...base, sku: 'A', type: 'reservation_create', deltas: { reserved: 2 }, reserveQuantity: 2, sourceSequence: null, source: 'crossdock' },
    { ...base, sku: 'B', locationCode: 'NEG', type: 'ship', event: { type: 'ship', quantity: 3 }, sourceSequence: 4 },
  ];
  const report = await t.store.db.transaction().execute((tx) => postToLedger(tx, context(), postings));
  assert.deepEqual(
    report.outcomes.map((o) => (o.ok ? 'ok' : o.rejection.code)),
    ['ok', 'ok', 'negative_bucket', 'ok', 'reserved_exceeds_sellable', 'ok'],
  );
  const stored = new Map((await readAllPositions(t.store.db)).map((r) => [`${r.sku}@${r.location_code}`, r]));
  assert.equal(stored.get('A@EAST')!.on_hand, 6);
  assert.equal(stored.get('A@EAST')!.reserved, 5);
  assert.equal(stored.get('B@NEG')!.on_hand, -3, 'a location that allows it may go negative');
  const movements = await t.store.db.selectFrom('inventory_movements').select(['type']).orderBy('seq').execute();
  assert.deepEqual(movements.map((m) => m.type), ['receipt', 'ship', 'reservation_create', 'ship']);
});

test(`a sender's sequence number is stored once (${testStoreKind})`, async () => {
  const again: LedgerPosting = { ...base, sku: 'A', type: 'receipt', event: { type: 'receipt', quantity: 1 }, sourceSequence: 1 };
  await assert.rejects(t.store.db.transaction().execute((tx) => postToLedger(tx, context(), [again])));
  const positions = await readAllPositions(t.store.db);
  assert.equal(positions.find((p) => p.sku === 'A')!.on_hand, 6, 'the failed transaction changed nothing');
});
