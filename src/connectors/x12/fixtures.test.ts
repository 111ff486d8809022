import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFunctionalAck } from './ack-reader.ts';
import { parseX12 } from './reader.ts';
import { element } from './segment.ts';
import { toInterchangeInput, toSegmentInput, writeInterchange } from './writer.ts';
import { errorsOf, fixture, fixtureNames } from './x12.test-support.ts';
import type { X12Delimiters, X12Document, X12Segment, X12TransactionSet } from './x12.types.ts';

/**
 * The public documents in tests/fixtures/x12 (see its README for their sources): each is read,
 * validated at level 3, and written again to the same segments.
 */

const only = (document: X12Document): X12TransactionSet => {
  const sets = document.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));
  assert.equal(sets.length, 1);
  return sets[0] as X12TransactionSet;
};
const count = (set: X12TransactionSet, id: string) => set.segments.filter((s) => s.id === id).length;
const first = (set: X12TransactionSet, id: string): X12Segment => {
  const found = set.segments.find((s) => s.id === id);
  assert.ok(found, `no ${id} in the set`);
  return found;
};

test('every fixture is read and validated; all but the 856 are valid', () => {
  const names = fixtureNames();
  assert.equal(names.length, 6);
  for (const name of names) {
    const document = parseX12(fixture(name));
    assert.equal(document.interchanges.length, 1, name);
    if (!name.startsWith('856')) assert.deepEqual(document.issues, [], name);
  }
});

const SHARED = fileURLToPath(new URL('../../../../shared/fixtures/x12/', import.meta.url));

test('the copies match the shared fixtures they were taken from', { skip: !existsSync(SHARED) && 'no shared folder beside the repository (as in CI)' }, () => {
  for (const name of fixtureNames()) assert.ok(readFileSync(`${SHARED}${name}`).equals(fixture(name)), name);
});

test('850 retail PO (004010VICS): six lines whose CTT and AMT balance', () => {
  const document = parseX12(fixture('850-retail-vics-004010.edi'));
  const set = only(document);
  assert.equal(document.interchanges[0]?.groups[0]?.header.version, '004010VICS');
  assert.deepEqual([set.id, set.controlNumber, set.segmentCount, count(set, 'PO1')], ['850', '000000010', 33, 6]);
  assert.equal(element(first(set, 'AMT'), 2), '13045.94');
  assert.equal(document.interchanges[0]?.header.version, '00400');
});

test('855 acknowledgment: line-level accept and reject', () => {
  const set = only(parseX12(fixture('855-book-distributor-004010.edi')));
  assert.deepEqual(set.segments.filter((s) => s.id === 'ACK').map((s) => [element(s, 1), element(s, 2)]), [['IA', '3'], ['IR', '0'], ['IR', '0'], ['IA', '2']]);
});

test('856 with mixed terminators: read as the SE count expects, with a precise error for its ISA06', () => {
  const document = parseX12(fixture('856-mixed-terminators-004010.x12'));
  const set = only(document);
  assert.equal(set.segmentCount, 25);
  assert.equal(count(set, 'HL'), 3);
  assert.deepEqual(set.issues.map((i) => [i.code, i.severity, i.segmentId, i.segmentPosition]), [
    ['segment_terminator_mixed', 'warning', 'N1', 11],
    ['segment_terminator_mixed', 'warning', 'N3', 12],
    ['segment_terminator_mixed', 'warning', 'N4', 13],
  ]);
  const errors = errorsOf(document);
  assert.deepEqual(errors.map((e) => [e.code, e.segmentId, e.elementPosition, e.interchangeControl]), [['isa_width', 'ISA', 6, '000000089']]);
  assert.match(errors[0]?.message ?? '', /ISA06 is 16 characters/);
  assert.equal(document.interchanges[0]?.header.delimiters.segment, '$');
});

test('940 with newline terminators: three lines in cases, W76 matching', () => {
  const set = only(parseX12(fixture('940-newline-terminated-004010.edi')));
  assert.deepEqual([set.segmentCount, count(set, 'W01'), count(set, 'LX')], [29, 3, 3]);
  assert.equal(set.segments[0]?.delimiters.segment, '\n');
});

test('944 receipt with a lot number', () => {
  const set = only(parseX12(fixture('944-receipt-004010.edi')));
  const w07 = first(set, 'W07');
  assert.deepEqual([element(w07, 1), element(w07, 8)], ['100', 'LOT456']);
});

test('997 rejection (005010, ISA11 "^"): read as a typed acknowledgement', () => {
  const document = parseX12(fixture('997-rejection-005010.edi'));
  assert.equal(document.interchanges[0]?.header.delimiters.repetition, '^');
  const read = readFunctionalAck(only(document));
  assert.ok(read.ok);
  assert.deepEqual(read.ack, {
    kind: '997',
    controlNumber: '0001',
    functionalId: 'HC',
    groupControlNumber: '000001',
    status: 'R',
    accepted: false,
    errorCodes: [],
    setsIncluded: 1,
    setsReceived: 1,
    setsAccepted: 0,
    sets: [{
      setId: '837',
      controlNumber: '0021',
      status: 'R',
      accepted: false,
      errorCodes: ['5'],
      segmentErrors: [{ segmentId: 'NM1', position: 8, code: '8', elements: [{ position: 8, reference: '66', code: '7', value: 'MI' }] }],
    }],
  });
});

/**
 * Segments as structured values, independent of the delimiters they were written with. Trailing
 * empty elements (`N3*80 TEST AVE*`) carry nothing, and the writer leaves them out as the standard asks.
 */
const shapeOf = (document: X12Document) =>
  document.interchanges.flatMap((i) => i.groups.flatMap((g) => [g.header.segment, ...g.sets.flatMap((s) => s.segments), ...(g.trailer ? [g.trailer] : [])])).map((segment) => {
    const values = [...toSegmentInput(segment)];
    while (values.length > 1 && values[values.length - 1] === '') values.pop();
    return values;
  });

const OTHER_DELIMITERS: X12Delimiters = { element: '|', component: '\\', repetition: null, segment: '\n' };

test('round trip: every fixture written again (same and other delimiters) reads back to the same segments', () => {
  for (const name of fixtureNames()) {
    const read = parseX12(fixture(name));
    const [interchange] = read.interchanges;
    assert.ok(interchange, name);
    const input = toInterchangeInput(interchange);
    if (name.startsWith('856')) {
      // The writer is strict where the reader is tolerant: a 16-character ISA06 is not written.
      const refused = writeInterchange(input);
      assert.ok(!refused.ok);
      assert.deepEqual(refused.issues.map((i) => [i.code, i.segmentId, i.elementPosition]), [['writer_value', 'ISA', 6]]);
      input.sender.id = input.sender.id.slice(0, 15);
    }
    const delimiters = read.interchanges[0]?.header.delimiters;
    for (const chosen of [delimiters, { ...OTHER_DELIMITERS, repetition: delimiters?.repetition ? '^' : null }]) {
      const written = writeInterchange(input, { delimiters: chosen ?? {} });
      assert.ok(written.ok, `${name}: ${JSON.stringify(!written.ok && written.issues)}`);
      const again = parseX12(written.text);
      assert.deepEqual(shapeOf(again), shapeOf(read), name);
      assert.deepEqual(again.issues.filter((i) => i.code !== 'segment_terminator_mixed'), [], name);
      const [before, after] = [read.interchanges[0]?.header, again.interchanges[0]?.header];
      assert.deepEqual([after?.senderId, after?.receiverId, after?.controlNumber, after?.date, after?.time, after?.version], [before?.senderId.slice(0, 15), before?.receiverId, before?.controlNumber, before?.date, before?.time, before?.version], name);
    }
  }
});
