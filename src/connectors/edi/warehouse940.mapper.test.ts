import { test } from 'node:test';
import assert from 'node:assert/strict';
import { written } from './warehouse940.test-support.ts';
import { depositorOrderNumber, readWarehouseOrder, requestIdOf, warehouseOrderFrom, warehouseOrderSegments } from './warehouse940.mapper.ts';

const request = {
  id: '0190f3a2-7b1c-7d2e-8f00-1234567890ab',
  lines: [
    { lineNumber: 1, sku: 'SKU-1', quantity: 12 },
    { lineNumber: 3, sku: 'SKU-2', quantity: 5 },
  ],
  shipByAt: '2026-01-07T21:30:00.000Z',
};
const shipTo = { code: 'ST-001', name: 'ACME Store 1', address: { line1: '1 Main St', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' } };
const partner = { itemCrossReferences: [{ partnerItem: '3PL-778', sku: 'SKU-2' }] };


test('the depositor order number is our request id in 22 base-62 characters, and decodes back', () => {
  const number = depositorOrderNumber(request.id);
  assert.match(number, /^[0-9A-Za-z]{22}$/);
  assert.equal(requestIdOf(number), request.id);
  assert.equal(requestIdOf(request.id.toUpperCase()), request.id, 'a full id sent back is read too');
  for (const id of ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']) assert.equal(requestIdOf(depositorOrderNumber(id)), id);
  assert.equal(requestIdOf('ORDER-12'), null);
  assert.equal(requestIdOf('zzzzzzzzzzzzzzzzzzzzzz'), null, 'beyond 128 bits is not one of ours');
});

test('round trip: the 940 we write passes our validator and reads back to the same shipping order', () => {
  const order = warehouseOrderFrom('original', request, { customerPo: 'PO-77', externalOrderNumber: 'X-1' }, shipTo, partner);
  assert.deepEqual(order.lines.map((l) => [l.lineNumber, l.sku, l.partnerItem, l.quantity, l.unit]), [[1, 'SKU-1', undefined, 12, 'EA'], [3, 'SKU-2', '3PL-778', 5, 'EA']]);
  assert.equal(order.shipBy, '2026-01-07');
  for (const version of ['004010', '005010'] as const) {
    const segments = written(warehouseOrderSegments(order), 'OW', '940', version);
    assert.equal(segments.find((s) => s.id === 'W76')!.elements[1], '17', 'W76 totals the W01 quantities');
    assert.deepEqual(readWarehouseOrder(segments), order);
  }
});

test('a cancellation is W05 C with no lines; a long PO number is left out of W0503, not cut', () => {
  const cancel = warehouseOrderFrom('cancel', { ...request, lines: [] }, { externalOrderNumber: 'A-VERY-LONG-API-ORDER-NUMBER-1' }, undefined, partner);
  assert.equal(cancel.poNumber, undefined);
  const segments = written(warehouseOrderSegments(cancel), 'OW', '940');
  assert.deepEqual(segments.find((s) => s.id === 'W05')!.elements.slice(1), ['C', depositorOrderNumber(request.id)]);
  const { shipBy: _, ...read } = readWarehouseOrder(segments)!;
  assert.deepEqual(read, { purpose: 'cancel', fulfillmentRequestId: request.id, lines: [] });
});
