import { parentPort } from 'node:worker_threads';
import { CompactLog, type SharedLog } from './compact-log.ts';
import { FactStore, clearShare, factTypes, foldLog, type FactType, type FoldPart, type SharedFacts } from './facts.rules.ts';
import { computeKpis, reserveKpiMemory } from './kpi.rules.ts';
import { processMapPartOfLog, reserveMapMemory } from './process-map.rules.ts';
import type { KpiName, KpiQuery } from './process.types.ts';

/**
 * A worker thread of the parallel recompute (fold.parallel.ts): it folds, maps or computes KPIs over
 * a log and facts in shared memory, one task at a time. It is compiled with its imports into one
 * script when the pool starts, so that Node starts it without the TypeScript loader.
 */
export type WorkerTask =
  | {
      kind: 'fold';
      id: number;
      log: SharedLog;
      facts: SharedFacts;
      marks: Record<FactType, SharedArrayBuffer>;
      part: FoldPart;
      /** A counter the parts meet at once every part has cleared its share of the facts' memory. */
      barrier: SharedArrayBuffer;
    }
  | { kind: 'clear'; id: number; buffers: SharedArrayBuffer[]; part: FoldPart }
  /**
   * Makes this thread's own memory for an order map of `orders` objects and `steps` steps
   * (`reserveMapMemory`), and for KPIs over as many cases (`reserveKpiMemory`).
   */
  | { kind: 'reserve'; id: number; orders: number; steps: number }
  | {
      kind: 'map';
      id: number;
      log: SharedLog;
      objectType: string;
      fromMs: number;
      toMs: number;
      part: FoldPart;
      /** Memory for the part's waits, which the owner reads them from and keeps for the next map. */
      waits: SharedArrayBuffer;
    }
  | {
      kind: 'kpis';
      id: number;
      log: SharedLog;
      facts: SharedFacts;
      query: KpiQuery;
      /** The KPIs of the query in units of work; every thread takes the next unit from `next` (a shared counter). */
      units: KpiName[][];
      next: SharedArrayBuffer;
    };

export type WorkerReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; message: string };

const BARRIER_TIMEOUT_MS = 60_000;

// Views of shared memory are cheap to build (the memory is not copied), so each task builds its own.
const logOf = (state: SharedLog) => CompactLog.fromShared(state);
const storeOf = (state: SharedFacts, log: CompactLog) => FactStore.fromShared(state, log);

function run(task: WorkerTask): { value?: unknown; transfer?: ArrayBuffer[] } {
  if (task.kind === 'clear') {
    for (const buffer of task.buffers) clearShare(buffer, task.part.index, task.part.count);
    return {};
  }
  if (task.kind === 'reserve') {
    reserveMapMemory(task.orders, task.steps);
    reserveKpiMemory(task.orders);
    return {};
  }
  const log = logOf(task.log);
  switch (task.kind) {
    case 'fold': {
      const store = storeOf(task.facts, log);
      // Marks may be memory of an earlier fold (see fold.parallel.ts): cleared before this one.
      for (const type of factTypes) store.tables[type].marks = new Uint8Array(task.marks[type]).fill(0);
      try {
        const { index, count } = task.part;
        const barrier = new Int32Array(task.barrier);
        try {
          for (const type of factTypes) store.tables[type].prefault(index, count);
        } finally {
          // Arrive even on failure, so the other parts do not wait for this one; the owner sees the failure.
          Atomics.add(barrier, 0, 1);
          Atomics.notify(barrier, 0);
        }
        // A part folds into rows of every part's share of the memory, so each share must be cleared
        // before any part folds: wait for the others (not forever: a part whose thread died never
        // arrives, and the owner then folds on one thread).
        const deadline = Date.now() + BARRIER_TIMEOUT_MS;
        for (let arrived = Atomics.load(barrier, 0); arrived < count; arrived = Atomics.load(barrier, 0)) {
          if (Date.now() > deadline) throw new Error('the other parts of the fold did not arrive');
          Atomics.wait(barrier, 0, arrived, 1_000);
        }
        foldLog(log, store, undefined, 0, log.events, task.part);
      } finally {
        for (const type of factTypes) store.tables[type].marks = null;
      }
      return {};
    }
    case 'map': {
      const part = processMapPartOfLog(log, task.objectType, task.fromMs, task.toMs, Number.POSITIVE_INFINITY, task.part, new Float64Array(task.waits));
      // The waits are this part's largest array: in the owner's shared memory, or (when the part
      // outgrew it) moved to the owner, not copied.
      const own = part.waits.buffer;
      return { value: part, transfer: own instanceof SharedArrayBuffer ? [] : [own] };
    }
    case 'kpis': {
      const input = { facts: storeOf(task.facts, log), events: log };
      const next = new Int32Array(task.next);
      const results = [];
      for (let unit = Atomics.add(next, 0, 1); unit < task.units.length; unit = Atomics.add(next, 0, 1)) {
        results.push(...computeKpis(input, { ...task.query, kpis: task.units[unit]! }));
      }
      return { value: results };
    }
  }
}

parentPort!.on('message', (task: WorkerTask) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = run(task);
    reply = { id: task.id, ok: true, value: result.value };
    transfer = result.transfer ?? [];
  } catch (error) {
    reply = { id: task.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply, transfer);
});
