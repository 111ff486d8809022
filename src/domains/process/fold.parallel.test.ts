import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLog, kindCode } from './compact-log.ts';
import { FactStore, factTypes, foldLog, recycleFactMemory, storedFact, type FactTable, type StoredFact } from './facts.rules.ts';
import {
  clearSpareFactMemory,
  computeKpisParallel,
  foldLogParallel,
  grownSizes,
  processMapOfLogParallel,
  recomputeSizesOf,
  reserveRecomputeMemory,
  stopProcessWorkers,
} from './fold.parallel.ts';
import { computeKpis } from './kpi.rules.ts';
import { processMapOfLog } from './process-map.rules.ts';
import { SYNTHETIC_T0_MS, generateSyntheticLog } from './process.synthetic-log.ts';
import { kpiDimensions, kpiNames, type KpiDimension } from './process.types.ts';
import { kpiDefinitions } from './kpi.rules.ts';

after(() => stopProcessWorkers());

/** Every fact of a store, keyed `type|id`, as stored (texts as text, orders by id). */
function factsOf(store: FactStore): Map<string, StoredFact['document']> {
  const out = new Map<string, StoredFact['document']>();
  for (const table of Object.values(store.tables) as FactTable[]) {
    for (let row = 0; row < table.rows; row++) if (!Number.isNaN(table.get(row, 0))) out.set(`${table.type}|${table.idOf(row)}`, storedFact(store, table, row).document);
  }
  return out;
}

const generated = generateSyntheticLog(50_000, { shared: true });
const window = { fromMs: SYNTHETIC_T0_MS, toMs: generated.endMs + 1 };

test('two threads fold a generated log of 50,000 events into the facts of one thread', async () => {
  const { log } = generated;
  const one = new FactStore(log);
  foldLog(log, one);
  const two = await foldLogParallel(log, { minEvents: 0 });
  assert.equal(two.tables.order.shared, true, 'folded by the workers, not on this thread');
  const expected = factsOf(one);
  assert.ok(expected.size > 10_000);
  assert.deepEqual(factsOf(two), expected);
});

/**
 * Folds the generated log into the memory a recompute of a slightly larger log gave back (full of
 * other facts), cleared by the workers in between when `clearedWhileIdle`; the facts must be those
 * of fresh memory.
 */
async function foldIntoGivenMemory(clearedWhileIdle: boolean): Promise<void> {
  const { log } = generated;
  const one = new FactStore(log);
  foldLog(log, one);
  const before = await foldLogParallel(generateSyntheticLog(55_000, { shared: true }).log, { minEvents: 0 });
  const given = new Set(factTypes.map((t) => before.tables[t].buffer));
  recycleFactMemory(before);
  if (clearedWhileIdle) await clearSpareFactMemory();
  const again = await foldLogParallel(log, { minEvents: 0 });
  const reused = factTypes.filter((t) => given.has(again.tables[t].buffer));
  assert.ok(reused.length >= 5, `the fold took the memory given back (${reused.join(', ')})`);
  assert.ok(factTypes.every((t) => !again.tables[t].clean), 'folded memory is no longer clean');
  assert.deepEqual(factsOf(again), factsOf(one));
}

test('memory a recompute gave back is reused and cleared: folding into it gives the facts of fresh memory', () => foldIntoGivenMemory(false));

test('memory the workers cleared while idle is reused without clearing it again, with the facts of fresh memory', () => foldIntoGivenMemory(true));

test('memory reserved for a recompute, as it is reserved while the log is read, is taken by its fold and map, with the answers of fresh memory', async () => {
  // A size no other test folds, so that no memory given back by another fits it.
  const { log, endMs } = generateSyntheticLog(43_000, { shared: true });
  const one = new FactStore(log);
  foldLog(log, one);
  const sizes = recomputeSizesOf(log);
  const present = factTypes.filter((type) => (sizes.objectsByType[type] ?? 0) > 0);
  // A log this short ends before its orders ship: orders, lines, requests and purchase orders.
  assert.ok(present.length >= 4, present.join(', '));
  const reserved = await reserveRecomputeMemory(sizes);
  assert.equal(reserved.length, present.length);
  const two = await foldLogParallel(log, { minEvents: 0 });
  // The smallest tables (16 rows, purchase orders here) may as well take memory of the same size
  // another test gave back.
  const large = present.filter((type) => sizes.objectsByType[type]! >= 1_000);
  assert.ok(large.length >= 3, large.join(', '));
  assert.deepEqual(
    large.filter((type) => reserved.includes(two.tables[type].buffer)),
    large,
    'every table folded into the memory reserved for it',
  );
  assert.deepEqual(factsOf(two), factsOf(one));
  const options = { rank: 'p90', limit: 20 } as const;
  assert.deepEqual(await processMapOfLogParallel(log, 'order', SYNTHETIC_T0_MS, endMs + 1, options), processMapOfLog(log, 'order', SYNTHETIC_T0_MS, endMs + 1, options));
});

test('sizes estimated from a shorter log, scaled by its growth, reserve memory the longer log folds into', async () => {
  const shorter = generateSyntheticLog(38_000, { shared: true }).log;
  const { log } = generateSyntheticLog(40_000, { shared: true });
  const estimate = grownSizes(recomputeSizesOf(shorter), shorter.seq[shorter.events - 1]!, log.seq[log.events - 1]!);
  const actual = recomputeSizesOf(log);
  // Within what the fold takes: at least its size, at most a quarter more.
  for (const type of ['order', 'order_line', 'fulfillment_request'] as const) {
    const ratio = estimate.objectsByType[type]! / actual.objectsByType[type]!;
    assert.ok(ratio >= 1 && ratio <= 1.25, `${type}: ${estimate.objectsByType[type]} estimated for ${actual.objectsByType[type]}`);
  }
  assert.deepEqual(grownSizes({ events: 1_000, objectsByType: { order: 100 } }, 0, 50), { events: 1_120, objectsByType: { order: 112 } }, 'no sequence yet: no growth, 12% to spare');
  const reserved = await reserveRecomputeMemory(estimate);
  const folded = await foldLogParallel(log, { minEvents: 0 });
  assert.ok(reserved.includes(folded.tables.order.buffer) && reserved.includes(folded.tables.order_line.buffer), 'the order and line tables took the memory reserved by the estimate');
  const one = new FactStore(log);
  foldLog(log, one);
  assert.deepEqual(factsOf(folded), factsOf(one));
});

test('two threads give the KPIs of one: every KPI, sliced by each dimension, daily and hourly', async () => {
  const { log } = generated;
  const one = new FactStore(log);
  foldLog(log, one);
  const two = await foldLogParallel(log, { minEvents: 0 });
  assert.deepEqual(await computeKpisParallel({ facts: two, events: log }, { kpis: kpiNames, ...window }), computeKpis({ facts: one, events: log }, { kpis: kpiNames, ...window }));
  for (const by of kpiDimensions as readonly KpiDimension[]) {
    const kpis = kpiDefinitions.filter((k) => k.dimensions.includes(by)).map((k) => k.name);
    for (const interval of ['day', 'hour'] as const) {
      const query = { kpis, ...window, by, interval };
      assert.deepEqual(await computeKpisParallel({ facts: two, events: log }, query), computeKpis({ facts: one, events: log }, query), `by ${by}, ${interval}`);
    }
  }
});

test('two threads give the process map of one, for orders, lines and exceptions, whole and in a window', async () => {
  const { log } = generated;
  const middle = window.fromMs + (window.toMs - window.fromMs) / 2;
  for (const type of ['order', 'order_line', 'exception']) {
    for (const [fromMs, toMs] of [[window.fromMs, window.toMs], [middle, window.toMs]] as const) {
      for (const options of [{ rank: 'p90', limit: 20 }, { rank: 'total', limit: 3 }] as const) {
        const one = processMapOfLog(log, type, fromMs, toMs, options);
        if (type !== 'exception') assert.ok(one.edges.length > 0);
        assert.deepEqual(await processMapOfLogParallel(log, type, fromMs, toMs, options), one, `${type} from ${fromMs}, ${options.rank}`);
      }
    }
  }
});

test('an exception tied to orders of both threads is folded on one thread, with the same facts', async () => {
  // Orders 0 and 64 fall in different parts (blocks of 64 ordinals); the exception is named with
  // both, and its type changes from the one event to the other: only sequence order decides it.
  const log = new CompactLog({ shared: true });
  const s = log.strings;
  const orders = Array.from({ length: 65 }, (_, i) => log.object(`order:${i}`, 'order'));
  const exception = log.object('exception:X', 'exception');
  const raise = (seq: number, order: number, type: string, kind: number) => {
    log.beginEvent(seq, seq * 60_000, s.intern('Exception'), kind, 0, -1);
    log.addRelation(exception, s.intern('exception'), Number.NaN);
    log.addRelation(orders[order]!, s.intern('subject'), Number.NaN);
    log.addChange(exception, s.intern('type'), Number.NaN, s.intern(type));
  };
  for (let i = 0; i < orders.length; i++) {
    log.beginEvent(i + 1, i * 1_000, s.intern('Order received'), kindCode.order_received, 0, -1);
    log.addRelation(orders[i]!, s.intern('order'), Number.NaN);
  }
  raise(100, 64, 'stock_shortage', kindCode.exception_raised);
  raise(101, 0, 'short_shipment', kindCode.exception_changed);
  const one = new FactStore(log);
  foldLog(log, one);
  const two = await foldLogParallel(log, { minEvents: 0 });
  assert.equal(two.tables.order.shared, false, 'folded again on this thread');
  assert.deepEqual(factsOf(two), factsOf(one));
  assert.equal(factsOf(two).get('exception|exception:X')!['type'], 'short_shipment');
});

test('a log not in shared memory is folded, mapped and measured on this thread, with the same answers', async () => {
  const log = generateSyntheticLog(5_000).log;
  assert.equal(log.shared, false);
  const one = new FactStore(log);
  foldLog(log, one);
  const two = await foldLogParallel(log, { minEvents: 0 });
  assert.deepEqual(factsOf(two), factsOf(one));
  assert.deepEqual(await processMapOfLogParallel(log, 'order', 0, Number.MAX_SAFE_INTEGER, { rank: 'p90', limit: 5 }), processMapOfLog(log, 'order', 0, Number.MAX_SAFE_INTEGER, { rank: 'p90', limit: 5 }));
  assert.deepEqual(await computeKpisParallel({ facts: two, events: log }, { kpis: kpiNames, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }), computeKpis({ facts: one, events: log }, { kpis: kpiNames, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }));
});

test('two threads give the map of one when an event names orders of both threads', async () => {
  const log = new CompactLog({ shared: true });
  const s = log.strings;
  const orders = Array.from({ length: 130 }, (_, i) => log.object(`order:${i}`, 'order'));
  for (let i = 0; i < orders.length; i++) {
    log.beginEvent(i + 1, i * 1_000, s.intern('Order received'), kindCode.order_received, 0, -1);
    log.addRelation(orders[i]!, s.intern('order'), Number.NaN);
  }
  // Orders 1 and 65 fall in different parts (blocks of 64 ordinals).
  log.beginEvent(200, 500_000, s.intern('Shipments merged'), kindCode.none, 0, -1);
  log.addRelation(orders[1]!, s.intern('order'), Number.NaN);
  log.addRelation(orders[65]!, s.intern('order'), Number.NaN);
  const options = { rank: 'total', limit: 5 } as const;
  const one = processMapOfLog(log, 'order', 0, Number.MAX_SAFE_INTEGER, options);
  assert.equal(one.edges.find((e) => e.to === 'Shipments merged')?.count, 2);
  assert.deepEqual(await processMapOfLogParallel(log, 'order', 0, Number.MAX_SAFE_INTEGER, options), one);
});
