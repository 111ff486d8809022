import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12 } from './reader.ts';
import { writeInterchange, writeSegments, type X12InterchangeInput, type X12SegmentInput } from './writer.ts';
import type { X12Delimiters } from './x12.types.ts';

const STANDARD: X12Delimiters = { element: '*', component: '>', repetition: null, segment: '~' };
const AT = new Date('2026-07-14T09:05:00Z');

const order: X12SegmentInput[] = [
  ['BEG', '00', 'SA', 'PO-77', '', '20260714'],
  ['N1', 'ST', 'STORE 12', '92', '0012'],
  ['PO1', '1', '4', 'EA', '2.50', '', 'VN', 'A-1'],
  ['CTT', '1', '4'],
  ['AMT', '1', '10.00'],
];

const input = (segments: readonly X12SegmentInput[] = order, overrides: Partial<X12InterchangeInput> = {}): X12InterchangeInput => ({
  sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
  receiver: { qualifier: '01', id: '123456789' },
  controlNumber: 42,
  at: AT,
  groups: [{ functionalId: 'PO', senderCode: 'CROSSDOCK', receiverCode: '123456789', controlNumber: 7, version: '004010', sets: [{ id: '850', controlNumber: 1, segments }] }],
  ...overrides,
});

test('an interchange is written with padded ISA, computed counts and the caller’s control numbers', () => {
  const written = writeInterchange(input());
  assert.ok(written.ok);
  const lines = written.text.split('~');
  assert.equal(lines[0], 'ISA*00*          *00*          *ZZ*CROSSDOCK      *01*123456789      *260714*0905*U*00401*000000042*0*P*>');
  assert.equal(lines[0]?.length, 105, 'an ISA is 106 bytes with its terminator');
  assert.deepEqual(lines.slice(1, -1), [
    'GS*PO*CROSSDOCK*123456789*20260714*0905*7*X*004010',
    'ST*850*0001',
    'BEG*00*SA*PO-77**20260714',
    'N1*ST*STORE 12*92*0012',
    'PO1*1*4*EA*2.50**VN*A-1',
    'CTT*1*4',
    'AMT*1*10.00',
    'SE*7*0001',
    'GE*1*7',
    'IEA*1*000000042',
  ]);
  // What we write passes our own validator at every level.
  assert.deepEqual(parseX12(written.text).issues, []);
});

test('trailing empty elements and components are left out', () => {
  const written = writeSegments([['PO1', '1', '4', 'EA', '', '', ''], ['REF', 'ZZ', 'A', '', ['VN', 'X1', '', '']]], STANDARD);
  assert.ok(written.ok);
  assert.equal(written.text, 'PO1*1*4*EA~REF*ZZ*A**VN>X1~');
});

test('repetitions are written with the repetition separator of 00402 and later', () => {
  const modern = { element: '*', component: ':', repetition: '^', segment: '~' };
  const written = writeSegments([['N1', 'ST', { repeats: ['ONE', 'TWO'] }], ['REF', 'ZZ', '', '', { repeats: [['VN', '1'], ['BP', '2']] }]], modern);
  assert.ok(written.ok);
  assert.equal(written.text, 'N1*ST*ONE^TWO~REF*ZZ***VN:1^BP:2~');
  const old = writeSegments([['N1', 'ST', { repeats: ['ONE', 'TWO'] }]], STANDARD);
  assert.ok(!old.ok);
  assert.deepEqual(old.issues.map((i) => [i.code, i.segmentId, i.elementPosition]), [['writer_value', 'N1', 2]]);
});

test('data containing a delimiter or a line break is refused, naming segment, position and element', () => {
  const written = writeInterchange(input([order[0] as X12SegmentInput, ['N1', 'ST', 'SMITH*JONES', '92', '0012'], ['PO1', '1', '4', 'EA', '2.50', '', 'VN', ['A', 'B~C']], ['NTE', 'GEN', 'LINE\nBREAK']]));
  assert.ok(!written.ok);
  assert.deepEqual(written.issues.map((i) => [i.code, i.segmentId, i.segmentPosition, i.elementPosition, i.componentPosition]), [
    ['writer_delimiter_in_data', 'N1', 3, 2, undefined],
    ['writer_delimiter_in_data', 'PO1', 4, 7, 2],
    ['writer_delimiter_in_data', 'NTE', 5, 2, undefined],
  ]);
  assert.match(written.issues[0]?.message ?? '', /N102 "SMITH\*JONES" contains "\*", which is a delimiter of this interchange/);
  // The same data is fine with delimiters it does not contain.
  const other = writeInterchange(input([['N1', 'ST', 'SMITH*JONES', '92', '0012']]), { delimiters: { element: '|' } });
  assert.ok(other.ok);
});

test('values that do not fit the envelope are refused rather than cut', () => {
  const written = writeInterchange(input(order, { sender: { qualifier: 'ZZ', id: 'A-SENDER-ID-TOO-LONG' }, controlNumber: 1_000_000_000 }));
  assert.ok(!written.ok);
  assert.deepEqual(written.issues.map((i) => [i.code, i.segmentId, i.elementPosition]), [['writer_value', 'ISA', 13], ['writer_value', 'ISA', 6]]);
  const clash = writeInterchange(input(), { delimiters: { component: '*' } });
  assert.ok(!clash.ok);
});

test('005010 interchanges get the repetition separator in ISA11 and ST03 when given', () => {
  const written = writeInterchange({
    ...input(),
    groups: [{ functionalId: 'PO', senderCode: 'A1', receiverCode: 'B1', controlNumber: 1, version: '005010', sets: [{ id: '850', controlNumber: '12345', implementationReference: '005010X000', segments: order }] }],
  }, { lineBreak: true });
  assert.ok(written.ok);
  const document = parseX12(written.text);
  assert.equal(document.interchanges[0]?.header.version, '00501');
  assert.deepEqual(document.interchanges[0]?.header.delimiters, { element: '*', component: ':', repetition: '^', segment: '~' });
  assert.equal(document.interchanges[0]?.groups[0]?.sets[0]?.implementationReference, '005010X000');
  assert.ok(written.text.includes('~\nST*850*12345*005010X000~\n'));
  assert.deepEqual(document.issues, []);
});

test('several groups and sets: GE01 and IEA01 count them', () => {
  const group = (controlNumber: number) => ({ functionalId: 'PO', senderCode: 'A1', receiverCode: 'B1', controlNumber, version: '004010', sets: [1, 2, 3].map((n) => ({ id: '850', controlNumber: n, segments: order })) });
  const written = writeInterchange({ ...input(), groups: [group(1), group(2)] });
  assert.ok(written.ok);
  assert.match(written.text, /GE\*3\*1~.*GE\*3\*2~IEA\*2\*000000042~$/s);
  assert.deepEqual(parseX12(written.text).issues, []);
});
