import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readShipNotice, shipNoticeFrom, shipNoticeSegments } from './shipNotice856.mapper.ts';
import { written } from './warehouse940.test-support.ts';

const shipment = {
  id: '0190f3a2-7b1c-7d2e-8f00-1234567890ab',
  shipmentNumber: 'SH-9001',
  shippedAt: '2026-01-06T14:15:00.000Z',
  carrierScac: 'UPSN',
  serviceCode: 'GROUND',
  trackingNumber: '1Z999AA10123456784',
  lines: [
    { lineNumber: 1, sku: 'SKU-1', quantity: 12 },
    { lineNumber: 4, sku: 'SKU-2', quantity: 2 },
  ],
};
const partner = { itemCrossReferences: [{ partnerItem: '065322-117', sku: 'SKU-1' }] };

test('round trip: the 856 we write has a sound HL tree, balances, and reads back to the same ship notice', () => {
  const notice = shipNoticeFrom(shipment, 'PO-77', partner);
  assert.deepEqual(notice.lines, [{ lineNumber: 1, sku: 'SKU-1', partnerItem: '065322-117', quantity: 12 }, { lineNumber: 4, sku: 'SKU-2', quantity: 2 }]);
  for (const version of ['004010', '005010'] as const) {
    const segments = written(shipNoticeSegments(notice), 'SH', '856', version);
    assert.deepEqual(segments.filter((s) => s.id === 'HL').map((s) => s.elements.slice(1).join('*')), ['1**S*1', '2*1*O*1', '3*2*I*0', '4*2*I*0']);
    assert.deepEqual(readShipNotice(segments), notice);
  }
});

test('a shipment number BSN02 cannot hold is replaced by our id; a tracking number REF02 cannot hold is left out', () => {
  const notice = shipNoticeFrom({ ...shipment, shipmentNumber: 'X'.repeat(40), trackingNumber: 'T'.repeat(40), carrierScac: undefined, serviceCode: undefined }, 'PO-77', { itemCrossReferences: [] });
  assert.equal(notice.shipmentId, '0190f3a27b1c7d2e8f001234567890'.slice(0, 30));
  assert.equal(notice.trackingNumber, undefined);
  assert.deepEqual(readShipNotice(written(shipNoticeSegments(notice), 'SH', '856')), notice);
});
