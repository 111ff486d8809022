import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseX12 } from '../x12/index.ts';
import { mapReceipt944 } from './receipt944.mapper.ts';
import { transferIdOf, transferNumberFor } from './receipt944.inbound.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/x12/${name}`, import.meta.url), 'utf8');
const setOf = (text: string) => parseX12(text).interchanges[0]!.groups[0]!.sets[0]!;

test('the public 944 fixture maps to a receipt WR12345 against DO12345 of 100 EA of ITEM123', () => {
  const set = setOf(fixture('944-receipt-004010.edi'));
  assert.equal(set.issues.filter((i) => i.severity === 'error').length, 0);
  const mapped = mapReceipt944(set.segments);
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.advice, { receiptNumber: 'WR12345', reference: 'DO12345', receivedDate: '2026-07-14', lines: [{ ids: { numbers: ['ITEM123'] }, quantity: 100, unit: 'EA' }] });
  assert.deepEqual([mapped.w17Position, mapped.linePositions], [2, [5]]);
});

test('a W0703 UPC is the GTIN; a W07 with no item or a fractional quantity is reported at its position', () => {
  const text = fixture('944-receipt-004010.edi').replace('W07*100*EA**UK*ITEM123***LOT456', 'W07*100*EA*012345678905*VN*A-1');
  const mapped = mapReceipt944(setOf(text).segments);
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.advice.lines[0]!.ids, { gtin: '012345678905', numbers: ['A-1'] });
  const bad = mapReceipt944(setOf(fixture('944-receipt-004010.edi').replace('W07*100*EA**UK*ITEM123', 'W07*1.5*EA**UK*ITEM123')).segments);
  assert.ok(!bad.ok);
  assert.deepEqual(bad.problems.map((p) => [p.code, p.segmentPosition]), [['quantity_invalid', 5]]);
});

test('a transfer number fits W1704 and turns back into the transfer id', () => {
  const id = '0190f3a2-7b1c-7d2e-8f00-1234567890ab';
  const number = transferNumberFor(id);
  assert.equal(number.length, 22);
  assert.equal(transferIdOf(number), id);
  assert.equal(transferIdOf('PO-1'), undefined);
});
