import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactLog, type LogImage } from './compact-log.ts';
import { FactStore, foldLog } from './facts.rules.ts';
import { computeKpis } from './kpi.rules.ts';
import { SnapshotProblem, readLogSnapshot, sampleSeqs, writeLogSnapshot } from './log-snapshot.ts';
import { generateSyntheticLog } from './process.synthetic-log.ts';
import { kpiNames } from './process.types.ts';

/**
 * A generated log copied event by event into a shared log the way the projection builds one (objects
 * found by id), so that its ids are indexed; `from`/`to` pick the events.
 */
const generated = generateSyntheticLog(6_000);
function copyEvents(into: CompactLog, from: number, to: number): CompactLog {
  const g = generated.log;
  const s = into.strings;
  const text = (code: number) => g.strings.values[code]!;
  for (let e = from; e < to; e++) {
    into.beginEvent(g.seq[e]!, g.time[e]!, s.intern(text(g.activity[e]!)), g.kind[e]!, g.flags[e]!, g.source[e]! < 0 ? -1 : s.intern(text(g.source[e]!)));
    for (let r = g.relStart[e]!; r < g.relStart[e + 1]!; r++) into.addRelation(into.object(g.idOf(g.relObject[r]!), g.typeOf(g.relObject[r]!)), s.intern(text(g.relQualifier[r]!)), g.relQuantity[r]!);
    for (let c = g.chgStart[e]!; c < g.chgStart[e + 1]!; c++) {
      const object = into.object(g.idOf(g.chgObject[c]!), g.typeOf(g.chgObject[c]!));
      into.addChange(object, s.intern(text(g.chgName[c]!)), g.chgNumber[c]!, g.chgText[c]! < 0 ? -1 : s.intern(text(g.chgText[c]!)));
    }
  }
  return into;
}

/** An image as plain values, to compare two logs column by column. */
const plain = (image: LogImage) => ({ ...image, columns: image.columns.map((c) => ({ name: c.name, values: Array.from(c.values) })) });
const kpisOf = (log: CompactLog) => {
  const facts = new FactStore(log);
  foldLog(log, facts);
  return computeKpis({ facts, events: log }, { kpis: kpiNames, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });
};

const dir = mkdtempSync(join(tmpdir(), 'crossdock-snapshot-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a log read back from its snapshot has every column, count and string of the log, and grows as the log does', async () => {
  const cut = 4_000;
  const log = copyEvents(new CompactLog({ shared: true }), 0, cut);
  const path = join(dir, 'whole.snapshot');
  const samples = sampleSeqs(log).map((seq) => ({ seq, id: `event-${seq}` }));
  assert.equal(samples.length, 5);
  assert.deepEqual([samples[0]!.seq, samples[4]!.seq], [log.seq[0], log.seq[cut - 1]]);
  const bytes = await writeLogSnapshot(path, log.image(), log.seq[cut - 1]!, samples);
  assert.equal(readFileSync(path).length, bytes);

  const read = await readLogSnapshot(path);
  assert.ok(read);
  assert.equal(read.seq, log.seq[cut - 1]);
  assert.deepEqual(read.samples, samples);
  assert.deepEqual(plain(read.log.image()), plain(log.image()));
  assert.equal(read.log.idOf(read.log.objects - 1), log.idOf(log.objects - 1));
  assert.deepEqual(kpisOf(read.log), kpisOf(log), 'the same facts fold from it');

  // Objects are found by id only once the ids are indexed; then both logs take the same events alike.
  assert.throws(() => read.log.object(log.idOf(0), log.typeOf(0)), /ids are indexed/);
  assert.equal(read.log.indexIds(10), 10);
  assert.equal(read.log.indexIds(read.log.objects), read.log.objects);
  const objectsAtCut = log.objects;
  copyEvents(log, cut, generated.log.events);
  copyEvents(read.log, cut, generated.log.events);
  assert.ok(log.objects > objectsAtCut && read.log.objects === log.objects, 'later events named new objects, numbered alike');
  assert.deepEqual(plain(read.log.image()), plain(log.image()));
  assert.deepEqual(kpisOf(read.log), kpisOf(log));
});

test('a file that is not a whole snapshot is refused with what is wrong; no file is no snapshot', async () => {
  const log = copyEvents(new CompactLog({ shared: true }), 0, 500);
  const path = join(dir, 'damaged.snapshot');
  assert.equal(await readLogSnapshot(join(dir, 'none.snapshot')), null);

  await writeLogSnapshot(path, log.image(), log.seq[499]!, []);
  const size = readFileSync(path).length;
  truncateSync(path, size - 100);
  await assert.rejects(readLogSnapshot(path), (error) => error instanceof SnapshotProblem && /is \d+ bytes where its header makes \d+/.test(error.message));

  writeFileSync(path, 'not a snapshot at all, just text');
  await assert.rejects(readLogSnapshot(path), (error) => error instanceof SnapshotProblem && /is not a process log snapshot/.test(error.message));

  // Whole in size, but its last bytes overwritten: the end mark is missing.
  await writeLogSnapshot(path, log.image(), log.seq[499]!, []);
  const bytes = readFileSync(path);
  bytes.write('XXXXXXXX', bytes.length - 8, 'latin1');
  writeFileSync(path, bytes);
  await assert.rejects(readLogSnapshot(path), (error) => error instanceof SnapshotProblem && /lacks its end mark/.test(error.message));
});

test('a snapshot is written beside its file and renamed over it, so a reader never sees half of one', async () => {
  const path = join(dir, 'renamed.snapshot');
  const small = copyEvents(new CompactLog({ shared: true }), 0, 100);
  await writeLogSnapshot(path, small.image(), small.seq[99]!, []);
  const large = copyEvents(new CompactLog({ shared: true }), 0, 3_000);
  const writing = writeLogSnapshot(path, large.image(), large.seq[2_999]!, []);
  // Read while the larger one is being written: the smaller whole one, or the larger whole one.
  const meanwhile = await readLogSnapshot(path);
  await writing;
  assert.ok(meanwhile && [100, 3_000].includes(meanwhile.log.events));
  assert.equal((await readLogSnapshot(path))!.log.events, 3_000);
});

test('files of writes that never finished are removed before the first write, unless recent (another hub may be writing)', async () => {
  const path = join(dir, 'leftovers.snapshot');
  const stopped = `${path}.4242.7.writing`;
  const writing = `${path}.4343.1.writing`;
  writeFileSync(stopped, 'half a snapshot');
  writeFileSync(writing, 'a snapshot being written');
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  utimesSync(stopped, twoHoursAgo, twoHoursAgo);
  const log = copyEvents(new CompactLog({ shared: true }), 0, 100);
  await writeLogSnapshot(path, log.image(), log.seq[99]!, []);
  assert.equal(existsSync(stopped), false);
  assert.equal(existsSync(writing), true);
  assert.equal((await readLogSnapshot(path))!.log.events, 100);
});
