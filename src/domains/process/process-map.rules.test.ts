import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLog } from './compact-log.ts';
import { computeProcessMap, processMapOfLog, type TraceInput } from './process-map.rules.ts';

const HOUR = 3_600_000;

/** Traces as [object, activity, hour]; each row is its own event unless `event` says otherwise. */
function traces(rows: Array<[number, string, number, number?]>): TraceInput {
  const activities: string[] = [];
  const code = (a: string) => (activities.includes(a) ? activities.indexOf(a) : activities.push(a) - 1);
  return {
    entries: rows.length,
    object: Int32Array.from(rows.map((r) => r[0])),
    activity: Int32Array.from(rows.map((r) => code(r[1]))),
    time: Float64Array.from(rows.map((r) => r[2] * HOUR)),
    event: Int32Array.from(rows.map((r, i) => r[3] ?? i)),
    objects: Math.max(...rows.map((r) => r[0])) + 1,
    activities,
  };
}

/**
 * Four objects: A a(0h) b(1h) c(4h); B a(0h) b(3h) c(4h); C a(0h) c(10h); D a(0h) b(2h) c(3h).
 * a→b waits 1, 3, 2 h: median (rank 2 of 3) 2 h, p90 (rank 3) 3 h, total 6 h. b→c waits 3, 1, 1 h:
 * median 1 h, p90 3 h, total 5 h. a→c waits 10 h once.
 */
const fourObjects = traces([
  [0, 'a', 0], [1, 'a', 0], [2, 'a', 0], [3, 'a', 0],
  [0, 'b', 1], [3, 'b', 2], [1, 'b', 3], [3, 'c', 3],
  [0, 'c', 4], [1, 'c', 4], [2, 'c', 10],
]);

test('directly-follows edges with counts and median, p90, mean and total waits', () => {
  const map = computeProcessMap(fourObjects, { rank: 'p90', limit: 10 });
  assert.deepEqual([map.objects, map.events], [4, 11]);
  assert.deepEqual(map.edges.map((e) => [e.from, e.to, e.count, e.medianWaitHours, e.p90WaitHours, e.meanWaitHours, e.totalWaitHours]), [
    ['a', 'b', 3, 2, 3, 2, 6],
    ['b', 'c', 3, 1, 3, 5 / 3, 5],
    ['a', 'c', 1, 10, 10, 10, 10],
  ]);
  assert.deepEqual(map.activities, [
    { name: 'a', count: 4, starts: 4, ends: 0 },
    { name: 'c', count: 4, starts: 0, ends: 4 },
    { name: 'b', count: 3, starts: 0, ends: 0 },
  ]);
});

test('bottlenecks ranked by p90 or by total wait', () => {
  const byP90 = computeProcessMap(fourObjects, { rank: 'p90', limit: 2 });
  assert.deepEqual(byP90.bottlenecks.map((e) => `${e.from}→${e.to}`), ['a→c', 'a→b']);
  const byTotal = computeProcessMap(fourObjects, { rank: 'total', limit: 3 });
  assert.deepEqual(byTotal.bottlenecks.map((e) => `${e.from}→${e.to}`), ['a→c', 'a→b', 'b→c']);
});

test('variants: the distinct traces, most common first, with their share of objects', () => {
  const map = computeProcessMap(fourObjects, { rank: 'p90', limit: 10 });
  assert.deepEqual(map.variants, [
    { activities: ['a', 'b', 'c'], count: 3, share: 0.75 },
    { activities: ['a', 'c'], count: 1, share: 0.25 },
  ]);
  assert.equal(computeProcessMap(fourObjects, { rank: 'p90', limit: 1 }).variants.length, 1);
});

test('an event that names an object twice is one step of its trace', () => {
  const map = computeProcessMap(traces([[0, 'a', 0, 0], [0, 'a', 0, 0], [0, 'b', 2, 1]]), { rank: 'p90', limit: 5 });
  assert.deepEqual(map.edges.map((e) => [e.from, e.to, e.count]), [['a', 'b', 1]]);
  assert.deepEqual(map.variants[0]!.activities, ['a', 'b']);
});

test('the map straight from a log in columns: only the type asked for, only in the window', () => {
  const log = new CompactLog();
  const add = (seq: number, hour: number, activity: string, objects: Array<[string, string]>) => {
    log.beginEvent(seq, hour * HOUR, log.strings.intern(activity), 0, 0, -1);
    for (const [id, type] of objects) log.addRelation(log.object(id, type), log.strings.intern('q'), Number.NaN);
  };
  add(1, 0, 'received', [['order:1', 'order'], ['customer:C', 'customer']]);
  add(2, 1, 'released', [['order:1', 'order']]);
  add(3, 5, 'shipped', [['order:1', 'order']]);
  add(4, 9, 'shipped', [['order:2', 'order']]);
  const map = processMapOfLog(log, 'order', 0, 8 * HOUR, { rank: 'p90', limit: 5 });
  assert.deepEqual([map.objects, map.events], [1, 3]);
  assert.deepEqual(map.variants[0]!.activities, ['received', 'released', 'shipped']);
  assert.deepEqual(map.edges.map((e) => [e.from, e.to, e.totalWaitHours]), [['received', 'released', 1], ['released', 'shipped', 4]]);
});

test('on many random traces the map matches a plain reference: edges, waits by nearest rank, variants', () => {
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const rows: Array<[number, string, number]> = [];
  const clock = new Array(300).fill(0);
  // Interleaved traces: each round, a random object takes its next step (or none once it has 7).
  const length = clock.map(() => 1 + Math.floor(random() * 7));
  const done = clock.map(() => 0);
  for (let round = 0; round < 3_000; round++) {
    const o = Math.floor(random() * clock.length);
    if (done[o]! >= length[o]!) continue;
    clock[o] += Math.floor(random() * 5);
    rows.push([o, names[Math.floor(random() * 3) + (done[o]! % 3)]!, clock[o]!]);
    done[o]!++;
  }
  // The log is in time order per object; the rows' order is the log order.
  const map = computeProcessMap(traces(rows), { rank: 'p90', limit: 1_000 });

  const nearestRank = (values: number[], p: number) => [...values].sort((x, y) => x - y)[Math.max(1, Math.ceil(p * values.length)) - 1]!;
  const traceOf = new Map<number, Array<[string, number]>>();
  for (const [o, a, h] of rows) traceOf.set(o, [...(traceOf.get(o) ?? []), [a, h]]);
  const waits = new Map<string, number[]>();
  for (const trace of traceOf.values()) for (let i = 1; i < trace.length; i++) waits.set(`${trace[i - 1]![0]}→${trace[i]![0]}`, [...(waits.get(`${trace[i - 1]![0]}→${trace[i]![0]}`) ?? []), trace[i]![1] - trace[i - 1]![1]]);
  assert.equal(map.edges.length, waits.size);
  for (const e of map.edges) {
    const w = waits.get(`${e.from}→${e.to}`)!;
    assert.deepEqual([e.count, e.medianWaitHours, e.p90WaitHours, e.totalWaitHours], [w.length, nearestRank(w, 0.5), nearestRank(w, 0.9), w.reduce((x, y) => x + y, 0)], `${e.from}→${e.to}`);
  }
  const variants = new Map<string, number>();
  for (const trace of traceOf.values()) variants.set(trace.map((s) => s[0]).join(','), (variants.get(trace.map((s) => s[0]).join(',')) ?? 0) + 1);
  assert.deepEqual(new Map(map.variants.map((v) => [v.activities.join(','), v.count])), variants);
});

test('a map built on memory an earlier, larger map gave back is the map built on fresh memory', () => {
  const small = computeProcessMap(fourObjects, { rank: 'p90', limit: 10 });
  // Many objects with long traces: its state and steps, given back, are larger than the small map needs.
  const rows: Array<[number, string, number]> = [];
  for (let o = 0; o < 500; o++) for (let s = 0; s < 6; s++) rows.push([o, ['x', 'y', 'z'][(o + s) % 3]!, o + s]);
  computeProcessMap(traces(rows), { rank: 'p90', limit: 10 });
  assert.deepEqual(computeProcessMap(fourObjects, { rank: 'p90', limit: 10 }), small);
});

test('a map with more steps than events keeps every wait when it reuses the step memory of an earlier, larger map', () => {
  // A map of many traces leaves its step memory (6,000 steps) for the next map on this thread.
  const earlier: Array<[number, string, number]> = [];
  for (let o = 0; o < 3_000; o++) earlier.push([o, 'a', 0], [o, 'b', 1]);
  computeProcessMap(traces(earlier), { rank: 'p90', limit: 5 });
  // Then a log whose every event steps three lines: about three steps an event, so the steps outgrow
  // the waits' memory, made for one step an event, long before the reused step memory is full.
  const log = new CompactLog();
  const events = 2_000;
  for (let e = 0; e < events; e++) {
    log.beginEvent(e + 1, e * HOUR, log.strings.intern(e % 2 === 0 ? 'x' : 'y'), 0, 0, -1);
    for (const line of [1, 2, 3]) log.addRelation(log.object(`order_line:${line}`, 'order_line'), log.strings.intern('line'), Number.NaN);
  }
  const map = processMapOfLog(log, 'order_line', 0, events * HOUR, { rank: 'total', limit: 5 });
  const steps = 3 * (events - 1);
  assert.equal(map.edges.reduce((n, e) => n + e.count, 0), steps);
  // Every wait is the hour between two events.
  for (const edge of map.edges) assert.deepEqual([edge.medianWaitHours, edge.p90WaitHours, edge.totalWaitHours], [1, 1, edge.count], `${edge.from} → ${edge.to}`);
});
