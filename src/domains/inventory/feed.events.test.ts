import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoalescer, type PendingSku } from './feed.coalescer.ts';
import { availabilityEventsFor, AVAILABILITY_CHANGED, type AvailabilityChangedBatch } from './feed.events.ts';
import { emptyBuckets } from './ledger.rules.ts';
import type { PositionChange } from './position-changes.ts';

const change = (sku: string, locationCode: string, onHand: number, seq: number, acceptedAtMs = 1_000): PositionChange => ({
  sku,
  locationCode,
  buckets: { ...emptyBuckets(), onHand, reserved: 1 },
  lastMovementSeq: seq,
  acceptedAtMs,
});

test('a transaction announces one event listing each SKU once, with the latest state of each location it touched', () => {
  const events = availabilityEventsFor([change('A', 'EAST', 5, 7, 900), change('B', 'EAST', 1, 7), change('A', 'WEST', 3, 8), change('A', 'EAST', 9, 9)]);
  assert.deepEqual(events.map((e) => [e.type, e.subject]), [[AVAILABILITY_CHANGED, 'inventory/availability']]);
  const data = events[0]!.data as AvailabilityChangedBatch;
  assert.equal(data.lastMovementSeq, 9);
  assert.deepEqual(data.skus.map((s) => s.sku), ['A', 'B']);
  const a = data.skus[0]!;
  assert.deepEqual(a.locations.map((l) => [l.locationCode, l.atp]), [
    ['EAST', 8],
    ['WEST', 2],
  ]);
  assert.equal(a.lastMovementSeq, 9);
  assert.equal(a.acceptedAt, new Date(900).toISOString(), 'latency is measured from the earliest acceptance');
  assert.deepEqual(availabilityEventsFor([]), [], 'no change, no announcement');
});

test('a writer can pass the ATP as the availability API states it', () => {
  const [event] = availabilityEventsFor([change('A', 'EAST', 5, 7)], { atpOf: () => 42 });
  assert.equal((event!.data as AvailabilityChangedBatch).skus[0]!.locations[0]!.atp, 42);
});

test('changes within the window leave as one batch entry per SKU, with the earliest acceptance', async () => {
  const batches: PendingSku[][] = [];
  const coalescer = createCoalescer(20, (batch) => batches.push(batch));
  coalescer.add([{ sku: 'A', acceptedAtMs: 5 }]);
  coalescer.add([{ sku: 'A', acceptedAtMs: 3 }, { sku: 'B', acceptedAtMs: 4 }]);
  coalescer.add([{ sku: 'A', acceptedAtMs: 9 }]);
  assert.equal(batches.length, 0, 'nothing leaves before the window closes');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(batches, [
    [
      { sku: 'A', firstAcceptedAtMs: 3 },
      { sku: 'B', firstAcceptedAtMs: 4 },
    ],
  ]);
  coalescer.add([{ sku: 'A', acceptedAtMs: 10 }]);
  coalescer.close();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(batches.length, 1, 'a closed coalescer drops what is pending');
});
