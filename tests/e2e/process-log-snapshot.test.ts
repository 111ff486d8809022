import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createProcessService, type ProcessService, type SnapshotOutcome } from '../../src/domains/process/index.ts';
import { stopProcessWorkers } from '../../src/domains/process/fold.parallel.ts';
import { readLogSnapshot, writeLogSnapshot } from '../../src/domains/process/log-snapshot.ts';
import { storeLogEvents } from '../../src/domains/process/process.synthetic-store.ts';
import { SYNTHETIC_T0_MS as T0, generateSyntheticLog } from '../../src/domains/process/process.synthetic-log.ts';

/**
 * The log held in memory is saved to a file and read back by a hub that starts again, which then
 * reads from the database only what was logged since; a file the stored log does not begin with
 * (damaged, another database's, written before a backfill) is refused and the log read whole. In
 * every case the answers are those of a hub that read the whole log from the database.
 */
let t: TestApp;
let deps: Parameters<typeof createProcessService>[0];
const { log, endMs } = generateSyntheticLog(12_000);
const cut = 8_000;
let dir: string;
let path: string;
const outcomes: SnapshotOutcome[] = [];
let waiting: Array<{ action: SnapshotOutcome['action']; resolve: (o: SnapshotOutcome) => void }> = [];

/** The next outcome of this kind, told after now. */
const next = (action: SnapshotOutcome['action']) => new Promise<SnapshotOutcome>((resolve) => waiting.push({ action, resolve }));
const onSnapshot = (outcome: SnapshotOutcome) => {
  outcomes.push(outcome);
  for (const w of waiting.filter((w) => w.action === outcome.action)) w.resolve(outcome);
  waiting = waiting.filter((w) => w.action !== outcome.action);
};
/** A hub's service that reads logs of 1,000 events or more in the background and saves them. */
const hub = (extra: Partial<Parameters<typeof createProcessService>[0]> = {}) => createProcessService({ ...deps, inMemory: true, readInQueryMaxEvents: 1_000, logSnapshotPath: path, onSnapshot, ...extra });

before(async () => {
  t = await createTestApp();
  const { services } = t.app;
  deps = { db: t.app.processLogDb, kind: t.testStore.store.kind, clock: t.clock, outbox: services.outbox, catalog: services.catalog };
  dir = mkdtempSync(join(tmpdir(), 'crossdock-log-snapshot-'));
  path = join(dir, 'hub.process-log');
});
after(async () => {
  await stopProcessWorkers();
  await t.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const storeEvents = (from: number, to: number, source = log, seqAfter = 0) => t.app.processLogDb.transaction().execute((tx) => storeLogEvents(tx, source, from, to, seqAfter));
const iso = (ms: number) => new Date(ms).toISOString();
const window = { from: iso(T0), to: iso(endMs + 30 * 86_400_000) };

/** Answers that depend on every part of the log: KPIs sliced two ways, a daily series, two maps. */
async function answers(service: ProcessService) {
  return {
    channel: await service.kpis({ ...window, by: 'channel' }),
    stage: await service.kpis({ ...window, by: 'stage' }),
    daily: await service.kpis({ ...window, interval: 'day' }),
    orders: await service.processMap({ objectType: 'order', ...window, rank: 'p90', limit: 8 }),
    lines: await service.processMap({ objectType: 'order_line', ...window, rank: 'total', limit: 8 }),
  };
}
/** A hub that reads the whole log from the database. */
const fromDatabase = () => answers(createProcessService({ ...deps, inMemory: true }));

test('a hub that starts again reads its log back from the snapshot, then only what was logged since', async () => {
  await storeEvents(0, cut);
  const saved = next('saved');
  await hub().prepareQueries();
  const first = await saved;
  assert.ok(first.action === 'saved' && first.events === cut && first.seq === log.seq[cut - 1], JSON.stringify(first));

  // More is logged; a hub starting now reads the snapshot and the rest.
  await storeEvents(cut, log.events);
  const restored = next('restored');
  const savedAgain = next('saved');
  const again = hub();
  await again.prepareQueries();
  const back = await restored;
  assert.ok(back.action === 'restored' && back.events === cut && back.seq === log.seq[cut - 1], JSON.stringify(back));
  assert.deepEqual(await answers(again), await fromDatabase());
  // It grew by half since the snapshot, so it is saved again, whole.
  const second = await savedAgain;
  assert.ok(second.action === 'saved' && second.events === log.events, JSON.stringify(second));

  // A recompute starts from the snapshot too, and stores the facts a whole read gives. It folds on
  // the worker threads, which meanwhile reserve the fold's memory, sized from the snapshot.
  const stored = createProcessService({ ...deps, inMemory: false, logSnapshotPath: path, onSnapshot, parallelMinEvents: 1 });
  const recomputeRestored = next('restored');
  const report = await stored.recompute();
  assert.equal((await recomputeRestored).action, 'restored');
  assert.equal(report.lastSeq, log.seq[log.events - 1]);
  // The fold took every table's memory the workers reserved while the rest of the log was read.
  assert.ok(report.reservedBytes > 0, JSON.stringify(report));
  assert.equal(report.reservedBytesTaken, report.reservedBytes, JSON.stringify(report));
  assert.ok(report.readMs + report.foldMs + report.storeMs <= report.elapsedMs + 2, JSON.stringify(report));
  const whole = createProcessService({ ...deps, inMemory: false });
  const before = await answers(stored);
  await whole.recompute();
  assert.deepEqual(await answers(stored), before, 'the facts a recompute from the snapshot stored are those of a whole read');
});

test('a snapshot the stored log does not begin with is refused with why, and the log is read from the database', async () => {
  const refusedFor = async (pattern: RegExp) => {
    const refused = next('refused');
    // Read whole instead, the log is saved anew: waited for, so that it does not replace the next case's file.
    const saved = next('saved');
    const service = hub();
    await service.prepareQueries();
    const outcome = await refused;
    assert.ok(outcome.action === 'refused' && pattern.test(outcome.reason), JSON.stringify(outcome));
    assert.deepEqual(await answers(service), await fromDatabase());
    await saved;
  };
  const valid = (await readLogSnapshot(path))!;
  assert.equal(valid.log.events, log.events, 'the snapshot of the whole log, from the test before');

  writeFileSync(path, 'a file that happens to sit there');
  await refusedFor(/is not a process log snapshot/);

  // Another database's log: its events are not this one's.
  const other = generateSyntheticLog(2_000, { shared: true }).log;
  await writeLogSnapshot(path, other.image(), other.seq[1_999]!, [{ seq: other.seq[1_999]!, id: 'an event of another hub' }]);
  await refusedFor(/a snapshot of another database/);

  // Events logged below the snapshot's sequence since it was written (a backfill): the count differs.
  const more = generateSyntheticLog(1_000).log;
  await storeEvents(0, more.events, more, log.seq[log.events - 1]!);
  await writeLogSnapshot(path, valid.log.image(), log.seq[log.events - 1]! + 500, valid.samples);
  await refusedFor(/events were logged below it since \(a backfill\)/);

  // A snapshot past the stored log (a database restored from an older backup).
  await writeLogSnapshot(path, valid.log.image(), Number.MAX_SAFE_INTEGER, valid.samples);
  await refusedFor(/past the stored log/);
});
