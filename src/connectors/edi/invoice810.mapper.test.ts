import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12, writeInterchange } from '../x12/index.ts';
import { ediInvoiceFrom, invoiceSegments, readInvoice } from './invoice810.mapper.ts';

const invoice = {
  invoiceNumber: 'INV-2026-0001',
  issuedAt: '2026-01-05T10:00:00.000Z',
  currency: 'USD',
  lines: [
    { lineNumber: 1, sku: 'SKU-1', quantity: 120, unitPriceMinor: 1049, amountMinor: 125_880 },
    { lineNumber: 2, sku: 'SKU-2', quantity: 3, unitPriceMinor: 1099, amountMinor: 3297 },
  ],
  totalMinor: 129_177,
};
const partner = { itemCrossReferences: [{ partnerItem: 'AC-778', sku: 'SKU-1' }] };

test('round trip: the 810 we write balances, passes our validator and reads back to the same invoice', () => {
  const edi = ediInvoiceFrom(invoice, 'PO-77', partner);
  assert.deepEqual(edi.lines.map((l) => [l.lineNumber, l.partnerItem, l.quantity, l.unitPriceMinor]), [[1, 'AC-778', 120, 1049], [2, undefined, 3, 1099]]);
  for (const version of ['004010', '005010'] as const) {
    const written = writeInterchange({
      sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
      receiver: { qualifier: 'ZZ', id: 'ACMERETAIL' },
      controlNumber: 12,
      at: new Date(Date.UTC(2026, 0, 5)),
      version: version === '005010' ? '00501' : '00401',
      groups: [{ functionalId: 'IN', senderCode: 'CROSSDOCK', receiverCode: 'ACMERETAIL', controlNumber: 3, version, sets: [{ id: '810', controlNumber: 1, segments: invoiceSegments(edi) }] }],
    });
    assert.ok(written.ok, JSON.stringify(!written.ok && written.issues));
    const reread = parseX12(written.text);
    assert.deepEqual(reread.issues.filter((i) => i.severity === 'error'), [], `${version}: valid at all three levels, TDS01 balancing the lines`);
    assert.deepEqual(readInvoice(reread.interchanges[0]!.groups[0]!.sets[0]!.segments), edi);
  }
});

test('a total that does not match its lines is caught by our validator before anything is sent', () => {
  const edi = { ...ediInvoiceFrom(invoice, 'PO-77', partner), totalMinor: 129_178 };
  const written = writeInterchange({
    sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
    receiver: { qualifier: 'ZZ', id: 'ACMERETAIL' },
    controlNumber: 13,
    at: new Date(Date.UTC(2026, 0, 5)),
    groups: [{ functionalId: 'IN', senderCode: 'CROSSDOCK', receiverCode: 'ACMERETAIL', controlNumber: 4, version: '004010', sets: [{ id: '810', controlNumber: 1, segments: invoiceSegments(edi) }] }],
  });
  assert.ok(written.ok);
  assert.ok(parseX12(written.text).issues.some((i) => i.severity === 'error' && i.code.startsWith('balance_')));
});
