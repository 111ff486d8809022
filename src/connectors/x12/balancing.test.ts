import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12 } from './reader.ts';
import { errorsOf, interchange, PO_850 } from './x12.test-support.ts';

type Options = Parameters<typeof interchange>[1];
/** Level-3 errors of one set as [code, segment, element]. */
const balance = (body: string[], options: Options = {}) =>
  errorsOf(parseX12(interchange([body], options))).map((e) => [e.code, e.segmentId, e.elementPosition]);
const swap = (body: string[], from: string, to: string) => body.map((segment) => (segment === from ? to : segment));

const ASN: Options = { functionalId: 'SH', setId: '856' };
const ASN_BODY = ['BSN*00*SH1*20260714*1200', 'HL*1**S*1', 'HL*2*1*O*1', 'PRF*PO123', 'HL*3*2*P*1', 'HL*4*3*I*0', 'LIN**VN*A-1', 'SN1**2*EA', 'HL*5*3*I*0', 'LIN**VN*B-2', 'SN1**3*EA', 'CTT*5*5'];

const INVOICE: Options = { functionalId: 'IN', setId: '810' };
/** 2 × 1.50 + 3 × 2.25 = 9.75, plus a 5.00 freight charge, less a 1.25 allowance: 13.50. */
const INVOICE_BODY = ['BIG*20260714*INV1**PO123', 'IT1*1*2*EA*1.50**VN*A-1', 'IT1*2*3*EA*2.25**VN*B-2', 'TDS*1350', 'SAC*C*D240***500', 'SAC*A*C310***125', 'CTT*2*5'];

test('850: CTT01 counts PO1 lines, CTT02 sums their quantities, AMT totals them', () => {
  assert.deepEqual(balance(PO_850), []);
  assert.deepEqual(balance(swap(PO_850, 'CTT*2*5', 'CTT*3*5')), [['balance_line_count', 'CTT', 1]]);
  assert.deepEqual(balance(swap(PO_850, 'CTT*2*5', 'CTT*2*6')), [['balance_hash_total', 'CTT', 2]]);
  assert.deepEqual(balance(swap(PO_850, 'AMT*1*9.75', 'AMT*1*9.76')), [['balance_amount', 'AMT', 2]]);
  // CTT02 is optional; without it only the count is checked.
  assert.deepEqual(balance(swap(PO_850, 'CTT*2*5', 'CTT*2')), []);
});

test('850: a total transaction amount (TT) includes charges and allowances', () => {
  const withCharge = [...PO_850.slice(0, 1), 'SAC*C*D240***250', ...PO_850.slice(1).map((s) => (s === 'AMT*1*9.75' ? 'AMT*TT*12.25' : s))];
  assert.deepEqual(balance(withCharge), []);
  assert.deepEqual(balance(swap(withCharge, 'AMT*TT*12.25', 'AMT*TT*9.75')), [['balance_amount', 'AMT', 2]]);
});

test('855: CTT02 may sum the ordered or the acknowledged quantities', () => {
  const body = ['BAK*00*AD*PO123*20260714', 'PO1*1*2*EA*1.50**VN*A-1', 'ACK*IA*2*EA', 'PO1*2*3*EA*2.25**VN*B-2', 'ACK*IR*0*EA', 'CTT*2*5'];
  const options: Options = { functionalId: 'PR', setId: '855' };
  assert.deepEqual(balance(body, options), []);
  assert.deepEqual(balance(swap(body, 'CTT*2*5', 'CTT*2*2'), options), []);
  assert.deepEqual(balance(swap(body, 'CTT*2*5', 'CTT*2*4'), options), [['balance_hash_total', 'CTT', 2]]);
});

test('810: TDS01 equals the lines plus charges less allowances, in cents', () => {
  assert.deepEqual(balance(INVOICE_BODY, INVOICE), []);
  const errors = errorsOf(parseX12(interchange([swap(INVOICE_BODY, 'TDS*1350', 'TDS*1375')], INVOICE)));
  assert.deepEqual(errors.map((e) => [e.code, e.segmentId, e.elementPosition, e.value]), [['balance_amount', 'TDS', 1, '1375']]);
  assert.match(errors[0]?.message ?? '', /TDS01 1375 \(13\.75 with two implied decimals\) does not match the IT1 lines with charges and allowances, 13\.50/);
  // Taxes (TXI02) may be included in the total.
  assert.deepEqual(balance([...swap(INVOICE_BODY, 'TDS*1350', 'TDS*1458'), 'TXI*ST*1.08'].sort((a, b) => order(a) - order(b)), INVOICE), []);
  assert.deepEqual(balance(swap(INVOICE_BODY, 'CTT*2*5', 'CTT*1*5'), INVOICE), [['balance_line_count', 'CTT', 1]]);
});

/** Keeps an 810 body in summary order: lines, TDS, TXI, SAC, CTT. */
function order(segment: string): number {
  return ['BIG', 'IT1', 'TDS', 'TXI', 'SAC', 'CTT'].indexOf(segment.split('*')[0] as string);
}

test('810: a price with more decimals than cents is compared after rounding', () => {
  const body = ['BIG*20260714*INV2', 'IT1*1*3*EA*0.333**VN*A-1', 'TDS*100'];
  assert.deepEqual(balance(body, INVOICE), []);
});

test('856: a well-formed HL tree and CTT pass', () => {
  assert.deepEqual(balance(ASN_BODY, ASN), []);
  // CTT01 may count item-level HLs instead of all HLs.
  assert.deepEqual(balance(swap(ASN_BODY, 'CTT*5*5', 'CTT*2*5'), ASN), []);
  assert.deepEqual(balance(swap(ASN_BODY, 'CTT*5*5', 'CTT*4*5'), ASN), [['balance_line_count', 'CTT', 1]]);
  assert.deepEqual(balance(swap(ASN_BODY, 'CTT*5*5', 'CTT*5*6'), ASN), [['balance_hash_total', 'CTT', 2]]);
});

test('856: broken HL trees — numbering, parents, levels and child codes', () => {
  // HL 7 out of sequence: its children name a parent 3 that no longer exists, and it has none itself.
  assert.deepEqual(balance(swap(ASN_BODY, 'HL*3*2*P*1', 'HL*7*2*P*1'), ASN), [
    ['hl_sequence', 'HL', 1],
    ['hl_child_code', 'HL', 4],
    ['hl_sequence', 'HL', 1],
    ['hl_parent', 'HL', 2],
    ['hl_parent', 'HL', 2],
  ]);
  assert.deepEqual(balance(swap(ASN_BODY, 'HL*4*3*I*0', 'HL*4*9*I*0'), ASN), [['hl_parent', 'HL', 2]]);
  // An item directly under the shipment is fine (levels may be skipped); a pack under that item is not.
  const packUnderItem = balance(swap(ASN_BODY, 'HL*2*1*O*1', 'HL*2*1*I*1'), ASN);
  assert.deepEqual(packUnderItem, [['hl_level', 'HL', 3]]);
  // The root must be the shipment; and then the order under it sits under another order.
  assert.deepEqual(balance(swap(ASN_BODY, 'HL*1**S*1', 'HL*1**O*1'), ASN), [['hl_level', 'HL', 3], ['hl_level', 'HL', 3]]);
  assert.deepEqual(balance(swap(ASN_BODY, 'HL*5*3*I*0', 'HL*5*3*I*1'), ASN), [['hl_child_code', 'HL', 4]]);
  assert.deepEqual(balance(swap(ASN_BODY, 'HL*3*2*P*1', 'HL*3*2*X*1'), ASN), [['hl_level', 'HL', 3]]);
});

test('945, 944 and 940 totals agree with their lines', () => {
  const shipped = ['W06*F*ORD1*20260714', 'W12*CC*5*4*1*EA**VN*A-1', 'W12*CC*3*3**EA**VN*B-2', 'W03*7'];
  const advice: Options = { functionalId: 'SW', setId: '945' };
  assert.deepEqual(balance(shipped, advice), []);
  assert.deepEqual(balance(swap(shipped, 'W03*7', 'W03*8'), advice), [['balance_quantity', 'W03', 1]]);
  const receipt = ['W17*F*20260714*WR1*DO1', 'W07*60*EA**VN*A-1', 'N9*LT*LOT1', 'W07*40*EA**VN*B-2', 'N9*LT*LOT2', 'W14*100'];
  const received: Options = { functionalId: 'RE', setId: '944' };
  assert.deepEqual(balance(receipt, received), []);
  assert.deepEqual(balance(swap(receipt, 'W14*100', 'W14*90'), received), [['balance_quantity', 'W14', 1]]);
  const order = ['W05*N*ORD1', 'N1*ST*STORE', 'W66*PP*M', 'LX*1', 'W01*12*CA**VN*A-1', 'LX*2', 'W01*3*CA**VN*B-2', 'W76*15'];
  const release: Options = { functionalId: 'OW', setId: '940' };
  assert.deepEqual(balance(order, release), []);
  assert.deepEqual(balance(swap(order, 'W76*15', 'W76*16'), release), [['balance_quantity', 'W76', 1]]);
});

test('846: CTT01 counts LIN loops', () => {
  const body = ['BIA*00*DD*SNAP1*20260714', 'LIN**VN*A-1', 'QTY*33*10*EA', 'LIN**VN*B-2', 'QTY*33*0*EA', 'CTT*2'];
  const options: Options = { functionalId: 'IB', setId: '846' };
  assert.deepEqual(balance(body, options), []);
  assert.deepEqual(balance(swap(body, 'CTT*2', 'CTT*3'), options), [['balance_line_count', 'CTT', 1]]);
});

test('level 3 can be left out: level 2 reports no balancing errors', () => {
  const text = interchange([swap(PO_850, 'CTT*2*5', 'CTT*3*5')]);
  assert.deepEqual(errorsOf(parseX12(text, { level: 2 })), []);
  assert.equal(errorsOf(parseX12(text, { level: 3 })).length, 1);
});
