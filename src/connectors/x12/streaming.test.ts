import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { documentOf, readX12, X12Parser } from './reader.ts';
import { fixture, fixtureNames, interchange, PO_850, purchaseOrderInterchange } from './x12.test-support.ts';
import type { X12ReadItem } from './x12.types.ts';

/** A fingerprint of everything a read produced: segments, positions, offsets, issues, summaries. */
const digest = (items: readonly X12ReadItem[]): string => createHash('sha256').update(JSON.stringify(items)).digest('hex');

const readAll = (input: Buffer): X12ReadItem[] => {
  const parser = new X12Parser();
  return [...parser.push(input), ...parser.end()];
};

const readInChunks = (input: Buffer, sizes: () => number): X12ReadItem[] => {
  const parser = new X12Parser();
  const items: X12ReadItem[] = [];
  for (let at = 0; at < input.length;) {
    const size = sizes();
    items.push(...parser.push(input.subarray(at, at + size)));
    at += size;
  }
  items.push(...parser.end());
  return items;
};

/** A small seeded generator (LCG), so the chunk sizes are the same on every run. */
function seededSizes(seed: number, min: number, max: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/** A multi-megabyte input: a large valid interchange, then one with its own delimiters and some faults. */
function bigInput(): Buffer {
  const valid = [...purchaseOrderInterchange({ sets: 3000, linesPerSet: 12, terminator: '~\r\n' })].join('');
  const faulty = interchange([PO_850, PO_850.map((s) => (s === 'CTT*2*5' ? 'CTT*3*5' : s))]).replace(/\*/g, '|').replace('SE|8|0002', 'SE|9|0002');
  return Buffer.from(`${valid}\n${faulty}`);
}

test('a multi-megabyte interchange fed 1 to 7 bytes at a time reads exactly as in one piece', () => {
  const input = bigInput();
  assert.ok(input.length > 2_000_000, `${input.length} bytes`);
  const whole = readAll(input);
  const sets = whole.filter((item) => item.kind === 'set');
  assert.equal(sets.length, 3002);
  const interchanges = whole.filter((item) => item.kind === 'interchange');
  assert.equal(interchanges.length, 2);
  // The faults of the second interchange are found either way.
  assert.deepEqual(documentOf(whole).issues.map((issue) => issue.code), ['balance_line_count', 'set_count_mismatch']);
  assert.equal(digest(readInChunks(input, seededSizes(7, 1, 7))), digest(whole));
});

test('readX12 streams from a file without reading it whole, with the same result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'x12-stream-'));
  try {
    const path = join(dir, 'big.x12');
    const input = bigInput();
    writeFileSync(path, input);
    const items: X12ReadItem[] = [];
    let largestSet = 0;
    for await (const item of readX12(createReadStream(path, { highWaterMark: 16 * 1024 }))) {
      items.push(item);
      if (item.kind === 'set') largestSet = Math.max(largestSet, item.set.segments.length);
    }
    assert.equal(digest(items), digest(readAll(input)));
    assert.equal(largestSet, 34, 'one set at a time: ST, 6 header segments, 12 lines of PO1 and PID, CTT, AMT, SE');
    // Strings work as chunks too, as a stream with an encoding gives them.
    const fromStrings: X12ReadItem[] = [];
    for await (const item of readX12(createReadStream(path, { encoding: 'utf8', highWaterMark: 1000 }))) fromStrings.push(item);
    assert.equal(digest(fromStrings), digest(items));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every fixture reads the same when split at any single byte', () => {
  for (const name of fixtureNames()) {
    const input = fixture(name);
    const expected = digest(readAll(input));
    for (let cut = 0; cut <= input.length; cut++) {
      const parser = new X12Parser();
      const items = [...parser.push(input.subarray(0, cut)), ...parser.push(input.subarray(cut)), ...parser.end()];
      assert.equal(digest(items), expected, `${name} split at byte ${cut}`);
    }
  }
});

test('property: any chunking of any fixture gives the same result', () => {
  const names = fixtureNames();
  fc.assert(
    fc.property(fc.constantFrom(...names), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), (name, sizes) => {
      const input = fixture(name);
      let i = 0;
      const chunked = readInChunks(input, () => sizes[i++ % sizes.length] as number);
      assert.equal(digest(chunked), digest(readAll(input)));
    }),
    { numRuns: 200 },
  );
});
