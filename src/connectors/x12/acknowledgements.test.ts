import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acknowledgeInterchange, buildFunctionalAck, buildTa1, type X12AckPolicy } from './acknowledgements.ts';
import { readAcknowledgements, readFunctionalAck, setStatus } from './ack-reader.ts';
import { parseX12 } from './reader.ts';
import { writeInterchange } from './writer.ts';
import { interchange, PO_850 } from './x12.test-support.ts';
import type { X12Document, X12Interchange } from './x12.types.ts';

const AT = new Date('2026-07-15T08:00:00Z');
const received = (text: string): X12Interchange => parseX12(text).interchanges[0] as X12Interchange;
const group = (text: string) => received(text).groups[0] as X12Interchange['groups'][number];
const swap = (body: string[], from: string, to: string) => body.map((segment) => (segment === from ? to : segment));
/** A set with a level-2 error: BEG01 is not a purpose code. */
const BAD_850 = swap(PO_850, 'BEG*00*SA*PO123**20260714', 'BEG*QQ*SA*PO123**20260714');
/** A set whose only error is balancing: CTT01 says three lines. */
const UNBALANCED_850 = swap(PO_850, 'CTT*2*5', 'CTT*3*5');

/** Writes the acknowledgement of `text` and reads it back, checked by our own validator. */
function roundTrip(text: string, policy: Partial<X12AckPolicy> = {}): { answer: X12Document; ack: ReturnType<typeof readAcknowledgements> } {
  const reply = acknowledgeInterchange(received(text), { controlNumber: 900, firstGroupControlNumber: 31, at: AT, policy });
  const written = writeInterchange(reply);
  assert.ok(written.ok, JSON.stringify(!written.ok && written.issues));
  const answer = parseX12(written.text);
  assert.deepEqual(answer.issues, [], 'what we send passes our own validator');
  return { answer, ack: readAcknowledgements(answer.interchanges[0] as X12Interchange) };
}

test('an accepted 004010 group gets a 997 accepting each set', () => {
  const ack = buildFunctionalAck(group(interchange([PO_850, PO_850])));
  assert.deepEqual(ack, {
    kind: '997',
    status: 'A',
    implementationReference: null,
    segments: [['AK1', 'PO', '1'], ['AK2', '850', '0001'], ['AK5', 'A'], ['AK2', '850', '0002'], ['AK5', 'A'], ['AK9', 'A', '2', '2', '2']],
  });
  const { answer, ack: read } = roundTrip(interchange([PO_850, PO_850]));
  const header = answer.interchanges[0]?.header;
  assert.deepEqual([header?.senderId, header?.receiverId, header?.controlNumber], ['RECEIVER', 'SENDER', '000000900'], 'sender and receiver swapped');
  assert.deepEqual(answer.interchanges[0]?.groups.map((g) => [g.header.functionalId, g.header.controlNumber, g.header.senderCode, g.header.version]), [['FA', '31', 'RECEIVER', '004010']]);
  assert.equal(read.ta1.length, 0, 'no TA1 unless asked for or needed');
  const [first] = read.functional;
  assert.ok(first?.ok);
  assert.deepEqual([first.ack.functionalId, first.ack.groupControlNumber, first.ack.status, first.ack.setsAccepted], ['PO', '1', 'A', 2]);
});

test('a set with errors is rejected with AK3/AK4 detail, and the group partially accepted', () => {
  const ack = buildFunctionalAck(group(interchange([BAD_850, PO_850])));
  assert.equal(ack.status, 'P');
  assert.deepEqual(ack.segments, [
    ['AK1', 'PO', '1'],
    ['AK2', '850', '0001'],
    ['AK3', 'BEG', '2', '', '8'],
    ['AK4', ['1', ''], '353', '7', 'QQ'],
    ['AK5', 'R', '5'],
    ['AK2', '850', '0002'],
    ['AK5', 'A'],
    ['AK9', 'P', '2', '2', '1'],
  ]);
  const { ack: read } = roundTrip(interchange([BAD_850, PO_850]));
  const [result] = read.functional;
  assert.ok(result?.ok);
  assert.deepEqual(result.ack.sets.map((s) => [s.controlNumber, s.status, s.errorCodes, s.segmentErrors]), [
    ['0001', 'R', ['5'], [{ segmentId: 'BEG', position: 2, code: '8', elements: [{ position: 1, reference: '353', code: '7', value: 'QQ' }] }]],
    ['0002', 'A', [], []],
  ]);
});

test('the policy decides: errors noted instead of rejected, or a group rejected whole', () => {
  assert.equal(buildFunctionalAck(group(interchange([BAD_850, PO_850])), { policy: { partialGroups: 'reject' } }).status, 'R');
  const lenient = buildFunctionalAck(group(interchange([BAD_850, PO_850])), { policy: { setErrors: 'accept_with_errors' } });
  assert.equal(lenient.status, 'E');
  assert.deepEqual(lenient.segments.at(-1), ['AK9', 'E', '2', '2', '2']);
  assert.deepEqual(buildFunctionalAck(group(interchange([BAD_850]))).segments.at(-1), ['AK9', 'R', '1', '1', '0']);
});

test('balancing errors are noted by default (E) and can reject; a 997 names the segment only', () => {
  const noted = buildFunctionalAck(group(interchange([UNBALANCED_850])));
  assert.deepEqual(noted.segments.slice(1), [['AK2', '850', '0001'], ['AK3', 'CTT', '6', 'CTT', ''], ['AK5', 'E', '5'], ['AK9', 'E', '1', '1', '1']]);
  const strict = buildFunctionalAck(group(interchange([UNBALANCED_850])), { policy: { balancingErrors: 'reject' } });
  assert.equal(strict.status, 'R');
});

test('envelope errors of a set are AK5 codes; of a group, AK905 codes', () => {
  const mismatch = interchange([PO_850]).replace('SE*8*0001', 'SE*8*0002');
  assert.deepEqual(buildFunctionalAck(group(mismatch)).segments.slice(1), [['AK2', '850', '0001'], ['AK5', 'R', '3'], ['AK9', 'R', '1', '1', '0']]);
  const unsupported = interchange([['BCH*00*SA*1**20260714']], { functionalId: 'CC', setId: '865' });
  assert.deepEqual(buildFunctionalAck(group(unsupported)).segments.slice(1, 3), [['AK2', '865', '0001'], ['AK5', 'R', '1']]);
  const badCount = interchange([PO_850, PO_850]).replace('GE*2*1', 'GE*3*1');
  assert.deepEqual(buildFunctionalAck(group(badCount)).segments.at(-1), ['AK9', 'R', '3', '2', '0', '5']);
});

test('accepted sets can be left out of the 997, and a tracker still learns their status', () => {
  const ack = buildFunctionalAck(group(interchange([BAD_850, PO_850])), { policy: { reportAcceptedSets: false } });
  assert.deepEqual(ack.segments.map((s) => s[0]), ['AK1', 'AK2', 'AK3', 'AK4', 'AK5', 'AK9']);
  const { ack: read } = roundTrip(interchange([BAD_850, PO_850]), { reportAcceptedSets: false });
  const [result] = read.functional;
  assert.ok(result?.ok);
  assert.deepEqual(setStatus(result.ack, '0001'), { status: 'R', accepted: false, listed: true });
  assert.deepEqual(setStatus(result.ack, '0002'), { status: 'A', accepted: true, listed: false });
});

test('a 005010 group gets a 999 with IK3/IK4/IK5, which validates and reads back', () => {
  const options = { version: '005010', isaVersion: '00501', isa11: '^', component: ':' };
  const text = interchange([BAD_850, UNBALANCED_850], options);
  const ack = buildFunctionalAck(group(text));
  assert.equal(ack.kind, '999');
  assert.equal(ack.implementationReference, '005010X231A1');
  assert.deepEqual(ack.segments, [
    ['AK1', 'PO', '1', '005010'],
    ['AK2', '850', '0001'],
    ['IK3', 'BEG', '2', '', '8'],
    ['IK4', ['1', '', ''], '353', '7', 'QQ'],
    ['IK5', 'R', '5'],
    ['AK2', '850', '0002'],
    // A balancing error has no X12 syntax code; the 999 reports it as an implementation pattern failure.
    ['IK3', 'CTT', '6', 'CTT', '8'],
    ['IK4', ['1', '', ''], '354', 'I12', '3'],
    ['IK5', 'E', '5'],
    ['AK9', 'P', '2', '2', '1'],
  ]);
  const { answer, ack: read } = roundTrip(text);
  const set = answer.interchanges[0]?.groups[0]?.sets[0];
  assert.deepEqual([set?.id, set?.implementationReference, answer.interchanges[0]?.groups[0]?.header.version], ['999', '005010X231A1', '005010X231A1']);
  const [result] = read.functional;
  assert.ok(result?.ok);
  assert.deepEqual([result.ack.kind, result.ack.version, result.ack.status], ['999', '005010', 'P']);
  assert.deepEqual(result.ack.sets[1]?.segmentErrors, [{ segmentId: 'CTT', position: 6, loopId: 'CTT', code: '8', elements: [{ position: 1, reference: '354', code: 'I12', value: '3' }] }]);
});

test('TA1: envelope errors reject the interchange, with the note code of the first problem', () => {
  const broken = interchange([PO_850]).replace('IEA*1*000000001', 'IEA*1*000000002');
  assert.deepEqual(buildTa1(received(broken)), { status: 'R', noteCode: '001', segment: ['TA1', '000000001', '260714', '1200', 'R', '001'] });
  const { answer, ack } = roundTrip(broken);
  assert.deepEqual(ack.ta1, [{ interchangeControlNumber: '000000001', date: '260714', time: '1200', status: 'R', accepted: false, noteCode: '001' }]);
  assert.equal(answer.interchanges[0]?.groups.length, 0, 'a rejected interchange gets no functional acknowledgements');
});

test('TA1: asked for by ISA14 it accepts a clean interchange; noted errors still let the 997s through', () => {
  const asked = interchange([PO_850]).replace('*000000001*0*P*', '*000000001*1*P*');
  const { ack } = roundTrip(asked);
  assert.deepEqual(ack.ta1.map((t) => [t.status, t.noteCode]), [['A', '000']]);
  assert.equal(ack.functional.length, 1);
  const wide = interchange([PO_850]).replace('ZZ*SENDER         *', 'ZZ*SENDER-IS-TOO-LONG*');
  assert.deepEqual(buildTa1(received(wide)).segment.slice(4), ['R', '006']);
  assert.deepEqual(buildTa1(received(wide), { interchangeErrors: 'accept_with_errors' }).segment.slice(4), ['E', '006']);
  const reply = acknowledgeInterchange(received(wide), { controlNumber: 1, firstGroupControlNumber: 1, at: AT, policy: { interchangeErrors: 'accept_with_errors' } });
  assert.deepEqual([reply.ta1?.length, reply.groups.length], [1, 1]);
});

test('acknowledgements are not acknowledged', () => {
  const first = acknowledgeInterchange(received(interchange([PO_850])), { controlNumber: 2, firstGroupControlNumber: 2, at: AT });
  const written = writeInterchange(first);
  assert.ok(written.ok);
  const reply = acknowledgeInterchange(received(written.text), { controlNumber: 3, firstGroupControlNumber: 3, at: AT });
  assert.deepEqual(reply.groups, []);
});

test('a set that is not a 997 or 999 is answered as not readable', () => {
  const set = group(interchange([PO_850])).sets[0];
  assert.ok(set);
  assert.deepEqual(readFunctionalAck(set), { ok: false, message: 'transaction set 850 is not a 997 or 999' });
});
