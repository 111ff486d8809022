import { faultIn } from './columns.ts';
import type { CompactLog } from './compact-log.ts';
import { LOG_PARTS, PartCursor, partOfOrder } from './event-parts.ts';
import type { FoldPart } from './facts.rules.ts';
import { selectMedianAndP90 } from './stats.rules.ts';
import type { ProcessMap } from './process.types.ts';

/**
 * The directly-follows graph of one object type: each object's events in log order form its trace;
 * every pair of consecutive activities is an edge, weighted by how often it occurs and how long the
 * object waited between the two. Bottlenecks are the edges with the longest waits; variants are the
 * distinct traces with how many objects followed each. Pure, over columns, so that a map over
 * millions of events takes a fraction of a second.
 */
export interface TraceInput {
  /** Entries (an object's part in an event), in log order. */
  entries: number;
  /** Dense object numbers, 0 … objects − 1. */
  object: Int32Array;
  activity: Int32Array;
  time: Float64Array;
  /** The event of each entry: an event that names an object twice counts once in its trace. */
  event: Int32Array;
  objects: number;
  activities: readonly string[];
}

export interface MapOptions {
  rank: 'p90' | 'total';
  limit: number;
}

const HOUR_MS = 3_600_000;

/**
 * Builds the map step by step: each step is one object's part in one event, objects' steps in log
 * order. The same builder serves traces loaded from storage and a log in columns.
 *
 * Memory is the cost that matters at ten million events (fresh pages are slow to fault in on a
 * virtual machine), so the builder keeps 32 bytes per object and 16 per step, and nothing else in
 * proportion to the log: the waits are grouped by edge in place, and each step links to its object's
 * previous step, so that the variants' traces can be read back without another pass over the log.
 */
class DirectlyFollows {
  // Per object, 32 bytes in one cache line: the previous step's time (f64 slot 0), then as int32
  // slots 2–7: previous activity + 1 (0: no step yet), previous event, trace hashes A and B, last step (-1: none).
  private readonly state: ArrayBuffer;
  private readonly stateTime: Float64Array;
  private readonly stateInt: Int32Array;
  private readonly activityCount: Float64Array;
  private readonly starts: Float64Array;
  private readonly edgeCount: Int32Array;
  // Every step's edge, wait and its object's previous step (-1: the step from its first activity), in order.
  private stepEdge: Int32Array;
  private stepWait: Float64Array;
  private stepPrev: Int32Array;
  private steps = 0;
  /** Steps that fit in the step arrays before they grow. */
  private stepCapacity: number;
  private lastEvent = -1;
  private events = 0;

  /**
   * `waits`: memory for the steps' waits that the caller owns and takes back once the part is
   * assembled (see `processMapPartOfLog`), used when it holds `expectedSteps`.
   */
  constructor(
    private readonly objects: number,
    private readonly activities: readonly string[],
    expectedSteps: number,
    waits?: Float64Array,
  ) {
    // Zeroed memory is "no step yet" for every object, so objects never stepped are never touched.
    // Memory an earlier map gave back is taken when it is large enough (its state cleared first):
    // fresh memory costs a page fault per 4 KB, several times what clearing it costs.
    const reused = spareMemory;
    spareMemory = null;
    const stateBytes = Math.max(1, objects) * 32;
    const steps = Math.max(16, expectedSteps);
    if (reused !== null && reused.state.byteLength >= stateBytes) {
      this.state = reused.state;
      new Uint8Array(this.state, 0, stateBytes).fill(0);
    } else this.state = new ArrayBuffer(stateBytes);
    this.stateTime = new Float64Array(this.state, 0, stateBytes / 8);
    this.stateInt = new Int32Array(this.state, 0, stateBytes / 4);
    const A = activities.length;
    this.activityCount = new Float64Array(A);
    this.starts = new Float64Array(A);
    this.edgeCount = new Int32Array(A * A);
    // Steps are written before they are read, so reused step memory needs no clearing.
    const reuseSteps = reused !== null && reused.edge.length >= steps;
    this.stepEdge = reuseSteps ? reused.edge : new Int32Array(steps);
    this.stepPrev = reuseSteps ? reused.prev : new Int32Array(steps);
    // Waits are written before they are read, so memory handed in needs no clearing either.
    this.stepWait = waits !== undefined && waits.length >= steps ? waits : new Float64Array(steps);
    // Reused and handed-in memory can differ in length: the steps fit in the shortest.
    this.stepCapacity = Math.min(this.stepEdge.length, this.stepPrev.length, this.stepWait.length);
  }

  /**
   * Gives the per-object state and the steps' edges and links back for the next map (the waits are
   * the part's answer and stay with it). The builder must not be used afterwards.
   */
  private giveBack(): void {
    if (spareMemory === null || spareMemory.state.byteLength < this.state.byteLength) spareMemory = { state: this.state, edge: this.stepEdge, prev: this.stepPrev };
  }

  /** One step; steps come in log order, so an event's steps are consecutive. */
  step(object: number, a: number, time: number, event: number): void {
    const ints = this.stateInt;
    const base = object * 8;
    const p = ints[base + 2]! - 1;
    if (p >= 0 && ints[base + 3] === event) return;
    ints[base + 3] = event;
    if (event !== this.lastEvent) {
      this.lastEvent = event;
      this.events++;
    }
    this.activityCount[a]!++;
    if (p < 0) {
      this.starts[a]!++;
      ints[base + 4] = 17;
      ints[base + 5] = 31;
      ints[base + 6] = -1;
    } else {
      const edge = p * this.activities.length + a;
      this.edgeCount[edge]!++;
      if (this.steps === this.stepCapacity) this.growSteps();
      const step = this.steps++;
      this.stepEdge[step] = edge;
      this.stepWait[step] = Math.max(0, time - this.stateTime[object * 4]!);
      this.stepPrev[step] = ints[base + 6]!;
      ints[base + 6] = step;
    }
    ints[base + 2] = a + 1;
    this.stateTime[object * 4] = time;
    ints[base + 4] = Math.imul(ints[base + 4]!, 1_000_003) + a + 1;
    ints[base + 5] = Math.imul(ints[base + 5]! ^ (a + 7), 16_777_619);
  }

  /** Doubles the room for steps; an array already long enough (reused memory) is kept. */
  private growSteps(): void {
    const capacity = this.stepCapacity * 2;
    const steps = this.steps;
    if (this.stepEdge.length < capacity) this.stepEdge = grownTo(this.stepEdge, new Int32Array(capacity), steps);
    if (this.stepWait.length < capacity) this.stepWait = grownTo(this.stepWait, new Float64Array(capacity), steps);
    if (this.stepPrev.length < capacity) this.stepPrev = grownTo(this.stepPrev, new Int32Array(capacity), steps);
    this.stepCapacity = capacity;
  }

  /** Reorders the steps in place so that each edge's waits are one slice (an in-place bucket sort); returns the slices' bounds. */
  private groupWaitsByEdge(): Int32Array {
    const K = this.edgeCount.length;
    const offset = new Int32Array(K + 1);
    for (let k = 0; k < K; k++) offset[k + 1] = offset[k]! + this.edgeCount[k]!;
    const next = offset.slice(0, K);
    const edge = this.stepEdge;
    const wait = this.stepWait;
    for (let k = 0; k < K; k++) {
      const end = offset[k + 1]!;
      while (next[k]! < end) {
        const i = next[k]!;
        let e = edge[i]!;
        let w = wait[i]!;
        // Carry the step to its edge's next free slot, picking up whatever was there, until one belongs here.
        while (e !== k) {
          const j = next[e]!++;
          const e2 = edge[j]!;
          const w2 = wait[j]!;
          edge[j] = e;
          wait[j] = w;
          e = e2;
          w = w2;
        }
        edge[i] = e;
        wait[i] = w;
        next[k]!++;
      }
    }
    return offset;
  }

  /** The activities of an object's trace, read back along its steps' links. */
  private traceOf(object: number): string[] {
    const A = this.activities.length;
    const trace: string[] = [];
    let step = this.stateInt[object * 8 + 6]!;
    if (step < 0) return [this.activities[this.stateInt[object * 8 + 2]! - 1]!];
    for (;;) {
      const edge = this.stepEdge[step]!;
      trace.push(this.activities[edge % A]!);
      const prev = this.stepPrev[step]!;
      if (prev < 0) {
        trace.push(this.activities[Math.floor(edge / A)]!);
        return trace.reverse();
      }
      step = prev;
    }
  }

  /**
   * What this builder found, for `assembleMap`: counts, each edge's waits grouped by edge, and the
   * variants with their representatives' traces (the first `tracedVariants` of them by count, or all).
   */
  part(tracedVariants: number): MapPart {
    const { stateInt: ints, activities, objects } = this;
    const A = activities.length;
    const ends = new Float64Array(A);
    let activeObjects = 0;
    for (let o = 0; o < objects; o++) {
      const last = ints[o * 8 + 2]! - 1;
      if (last < 0) continue;
      activeObjects++;
      ends[last]!++;
    }

    // Variants: objects grouped by trace hash (two 32-bit hashes: collisions are negligible at this
    // scale); each variant's trace is read back from its first object. Before the waits are
    // regrouped below, while the steps are still in order.
    const variantOf = new Map<number, MapVariant>();
    for (let o = 0; o < objects; o++) {
      const base = o * 8;
      if (ints[base + 2] === 0) continue;
      const key = (ints[base + 4]! >>> 0) * 2_097_152 + (ints[base + 5]! >>> 11);
      const variant = variantOf.get(key);
      if (variant) variant.count++;
      else variantOf.set(key, { key, count: 1, representative: o, trace: null });
    }
    const variants = [...variantOf.values()].sort(byCountThenRepresentative);
    for (let i = 0; i < Math.min(tracedVariants, variants.length); i++) variants[i]!.trace = this.traceOf(variants[i]!.representative);

    const offset = this.groupWaitsByEdge();
    this.giveBack();
    return {
      activities,
      activityCount: this.activityCount,
      starts: this.starts,
      ends,
      edgeCount: this.edgeCount,
      offset,
      waits: this.stepWait.subarray(0, this.steps),
      variants,
      objects: activeObjects,
      events: this.events,
    };
  }

  finish(options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
    return assembleMap([this.part(options.limit)], options);
  }

  /** Overrides the count of events (a part counts only the events it owns). */
  setEvents(events: number): void {
    this.events = events;
  }
}

/** Memory a finished map gave back (see `DirectlyFollows.giveBack`); at most one map's worth is kept. */
let spareMemory: { state: ArrayBuffer; edge: Int32Array; prev: Int32Array } | null = null;

/**
 * Makes the memory of a map of `objects` objects and `steps` steps now, each page written once so
 * that it is faulted in, and keeps it for this thread's next map (a recompute that prepares while it
 * reads its log: see `reserveRecomputeMemory`). Memory already kept that is large enough stays.
 */
export function reserveMapMemory(objects: number, steps: number): void {
  const stateBytes = Math.max(1, objects) * 32;
  const stepCount = Math.max(16, steps);
  if (spareMemory !== null && spareMemory.state.byteLength >= stateBytes && spareMemory.edge.length >= stepCount) return;
  const state = new ArrayBuffer(stateBytes);
  const edge = new Int32Array(stepCount);
  const prev = new Int32Array(stepCount);
  for (const buffer of [state, edge.buffer, prev.buffer]) faultIn(buffer);
  spareMemory = { state, edge, prev };
}

/** A variant (a distinct trace) of one map or part: its count and its first object. */
export interface MapVariant {
  key: number;
  count: number;
  /** The first object, by number, that followed it. */
  representative: number;
  /** Its activities, when read back (see `DirectlyFollows.part`). */
  trace: string[] | null;
}

const byCountThenRepresentative = (a: { count: number; representative: number }, b: { count: number; representative: number }) => b.count - a.count || a.representative - b.representative;

/**
 * One part of a map: from the whole log on one thread, or from one thread's share of the objects (by
 * ordinal, as a parallel fold splits orders). Parts add up: counts add, each edge's waits are the
 * waits of its parts together, a variant's count is its counts' sum and its representative the least.
 */
export interface MapPart {
  activities: readonly string[];
  activityCount: Float64Array;
  starts: Float64Array;
  ends: Float64Array;
  edgeCount: Int32Array;
  /** Edge k's waits are `waits[offset[k], offset[k + 1])`. */
  offset: Int32Array;
  waits: Float64Array;
  variants: MapVariant[];
  objects: number;
  events: number;
}

/**
 * The map of its parts. With one part, its waits are read in place; with several, each edge's waits
 * are copied together for the selection of its median and p90. Waits are differences of whole
 * milliseconds (the log's times), so their totals do not depend on the order they are added in.
 */
export function assembleMap(parts: readonly MapPart[], options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
  const first = parts[0]!;
  const activities = first.activities;
  const A = activities.length;
  const sum = (pick: (part: MapPart) => Float64Array | Int32Array) => {
    const total = new Float64Array(pick(first).length);
    for (const part of parts) pick(part).forEach((v, i) => (total[i]! += v));
    return total;
  };
  const activityCount = parts.length === 1 ? first.activityCount : sum((p) => p.activityCount);
  const starts = parts.length === 1 ? first.starts : sum((p) => p.starts);
  const ends = parts.length === 1 ? first.ends : sum((p) => p.ends);
  const edgeCount = parts.length === 1 ? first.edgeCount : sum((p) => p.edgeCount);
  let activeObjects = 0;
  let events = 0;
  for (const part of parts) {
    activeObjects += part.objects;
    events += part.events;
  }

  const merged = new Map<number, MapVariant>();
  for (const part of parts) {
    for (const v of part.variants) {
      const seen = merged.get(v.key);
      if (!seen) merged.set(v.key, { ...v });
      else {
        seen.count += v.count;
        if (v.representative < seen.representative) {
          seen.representative = v.representative;
          seen.trace = v.trace;
        }
      }
    }
  }
  const top = [...merged.values()].sort(byCountThenRepresentative).slice(0, options.limit);
  const variants = top
    .map((v) => ({ activities: v.trace!, count: v.count, share: v.count / activeObjects }))
    .sort((a, b) => b.count - a.count || (a.activities.join('\u0000') < b.activities.join('\u0000') ? -1 : 1));

  // The waits of each edge in a slice of one array, for exact medians and p90s by selection: with
  // several parts, copied together into one scratch array as long as the largest edge's waits.
  let largest = 0;
  if (parts.length > 1) for (let k = 0; k < A * A; k++) largest = Math.max(largest, edgeCount[k]!);
  const scratch = new Float64Array(largest);
  const edges: ProcessMap['edges'] = [];
  for (let k = 0; k < A * A; k++) {
    const count = edgeCount[k]!;
    if (count === 0) continue;
    let waits: Float64Array;
    let from: number;
    let to: number;
    if (parts.length === 1) {
      waits = first.waits;
      from = first.offset[k]!;
      to = first.offset[k + 1]!;
    } else {
      waits = scratch;
      let at = 0;
      for (const part of parts) {
        waits.set(part.waits.subarray(part.offset[k]!, part.offset[k + 1]!), at);
        at += part.offset[k + 1]! - part.offset[k]!;
      }
      from = 0;
      to = count;
    }
    let total = 0;
    for (let i = from; i < to; i++) total += waits[i]!;
    const { median, p90 } = selectMedianAndP90(waits, from, to);
    edges.push({
      from: activities[Math.floor(k / A)]!,
      to: activities[k % A]!,
      count,
      medianWaitHours: median / HOUR_MS,
      p90WaitHours: p90 / HOUR_MS,
      meanWaitHours: total / count / HOUR_MS,
      totalWaitHours: total / HOUR_MS,
    });
  }
  const byName = (a: { from: string; to: string }, b: { from: string; to: string }) => (a.from + '\u0000' + a.to < b.from + '\u0000' + b.to ? -1 : 1);
  edges.sort((a, b) => b.count - a.count || byName(a, b));
  const rankOf = (e: ProcessMap['edges'][number]) => (options.rank === 'p90' ? e.p90WaitHours : e.totalWaitHours);
  const bottlenecks = [...edges].sort((a, b) => rankOf(b) - rankOf(a) || b.count - a.count || byName(a, b)).slice(0, options.limit);

  const activityList = activities
    .map((name, a) => ({ name, count: activityCount[a]!, starts: starts[a]!, ends: ends[a]! }))
    .filter((a) => a.count > 0)
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return { objects: activeObjects, events, activities: activityList, edges, bottlenecks, variants };
}

/** `into` with the first `count` values of `from`. */
function grownTo<T extends Int32Array | Float64Array>(from: T, into: T, count: number): T {
  into.set(from.subarray(0, count));
  return into;
}

/** The map of traces given as entries (loaded from storage, in log order). */
export function computeProcessMap(input: TraceInput, options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
  const { entries, object, activity, time, event } = input;
  const builder = new DirectlyFollows(input.objects, input.activities, entries);
  for (let i = 0; i < entries; i++) builder.step(object[i]!, activity[i]!, time[i]!, event[i]!);
  return builder.finish(options);
}

/**
 * The map of one object type in a window, straight from a log in columns (the benchmark, a
 * recompute): objects are numbered by their ordinal within the type, so nothing is looked up.
 */
export function processMapOfLog(log: CompactLog, objectType: string, fromMs: number, toMs: number, options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
  const waits = spareWaits;
  spareWaits = undefined;
  const part = processMapPartOfLog(log, objectType, fromMs, toMs, options.limit, undefined, waits);
  const map = assembleMap([part], options);
  // The map holds none of the waits: their memory serves the next map.
  keepSpareWaits(new Float64Array(part.waits.buffer));
  return map;
}

/** The waits' memory of the last map on this thread (`processMapOfLog`), for the next. */
let spareWaits: Float64Array | undefined;

function keepSpareWaits(waits: Float64Array): void {
  if (spareWaits === undefined || spareWaits.length < waits.length) spareWaits = waits;
}

/** The steps a part of a map of the log makes room for at first: at most one per event it may own. */
export const mapStepsOf = (events: number, part?: FoldPart): number => (part === undefined ? events : Math.ceil(events / part.count));

/**
 * One part of the map of an object type (see `MapPart`): with `part`, only the objects whose ordinals
 * fall in the part's blocks (`partOfOrder`), and only the events whose first object of the type is
 * the part's, so that parts count each event once.
 */
export function processMapPartOfLog(log: CompactLog, objectType: string, fromMs: number, toMs: number, tracedVariants: number, part?: FoldPart, waits?: Float64Array): MapPart {
  const type = log.strings.find(objectType);
  const { relStart, relType, relOrdinal, time, activity } = log;
  // Activities renumbered densely, in the order they first occur.
  const denseActivity = new Int32Array(log.strings.values.length).fill(-1);
  const activities = log.activities.map((a, dense) => {
    denseActivity[a] = dense;
    return log.strings.values[a]!;
  });
  const builder = new DirectlyFollows(type < 0 ? 0 : log.countOfType(type), activities, mapStepsOf(log.events, part), waits);
  const index = part?.index ?? 0;
  const count = part?.count ?? 1;
  // Orders: an event's one order is kept beside it (`eventOrder`), so most events' relations are not read.
  const eventOrder = type === log.orderType ? log.eventOrder : null;
  // A part of the order map of a shared log reads only its own events and the shared ones, from the
  // log's index (event-parts.ts); any other map passes over every event.
  const parts = eventOrder !== null && part !== undefined && log.parts !== null && count === LOG_PARTS && log.parts.indexed >= log.events ? log.parts : null;
  const cursor = new PartCursor(parts, index, 0);
  let events = 0;
  for (let e = cursor.next(); e < log.events; e = cursor.next()) {
    const t = time[e]!;
    if (t < fromMs || t >= toMs) continue;
    if (eventOrder !== null) {
      const order = eventOrder[e]!;
      if (order === 0) continue;
      if (order > 0) {
        // An event of the part's own list is the part's.
        if (parts !== null || count === 1 || partOfOrder(order - 1, count) === index) {
          events++;
          builder.step(order - 1, denseActivity[activity[e]!]!, t, e);
        }
        continue;
      }
    }
    let first = true;
    for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) {
      if (relType[r] !== type) continue;
      const mine = count === 1 || partOfOrder(relOrdinal[r]!, count) === index;
      if (first) {
        first = false;
        if (mine) events++;
      }
      if (mine) builder.step(relOrdinal[r]!, denseActivity[activity[e]!]!, t, e);
    }
  }
  if (part !== undefined) builder.setEvents(events);
  return builder.part(tracedVariants);
}
