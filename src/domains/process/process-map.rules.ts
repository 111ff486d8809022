import type { CompactLog } from './compact-log.ts';
import { selectNearestRank } from './stats.rules.ts';
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
 */
class DirectlyFollows {
  private static readonly W = 5;
  // Each object's state in one place (a few cache lines per object, not one per array):
  // [previous activity, previous event, previous time, trace hash A, trace hash B].
  private readonly state: Float64Array;
  private readonly activityCount: Float64Array;
  private readonly starts: Float64Array;
  private readonly edgeCount: Int32Array;
  // Every step's edge and wait, in order; bucketed by edge at the end (sequential work, no per-object lookups).
  private stepEdge: Int32Array;
  private stepWait: Float64Array;
  private steps = 0;
  // Every step's object and activity, in order, so the variants' traces can be read back at the end.
  private visitObject: Int32Array;
  private visitActivity: Int32Array;
  private visits = 0;
  private readonly seenEvent: Uint8Array;
  private events = 0;

  constructor(
    private readonly objects: number,
    private readonly activities: readonly string[],
    eventCount: number,
    expectedSteps: number,
  ) {
    const W = DirectlyFollows.W;
    this.state = new Float64Array(objects * W);
    for (let o = 0; o < objects; o++) {
      this.state[o * W] = -1;
      this.state[o * W + 1] = -1;
      this.state[o * W + 3] = 17;
      this.state[o * W + 4] = 31;
    }
    const A = activities.length;
    this.activityCount = new Float64Array(A);
    this.starts = new Float64Array(A);
    this.edgeCount = new Int32Array(A * A);
    this.stepEdge = new Int32Array(Math.max(16, expectedSteps));
    this.stepWait = new Float64Array(Math.max(16, expectedSteps));
    this.visitObject = new Int32Array(Math.max(16, expectedSteps));
    this.visitActivity = new Int32Array(Math.max(16, expectedSteps));
    this.seenEvent = new Uint8Array(eventCount);
  }

  step(object: number, a: number, time: number, event: number): void {
    const state = this.state;
    const base = object * DirectlyFollows.W;
    if (state[base + 1] === event) return;
    state[base + 1] = event;
    if (this.visits === this.visitObject.length) this.growVisits();
    this.visitObject[this.visits] = object;
    this.visitActivity[this.visits++] = a;
    if (this.seenEvent[event] === 0) {
      this.seenEvent[event] = 1;
      this.events++;
    }
    this.activityCount[a]!++;
    const p = state[base]!;
    if (p < 0) this.starts[a]!++;
    else {
      const edge = p * this.activities.length + a;
      this.edgeCount[edge]!++;
      if (this.steps === this.stepEdge.length) this.growSteps();
      this.stepEdge[this.steps] = edge;
      this.stepWait[this.steps++] = Math.max(0, time - state[base + 2]!);
    }
    state[base] = a;
    state[base + 2] = time;
    state[base + 3] = Math.imul(state[base + 3]!, 1_000_003) + a + 1;
    state[base + 4] = Math.imul(state[base + 4]! ^ (a + 7), 16_777_619);
  }

  private growVisits(): void {
    const object = new Int32Array(this.visitObject.length * 2);
    object.set(this.visitObject);
    this.visitObject = object;
    const activity = new Int32Array(this.visitActivity.length * 2);
    activity.set(this.visitActivity);
    this.visitActivity = activity;
  }

  private growSteps(): void {
    const edge = new Int32Array(this.stepEdge.length * 2);
    edge.set(this.stepEdge);
    this.stepEdge = edge;
    const wait = new Float64Array(this.stepWait.length * 2);
    wait.set(this.stepWait);
    this.stepWait = wait;
  }

  finish(options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
    const { state, activities, objects, edgeCount } = this;
    const W = DirectlyFollows.W;
    const A = activities.length;
    const ends = new Float64Array(A);
    let activeObjects = 0;
    for (let o = 0; o < objects; o++) {
      const last = state[o * W]!;
      if (last < 0) continue;
      activeObjects++;
      ends[last]!++;
    }

    // The waits of each edge in a slice of one array, for exact medians and p90s by selection.
    const offset = new Int32Array(A * A + 1);
    for (let k = 0; k < A * A; k++) offset[k + 1] = offset[k]! + edgeCount[k]!;
    const fill = offset.slice(0, A * A);
    const waits = new Float64Array(this.steps);
    for (let i = 0; i < this.steps; i++) waits[fill[this.stepEdge[i]!]!++] = this.stepWait[i]!;
    const edges: ProcessMap['edges'] = [];
    for (let k = 0; k < A * A; k++) {
      const count = edgeCount[k]!;
      if (count === 0) continue;
      const from = offset[k]!;
      const to = offset[k + 1]!;
      let total = 0;
      for (let i = from; i < to; i++) total += waits[i]!;
      edges.push({
        from: activities[Math.floor(k / A)]!,
        to: activities[k % A]!,
        count,
        medianWaitHours: selectNearestRank(waits, from, to, 0.5) / HOUR_MS,
        p90WaitHours: selectNearestRank(waits, from, to, 0.9) / HOUR_MS,
        meanWaitHours: total / count / HOUR_MS,
        totalWaitHours: total / HOUR_MS,
      });
    }
    const byName = (a: { from: string; to: string }, b: { from: string; to: string }) => (a.from + '\u0000' + a.to < b.from + '\u0000' + b.to ? -1 : 1);
    edges.sort((a, b) => b.count - a.count || byName(a, b));
    const rankOf = (e: ProcessMap['edges'][number]) => (options.rank === 'p90' ? e.p90WaitHours : e.totalWaitHours);
    const bottlenecks = [...edges].sort((a, b) => rankOf(b) - rankOf(a) || b.count - a.count || byName(a, b)).slice(0, options.limit);

    // Variants: objects grouped by trace hash (two 32-bit hashes: collisions are negligible at this scale).
    const variantOf = new Map<number, { count: number; representative: number }>();
    for (let o = 0; o < objects; o++) {
      if (state[o * W]! < 0) continue;
      const key = ((state[o * W + 3]! | 0) >>> 0) * 2_097_152 + ((state[o * W + 4]! | 0) >>> 11);
      const variant = variantOf.get(key);
      if (variant) variant.count++;
      else variantOf.set(key, { count: 1, representative: o });
    }
    const top = [...variantOf.values()].sort((a, b) => b.count - a.count || a.representative - b.representative).slice(0, options.limit);
    // The representatives' traces, read back from the visits; a mark per object says whose trace to keep.
    const traceOf = new Int32Array(objects).fill(-1);
    const traces = top.map((v, i) => {
      traceOf[v.representative] = i;
      return [] as string[];
    });
    for (let i = 0; i < this.visits; i++) {
      const t = traceOf[this.visitObject[i]!]!;
      if (t >= 0) traces[t]!.push(activities[this.visitActivity[i]!]!);
    }
    const variants = top
      .map((v, i) => ({ activities: traces[i]!, count: v.count, share: v.count / activeObjects }))
      .sort((a, b) => b.count - a.count || (a.activities.join('\u0000') < b.activities.join('\u0000') ? -1 : 1));

    const activityList = activities
      .map((name, a) => ({ name, count: this.activityCount[a]!, starts: this.starts[a]!, ends: ends[a]! }))
      .filter((a) => a.count > 0)
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    return { objects: activeObjects, events: this.events, activities: activityList, edges, bottlenecks, variants };
  }
}

/** The map of traces given as entries (loaded from storage). */
export function computeProcessMap(input: TraceInput, options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
  const { entries, object, activity, time, event } = input;
  let lastEvent = -1;
  for (let i = 0; i < entries; i++) if (event[i]! > lastEvent) lastEvent = event[i]!;
  const builder = new DirectlyFollows(input.objects, input.activities, lastEvent + 1, entries);
  for (let i = 0; i < entries; i++) builder.step(object[i]!, activity[i]!, time[i]!, event[i]!);
  return builder.finish(options);
}

/**
 * The map of one object type in a window, straight from a log in columns (the benchmark, a
 * recompute): objects are numbered by their ordinal within the type, so nothing is looked up.
 */
export function processMapOfLog(log: CompactLog, objectType: string, fromMs: number, toMs: number, options: MapOptions): Omit<ProcessMap, 'objectType' | 'from' | 'to'> {
  const type = log.strings.find(objectType);
  const { relStart, relType, relOrdinal } = log;
  // Activities renumbered densely: the interned strings hold attribute values too.
  const denseActivity = new Int32Array(log.strings.values.length).fill(-1);
  const activities: string[] = [];
  for (let e = 0; e < log.events; e++) {
    const a = log.activity[e]!;
    if (denseActivity[a]! < 0) {
      denseActivity[a] = activities.length;
      activities.push(log.strings.values[a]!);
    }
  }
  const builder = new DirectlyFollows(type < 0 ? 0 : log.countOfType(type), activities, log.events, log.events);
  for (let e = 0; e < log.events; e++) {
    const t = log.time[e]!;
    if (t < fromMs || t >= toMs) continue;
    for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) if (relType[r] === type) builder.step(relOrdinal[r]!, denseActivity[log.activity[e]!]!, t, e);
  }
  return builder.finish(options);
}
