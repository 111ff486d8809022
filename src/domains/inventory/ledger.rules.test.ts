import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeltas, checkReserve, deltasForEvent, emptyBuckets, shortfall, type Buckets } from './ledger.rules.ts';
import { atpAtLocation, atpByDate, atpForChannel, confidence, confidenceAdjustedAtp, freshness } from './atp.rules.ts';

const at = (b: Partial<Buckets>): Buckets => ({ ...emptyBuckets(), ...b });

/** Scenario table: event → expected deltas or rejection code. */
const cases: Array<{ name: string; event: Parameters<typeof deltasForEvent>[0]; position?: Partial<Buckets>; expect: object | string }> = [
  { name: 'receipt adds on hand', event: { type: 'receipt', quantity: 10 }, expect: { onHand: 10 } },
  { name: 'receipt of zero is refused', event: { type: 'receipt', quantity: 0 }, expect: 'quantity_must_be_positive' },
  { name: 'pick changes no bucket', event: { type: 'pick', quantity: 3 }, expect: {} },
  { name: 'ship takes on hand', event: { type: 'ship', quantity: 4 }, expect: { onHand: -4 } },
  { name: 'negative adjustment takes on hand', event: { type: 'adjustment', quantity: -2 }, expect: { onHand: -2 } },
  { name: 'damage adjustment moves into damaged', event: { type: 'adjustment', quantity: 2, bucket: 'damaged' }, expect: { damaged: 2 } },
  { name: 'adjusting reserved is refused', event: { type: 'adjustment', quantity: 2, bucket: 'reserved' }, expect: 'bucket_not_allowed' },
  { name: 'zero adjustment is refused', event: { type: 'adjustment', quantity: 0 }, expect: 'quantity_must_not_be_zero' },
  { name: 'cycle count posts the difference', event: { type: 'cycle_count', quantity: 7 }, position: { onHand: 10 }, expect: { onHand: -3 } },
  { name: 'transfer in clears in transit', event: { type: 'transfer_in', quantity: 5 }, position: { inTransit: 3 }, expect: { onHand: 5, inTransit: -3 } },
  { name: 'return lands in quarantine', event: { type: 'return_receipt', quantity: 2 }, expect: { onHand: 2, quarantined: 2 } },
  { name: 'restock frees quarantine', event: { type: 'disposition', quantity: 2, reasonCode: 'restock' }, expect: { quarantined: -2 } },
  { name: 'scrap removes from quarantine and on hand', event: { type: 'disposition', quantity: 2, reasonCode: 'scrap' }, expect: { quarantined: -2, onHand: -2 } },
  { name: 'disposition without reason is refused', event: { type: 'disposition', quantity: 2 }, expect: 'disposition_reason_required' },
];

for (const c of cases) {
  test(`ledger rule: ${c.name}`, () => {
    const result = deltasForEvent(c.event, at(c.position ?? {}));
    if (typeof c.expect === 'string') {
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.rejection.code, c.expect);
    } else {
      assert.deepEqual(result, { ok: true, deltas: c.expect });
    }
  });
}

test('no bucket goes negative unless the location allows negative on hand (I2)', () => {
  const refused = applyDeltas(at({ onHand: 1 }), { onHand: -2 }, { allowNegativeOnHand: false });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.rejection.code, 'negative_bucket');
  const allowed = applyDeltas(at({ onHand: 1 }), { onHand: -2 }, { allowNegativeOnHand: true });
  assert.deepEqual(allowed, { ok: true, position: at({ onHand: -1 }) });
  const reserved = applyDeltas(at({ onHand: 5, reserved: 1 }), { reserved: -2 }, { allowNegativeOnHand: true });
  assert.equal(reserved.ok, false, 'reserved may never go negative');
});

test('reservations take only free sellable stock (I3); a physical loss shows as shortfall', () => {
  const p = at({ onHand: 10, quarantined: 2, damaged: 1, reserved: 4 });
  assert.deepEqual(checkReserve(p, 3), { ok: true });
  const over = checkReserve(p, 4);
  assert.equal(over.ok, false);
  assert.match(!over.ok ? over.rejection.message : '', /only 3 free/);
  assert.equal(shortfall(p), 0);
  assert.equal(shortfall(at({ onHand: 2, reserved: 5 })), 3);
});

test('ATP: sellable − reserved − safety, channel protections held from other channels, supply by date', () => {
  const p = at({ onHand: 100, quarantined: 5, damaged: 5, reserved: 20 });
  assert.equal(atpAtLocation(p), 70);
  assert.equal(atpAtLocation(p, 10), 60);
  const protections = [{ channelCode: 'EDI', quantity: 30 }];
  assert.equal(atpForChannel(p, 10, protections, 'WEB'), 30);
  assert.equal(atpForChannel(p, 10, protections, 'EDI'), 60);
  assert.equal(atpForChannel(p, 10, [{ channelCode: 'EDI', quantity: 500 }], 'WEB'), 0, 'never negative');
  const inbound = [
    { locationCode: 'A', quantity: 40, expectedAtMs: 2_000 },
    { locationCode: 'A', quantity: 25, expectedAtMs: 5_000 },
  ];
  assert.equal(atpByDate(60, inbound, 1_000), 60);
  assert.equal(atpByDate(60, inbound, 2_000), 100);
  assert.equal(atpByDate(60, inbound, 9_000), 125);
});

test('confidence falls with staleness and drift, and discounts ATP only when below policy', () => {
  const hourMs = 3_600_000;
  const fresh = freshness(0, hourMs / 2, hourMs);
  assert.equal(fresh.state, 'fresh');
  assert.equal(confidence(fresh, 0), 1);
  const twoIntervals = freshness(0, 2 * hourMs, hourMs);
  assert.equal(twoIntervals.state, 'stale');
  assert.equal(confidence(twoIntervals, 0), 0.667);
  assert.equal(confidence(freshness(0, 10 * hourMs, hourMs), 0), 0);
  assert.equal(confidence(fresh, 0.1), 0.9);
  assert.equal(confidence(freshness(null, 0, hourMs), 0), 0.5);
  assert.equal(confidenceAdjustedAtp(100, 1), 100);
  assert.equal(confidenceAdjustedAtp(100, 0.667), 66);
});
