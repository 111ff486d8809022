import assert from 'node:assert/strict';
import { parseX12, writeInterchange, type X12SegmentInput } from '../x12/index.ts';

/** Writes one set in an interchange, asserts it passes our validator at all three levels, and answers its segments as read back. */
export function written(segments: X12SegmentInput[], functionalId: string, setId: string, version: '004010' | '005010' = '004010') {
  const out = writeInterchange({
    sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
    receiver: { qualifier: 'ZZ', id: 'WAREHOUSE3PL' },
    controlNumber: 21,
    at: new Date(Date.UTC(2026, 0, 5, 9, 30)),
    version: version === '005010' ? '00501' : '00401',
    groups: [{ functionalId, senderCode: 'CROSSDOCK', receiverCode: 'WAREHOUSE3PL', controlNumber: 4, version, sets: [{ id: setId, controlNumber: 1, segments }] }],
  });
  assert.ok(out.ok, JSON.stringify(!out.ok && out.issues));
  const reread = parseX12(out.text);
  assert.deepEqual(reread.issues.filter((i) => i.severity === 'error'), [], `${setId} ${version} is valid at all three levels`);
  return reread.interchanges[0]!.groups[0]!.sets[0]!.segments;
}
