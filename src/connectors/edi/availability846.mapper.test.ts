import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12, writeInterchange } from '../x12/index.ts';
import { availabilityFrom, availabilitySegments, readAvailability } from './availability846.mapper.ts';
import { mapInventory846 } from './inventory846.mapper.ts';

const partner = {
  itemCrossReferences: [
    { partnerItem: 'B-2', sku: 'SKU-2' },
    { partnerItem: 'B-1', gtin: '012345678905', sku: 'SKU-1' },
    { partnerItem: 'B-1b', sku: 'SKU-1' },
  ],
};

const written = (version: '004010' | '005010', segments: ReturnType<typeof availabilitySegments>) => {
  const out = writeInterchange({
    sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
    receiver: { qualifier: 'ZZ', id: 'PARTNER' },
    controlNumber: 7,
    at: new Date('2026-03-01T08:30:00Z'),
    version: version === '005010' ? '00501' : '00401',
    usage: 'P',
    groups: [{ functionalId: 'IB', senderCode: 'CROSSDOCK', receiverCode: 'PARTNER', controlNumber: 7, version, sets: [{ id: '846', controlNumber: 1, segments }] }],
  });
  assert.ok(out.ok);
  return out.text;
};

test('ATP per cross-referenced SKU, one line per SKU named by its first partner number and GTIN', () => {
  const atp = new Map([['SKU-1', 12], ['SKU-2', -3]]);
  const advice = availabilityFrom(partner, (sku) => atp.get(sku) ?? 0, 'ATP-1', '2026-03-01T08:30:59.000Z');
  assert.deepEqual(advice, {
    reportId: 'ATP-1',
    date: '2026-03-01',
    time: '0830',
    lines: [
      { sku: 'SKU-1', partnerItem: 'B-1', gtin: '012345678905', quantity: 12 },
      { sku: 'SKU-2', partnerItem: 'B-2', quantity: 0 },
    ],
  });
});

for (const version of ['004010', '005010'] as const) {
  test(`round trip (${version}): the 846 we write passes our validator and reads back to the same advice`, () => {
    const advice = availabilityFrom(partner, () => 5, 'ATP-2', '2026-03-01T08:30:00.000Z');
    const parsed = parseX12(written(version, availabilitySegments(advice)));
    assert.equal(parsed.valid, true, JSON.stringify(parsed.issues));
    const set = parsed.interchanges[0]!.groups[0]!.sets[0]!;
    assert.deepEqual(readAvailability(set.segments), advice);
    // Our own 846 reader takes it too: QTY 33 counts as on hand when it names a location.
    assert.equal(mapInventory846(set.segments).ok, false, 'without a location it is not a count');
  });
}
