import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12 } from './reader.ts';
import { codesOf, errorsOf, interchange, PO_850 } from './x12.test-support.ts';

const valid = interchange([PO_850, PO_850]);
const errorsAt1 = (text: string) => errorsOf(parseX12(text, { level: 1 }));

test('a well-formed interchange has no envelope issues and reads into its tree', () => {
  const document = parseX12(valid);
  assert.deepEqual(document.issues, []);
  assert.equal(document.valid, true);
  const [only] = document.interchanges;
  assert.equal(only?.header.senderId, 'SENDER');
  assert.equal(only?.header.controlNumber, '000000001');
  assert.deepEqual(only?.groups.map((g) => [g.header.functionalId, g.header.version, g.sets.map((s) => [s.id, s.controlNumber, s.segmentCount])]), [
    ['PO', '004010', [['850', '0001', 8], ['850', '0002', 8]]],
  ]);
});

test('bad counts are reported at the trailer that states them: SE01, GE01, IEA01', () => {
  const text = valid.replace('SE*8*0002', 'SE*9*0002').replace('GE*2*1', 'GE*3*1').replace('IEA*1*', 'IEA*2*');
  const errors = errorsAt1(text);
  assert.deepEqual(errors.map((e) => [e.code, e.segmentId, e.elementPosition, e.setControl, e.groupControl, e.interchangeControl]), [
    ['set_count_mismatch', 'SE', 1, '0002', '1', '000000001'],
    ['group_count_mismatch', 'GE', 1, null, '1', '000000001'],
    ['interchange_count_mismatch', 'IEA', 1, null, null, '000000001'],
  ]);
  assert.match(errors[0]?.message ?? '', /SE01 says "9" segments; the set has 8 from ST to SE/);
  assert.equal(errors[0]?.segmentPosition, 8);
});

test('mismatched control numbers: SE02 vs ST02, GE02 vs GS06, IEA02 vs ISA13', () => {
  const text = valid.replace('SE*8*0001', 'SE*8*0009').replace('GE*2*1', 'GE*2*7').replace('IEA*1*000000001', 'IEA*1*000000002');
  assert.deepEqual(codesOf(errorsAt1(text)), ['set_control_mismatch', 'group_control_mismatch', 'interchange_control_mismatch']);
  // Control numbers are numbers: leading zeros do not make a mismatch.
  assert.deepEqual(errorsAt1(valid.replace('IEA*1*000000001', 'IEA*1*1')), []);
});

test('missing trailers: a set without SE, a group without GE, an interchange without IEA', () => {
  const noSe = errorsAt1(valid.replace('SE*8*0001~\n', ''));
  assert.deepEqual(noSe.map((e) => [e.code, e.setControl, e.segmentId]), [['set_trailer_missing', '0001', 'ST']]);
  const truncated = parseX12(valid.slice(0, valid.indexOf('GE*')), { level: 1 });
  // Issues are listed in input order: each trailer-missing issue points at the header it lacks a trailer for.
  assert.deepEqual(codesOf(errorsOf(truncated)), ['interchange_trailer_missing', 'group_trailer_missing']);
  assert.equal(truncated.interchanges.length, 1, 'what was read is still returned');
  const cutInSet = parseX12(valid.slice(0, valid.indexOf('CTT')), { level: 1 });
  assert.deepEqual(codesOf(errorsOf(cutInSet)), ['interchange_trailer_missing', 'group_trailer_missing', 'set_trailer_missing']);
});

test('an ISA before the previous IEA closes the open interchange as missing its trailer', () => {
  const twice = valid.replace('IEA*1*000000001~\n', '') + valid;
  const document = parseX12(twice, { level: 1 });
  assert.equal(document.interchanges.length, 2);
  assert.deepEqual(codesOf(errorsOf(document)), ['interchange_trailer_missing']);
});

test('the ISA is fixed-width and its values are checked, each naming its element', () => {
  const wide = valid.replace('ZZ*SENDER         *', 'ZZ*SENDER-LONGER-ID1*');
  assert.deepEqual(errorsAt1(wide).map((e) => [e.code, e.segmentId, e.elementPosition]), [['isa_width', 'ISA', 6]]);
  assert.match(errorsAt1(wide)[0]?.message ?? '', /ISA06 is 17 characters; the ISA is fixed-width and it must be exactly 15/);
  const values = valid.replace('*260714*1200*U*00401*000000001*0*P*', '*261340*2500*U*00401*00000000A*2*X*');
  assert.deepEqual(errorsAt1(values).map((e) => [e.code, e.elementPosition]), [
    ['isa_value', 9],
    ['isa_value', 10],
    ['isa_value', 13],
    ['isa_value', 14],
    ['isa_value', 15],
    // ISA13 no longer matches IEA02 either.
    ['interchange_control_mismatch', 2],
  ]);
});

test('GS08 must be a version we have specifications for; other GS values are checked too', () => {
  const old = errorsAt1(valid.replace('*X*004010~', '*X*003040~'));
  assert.deepEqual(old.map((e) => [e.code, e.segmentId, e.elementPosition, e.groupControl]), [['group_version_unsupported', 'GS', 8, '1']]);
  assert.deepEqual(errorsAt1(valid.replace('*X*004010~', '*X*004010VICS~')), []);
  assert.deepEqual(errorsAt1(valid.replace('GS*PO*SENDER*RECEIVER*20260714', 'GS*PO*SENDER*RECEIVER*20261399')).map((e) => [e.code, e.elementPosition]), [['group_value', 4]]);
});

test('the functional identifier must match the set: an 850 in a PR group is refused', () => {
  const errors = errorsAt1(interchange([PO_850], { functionalId: 'PR' }));
  assert.deepEqual(errors.map((e) => [e.code, e.segmentId, e.setControl]), [['set_functional_id_mismatch', 'ST', '0001']]);
  assert.match(errors[0]?.message ?? '', /transaction set 850 belongs in a functional group PO, not PR/);
  // A 944 belongs in RE; in AR (the 943's group), where partners often send it, it is read with a warning.
  const receipt = ['W17*F*20260714*WR1*DO1', 'W07*1*EA**VN*A', 'W14*1'];
  assert.deepEqual(errorsAt1(interchange([receipt], { functionalId: 'RE', setId: '944' })), []);
  const inAr = parseX12(interchange([receipt], { functionalId: 'AR', setId: '944' }));
  assert.deepEqual(inAr.issues.map((i) => [i.code, i.severity]), [['set_functional_id_mismatch', 'warning']]);
});

test('set control numbers are unique within a group and 4 to 9 characters', () => {
  const duplicate = valid.replace('ST*850*0002', 'ST*850*0001').replace('SE*8*0002', 'SE*8*0001');
  assert.deepEqual(codesOf(errorsAt1(duplicate)), ['set_control_duplicate']);
  const short = interchange([PO_850]).replace('ST*850*0001', 'ST*850*01').replace('SE*8*0001', 'SE*8*01');
  assert.deepEqual(codesOf(errorsAt1(short)), ['set_control_invalid']);
});

test('segments outside their envelope are named: between sets, outside a group, before a group', () => {
  const between = errorsAt1(valid.replace('ST*850*0002', 'NTE*GEN*STRAY~\nST*850*0002'));
  assert.deepEqual(between.map((e) => [e.code, e.segmentId, e.groupControl, e.setControl]), [['segment_outside_envelope', 'NTE', '1', null]]);
  const noGroup = errorsAt1(valid.replace(/GS\*[^~]*~\n/, '').replace('GE*2*1~\n', ''));
  assert.ok(noGroup.every((e) => e.code === 'segment_outside_envelope' || e.code === 'interchange_count_mismatch'));
  assert.match(noGroup[0]?.message ?? '', /ST 850 outside a functional group/);
});

test('each issue is filed with the envelope it belongs to', () => {
  const text = valid.replace('SE*8*0002', 'SE*9*0002').replace('GE*2*1', 'GE*3*1').replace('IEA*1*', 'IEA*2*');
  const [only] = parseX12(text, { level: 1 }).interchanges;
  assert.deepEqual(codesOf(only?.groups[0]?.sets[1]?.issues ?? []), ['set_count_mismatch']);
  assert.deepEqual(codesOf(only?.groups[0]?.issues ?? []), ['group_count_mismatch']);
  assert.deepEqual(codesOf(only?.issues ?? []), ['interchange_count_mismatch']);
});
