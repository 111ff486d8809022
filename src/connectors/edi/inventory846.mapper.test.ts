import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { X12Segment } from '../x12/index.ts';
import { mapInventory846, reportTime } from './inventory846.mapper.ts';

const segmentsOf = (text: string): X12Segment[] =>
  text
    .split('~')
    .filter(Boolean)
    .map((s, i) => {
      const elements = s.split('*');
      return { id: elements[0]!, elements, delimiters: { element: '*', component: '>', repetition: null, segment: '~' }, setPosition: i + 1, filePosition: i + 1, byteOffset: 0 };
    });

test('counts at the report location: QTY 17 is on hand, QTY 33 when there is none; units from QTY03', () => {
  const mapped = mapInventory846(
    segmentsOf('ST*846*0001~BIA*00*DD*INV-1*20260301*0830~N1*WH*East DC*92*DC-EAST~LIN**VN*SKU-1~QTY*33*7*EA~QTY*17*9*EA~LIN**BP*P-2~QTY*33*3*CA~LIN**UP*012345678905~QTY*02*4~CTT*3~SE*11*0001'),
  );
  assert.ok(!mapped.ok, 'an item with neither QTY 17 nor 33 is a problem');
  assert.deepEqual(mapped.problems.map((p) => [p.code, p.segmentPosition]), [['quantity_missing', 9]]);
  const good = mapInventory846(segmentsOf('ST*846*0001~BIA*00*DD*INV-1*20260301*0830~N1*WH*East DC*92*DC-EAST~LIN**VN*SKU-1~QTY*33*7*EA~QTY*17*9*EA~LIN**BP*P-2~QTY*33*3*CA~CTT*2~SE*9*0001'));
  assert.ok(good.ok);
  assert.deepEqual(good.advice, {
    reportId: 'INV-1',
    asOf: '2026-03-01T08:30:00.000Z',
    counts: [
      { ids: { numbers: ['SKU-1'] }, locationCode: 'DC-EAST', quantity: 9, unit: 'EA', segmentPosition: 4 },
      { ids: { numbers: ['P-2'] }, locationCode: 'DC-EAST', quantity: 3, unit: 'CA', segmentPosition: 7 },
    ],
  });
});

test('an N1 in the LIN loop counts at its own location; REF*WS names the report location; none is a problem', () => {
  const mapped = mapInventory846(segmentsOf('ST*846*0001~BIA*00*DD*INV-2*20260301~REF*WS*DC-WEST~LIN**VN*SKU-1~QTY*17*1~N1*WH**92*DC-EAST~QTY*17*2~CTT*1~SE*9*0001'));
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.advice.counts.map((c) => [c.locationCode, c.quantity]), [['DC-WEST', 1], ['DC-EAST', 2]]);
  assert.equal(mapped.advice.asOf, '2026-03-01T00:00:00.000Z');
  const nowhere = mapInventory846(segmentsOf('ST*846*0001~BIA*00*DD*INV-3*20260301~LIN**VN*SKU-1~QTY*17*1~CTT*1~SE*6*0001'));
  assert.ok(!nowhere.ok);
  assert.deepEqual(nowhere.problems.map((p) => [p.code, p.segmentPosition]), [['location_missing', 4]]);
});

test('report times', () => {
  assert.deepEqual(reportTime('20260301', '083015'), { ok: true, iso: '2026-03-01T08:30:15.000Z' }, 'UTC without a partner zone');
  assert.deepEqual(reportTime('20260301', '0830', 'America/Chicago'), { ok: true, iso: '2026-03-01T14:30:00.000Z' }, "the partner's wall clock");
  assert.equal(reportTime('2026031', '').ok, false);
  assert.equal(reportTime('20260301', '8:30').ok, false);
});
