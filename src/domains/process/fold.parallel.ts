import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompactLog } from './compact-log.ts';
import { LOG_PARTS } from './event-parts.ts';
import { FactStore, factTableBytes, factTypes, foldLog, foldRowsOf, prepareTexts, recycleFactMemory, returnClearedMemory, takeUnclearedMemory, type FactType } from './facts.rules.ts';
import type { WorkerReply, WorkerTask } from './fold.worker.ts';
import { computeKpis, kpiByName, type KpiInput } from './kpi.rules.ts';
import { assembleMap, mapStepsOf, processMapOfLog, type MapOptions, type MapPart } from './process-map.rules.ts';
import type { KpiName, KpiQuery, KpiResult, ProcessMap } from './process.types.ts';

/**
 * The recompute on two threads (DESIGN §11: KPIs over 10 million events in ≤ 2 s). Two threads each
 * fold the facts of half the orders (at ten million events, 2.2 s where one thread takes 3.1 s, when
 * both cores are free); the process map splits the same way, and the KPIs are dealt out whole.
 *
 * The log and the facts live in shared memory (`CompactLog` built `shared`, `FactStore` with shared
 * tables), so nothing is copied to the workers. The answers are exactly those of one thread: each
 * order's events are folded in sequence order by one thread (see `ORDER_BLOCK_BITS`), a fold that
 * would change one row from both threads is done again on one, and a KPI is computed whole by one
 * thread with the single-threaded code. Whatever cannot be split (a log not in shared memory, a
 * worker that fails) is done on this thread.
 *
 * The workers are started on first use and kept for the life of the process, idle between
 * recomputes without holding it open. They run one script compiled with esbuild from fold.worker.ts
 * and its imports, and start without the TypeScript loader (tens of milliseconds, not a quarter second).
 */
const PARTS = LOG_PARTS;

/**
 * Below this many events one thread folds the log: starting the workers (compiling their script
 * and starting two threads, about half a second once per process) would cost more than it saves.
 */
export const PARALLEL_MIN_EVENTS = 200_000;

interface PooledWorker {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

/** A task as sent, before it is numbered. */
type TaskBody = WorkerTask extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

let pool: PooledWorker[] | null = null;
let nextTaskId = 1;

function compileWorker(): string {
  // Loaded here, not at the top: only a process that recomputes in parallel loads esbuild.
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [fileURLToPath(new URL('./fold.worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function startPool(): PooledWorker[] {
  const code = compileWorker();
  return Array.from({ length: PARTS }, () => {
    const worker = new Worker(code, { eval: true, execArgv: [] });
    const pooled: PooledWorker = { worker, pending: new Map() };
    worker.on('message', (reply: WorkerReply) => {
      const waiting = pooled.pending.get(reply.id);
      if (!waiting) return;
      pooled.pending.delete(reply.id);
      if (pooled.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(reply.message));
    });
    // A thread that fails or exits fails its tasks (their callers then work on one thread) and the
    // pool, which the next call starts anew.
    const fail = (error: Error) => {
      for (const waiting of pooled.pending.values()) waiting.reject(error);
      pooled.pending.clear();
      if (pool?.includes(pooled)) {
        const broken = pool;
        pool = null;
        for (const other of broken) if (other !== pooled) void other.worker.terminate();
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a process worker exited with code ${code}`)));
    worker.unref();
    return pooled;
  });
}

/** Sends a task to worker `index` of the pool; the worker holds the process open only while it works. */
function send(index: number, task: TaskBody): Promise<unknown> {
  pool ??= startPool();
  const pooled = pool[index]!;
  const id = nextTaskId++;
  return new Promise((resolve, reject) => {
    pooled.pending.set(id, { resolve, reject });
    pooled.worker.ref();
    pooled.worker.postMessage({ ...task, id });
  });
}

/** Starts the workers now rather than on the first recompute (a hub that recomputes on a schedule). */
export function startProcessWorkers(): void {
  pool ??= startPool();
}

/** Stops the workers (tests, shutdown); the next parallel call starts them again. */
export async function stopProcessWorkers(): Promise<void> {
  const stopping = pool;
  pool = null;
  if (stopping) await Promise.all(stopping.map((p) => p.worker.terminate()));
}

/** A fold part's marks for a table of `rows` rows: a byte per row, in whole 32-bit words for `overlaps`. */
const marksBytes = (rows: number): number => Math.ceil(rows / 4) * 4;

/** Whether two parts changed one row of a table: their marks overlap (memory past the rows is clear). */
function overlaps(a: SharedArrayBuffer, b: SharedArrayBuffer): boolean {
  const x = new Int32Array(a);
  const y = new Int32Array(b);
  for (let i = 0, n = Math.min(x.length, y.length); i < n; i++) if ((x[i]! & y[i]!) !== 0) return true;
  return false;
}

/**
 * Folds the whole log into new facts aligned with it, on two threads when the log is shared and has
 * at least `minEvents` events. The facts are those of `foldLog` on one thread (the texts may be
 * numbered differently; their values are the same). On two threads the store's tables are shared.
 */
export async function foldLogParallel(log: CompactLog, options: { minEvents?: number } = {}): Promise<FactStore> {
  if (!log.shared || log.events < (options.minEvents ?? PARALLEL_MIN_EVENTS)) return foldOnOneThread(log);
  const store = new FactStore(log, {}, { shared: true });
  prepareTexts(log, store);
  const sharedLog = log.share();
  const sharedFacts = store.share();
  // The workers clear what is not clean, then fold into it: from here on no table is clean.
  for (const type of factTypes) store.tables[type].clean = false;
  // A byte per row and part, rounded up to whole 32-bit words for the overlap test; each part clears
  // its own before it folds, so memory of an earlier fold serves (see `spareMarks`).
  const marks = Array.from({ length: PARTS }, () => Object.fromEntries(factTypes.map((t) => [t, spareMarks.take(marksBytes(store.tables[t].rows))])) as Record<FactType, SharedArrayBuffer>);
  const barrier = new SharedArrayBuffer(4);
  try {
    await Promise.all(marks.map((m, index) => send(index, { kind: 'fold', log: sharedLog, facts: sharedFacts, marks: m, part: { index, count: PARTS }, barrier })));
  } catch {
    // A worker that failed (a text the dictionary lacks, a thread that died): one thread folds it all.
    // The shared memory is not recycled: the other part may still be writing to it.
    return foldOnOneThread(log);
  }
  const overlapped = factTypes.some((type) => overlaps(marks[0]![type], marks[1]![type]));
  spareMarks.keep(marks.flatMap((part) => factTypes.map((type) => part[type])));
  if (overlapped) {
    recycleFactMemory(store);
    return foldOnOneThread(log);
  }
  return store;
}

/**
 * Shared buffers a recompute is done with, kept for the next: fresh memory costs a page fault per
 * 4 KB, where memory written before costs nothing to write again. A buffer is taken whole by one
 * caller and kept again once that caller is done with it; at most `max` are kept, the latest.
 */
class SpareBuffers {
  private readonly buffers: SharedArrayBuffer[] = [];

  constructor(private readonly max: number) {}

  /** A kept buffer of at least `bytes` and at most a quarter more, else a new one. */
  take(bytes: number): SharedArrayBuffer {
    const i = this.buffers.findIndex((b) => b.byteLength >= bytes && b.byteLength <= bytes * 1.25);
    return i >= 0 ? this.buffers.splice(i, 1)[0]! : new SharedArrayBuffer(bytes);
  }

  keep(buffers: readonly SharedArrayBuffer[]): void {
    this.buffers.push(...buffers);
    this.buffers.splice(0, Math.max(0, this.buffers.length - this.max));
  }
}

/** The fold's marks: about 13 MB at ten million events. */
const spareMarks = new SpareBuffers(PARTS * factTypes.length);

/**
 * Clears the fact memory recomputes gave back (`recycleFactMemory`) on the worker threads, each its
 * share, so that the next recompute folds into it without clearing it first (about 70 ms of each
 * thread at ten million events). The hub calls it once a recompute's facts are stored, when the
 * workers are otherwise idle; a recompute that starts meanwhile takes fresh memory instead. Memory
 * whose clearing failed (a worker stopped) is dropped, not reused.
 */
export async function clearSpareFactMemory(): Promise<void> {
  const buffers = takeUnclearedMemory();
  if (buffers.length === 0) return;
  try {
    await Promise.all(Array.from({ length: PARTS }, (_, index) => send(index, { kind: 'clear', buffers, part: { index, count: PARTS } })));
  } catch {
    return;
  }
  returnClearedMemory(buffers);
}

/**
 * What a recompute of a log will need, known before the log is whole: its events, and the objects
 * of each fact type (the rows of its fact tables).
 */
export interface RecomputeSizes {
  events: number;
  objectsByType: Partial<Record<FactType, number>>;
}

/** The sizes of a recompute of `log` as it is now. */
export function recomputeSizesOf(log: CompactLog): RecomputeSizes {
  return { events: log.events, objectsByType: Object.fromEntries(factTypes.map((type) => [type, log.countOfTypeNamed(type)])) };
}

/** The middle of the sizes of memory a recompute takes (what it needs, up to a quarter more), as a factor: about √1.25. */
const ESTIMATE_MARGIN = 1.12;

/**
 * The sizes of a log that had `sizes` at sequence `seq` once it reaches `upToSeq`, estimated by
 * scaling every count alike. A recompute takes memory up to a quarter larger than it needs, so the
 * estimate serves a count up to 12% above or below it: it is made 12% larger than the scaled count.
 */
export function grownSizes(sizes: RecomputeSizes, seq: number, upToSeq: number): RecomputeSizes {
  const growth = (seq > 0 ? Math.max(1, upToSeq / seq) : 1) * ESTIMATE_MARGIN;
  const objectsByType = Object.fromEntries(Object.entries(sizes.objectsByType).map(([type, objects]) => [type, Math.round(objects * growth)]));
  return { events: Math.round(sizes.events * growth), objectsByType };
}

/**
 * Memory for a recompute of `sizes`, faulted in and cleared now by the worker threads and kept where
 * the recompute takes it: the fact tables, the fold's marks, the order map's waits, and each thread's
 * own memory for the map's per-order state and the KPIs' values. Fresh memory costs a page fault per
 * 4 KB (about 2 ms per MB on the virtual machines measured), and a recompute of ten million events
 * fills some 720 MB: reserved while the log is still being read, that second is not the
 * recompute's. Answers the fact tables' buffers (the fold takes each whose size fits its table).
 * Memory whose clearing failed is dropped.
 */
export async function reserveRecomputeMemory(sizes: RecomputeSizes): Promise<SharedArrayBuffer[]> {
  const types = factTypes.filter((type) => (sizes.objectsByType[type] ?? 0) > 0);
  const facts = types.map((type) => new SharedArrayBuffer(factTableBytes(type, foldRowsOf(sizes.objectsByType[type]!))));
  const marks = Array.from({ length: PARTS }, () => types.map((type) => new SharedArrayBuffer(marksBytes(sizes.objectsByType[type]!)))).flat();
  const waits = Array.from({ length: PARTS }, (_, index) => new SharedArrayBuffer(mapStepsOf(sizes.events, { index, count: PARTS }) * 8));
  const buffers = [...facts, ...marks, ...waits];
  try {
    await Promise.all(
      Array.from({ length: PARTS }, async (_, index) => {
        await send(index, { kind: 'clear', buffers, part: { index, count: PARTS } });
        // The map's per-order state and steps, and the KPIs' values, live in each thread's own memory.
        await send(index, { kind: 'reserve', orders: sizes.objectsByType.order ?? 0, steps: mapStepsOf(sizes.events, { index, count: PARTS }) });
      }),
    );
  } catch {
    return [];
  }
  returnClearedMemory(facts);
  spareMarks.keep(marks);
  spareWaits.keep(waits);
  return facts;
}

function foldOnOneThread(log: CompactLog): FactStore {
  const store = new FactStore(log);
  foldLog(log, store);
  return store;
}

/** The map of one object type, on two threads when the log is shared; the same answer as `processMapOfLog`. */
export async function processMapOfLogParallel(log: CompactLog, objectType: string, fromMs: number, toMs: number, options: MapOptions): Promise<Omit<ProcessMap, 'objectType' | 'from' | 'to'>> {
  if (!log.shared) return processMapOfLog(log, objectType, fromMs, toMs, options);
  const sharedLog = log.share();
  // Each part writes its waits into shared memory this thread hands it and takes back afterwards.
  const waits = Array.from({ length: PARTS }, (_, index) => spareWaits.take(mapStepsOf(log.events, { index, count: PARTS }) * 8));
  let parts: MapPart[];
  try {
    parts = (await Promise.all(waits.map((memory, index) => send(index, { kind: 'map', log: sharedLog, objectType, fromMs, toMs, part: { index, count: PARTS }, waits: memory })))) as MapPart[];
  } catch {
    // Not given back: a part that did not fail may still be writing into its memory.
    return processMapOfLog(log, objectType, fromMs, toMs, options);
  }
  const map = assembleMap(parts, options);
  // The map holds none of the waits; a part that outgrew its memory wrote them into its own.
  spareWaits.keep(waits);
  return map;
}

/** The map parts' waits: about 50 MB at ten million events. */
const spareWaits = new SpareBuffers(PARTS);

/**
 * Roughly how long each KPI takes at ten million events, in milliseconds of one thread (most scan
 * the order facts once; the two counted per event scan the log), so that the heaviest are started
 * first. The order KPIs counted at a milestone share one scan (`scanOrders`) and go as one unit.
 */
const kpiCostMs: Partial<Record<KpiName, number>> = {
  integration_failure_rate: 60,
  backorder_aging: 45,
  inventory_sync_latency: 45,
  invoice_latency: 33,
  backlog_aging: 21,
  shipment_confirmation_timeliness: 21,
  exception_rate: 19,
  sla_adherence: 5,
  queue_aging: 2,
  integration_recovery_time: 2,
  supplier_response_latency: 1,
};
/** The cost of an order KPI counted at a milestone, within the shared scan of the order facts. */
const ORDER_CASE_COST_MS = 30;

/**
 * The KPIs of `computeKpis` on the two threads, over facts and a log in shared memory: the KPIs are
 * units of work (the order KPIs counted at a milestone together, each other KPI alone), heaviest
 * first, and each thread takes the next unit from a shared counter as soon as it is free, so that a
 * thread slowed down (by the machine, or by this thread assembling the map meanwhile) takes fewer.
 * Each unit is computed by the single-threaded code, so the answers are the same. On one thread
 * when the facts or the log are not shared.
 */
export async function computeKpisParallel(input: KpiInput, query: KpiQuery): Promise<KpiResult[]> {
  if (!input.events.shared || !input.facts.tables.order.shared) return computeKpis(input, query);
  const orderCases = query.kpis.filter((name) => kpiByName.get(name)?.perOrder !== undefined);
  const units: Array<{ kpis: KpiName[]; costMs: number }> = query.kpis.filter((name) => !orderCases.includes(name)).map((name) => ({ kpis: [name], costMs: kpiCostMs[name] ?? 30 }));
  if (orderCases.length > 0) units.push({ kpis: orderCases, costMs: orderCases.length * ORDER_CASE_COST_MS });
  units.sort((a, b) => b.costMs - a.costMs);
  const sharedLog = input.events.share();
  const sharedFacts = input.facts.share();
  const next = new SharedArrayBuffer(4);
  let answers: KpiResult[][];
  try {
    const task = { kind: 'kpis' as const, log: sharedLog, facts: sharedFacts, query, units: units.map((u) => u.kpis), next };
    answers = (await Promise.all(Array.from({ length: PARTS }, (_, index) => send(index, task)))) as KpiResult[][];
  } catch {
    return computeKpis(input, query);
  }
  const byName = new Map(answers.flat().map((r) => [r.kpi, r]));
  return query.kpis.map((name) => byName.get(name)!);
}
