import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12 } from './reader.ts';
import { errorsOf, interchange, PO_850 } from './x12.test-support.ts';

/** Errors of one 850 body at level 2, as [code, segment, position in set, element, component?]. */
const errors850 = (body: string[], options: Parameters<typeof interchange>[1] = {}) =>
  errorsOf(parseX12(interchange([body], options), { level: 2 })).map((e) => [e.code, e.segmentId, e.segmentPosition, e.elementPosition, ...(e.componentPosition ? [e.componentPosition] : [])]);
const replaced = (from: string, to: string | null) => PO_850.flatMap((segment) => (segment === from ? (to === null ? [] : [to]) : [segment]));

test('the sample 850 passes level 2', () => {
  assert.deepEqual(errors850(PO_850), []);
});

test('a missing mandatory segment is named, with where it was noticed', () => {
  assert.deepEqual(errors850(replaced('BEG*00*SA*PO123**20260714', null)), [['segment_required_missing', 'BEG', 2, null]]);
  // The PO1 loop is mandatory in an 850.
  const noLines = PO_850.filter((segment) => !segment.startsWith('PO1'));
  assert.deepEqual(errors850(noLines), [['segment_required_missing', 'PO1', 4, null]]);
});

test('a segment out of its place, or foreign to the set, is reported and skipped', () => {
  const outOfPlace = ['BEG*00*SA*PO123**20260714', 'PO1*1*2*EA*1.50**VN*A-1', 'REF*DP*038', 'PO1*2*3*EA*2.25**VN*B-2', 'CTT*2'];
  // REF after a PO1 belongs to the PO1 loop, so it is fine there; CUR after PO1 loop content is not.
  assert.deepEqual(errors850(outOfPlace), []);
  const header = ['BEG*00*SA*PO123**20260714', 'N1*ST*STORE', 'CUR*BY*USD', 'PO1*1*2*EA*1.50**VN*A-1', 'CTT*1'];
  assert.deepEqual(errors850(header), [['segment_unexpected', 'CUR', 4, null]]);
  assert.deepEqual(errors850(replaced('CTT*2*5', 'XYZ*1')), [['segment_not_in_set', 'XYZ', 6, null]]);
});

test('a segment used more often than allowed is reported', () => {
  const body = ['BEG*00*SA*PO123**20260714', 'CUR*BY*USD', 'CUR*BY*CAD', 'PO1*1*2*EA*1.50**VN*A-1'];
  assert.deepEqual(errors850(body), [['segment_repeat_exceeded', 'CUR', 4, null]]);
});

test('consecutive loop triggers start new iterations, including an 856 HL loop with empty levels', () => {
  const asn = ['BSN*00*SH1*20260714*1200', 'HL*1**S*1', 'HL*2*1*O*1', 'HL*3*2*I*0', 'LIN**VN*A', 'SN1**5*EA', 'CTT*1'];
  assert.deepEqual(errorsOf(parseX12(interchange([asn], { functionalId: 'SH', setId: '856' }), { level: 2 })), []);
});

test('bad code values: BEG01 purpose, HL04 child code', () => {
  assert.deepEqual(errors850(replaced('BEG*00*SA*PO123**20260714', 'BEG*QQ*SA*PO123**20260714')), [['element_invalid_code', 'BEG', 2, 1]]);
  const asn = ['BSN*00*SH1*20260714*1200', 'HL*1**S*7'];
  const errors = errorsOf(parseX12(interchange([asn], { functionalId: 'SH', setId: '856' }), { level: 2 }));
  assert.deepEqual(errors.map((e) => [e.code, e.segmentId, e.elementPosition, e.elementReference, e.value]), [['element_invalid_code', 'HL', 4, '736', '7']]);
  assert.match(errors[0]?.message ?? '', /HL04 "7" is not a valid code for element 736/);
});

test('element requirements, lengths and data types', () => {
  const cases: Array<[string, string, unknown[]]> = [
    ['BEG*00*SA*PO123**20260714', 'BEG*00*SA***20260714', ['element_required_missing', 'BEG', 2, 3]],
    ['BEG*00*SA*PO123**20260714', `BEG*00*SA*${'P'.repeat(23)}**20260714`, ['element_too_long', 'BEG', 2, 3]],
    ['BEG*00*SA*PO123**20260714', 'BEG*00*SA*PO123**20260230', ['element_invalid_date', 'BEG', 2, 5]],
    ['PO1*1*2*EA*1.50**VN*A-1', 'PO1*1*2X*EA*1.50**VN*A-1', ['element_invalid_number', 'PO1', 4, 2]],
    ['PO1*1*2*EA*1.50**VN*A-1', 'PO1*1*2*E*1.50**VN*A-1', ['element_too_short', 'PO1', 4, 3]],
    ['N1*ST*STORE 1*92*0001', 'N1*ST*STORE 1*92*0001*01*ST*EXTRA', ['element_too_many', 'N1', 3, 7]],
  ];
  for (const [from, to, expected] of cases) assert.deepEqual(errors850(replaced(from, to)), [expected], to);
  const time = ['BSN*00*SH1*20260714*2561'];
  const errors = errorsOf(parseX12(interchange([time], { functionalId: 'SH', setId: '856' }), { level: 2 }));
  assert.deepEqual(errors.map((e) => [e.code, e.elementPosition]), [['element_invalid_time', 4], ['segment_required_missing', null]]);
});

test('syntax notes: paired, required and conditional elements', () => {
  // PO106/PO107 are paired.
  assert.deepEqual(errors850(replaced('PO1*1*2*EA*1.50**VN*A-1', 'PO1*1*2*EA*1.50**VN')), [['element_conditional_missing', 'PO1', 4, 7]]);
  // N1 needs N102 or N103.
  assert.deepEqual(errors850(replaced('N1*ST*STORE 1*92*0001', 'N1*ST')), [['element_conditional_missing', 'N1', 3, 2]]);
  // PO103 (unit) requires PO102 (quantity).
  assert.deepEqual(errors850(replaced('PO1*1*2*EA*1.50**VN*A-1', 'PO1*1**EA*1.50**VN*A-1')), [['element_conditional_missing', 'PO1', 4, 2]]);
});

test('composite elements: components checked and named', () => {
  const body = ['BEG*00*SA*PO123**20260714', 'REF*ZZ*A**VN>X1', 'REF*ZZ*B**>X2', 'PO1*1*2*EA*1.50**VN*A-1'];
  assert.deepEqual(errors850(body), [['element_required_missing', 'REF', 4, 4, 1]]);
  // The component separator inside a simple element is an error, since X12 cannot escape it.
  assert.deepEqual(errors850(replaced('N1*ST*STORE 1*92*0001', 'N1*ST*STORE>1*92*0001')), [['element_too_many_components', 'N1', 3, 2]]);
});

test('repetitions are only allowed where the standard allows them (005010)', () => {
  const body = ['BEG*00*SA*PO123**20260714', 'N1*ST*ONE^TWO*92*0001', 'PO1*1*2*EA*1.50**VN*A-1'];
  assert.deepEqual(errors850(body, { version: '005010', isaVersion: '00501', isa11: '^' }), [['element_too_many_repetitions', 'N1', 3, 2]]);
});

test('004010 and 005010 differ where the standards do: REF02 up to 30 or 50 characters', () => {
  const body = ['BEG*00*SA*PO123**20260714', `REF*ZZ*${'R'.repeat(40)}`, 'PO1*1*2*EA*1.50**VN*A-1'];
  assert.deepEqual(errors850(body), [['element_too_long', 'REF', 3, 2]]);
  assert.deepEqual(errors850(body, { version: '005010', isaVersion: '00501', isa11: '^' }), []);
});

test('a set we have no specification for is reported once, at level 2 only', () => {
  const text = interchange([['BCH*00*SA*1**20260714']], { functionalId: 'CC', setId: '865' });
  assert.deepEqual(errorsOf(parseX12(text, { level: 2 })).map((e) => [e.code, e.segmentId, e.setControl]), [['set_unsupported', 'ST', '0001']]);
  assert.deepEqual(errorsOf(parseX12(text, { level: 1 })), []);
});

test('issues carry the loop they were found in, for AK3 and IK3', () => {
  const body = ['BEG*00*SA*PO123**20260714', 'N1*ST', 'PO1*1*2*EA*1.50**VN*A-1', 'PID*****WIDGET', 'CTT*1'];
  const issues = errorsOf(parseX12(interchange([body]), { level: 2 }));
  assert.deepEqual(issues.map((e) => [e.code, e.segmentId, e.loopId]), [
    ['element_conditional_missing', 'N1', 'N1'],
    ['element_required_missing', 'PID', 'PID'],
  ]);
});
