/**
 * X12 parse + validate throughput: a generated 850 interchange (50 MB by default, thousands of
 * purchase orders of twelve lines) written to a temporary file, then streamed from it through the
 * reader in 64 KiB chunks at each validation level, beside the ceiling measured in the same run (the
 * same file read in the same chunks and only split at its segment terminators).
 *
 * Run: npm run bench:x12 [-- --mb=50]
 * No database is involved; figures are for one process on one core. Memory is reported to show
 * the reader streams: the heap holds one transaction set, not the interchange.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { readX12 } from '../src/connectors/x12/index.ts';
import { purchaseOrderInterchange } from '../src/connectors/x12/x12.test-support.ts';

const megabytes = Number(process.argv.find((a) => a.startsWith('--mb='))?.slice(5) ?? 50);
const CHUNK_BYTES = 64 * 1024;
/** One generated set of twelve lines is about 790 bytes. */
const SET_BYTES_APPROX = 790;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path);
  const sets = Math.max(1, Math.round((megabytes * 1024 * 1024) / SET_BYTES_APPROX));
  for (const piece of purchaseOrderInterchange({ sets, linesPerSet: 12 })) {
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The ceiling: the same bytes, the same chunks, only counting segment terminators. */
async function ceiling(path: string): Promise<{ seconds: number; segments: number }> {
  const start = performance.now();
  let segments = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x7e); at >= 0; at = chunk.indexOf(0x7e, at + 1)) segments++;
  }
  return { seconds: (performance.now() - start) / 1000, segments };
}

async function measure(path: string, level: 1 | 2 | 3): Promise<{ seconds: number; segments: number; sets: number; errors: number; heapPeakMb: number }> {
  const start = performance.now();
  let segments = 0;
  let sets = 0;
  let errors = 0;
  let heapPeak = 0;
  for await (const item of readX12(createReadStream(path, { highWaterMark: CHUNK_BYTES }), { level })) {
    if (item.kind === 'set') {
      sets++;
      segments += item.set.segmentCount;
      errors += item.set.issues.filter((issue) => issue.severity === 'error').length;
      if (sets % 2000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    } else if (item.kind === 'interchange') {
      // ISA, GS, GE and IEA.
      segments += 2 + item.interchange.groups.length * 2;
      errors += item.interchange.issues.filter((issue) => issue.severity === 'error').length;
    }
  }
  return { seconds: (performance.now() - start) / 1000, segments, sets, errors, heapPeakMb: heapPeak / 1024 / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'crossdock-x12-bench-'));
try {
  const path = join(dir, 'po850.x12');
  await generate(path);
  const bytes = statSync(path).size;
  const mb = bytes / 1024 / 1024;
  console.log(`x12 bench: ${mb.toFixed(1)} MB 850 interchange, ${CHUNK_BYTES / 1024} KiB chunks, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const raw = await ceiling(path);
  console.log(`ceiling (read + split at terminators): ${fmt(raw.segments / raw.seconds)} segments/s, ${(mb / raw.seconds).toFixed(1)} MB/s`);
  for (const level of [1, 2, 3] as const) {
    const result = await measure(path, level);
    if (result.errors > 0) throw new Error(`the generated interchange should be valid, found ${result.errors} errors at level ${level}`);
    const what = level === 1 ? 'syntax + envelopes' : level === 2 ? '+ set specifications' : '+ balancing';
    console.log(
      `level ${level} (${what}): ${fmt(result.segments / result.seconds)} segments/s, ${(mb / result.seconds).toFixed(1)} MB/s ` +
        `(${fmt(result.segments)} segments, ${fmt(result.sets)} sets in ${result.seconds.toFixed(2)} s; heap peak ${result.heapPeakMb.toFixed(0)} MB)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
