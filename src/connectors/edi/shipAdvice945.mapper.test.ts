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

test('what cannot be a confirmation of ours is reported, by segment', () => {
  const seg = (s: string, i: number) => ({ id: s.split('*')[0]!, elements: s.split('*'), setPosition: i + 2, filePosition: 0, byteOffset: 0 });
  const body = ['W06*F*NOT-OURS*20260106', 'W12*CC*4*4**CA**VN*SKU-1', 'W12*CC*1*1**EA**VN*SKU-2', 'W03*5'].map(seg);
  const mapped = mapShipAdvice945(body as never, { unitMappings: [] });
  assert.ok(!mapped.ok);
  assert.deepEqual(mapped.problems.map((p) => [p.code, p.segmentPosition]), [['unknown_depositor_order', 2], ['unit_not_supported', 3], ['line_number_missing', 4]]);
});
