import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { issueLevels } from './issues.ts';
import { parseX12, X12Parser } from './reader.ts';
import { fixture, fixtureNames, interchange, PO_850 } from './x12.test-support.ts';
import type { X12Document } from './x12.types.ts';

/**
 * Fuzzing the reader: whatever bytes arrive — mutated delimiters, truncation, huge segments, "ISA"
 * inside data, invalid UTF-8 — reading ends, throws nothing, and every problem is a structured issue.
 */

const inputs = [...fixtureNames().map(fixture), Buffer.from(interchange([PO_850]))];
const NASTY = [...'*~>^:|\n\r$', 'ISA', '\u0000', '\uFFFD'].map((s) => Buffer.from(s));

type Mutation = { kind: 'set'; at: number; byte: number } | { kind: 'insert'; at: number; piece: number } | { kind: 'delete'; at: number; length: number } | { kind: 'truncate'; at: number } | { kind: 'grow'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.nat(NASTY.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('grow' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 5000 }) }),
);

function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = input;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'set') {
      out = Buffer.from(out);
      if (out.length > 0) out[at] = m.byte;
    } else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), NASTY[m.piece] as Buffer, out.subarray(at)]);
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
    else if (m.kind === 'truncate') out = out.subarray(0, at);
    else out = Buffer.concat([out.subarray(0, at), Buffer.alloc(m.length, 0x41), out.subarray(at)]);
  }
  return out;
}

function assertStructured(document: X12Document): void {
  for (const issue of document.issues) {
    assert.ok(issue.code in issueLevels, issue.code);
    assert.ok(issue.severity === 'error' || issue.severity === 'warning');
    assert.equal(typeof issue.message, 'string');
    assert.ok(issue.message.length > 0);
  }
}

test('mutated documents never crash the reader and always answer with structured issues', () => {
  fc.assert(
    fc.property(fc.nat(inputs.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 64 }), (which, mutations, chunk) => {
      const input = mutate(inputs[which] as Buffer, mutations);
      const document = parseX12(input, { maxSegmentBytes: 4096 });
      assertStructured(document);
      // Reading in chunks finds exactly the same things as reading in one piece.
      const whole = new X12Parser({ maxSegmentBytes: 4096 });
      const expected = JSON.stringify([...whole.push(input), ...whole.end()]);
      const parser = new X12Parser({ maxSegmentBytes: 4096 });
      const items = [];
      for (let at = 0; at < input.length; at += chunk) items.push(...parser.push(input.subarray(at, at + chunk)));
      items.push(...parser.end());
      assert.equal(JSON.stringify(items), expected);
    }),
    { numRuns: 300 },
  );
});

test('arbitrary bytes are read without a crash', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, withHeader) => {
      const input = withHeader ? Buffer.concat([Buffer.from(interchange([]).slice(0, 106)), bytes]) : Buffer.from(bytes);
      assertStructured(parseX12(input));
    }),
    { numRuns: 300 },
  );
});

test('a huge segment with no terminator is refused at the limit, not buffered without end', () => {
  const parser = new X12Parser({ maxSegmentBytes: 1024 });
  const head = interchange([PO_850]).slice(0, 106);
  const items = [...parser.push(head), ...parser.push('NTE*GEN*'), ...Array.from({ length: 200 }, () => parser.push('X'.repeat(1000))).flat(), ...parser.end()];
  const codes = items.flatMap((item) => (item.kind === 'interchange' ? item.interchange.issues : item.kind === 'issue' ? [item.issue] : [])).map((issue) => issue.code);
  assert.ok(codes.includes('segment_too_long'), codes.join());
});
