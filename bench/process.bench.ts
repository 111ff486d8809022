/**
 * Process intelligence (DESIGN §11: KPIs over 10 million events in ≤ 2 s).
 *
 * 1. Recompute: 10 million events of realistic order lifecycles (intake, holds, allocation with
 *    backorders, reservations per line, release, one or two shipments, invoicing, closing, exceptions,
 *    inventory batches, purchase orders), generated in memory into the log's columnar form. Timed:
 *    folding them into facts from empty and computing all 18 KPIs (the full recompute), and the
 *    order process map (directly-follows graph, waits, bottlenecks, variants), on two worker threads
 *    (fold.parallel.ts), six times (`--runs`); then once on one thread, for comparison and to check
 *    the answers are the same. Before the first, the memory it fills is reserved (faulted in) as the
 *    hub's recompute reserves it while it reads the log (`--reserve=0`: not). The second folds into
 *    fresh memory; the later ones reuse the memory of the one before, as a running hub's recomputes
 *    do. The figure held against the target is the median of those later ones; the first is printed
 *    beside it. Generation is not timed, nor starting the workers and reserving memory (reported apart).
 * 2. Incremental lag on SQLite: domain events appended to the outbox at a steady rate while the log
 *    catches up as its feed follower does; for each batch, the time from its commit to the log's cursor
 *    passing it (logged and folded into the KPI facts). Beside it, the log's catch-up throughput.
 *
 * Run: npm run bench:process [-- --events=N] [-- --rate=EVENTS_PER_S] [-- --seconds=S] [-- --reserve=0]
 * Durability (part 2): SQLite WAL, synchronous=NORMAL; the log commits once per page of events.
 */
import { sql } from 'kysely';
import assert from 'node:assert/strict';
import { FactStore, computeKpis, createProcessService, foldLog, kpiNames, processMapOfLog, type KpiResult, type ProcessService, type RecomputeReport, type SnapshotOutcome } from '../src/domains/process/index.ts';
import { storeLogEvents } from '../src/domains/process/process.synthetic-store.ts';
import { systemClock } from '../src/platform/clock.ts';
import { recycleFactMemory, type FactTable } from '../src/domains/process/facts.rules.ts';
import {
  clearSpareFactMemory,
  computeKpisParallel,
  foldLogParallel,
  processMapOfLogParallel,
  recomputeSizesOf,
  reserveRecomputeMemory,
  startProcessWorkers,
  stopProcessWorkers,
} from '../src/domains/process/fold.parallel.ts';
import { SYNTHETIC_T0_MS as T0, generateSyntheticLog as generate } from '../src/domains/process/process.synthetic-log.ts';
import type { Executor } from '../src/platform/db/store.ts';
import type { NewEvent } from '../src/platform/outbox/index.ts';
import { cpus, loadavg } from 'node:os';
import { fmt, openBenchHub, percentile } from './support.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const EVENTS = arg('events', 10_000_000);
const RATE = arg('rate', 2_000);
const SECONDS = arg('seconds', 5);
// Six runs: the first folds into memory reserved for it (or, with --reserve=0, into fresh memory),
// the second into fresh memory (the first's facts are kept for the
// comparison), the later ones reuse what the run before gave back, as a running hub's recomputes do.
const RUNS = arg('runs', 6);
/** Whether the first recompute's memory is reserved first, as the hub's recompute reserves it while it reads the log. */
const RESERVE = arg('reserve', 1) !== 0;
/** The runs that do not reuse the memory of the run before: the first and the second. */
const FRESH_RUNS = 2;

type MapAnswer = ReturnType<typeof processMapOfLog>;

/** Every fact of two stores aligned with one log, compared cell by cell (texts by their values). */
function sameFacts(a: FactStore, b: FactStore): string | null {
  for (const type of Object.keys(a.tables) as Array<keyof FactStore['tables']>) {
    const x = a.tables[type] as FactTable;
    const y = b.tables[type] as FactTable;
    if (x.rows !== y.rows) return `${type}: ${x.rows} rows against ${y.rows}`;
    for (let row = 0; row < x.rows; row++) {
      for (let i = 0; i < x.codes.length; i++) {
        const u = x.get(row, x.codes[i]!);
        const v = y.get(row, y.codes[i]!);
        const same = x.kinds[i] === 'text' ? a.text(u) === b.text(v) : Object.is(u, v);
        if (!same) return `${type} row ${row} ${x.names[i]}: ${u} against ${v}`;
      }
    }
  }
  return null;
}

async function recomputeBench(): Promise<void> {
  const started = performance.now();
  // The log in shared memory, as a recompute reads it, so that worker threads can fold and map it.
  const { log, orders, endMs } = generate(EVENTS, { shared: true });
  const generatedMs = performance.now() - started;
  console.log(
    `generated ${fmt(log.events)} events (${fmt(orders)} orders, ${fmt(log.objects)} objects, ${fmt(log.relations)} relations, ${fmt(log.changes)} attribute changes) ` +
      `in ${fmt(generatedMs)} ms; heap ${fmt(process.memoryUsage().heapUsed / 1e6)} MB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`,
  );
  const window = { fromMs: T0, toMs: endMs + 1 };
  const mapOptions = { rank: 'p90', limit: 20 } as const;
  const w0 = performance.now();
  startProcessWorkers();
  console.log(`  worker threads compiled and started in ${fmt(performance.now() - w0)} ms (once per process; kept between recomputes)`);
  // As the hub's recompute does while it reads the log: the workers fault in the memory the fold,
  // the map and the KPIs will fill (untimed, reported apart).
  if (RESERVE) {
    const p0 = performance.now();
    const faults0 = process.resourceUsage().minorPageFault;
    const reserved = await reserveRecomputeMemory(recomputeSizesOf(log));
    const faults = process.resourceUsage().minorPageFault - faults0;
    console.log(
      `  memory reserved as the recompute reserves it while it reads the log: ${fmt(reserved.reduce((n, b) => n + b.byteLength, 0) / 1e6)} MB of facts, ` +
        `${fmt((faults * 4096) / 1e6)} MB of fresh pages in all (with the marks, the map's and the KPIs' memory), in ${fmt(performance.now() - p0)} ms`,
    );
  }

  // Besides wall time: CPU time of every thread (the machine is shared, so wall time moves with the
  // load) and minor page faults, a count that does not depend on the load: on a virtual machine,
  // fresh memory is what a recompute of this size mostly waits for.
  const cpuBetween = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
  type Run = { fold: number; rest: number; total: number; cpu: number; faults: number; load: number };
  const runs: Run[] = [];
  let first: { facts: FactStore; results: KpiResult[]; map: MapAnswer } | null = null;
  for (let run = 0; run < RUNS; run++) {
    const cpu0 = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    // Each worker folds its half of the orders, then maps them, then computes its share of the KPIs.
    const folding = foldLogParallel(log);
    const mapping = processMapOfLogParallel(log, 'order', window.fromMs, window.toMs, mapOptions);
    const facts = await folding;
    const t1 = performance.now();
    const [results, map] = await Promise.all([computeKpisParallel({ facts, events: log }, { kpis: kpiNames, ...window }), mapping]);
    const t2 = performance.now();
    runs.push({ fold: t1 - t0, rest: t2 - t1, total: t2 - t0, cpu: cpuBetween(cpu0, process.cpuUsage()), faults: process.resourceUsage().minorPageFault - faults0, load: loadavg()[0]! });
    // The first run's facts are kept for the comparison below; later runs give their memory back, as
    // the hub's recompute does once the facts are stored, and the workers clear it before the next
    // run (untimed), as the hub's do while idle between recomputes; the next run reuses it.
    if (run > 0) {
      recycleFactMemory(facts);
      await clearSpareFactMemory();
    }
    if (run === 0) {
      first = { facts, results, map };
      const show = (name: string) => results.find((r) => r.kpi === name)!;
      const figure = (name: string, digits: number) => show(name).value?.toFixed(digits) ?? 'n/a';
      console.log(
        `  sample: order cycle time ${figure('order_cycle_time', 1)} h over ${fmt(show('order_cycle_time').count)} orders; fill rate (lines) ${figure('fill_rate_lines', 3)}; ` +
          `split shipments ${figure('split_shipment_frequency', 3)}; map ${map.edges.length} edges, top variant ${fmt(map.variants[0]?.count ?? 0)} orders`,
      );
    }
  }
  await stopProcessWorkers();
  // The verdict is the median of the recomputes that reuse memory (a running hub's); the first of a
  // process is shown apart. With too few runs for any to reuse memory, the median of all of them.
  const steady = runs.length > FRESH_RUNS ? runs.slice(FRESH_RUNS) : runs;
  const sorted = [...steady].sort((a, b) => a.total - b.total);
  const best = sorted[0]!;
  // Of an even count, the higher of the middle two.
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const shown = (r: Run) => `${fmt(r.total)} at load ${r.load.toFixed(1)} with ${fmt((r.faults * 4096) / 1e6)} MB fresh`;
  console.log(
    `recompute over ${fmt(log.events)} events on 2 worker threads: median ${fmt(median.total)} ms wall (${fmt(log.events / (median.total / 1000))} events/s) of ${steady.length} recomputes reusing memory, ` +
      `min ${fmt(best.total)} ms (fold into facts ${fmt(best.fold)} ms, then the order process map and 18 KPIs ${fmt(best.rest)} ms; ${fmt(best.cpu)} ms CPU of all threads)  ` +
      `target ≤ 2,000 ms [${median.total <= 2_000 ? 'meets' : 'MISSES'}]`,
  );
  const firstOn = RESERVE ? 'the first on memory reserved for it, the second on fresh memory' : `the first ${Math.min(FRESH_RUNS, runs.length)} on fresh memory`;
  console.log(`  every run: ${runs.map(shown).join(', ')}; ${firstOn} (the first of a process: ${fmt(runs[0]!.total)} ms${RESERVE ? ', memory reserved' : ', fresh memory'})`);
  console.log(`  memory: ${fmt(best.faults)} minor page faults (${fmt((best.faults * 4096) / 1e6)} MB of fresh pages) per recompute; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // The same recompute on this thread alone, for comparison and to check the answers are the same.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const facts = new FactStore(log);
  foldLog(log, facts);
  const t1 = performance.now();
  const results = computeKpis({ facts, events: log }, { kpis: kpiNames, ...window });
  const t2 = performance.now();
  const map = processMapOfLog(log, 'order', window.fromMs, window.toMs, mapOptions);
  const t3 = performance.now();
  console.log(
    `  one thread: fold ${fmt(t1 - t0)} ms + 18 KPIs ${fmt(t2 - t1)} ms + order process map ${fmt(t3 - t2)} ms = ${fmt(t3 - t0)} ms wall, ${fmt(cpuBetween(cpu0, process.cpuUsage()))} ms CPU; load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const factsDiffer = sameFacts(first!.facts, facts);
  assert.deepEqual(first!.results, results, 'the KPIs of two threads and of one');
  assert.deepEqual(first!.map, map, 'the process maps of two threads and of one');
  if (factsDiffer) throw new Error(`the facts of two threads and of one differ: ${factsDiffer}`);
  console.log('  two threads and one: the same facts (every cell), the same 18 KPIs and the same process map');
}

/** A realistic burst of domain events as the outbox carries them: one order's intake to invoice. */
function orderEvents(n: number): NewEvent[] {
  const orderId = `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const subject = `order:${orderId}`;
  const lines = [1, 2, 3].map((lineNumber) => ({ lineNumber, sku: `SKU-${(n + lineNumber) % 500}`, orderedQuantity: 4 }));
  const at = new Date().toISOString();
  return [
    { source: '/bench', type: 'crossdock.order.received', subject, data: { order: { id: orderId, channel: 'WEB', customerCode: 'BENCH', state: 'validated', lines } } },
    { source: '/bench', type: 'crossdock.order.allocated', subject, data: { orderId, from: 'validated', to: 'allocated', lines: lines.map((l) => ({ lineNumber: l.lineNumber, allocated: 4, backordered: 0 })) } },
    {
      source: '/bench',
      type: 'crossdock.fulfillment.release_requested',
      subject: `fulfillment:r${n}`,
      data: { request: { id: `r${n}`, orderId, locationCode: 'DC-EAST', state: 'pending', lines: lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: 4 })), releasedAt: at, shipByAt: at } },
    },
    { source: '/bench', type: 'crossdock.order.released', subject, data: { orderId, requests: [`r${n}`] } },
    {
      source: '/bench',
      type: 'crossdock.shipment.confirmed',
      subject,
      data: { orderId, shipment: { id: `s${n}`, orderId, fulfillmentRequestId: `r${n}`, locationCode: 'DC-EAST', shippedAt: at, lines: lines.map((l) => ({ lineNumber: l.lineNumber, quantity: 4 })), shortShipped: [] } },
    },
    { source: '/bench', type: 'crossdock.order.shipped', subject, data: { orderId, from: 'released', to: 'shipped', shipmentId: `s${n}` } },
    { source: '/bench', type: 'crossdock.invoice.issued', subject, data: { invoice: { id: `i${n}`, orderId, shipmentIds: [`s${n}`], lines: lines.map((l) => ({ lineNumber: l.lineNumber, quantity: 4 })), totalMinor: 1200 } } },
    { source: '/bench', type: 'crossdock.order.invoiced', subject, data: { orderId, from: 'shipped', to: 'invoiced', invoiceId: `i${n}` } },
  ];
}

/**
 * The log's own ingest, as its feed follower runs it (`catchUp`: read the outbox feed after
 * the cursor, map, write the log, fold into the stored facts, move the cursor, in pages of 500). It is
 * driven directly rather than through the dispatcher: these synthetic order events would also go to
 * the allocation, invoicing and receivables subscribers, which would measure them instead. In
 * production an event also waits for the follower's next turn (`outbox.followIntervalMs`, 250 ms).
 */
async function lagBench(): Promise<void> {
  const hub = await openBenchHub('sqlite', { log: { level: 'silent' } });
  const { services } = hub.app;
  const db = hub.store.db;
  try {
    await services.catalog.customers.importRecords([
      { code: 'BENCH', name: 'Bench', tier: 'key', channels: [], creditLimitMinor: 1, paymentTermsDays: 30, shipTos: [{ code: 'ST', name: 'ST', address: { line1: '1 Road', city: 'Town', country: 'US' } }] },
    ]);
    const append = (events: NewEvent[]) => db.transaction().execute(async (tx) => (await services.outbox.appendMany(tx, events)).at(-1)!);

    // Catch-up throughput: a backlog appended first, then taken in.
    const backlog = 4_000;
    for (let n = 0; n < backlog; n += 50) await append(Array.from({ length: 50 }, (_, i) => orderEvents(n + i)).flat());
    const target = await cursorTarget(db);
    const c0 = performance.now();
    const reached = await services.process.catchUp();
    const catchUpMs = performance.now() - c0;
    if (reached < target) throw new Error(`the log stopped at ${reached} of ${target}`);
    console.log(`sqlite  log catch-up: ${fmt((backlog * 8) / (catchUpMs / 1000))} events/s mapped, logged and folded into the KPI facts (${fmt(backlog * 8)} events, pages of 500)  WAL, synchronous=NORMAL`);

    // Lag at a steady rate: a batch every 50 ms; the log catches up whenever something is pending.
    const perBatch = Math.max(8, Math.round(RATE / 20 / 8) * 8);
    const lags: number[] = [];
    const pending: Array<{ seq: number; at: number }> = [];
    const end = performance.now() + SECONDS * 1000;
    let n = backlog;
    let nextBatch = performance.now();
    let appended = 0;
    while (performance.now() < end || pending.length > 0) {
      const now = performance.now();
      if (now >= nextBatch && now < end) {
        const events = Array.from({ length: perBatch / 8 }, () => orderEvents(n++)).flat();
        const last = await append(events);
        pending.push({ seq: Number(last.sequence), at: performance.now() });
        appended += events.length;
        nextBatch += 50;
        continue;
      }
      if (pending.length > 0) {
        const logged = await services.process.catchUp();
        const done = performance.now();
        while (pending.length > 0 && pending[0]!.seq <= logged) lags.push(done - pending.shift()!.at);
      } else await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextBatch - performance.now())));
    }
    lags.sort((a, b) => a - b);
    console.log(
      `sqlite  incremental lag, events committed → logged and KPI facts updated, at ${fmt(appended / SECONDS)} events/s offered: p50 ${percentile(lags, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(lags, 99).toFixed(1)} ms, max ${lags.at(-1)?.toFixed(1)} ms (${fmt(lags.length)} batches of ${perBatch}; plus the dispatcher's poll in production)  WAL, synchronous=NORMAL`,
    );
  } finally {
    await hub.dispose();
  }
}

/**
 * The hub's own queries over a stored log: `--stored-events` (1 million) generated events stored in
 * SQLite as the follower stores them, recomputed into stored facts by the hub's recompute (its
 * reading of the log is timed with it), then the KPI query (all 18 over the whole log) and the order
 * map, as the API runs them: from memory (the default), the first of them reading the log in, and
 * from the stored facts and log (`process.queriesInMemory: false`). Then 20,000 more events are
 * stored and the next query, which reads only those, is timed.
 */
async function queriesBench(): Promise<void> {
  const stored = arg('stored-events', 1_000_000);
  const more = 20_000;
  const { log, endMs } = generate(stored + more);
  const hub = await openBenchHub('sqlite', { log: { level: 'silent' } });
  const { services } = hub.app;
  const db = hub.store.db;
  const deps = { db, kind: hub.store.kind, clock: systemClock, outbox: services.outbox, catalog: services.catalog };
  const fromStorage = createProcessService({ ...deps, inMemory: false });
  // The log's snapshot beside the database, as a hub keeps it (log-snapshot.ts).
  const logSnapshotPath = `${hub.store.sqlitePath!}.process-log`;
  const outcomes: SnapshotOutcome[] = [];
  const onSnapshot = (outcome: SnapshotOutcome) => outcomes.push(outcome);
  const outcome = async (action: SnapshotOutcome['action']) => {
    while (!outcomes.some((o) => o.action === action)) await new Promise((resolve) => setTimeout(resolve, 50));
    return outcomes.splice(outcomes.findIndex((o) => o.action === action), 1)[0]!;
  };
  // `let`, and let go once done with: at ten million events each service's log is gigabytes, and
  // the generated log, two of them and a recompute's fold do not fit in a 4 GB heap together.
  let inMemory: ProcessService | null = createProcessService({ ...deps, inMemory: true, logSnapshotPath, onSnapshot });
  try {
    const s0 = performance.now();
    for (let e = 0; e < stored; e += 50_000) await db.transaction().execute((tx) => storeLogEvents(tx, log, e, Math.min(stored, e + 50_000)));
    const r0 = performance.now();
    const whole = await fromStorage.recompute();
    const r1 = performance.now();
    console.log(`sqlite  stored log: ${fmt(stored)} events stored in ${fmt(r0 - s0)} ms (untimed); the hub's recompute ${fmt(r1 - r0)} ms: ${phasesOf(whole)}`);
    const window = { from: new Date(T0).toISOString(), to: new Date(endMs + 1).toISOString() };
    const query = async (service: ProcessService) => {
      const k0 = performance.now();
      const answer = await service.kpis(window);
      const k1 = performance.now();
      const map = await service.processMap({ objectType: 'order', ...window, rank: 'p90', limit: 20 });
      const k2 = performance.now();
      assert.equal(answer.kpis.length, kpiNames.length);
      assert.ok(map.edges.length > 0);
      return { kpis: k1 - k0, map: k2 - k1, answer };
    };
    // The first read of the log, in the background as a hub that starts does it; then the first query.
    const p0 = performance.now();
    await inMemory.prepareQueries();
    const readMs = performance.now() - p0;
    const first = await query(inMemory);
    // What the projection holds in typed memory, as the hub's metrics report it: counted, not a
    // difference of two readings of the heap (memory freed between them would fall inside it).
    const held = inMemory.projectionHeld()!.bytes;
    const saved = await outcome('saved');
    const later = [await query(inMemory), await query(inMemory), await query(inMemory)];
    // From storage, unless `--storage-queries=0` (at ten million events a query from storage takes
    // minutes and gigabytes).
    const storage = arg('storage-queries', 1) === 1 ? await query(fromStorage) : null;
    // To 12 significant digits: a mean sums its cases in the order the facts come, which differs.
    const rounded = <T>(answer: T): T => JSON.parse(JSON.stringify(answer, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v))) as T;
    if (storage) assert.deepEqual(rounded(first.answer.kpis), rounded(storage.answer.kpis), 'the KPIs from memory and from storage');
    const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
    console.log(
      `sqlite  queries over ${fmt(stored)} stored events, from memory: all 18 KPIs ${range(later.map((q) => q.kpis))} ms, the order map ${range(later.map((q) => q.map))} ms; ` +
        `reading the log into memory took ${fmt(readMs)} ms, then the first query ${fmt(first.kpis)} ms; the projection holds ${fmt(held / 1e6)} MB of typed memory (${fmt(held / stored)} bytes an event, room to grow included)`,
    );
    if (saved.action === 'saved') console.log(`sqlite  the log's snapshot: ${fmt(saved.events)} events, ${fmt(saved.bytes / 1e6)} MB written in ${fmt(saved.elapsedMs)} ms (in the background)`);
    if (storage) console.log(`sqlite  the same from the stored facts and log (queriesInMemory: false): all 18 KPIs ${fmt(storage.kpis)} ms, the order map ${fmt(storage.map)} ms`);
    await db.transaction().execute((tx) => storeLogEvents(tx, log, stored, stored + more));
    const next = await query(inMemory);
    inMemory = null;
    console.log(`sqlite  ${fmt(more)} more events stored: the next query read them and took ${fmt(next.kpis)} ms for the KPIs, load average ${loadavg()[0]!.toFixed(2)}`);

    // A hub that starts again: the snapshot read back, folded, and the events stored since read.
    let restarted: ProcessService | null = createProcessService({ ...deps, inMemory: true, logSnapshotPath, onSnapshot });
    const b0 = performance.now();
    await restarted.prepareQueries();
    const restartMs = performance.now() - b0;
    const restored = await outcome('restored');
    const afterRestart = await query(restarted);
    restarted = null;
    assert.deepEqual(afterRestart.answer, next.answer, 'the KPIs of a hub started from the snapshot and of the one that read the log');
    if (restored.action === 'restored')
      console.log(
        `sqlite  a start from the snapshot: ready in ${fmt(restartMs)} ms (the snapshot read back and checked against the database in ${fmt(restored.elapsedMs)} ms, ` +
          `then folded, then the ${fmt(more)} events stored since read), against ${fmt(readMs)} ms reading the whole log; the first query then ${fmt(afterRestart.kpis)} ms, the same KPIs`,
      );
    const recomputing = createProcessService({ ...deps, inMemory: false, logSnapshotPath, onSnapshot });
    const c0 = performance.now();
    const fromSnapshot = await recomputing.recompute();
    console.log(`sqlite  the hub's recompute from the snapshot ${fmt(performance.now() - c0)} ms: ${phasesOf(fromSnapshot)}`);
  } finally {
    await hub.dispose();
  }
}

const cursorTarget = async (db: Executor) => Number((await sql<{ seq: number }>`select max(seq) as seq from outbox_events`.execute(db)).rows[0]!.seq);

/** A recompute's report as its phases: reading the log (from the snapshot, then the database), folding, storing the facts. */
const phasesOf = (r: RecomputeReport) =>
  `read the log ${fmt(r.readMs)} ms, fold ${fmt(r.foldMs)} ms, store ${fmt(r.facts)} facts ${fmt(r.storeMs)} ms` +
  (r.reservedBytes > 0 ? ` (${fmt(r.reservedBytesTaken / 1e6)} of ${fmt(r.reservedBytes / 1e6)} MB of fact memory reserved while reading taken by the fold)` : '');

// `--part=recompute`, `--part=lag` or `--part=queries` runs one part (profiling, iterating); all by default.
const part = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? 'all';
if (part === 'all' || part === 'recompute') await recomputeBench();
if (part === 'all' || part === 'lag') await lagBench();
if (part === 'all' || part === 'queries') await queriesBench();
