import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createProcessService, kpiNames, type ProcessService } from '../../src/domains/process/index.ts';
import { stopProcessWorkers } from '../../src/domains/process/fold.parallel.ts';
import { AppError } from '../../src/platform/errors.ts';
import type { KpiDimension } from '../../src/domains/process/process.types.ts';
import { storeLogEvents } from '../../src/domains/process/process.synthetic-store.ts';
import { SYNTHETIC_T0_MS as T0, generateSyntheticLog } from '../../src/domains/process/process.synthetic-log.ts';

/**
 * The KPIs and process maps computed over the in-memory projection are those computed from the
 * stored facts and log, query by query: windows that cut through open and closed orders, every
 * slice, daily series and the maps of several object types; and the projection, read once, stays
 * equal as more of the log is stored (it reads only what is new).
 *
 * The log is a generated one of realistic order lifecycles (holds, backorders, split shipments,
 * exceptions, inventory batches, purchase orders), stored in the log's tables as the follower
 * stores it; the stored facts are its recompute.
 */
let t: TestApp;
let stored: ProcessService;
let memory: ProcessService;
/** From memory, computed on the worker threads whatever the log's size. */
let workers: ProcessService;
let deps: Parameters<typeof createProcessService>[0];
const EVENTS = 20_000;
const { log, endMs } = generateSyntheticLog(EVENTS);

before(async () => {
  t = await createTestApp();
  const { services } = t.app;
  deps = { db: t.app.processLogDb, kind: t.testStore.store.kind, clock: t.clock, outbox: services.outbox, catalog: services.catalog };
  stored = createProcessService({ ...deps, inMemory: false });
  memory = createProcessService({ ...deps, inMemory: true });
  workers = createProcessService({ ...deps, inMemory: true, parallelMinEvents: 1 });
});
after(async () => {
  await stopProcessWorkers();
  await t.dispose();
});

const storeEvents = (from: number, to: number) => t.app.processLogDb.transaction().execute((tx) => storeLogEvents(tx, log, from, to));

/**
 * Answers with every number to 12 significant digits: a mean sums its cases in the order the facts
 * come, which differs between storage and memory, and so may its last bits. Counts are exact.
 */
const rounded = <T>(answer: T): T => JSON.parse(JSON.stringify(answer, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v))) as T;
const iso = (ms: number) => new Date(ms).toISOString();
const span = endMs - T0;
/** Windows over the whole log, through its middle (orders open at both ends) and its last part. */
const windows = [
  { from: iso(T0), to: iso(endMs + 1) },
  { from: iso(T0 + span * 0.3), to: iso(T0 + span * 0.55) },
  { from: iso(T0 + span * 0.7), to: iso(endMs + 1) },
];
const dimensions: Array<KpiDimension | undefined> = [undefined, 'channel', 'segment', 'facility', 'stage', 'owner', 'source'];

async function answers(service: ProcessService, upToMs: number) {
  const kpis = [];
  for (const w of windows) {
    if (Date.parse(w.from) >= upToMs) continue;
    const window = { from: w.from, to: iso(Math.min(Date.parse(w.to), upToMs)) };
    for (const by of dimensions) kpis.push(await service.kpis({ ...window, by }));
    kpis.push(await service.kpis({ ...window, interval: 'day' }));
  }
  const maps = [];
  for (const objectType of ['order', 'shipment', 'order_line', 'exception', 'no_such_type'])
    for (const [w, rank] of [[windows[0]!, 'p90'], [windows[1]!, 'total']] as const) maps.push(await stored.processMap({ objectType, ...w, rank, limit: 8 }), await service.processMap({ objectType, ...w, rank, limit: 8 }));
  return { kpis, maps };
}

test('every KPI, slice, series and map from memory equals the answer from the stored facts and log, as the log grows', async () => {
  const cut = Math.floor(log.events * 0.6);
  const cutMs = log.time[cut - 1]! + 1;
  await storeEvents(0, cut);

  // The first part, recomputed into the stored facts; then memory reads the log for the first time.
  await stored.recompute();
  const earlyStored = await answers(stored, cutMs);
  assert.equal(memory.projectionHeld(), null, 'nothing held before the first query');
  const early = await answers(memory, cutMs);
  // What the projection holds, as the metrics report it: every event read, in typed memory of a
  // plausible size (the columns, ids and fact tables, with room to grow).
  const heldEarly = memory.projectionHeld()!;
  assert.equal(heldEarly.events, cut);
  assert.ok(heldEarly.bytes > 50 * cut && heldEarly.bytes < 2_000 * cut, `${heldEarly.bytes} bytes for ${cut} events`);
  assert.equal(stored.projectionHeld(), null, 'queries from storage hold no projection');
  const earlyWorkers = await answers(workers, cutMs);
  assert.ok(early.kpis.length === 16 && early.kpis.every((a) => a.kpis.length === kpiNames.length));
  assert.ok(early.kpis[0]!.kpis.some((k) => k.count > 100), 'the window holds many cases');
  assert.deepEqual(rounded(early.kpis), rounded(earlyStored.kpis));
  assert.deepEqual(earlyWorkers, early, 'the worker threads give the same answers as the hub’s thread');

  // The rest of the log is stored; memory reads only what is new (the recompute that gives the
  // stored facts to compare with comes after, since a recompute starts the projection again).
  await storeEvents(cut, log.events);
  const late = await answers(memory, endMs + 1);
  assert.equal(memory.projectionHeld()!.events, log.events);
  assert.ok(memory.projectionHeld()!.bytes > heldEarly.bytes, 'a longer log holds more');
  const lateWorkers = await answers(workers, endMs + 1);
  await stored.recompute();
  const lateStored = await answers(stored, endMs + 1);
  assert.deepEqual(rounded(late.kpis), rounded(lateStored.kpis));
  assert.deepEqual(lateWorkers, late, 'the worker threads give the same answers as the hub’s thread');
  assert.notDeepEqual(late.kpis[0], early.kpis[0], 'the later log changed the answers');

  // Maps: each pair is the stored log's answer and memory's.
  for (let i = 0; i < late.maps.length; i += 2) assert.deepEqual(late.maps[i + 1], late.maps[i], `map ${i / 2}`);
  assert.ok(late.maps[0]!.edges.length > 5 && late.maps[0]!.variants.length > 1);
  assert.equal(late.maps.at(-1)!.edges.length, 0, 'a type with no objects has an empty map');
});

test('a log too long to read in a query is read in the background: not_ready (503) until a first read is in, the old projection after a recompute', async () => {
  const behind = createProcessService({ ...deps, inMemory: true, readInQueryMaxEvents: 1_000 });
  const notReady = (error: unknown) => {
    assert.ok(error instanceof AppError && error.code === 'not_ready' && error.status === 503, String(error));
    assert.equal(error.headers['retry-after'], '10');
    assert.match(error.message, /being read into memory/);
    return true;
  };
  const window = { ...windows[0]!, by: 'channel' as const };
  await assert.rejects(behind.kpis(window), notReady);
  await assert.rejects(behind.processMap({ objectType: 'order', ...window, rank: 'p90', limit: 8 }), notReady, 'the read is still under way');
  await behind.prepareQueries();
  const answer = await behind.kpis(window);
  assert.deepEqual(answer, await memory.kpis(window), 'once read, the answers are the projection’s');

  // A recompute needs a new projection, read in the background; meanwhile the one there is answers.
  await stored.recompute();
  assert.deepEqual(await behind.kpis(window), answer, 'answered from the projection it had');
  await behind.prepareQueries();
  assert.deepEqual(await behind.kpis(window), answer, 'and from the new one once it is in');
});

test('queries asked while the log grows each answer, one at a time, and end where a fresh read of the log ends', async () => {
  // More events after the stored log: another generated log, its sequences placed after the first's.
  const more = generateSyntheticLog(4_000).log;
  const seqAfter = log.seq[log.events - 1]!;
  const window = { from: iso(T0), to: iso(endMs + 30 * 86_400_000) };
  const asked: Array<Promise<unknown>> = [];
  const chunk = Math.ceil(more.events / 4);
  for (let from = 0; from < more.events; from += chunk) {
    // Queries on the worker threads and on the hub's, then more of the log stored while they run.
    asked.push(workers.kpis({ ...window, by: 'facility' }), workers.processMap({ objectType: 'order', ...window, rank: 'p90', limit: 8 }), memory.kpis({ ...window, interval: 'day' }));
    await t.app.processLogDb.transaction().execute((tx) => storeLogEvents(tx, more, from, Math.min(more.events, from + chunk), seqAfter));
  }
  const settled = await Promise.allSettled(asked);
  assert.deepEqual(settled.filter((r) => r.status === 'rejected'), [], 'every query answered');

  const fresh = createProcessService({ ...deps, inMemory: true });
  const query = { ...window, by: 'facility' as const };
  assert.deepEqual(await workers.kpis(query), await fresh.kpis(query), 'the projection read piece by piece is the one read at once');
  assert.deepEqual(await memory.kpis(query), await fresh.kpis(query));
  assert.deepEqual(await workers.processMap({ objectType: 'order_line', ...window, rank: 'total', limit: 8 }), await fresh.processMap({ objectType: 'order_line', ...window, rank: 'total', limit: 8 }));
});


test('a projection past its memory bound is let go once, with word of it, and the queries answer from storage, the same answers', async () => {
  const window = { ...windows[0]!, by: 'facility' as const };
  const whole = memory.projectionHeld() ?? (await memory.kpis(window), memory.projectionHeld()!);
  const told: Array<{ events: number; bytes: number; bytesMax: number }> = [];
  const bytesMax = Math.floor(whole.bytes / 2);
  const bounded = createProcessService({ ...deps, inMemory: true, projectionBytesMax: bytesMax, onProjectionOverBound: (o) => told.push(o) });
  assert.equal(bounded.queriesFrom(), 'memory', 'in memory until the bound is passed');

  assert.deepEqual(rounded(await bounded.kpis(window)), rounded(await stored.kpis(window)));
  assert.equal(told.length, 1);
  assert.equal(told[0]!.bytesMax, bytesMax);
  assert.ok(told[0]!.bytes > bytesMax && told[0]!.events > 0 && told[0]!.events < whole.events, `stopped part-way: ${JSON.stringify(told[0])} of ${JSON.stringify(whole)}`);
  assert.equal(bounded.queriesFrom(), 'storage');
  assert.equal(bounded.projectionHeld(), null, 'nothing held');

  const map = { objectType: 'order', ...windows[1]!, rank: 'p90' as const, limit: 8 };
  assert.deepEqual(await bounded.processMap(map), await stored.processMap(map));
  assert.deepEqual(rounded(await bounded.kpis({ ...window, interval: 'day' })), rounded(await stored.kpis({ ...window, interval: 'day' })));
  assert.equal(told.length, 1, 'told once');

  // Read in the background, as a hub that starts reads it: the read stops, and that is no failure.
  const starting = createProcessService({ ...deps, inMemory: true, readInQueryMaxEvents: 1_000, projectionBytesMax: bytesMax });
  await starting.prepareQueries();
  assert.equal(starting.queriesFrom(), 'storage');
  assert.deepEqual(rounded(await starting.kpis(window)), rounded(await stored.kpis(window)), 'answered, not not_ready');

  // A bound the projection fits in changes nothing.
  const roomy = createProcessService({ ...deps, inMemory: true, projectionBytesMax: whole.bytes * 2 });
  assert.deepEqual(await roomy.kpis(window), await memory.kpis(window));
  assert.equal(roomy.queriesFrom(), 'memory');
  assert.equal(roomy.projectionHeld()!.events, memory.projectionHeld()!.events);
});

test('a hub whose projection passes process.projectionMemoryMbMax answers KPIs over HTTP from storage and says so on /metrics', async () => {
  const small = await createTestApp({ config: { process: { projectionMemoryMbMax: 1 } } });
  try {
    await small.app.processLogDb.transaction().execute((tx) => storeLogEvents(tx, log, 0, log.events));
    const ask = async () => {
      const res = await small.app.http.inject({ method: 'GET', url: `/v1/process/kpis?from=${windows[0]!.from}&to=${windows[0]!.to}`, headers: small.as('viewer') });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const answer = await ask();
    const fromStorage = createProcessService({ ...deps, db: small.app.processLogDb, kind: small.testStore.store.kind, inMemory: false });
    assert.deepEqual(rounded(answer), rounded(await fromStorage.kpis(windows[0]!)));
    assert.deepEqual(await ask(), answer, 'again, from storage');
    const metrics = (await small.app.http.inject({ method: 'GET', url: '/metrics' })).body;
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    assert.deepEqual([gauge('crossdock_process_queries_from_storage'), gauge('crossdock_process_projection_events')], [1, 0]);
  } finally {
    await small.dispose();
  }
});
