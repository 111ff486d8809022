import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapShipAdvice945, shipAdviceSegments } from './shipAdvice945.mapper.ts';
import { depositorOrderNumber } from './warehouse940.mapper.ts';
import { written } from './warehouse940.test-support.ts';

const requestId = '0190f3a2-7b1c-7d2e-8f00-1234567890ab';
const partner = { unitMappings: [{ partnerUnit: 'EO', unit: 'EA' }] };

test('a 945 becomes the shipment confirmation the API takes: request, number, date, carrier, tracking, shipped lines', () => {
  const segments = written(
    shipAdviceSegments({
      fulfillmentRequestId: requestId,
      shipmentNumber: 'SH-9001',
      shipDate: '2026-01-06',
      carrierScac: 'UPSN',
      trackingNumber: '1Z999AA10123456784',
      lines: [
        { lineNumber: 1, sku: 'SKU-1', ordered: 12, shipped: 12 },
        { lineNumber: 3, sku: 'SKU-2', ordered: 5, shipped: 0 },
        { lineNumber: 4, sku: 'SKU-3', ordered: 5, shipped: 2 },
      ],
    }),
    'SW',
    '945',
  );
  const mapped = mapShipAdvice945(segments, partner);
  assert.ok(mapped.ok, JSON.stringify(mapped));
  assert.deepEqual(mapped.linePositions, [6, 12], 'the W12 of each confirmed line (ST, W06, N9, W27, then LX and W12 per line)');
  assert.deepEqual(mapped.confirmation, {
    fulfillmentRequestId: requestId,
    shipmentNumber: 'SH-9001',
    shippedAt: '2026-01-06T00:00:00.000Z',
    carrierScac: 'UPSN',
    trackingNumber: '1Z999AA10123456784',
    lines: [{ lineNumber: 1, quantity: 12 }, { lineNumber: 4, quantity: 2 }],
  });
});

test('without N9 LI the LX names the line; G62 gives the time; a mapped unit counts as eaches', () => {
  const w06 = ['W06', 'F', depositorOrderNumber(requestId), '20260106'];
  const seg = (s: string) => s.split('*');
  const lines = [w06, seg('G62*11*20260106*8*1415'), seg('LX*2'), seg('W12*CC*4*4**EO**VN*SKU-1')].map((elements, i) => ({ id: elements[0]!, elements, setPosition: i + 2, filePosition: 0, byteOffset: 0 }));
  const mapped = mapShipAdvice945(lines as never, partner);
  assert.ok(mapped.ok, JSON.stringify(mapped));
  assert.deepEqual([mapped.confirmation.shipmentNumber, mapped.confirmation.shippedAt, mapped.confirmation.lines], [depositorOrderNumber(requestId), '2026-01-06T14:15:00.000Z', [{ lineNumber: 2, quantity: 4 }]]);
});

test("the ship time is the partner's wall clock: G6205's time code, else its zone from master data, else UTC", () => {
  const seg = (s: string) => s.split('*');
  const advice = (g62: string) =>
    [['W06', 'F', depositorOrderNumber(requestId), '20260106'], seg(g62), seg('LX*1'), seg('W12*CC*4*4**EA**VN*SKU-1')].map((elements, i) => ({ id: elements[0]!, elements, setPosition: i + 2, filePosition: 0, byteOffset: 0 }));
  const shippedAt = (g62: string, timezone?: string) => {
    const mapped = mapShipAdvice945(advice(g62) as never, { unitMappings: [], x12: { timezone } });
    return mapped.ok ? mapped.confirmation.shippedAt : mapped.problems.map((p) => `${p.code}: ${p.message}`).join('; ');
  };
  // A 3PL in Frankfurt writes 18:00 in January: 17:00 UTC, not an hour in the future.
  assert.equal(shippedAt('G62*11*20260106*8*1800', 'Europe/Berlin'), '2026-01-06T17:00:00.000Z');
  assert.equal(shippedAt('G62*11*20260106*8*1800*LT', 'Europe/Berlin'), '2026-01-06T17:00:00.000Z', 'LT: local time, the partner zone');
  assert.equal(shippedAt('G62*11*20260106*8*1800*UT', 'Europe/Berlin'), '2026-01-06T18:00:00.000Z', 'a time code wins over the partner zone');
  assert.equal(shippedAt('G62*11*20260706*8*1800*CT'), '2026-07-06T23:00:00.000Z', 'Central time in July is CDT');
  assert.equal(shippedAt('G62*11*20260706*8*1800*CS'), '2026-07-07T00:00:00.000Z', 'CS is Central standard time, whatever the date');
  assert.equal(shippedAt('G62*11*20260106*8*1800'), '2026-01-06T18:00:00.000Z', 'no code, no zone: UTC');
  assert.equal(shippedAt('G62*11*20260106*8*1800*XX'), 'invalid_date: the ship date: time code "XX" is not one this hub reads (01–24, AD, AS, AT, CD, CS, CT, ED, ES, ET, GM, HD, HS, HT, LT, MD, MS, MT, ND, NS, NT, PD, PS, PT, TD, TS, TT, UT)');
  assert.equal(shippedAt('G62*11*20260231*8*1800'), 'invalid_date: the ship date: "20260231 1800" is not a date and time that exists');
});

test('what cannot be a confirmation of ours is reported, by segment', () => {
  const seg = (s: string, i: number) => ({ id: s.split('*')[0]!, elements: s.split('*'), setPosition: i + 2, filePosition: 0, byteOffset: 0 });
  const body = ['W06*F*NOT-OURS*20260106', 'W12*CC*4*4**CA**VN*SKU-1', 'W12*CC*1*1**EA**VN*SKU-2', 'W03*5'].map(seg);
  const mapped = mapShipAdvice945(body as never, { unitMappings: [] });
  assert.ok(!mapped.ok);
  assert.deepEqual(mapped.problems.map((p) => [p.code, p.segmentPosition]), [['unknown_depositor_order', 2], ['unit_not_supported', 3], ['line_number_missing', 4]]);
});
