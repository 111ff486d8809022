import type { Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';
import type { EventEnvelope, FeedFollower, OutboxService } from '../../platform/outbox/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { CompactLog, kindCode } from './compact-log.ts';
import { FactStore, columns, factDocumentJson, factIsOpen, foldLog, isFactType, loadFacts, recycleFactMemory, type FactTable, type FactType, type StoredFact } from './facts.rules.ts';
import { PARALLEL_MIN_EVENTS, clearSpareFactMemory, computeKpisParallel, foldLogParallel, grownSizes, processMapOfLogParallel, recomputeSizesOf, reserveRecomputeMemory } from './fold.parallel.ts';
import { bucketsOf, computeKpis, eventKpis, kpiByName, kpiFactTypes, unsupportedDimension, type KpiInput } from './kpi.rules.ts';
import { mapEvent, objectId, type MappingContext } from './mapping.rules.ts';
import type { ProcessProjection } from './process.projection.ts';
import { createProjectionReader, type OverBound } from './projection-reader.ts';
import { createSnapshotKeeper, type SnapshotOutcome } from './snapshot-keeper.ts';
import { OcelDeclarations, ocelEvent, ocelObject } from './ocel.rules.ts';
import { computeProcessMap, processMapOfLog, type TraceInput } from './process-map.rules.ts';
import * as repo from './process.repo.ts';
import type { ProcessEventObjectRow, ProcessFactRow, ProcessObjectChangeRow } from './process.tables.ts';
import { kpiNames, type AttributeValue, type EventKind, type KpiAnswer, type KpiDimension, type KpiInterval, type KpiName, type KpiQuery, type KpiResult, type LoggedEvent, type ProcessMap, type RecomputeReport } from './process.types.ts';

export interface ProcessDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  outbox: OutboxService;
  catalog: CatalogService;
  /**
   * Whether KPI and process-map queries compute over the log and facts held in memory (the
   * default), or load what their window needs from the database at each query (a hub short of
   * memory: about 300 bytes an event, against seconds a query at millions of events).
   */
  inMemory?: boolean;
  /** From this many events on, queries from memory compute on the worker threads (`fold.parallel.ts`). */
  parallelMinEvents?: number;
  /**
   * A new projection (at first, after a recompute) of a log this long or longer is read in the
   * background rather than in a query, which meanwhile answers from the projection there was, or
   * `not_ready` when there is none yet (`projection-reader.ts`).
   */
  readInQueryMaxEvents?: number;
  /**
   * Where the log held in memory is saved (log-snapshot.ts), so that a start or a recompute reads
   * from the database only what was logged since; none: never saved, always read whole.
   */
  logSnapshotPath?: string;
  /** Told what became of each snapshot read or written (the hub logs it). */
  onSnapshot?: (outcome: SnapshotOutcome) => void;
  /**
   * The most typed memory the projection may allocate, in bytes (`ProcessProjection.memoryBytes`):
   * past it the projection is let go and the queries answer from storage. None: no bound.
   */
  projectionBytesMax?: number;
  /** Told once, when the projection passed `projectionBytesMax` (the hub logs it). */
  onProjectionOverBound?: (overBound: OverBound) => void;
}

/** About three seconds of reading at the rate measured at a million events (bench:process --part=queries). */
const READ_IN_QUERY_MAX_EVENTS = 200_000;

/** How many events one page of a backfill or an export reads. */
const PAGE = 500;
/**
 * How many outbox events one of the follower's ingest transactions takes in: a few orders' events.
 * Between pages an order waiting for its allocation goes first (see `FeedFollower`), so this bounds
 * how long the log holds one up; larger pages share more of the log's index pages per commit but
 * hold longer.
 */
const FOLLOW_PAGE = 100;
const eventLoopTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Events per page when a recompute reads the whole log. */
const RECOMPUTE_PAGE = 5_000;
const DAY_MS = 86_400_000;
/** A KPI series longer than this is refused: a year of hours is plenty. */
const MAX_BUCKETS = 9_000;

const parseValue = (json: string): AttributeValue => JSON.parse(json) as AttributeValue;

/** One event on an object's timeline, as the API shows it. */
export interface TimelineEntry {
  /** The event id (the outbox event's id). */
  id: string;
  at: string;
  activity: string;
  /** The objects the event relates to: their type, their own id (without the log's `type:` prefix) and the qualifier of the relation. */
  objects: Array<{ type: string; id: string; qualifier: string }>;
  attributes: Record<string, unknown>;
}

export function createProcessService(deps: ProcessDeps) {
  const { db, kind, clock, outbox, catalog } = deps;
  const inMemory = deps.inMemory ?? true;
  const parallelMinEvents = deps.parallelMinEvents ?? PARALLEL_MIN_EVENTS;
  const readInQueryMaxEvents = deps.readInQueryMaxEvents ?? READ_IN_QUERY_MAX_EVENTS;
  /** The highest sequence known to be logged, where the next follow reads the feed from without a query. */
  let knownSeq = 0;
  /** Ingests and recomputes in this process run one at a time, in order. */
  let chain: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  async function mappingContext(envelopes: readonly EventEnvelope[]): Promise<MappingContext> {
    const codes = new Set<string>();
    for (const e of envelopes) {
      if (e.type !== 'crossdock.order.received') continue;
      const code = (e.data as { order?: { customerCode?: unknown } } | null)?.order?.customerCode;
      if (typeof code === 'string') codes.add(code);
    }
    const customers = codes.size > 0 ? await catalog.customers.getMany([...codes]) : new Map();
    return { segmentOf: (code) => customers.get(code)?.tier };
  }

  const eventRow = (e: LoggedEvent) => ({
    seq: e.seq,
    id: e.id,
    type: e.type,
    activity: e.activity,
    kind: e.kind,
    time: e.timeMs,
    flags: e.flags,
    integration_source: e.integrationSource,
    attributes: JSON.stringify(e.attributes),
  });

  /** Writes the log rows of events newly logged (their relations, objects, changes and links). */
  async function writeLog(tx: Tx, events: readonly LoggedEvent[]): Promise<LoggedEvent[]> {
    const inserted = await repo.insertEvents(tx, events.map(eventRow));
    const fresh = events.filter((e) => inserted.has(e.seq));
    const relations: ProcessEventObjectRow[] = [];
    const objects = new Map<string, { id: string; type: string; first_seq: number }>();
    const changes: ProcessObjectChangeRow[] = [];
    const links = new Map<string, { object_id: string; target_id: string; qualifier: string }>();
    for (const e of fresh) {
      for (const r of e.relations) {
        relations.push({ event_seq: e.seq, object_id: r.objectId, object_type: r.objectType, qualifier: r.qualifier, quantity: r.quantity ?? null });
        if (!objects.has(r.objectId)) objects.set(r.objectId, { id: r.objectId, type: r.objectType, first_seq: e.seq });
      }
      for (const c of e.changes) {
        changes.push({ object_id: c.objectId, event_seq: e.seq, name: c.name, value: JSON.stringify(c.value), time: e.timeMs });
        if (!objects.has(c.objectId)) objects.set(c.objectId, { id: c.objectId, type: c.objectType, first_seq: e.seq });
      }
      for (const l of e.links) {
        links.set(`${l.objectId}\u0000${l.targetId}\u0000${l.qualifier}`, { object_id: l.objectId, target_id: l.targetId, qualifier: l.qualifier });
        if (!objects.has(l.objectId)) objects.set(l.objectId, { id: l.objectId, type: l.objectType, first_seq: e.seq });
        if (!objects.has(l.targetId)) objects.set(l.targetId, { id: l.targetId, type: l.targetType, first_seq: e.seq });
      }
    }
    await repo.insertObjects(tx, [...objects.values()]);
    await repo.insertEventObjects(tx, relations);
    await repo.insertChanges(tx, changes);
    await repo.insertLinks(tx, [...links.values()]);
    return fresh;
  }

  /** A fact as stored; its span is 0 to 0 when no event changed it (such rows are not stored by a recompute). */
  const factRow = (store: FactStore, table: FactTable, row: number): ProcessFactRow => {
    const firstAt = table.get(row, columns[table.type].firstAt);
    const lastAt = table.get(row, columns[table.type].lastAt);
    return {
      object_type: table.type,
      object_id: table.idOf(row),
      active_from: Number.isNaN(firstAt) ? 0 : firstAt,
      active_to: Number.isNaN(lastAt) ? 0 : lastAt,
      open: factIsOpen(table, row) ? 1 : 0,
      document: factDocumentJson(store, table, row),
    };
  };

  const toStored = (rows: ReadonlyArray<Pick<ProcessFactRow, 'object_type' | 'object_id' | 'document'>>): StoredFact[] =>
    rows.filter((r) => isFactType(r.object_type)).map((r) => ({ type: r.object_type as FactType, id: r.object_id, document: JSON.parse(r.document) as StoredFact['document'] }));

  /**
   * Takes in one page of the outbox feed: maps it, logs what is new, folds it into the facts of the
   * objects it touches, and moves the cursor, in one transaction. The cursor's lock keeps ingesters
   * (the subscriber on each node, a recompute) from folding the same events or out of order.
   */
  async function ingestPage(envelopes: readonly EventEnvelope[]): Promise<{ cursor: number; taken: number }> {
    const context = await mappingContext(envelopes);
    const logged = envelopes.map((e) => mapEvent(e, context));
    return db.transaction().execute(async (tx) => {
      const cursor = await repo.lockCursor(tx, kind);
      const pending = logged.filter((e) => e.seq > cursor);
      if (pending.length === 0) return { cursor, taken: 0 };
      const fresh = await writeLog(tx, pending);
      const log = new CompactLog();
      for (const e of fresh) log.append(e);
      // The stored facts of every object the page names: the fold changes no other.
      const keys = new Map<string, string[]>();
      for (let i = 0; i < log.objects; i++) {
        const type = log.typeOf(i);
        if (!isFactType(type)) continue;
        const ids = keys.get(type);
        if (ids) ids.push(log.idOf(i));
        else keys.set(type, [log.idOf(i)]);
      }
      const store = loadFacts(toStored(await repo.findFacts(tx, keys)));
      for (const table of Object.values(store.tables)) table.trackDirty = true;
      // A line's running quantities are logged as its attribute changes, as the fold works them out.
      const derived: ProcessObjectChangeRow[] = [];
      foldLog(log, store, (e, lineId, name, value) => derived.push({ object_id: lineId, event_seq: log.seq[e]!, name, value: JSON.stringify(value), time: log.time[e]! }));
      await repo.insertChanges(tx, derived);
      const facts: ProcessFactRow[] = [];
      for (const table of Object.values(store.tables) as FactTable[]) for (const row of table.dirty) facts.push(factRow(store, table, row));
      await repo.upsertFacts(tx, facts);
      const last = pending[pending.length - 1]!.seq;
      await repo.setCursor(tx, last, clock.now());
      return { cursor: last, taken: pending.length };
    });
  }

  /**
   * Takes in the whole feed after the log's cursor, in pages; resolves to the cursor reached and
   * how many events it took in. It starts from the cursor this process last knew: the stored cursor
   * may be further on (another node followed meanwhile), and then the first page finds its events
   * logged already.
   */
  async function catchUp(turn: () => Promise<void>): Promise<{ cursor: number; taken: number }> {
    let cursor = knownSeq > 0 ? knownSeq : await repo.readCursor(db);
    let taken = 0;
    for (;;) {
      // On the embedded store a query completes at once, so without a turn here a burst of pages
      // would hold up an order's allocation (the dispatcher's first lane) and requests until the log
      // has caught up with all of it.
      await turn();
      const page = await outbox.readFeed({ after: cursor, limit: FOLLOW_PAGE });
      if (page.items.length === 0) break;
      const ingested = await ingestPage(page.items);
      taken += ingested.taken;
      cursor = Math.max(ingested.cursor, page.nextAfter);
      knownSeq = Math.max(knownSeq, cursor);
    }
    return { cursor, taken };
  }

  /**
   * The log follows the outbox feed by its own cursor (see `FeedFollower`) rather than taking a
   * delivery per event: every domain event reaches the log, in sequence order, as a recompute folds
   * them, and a burst of events costs a few transactions rather than one per event.
   */
  const follower: FeedFollower = {
    name: 'process.log',
    follow: async (turn = eventLoopTurn) => (await serialised(() => catchUp(turn))).taken,
    position: () => repo.readCursor(db),
  };

  /** Reads the log `(afterSeq, upToSeq]` into columns; `afterPage` runs once each page is in. */
  async function readLog(executor: Executor, log: CompactLog, afterSeq: number, upToSeq: number, afterPage?: () => Promise<void>): Promise<void> {
    let after = afterSeq;
    for (;;) {
      const events = await repo.eventsPage(executor, after, upToSeq, RECOMPUTE_PAGE);
      if (events.length === 0) return;
      const first = Number(events[0]!.seq);
      const last = Number(events[events.length - 1]!.seq);
      appendRows(log, events, await repo.relationsBetween(executor, first, last), await repo.changesBetween(executor, first, last));
      after = last;
      await afterPage?.();
    }
  }

  const snapshots = createSnapshotKeeper({ db, path: deps.logSnapshotPath, onSnapshot: deps.onSnapshot });

  const reader = createProjectionReader({
    readPosition: () => repo.readPosition(db),
    readLog: (log, afterSeq, upToSeq, afterPage) => readLog(db, log, afterSeq, upToSeq, afterPage),
    readInQueryMaxEvents,
    restoreLog: snapshots.restore,
    saveLog: snapshots.save,
    ...(deps.projectionBytesMax !== undefined && { bytesMax: deps.projectionBytesMax }),
    ...(deps.onProjectionOverBound && { onOverBound: deps.onProjectionOverBound }),
  });
  /** A query's answer from the projection, or from storage when queries are configured there or the projection passed its bound. */
  const fromMemoryOrStorage = <T>(work: (p: ProcessProjection) => T | Promise<T>, fromStorage: () => Promise<T>): Promise<T> =>
    inMemory ? reader.withProjection(work, fromStorage) : fromStorage();

  /**
   * The KPIs over the projection: every fact and every event (each KPI keeps to its window), those
   * that have the slice asked for sliced by it. A large log's are computed on the worker threads.
   */
  async function projectedKpis(p: ProcessProjection, names: readonly KpiName[], query: Omit<KpiQuery, 'kpis'>): Promise<KpiResult[]> {
    const input = { facts: p.facts, events: p.log };
    const compute = p.log.events >= parallelMinEvents ? computeKpisParallel : async (i: KpiInput, q: KpiQuery) => computeKpis(i, q);
    const sliced = names.filter((name) => query.by !== undefined && kpiByName.get(name)!.dimensions.includes(query.by));
    const whole = names.filter((name) => !sliced.includes(name));
    const results = [...(whole.length > 0 ? await compute(input, { ...query, kpis: whole, by: undefined }) : []), ...(sliced.length > 0 ? await compute(input, { ...query, kpis: sliced }) : [])];
    const byName = new Map(results.map((r) => [r.kpi, r]));
    return names.map((name) => byName.get(name)!);
  }

  function appendRows(
    log: CompactLog,
    events: Awaited<ReturnType<typeof repo.eventsPage>>,
    relations: ReadonlyArray<Pick<ProcessEventObjectRow, 'event_seq' | 'object_id' | 'object_type' | 'qualifier' | 'quantity'>>,
    changes: ReadonlyArray<{ event_seq: number; object_id: string; object_type: string; name: string; value: string }>,
  ): void {
    const bySeq = <T extends { event_seq: number }>(rows: readonly T[]) => {
      const map = new Map<number, T[]>();
      for (const r of rows) {
        const seq = Number(r.event_seq);
        const list = map.get(seq);
        if (list) list.push(r);
        else map.set(seq, [r]);
      }
      return map;
    };
    const relationsBySeq = bySeq(relations);
    const changesBySeq = bySeq(changes);
    for (const e of events) {
      const seq = Number(e.seq);
      log.beginEvent(seq, Number(e.time), log.strings.intern(e.activity), kindCode[e.kind as EventKind] ?? 0, Number(e.flags), e.integration_source === null ? -1 : log.strings.intern(e.integration_source));
      for (const r of relationsBySeq.get(seq) ?? []) log.addRelation(log.object(r.object_id, r.object_type), log.strings.intern(r.qualifier), r.quantity === null ? Number.NaN : Number(r.quantity));
      for (const c of changesBySeq.get(seq) ?? []) log.addChangeValue(log.object(c.object_id, c.object_type), c.name, parseValue(c.value));
    }
  }

  /** Takes in the whole feed from its start, logging what is missing (no folding: a recompute follows). */
  async function backfill(): Promise<number> {
    let after = 0;
    let added = 0;
    for (;;) {
      const page = await outbox.readFeed({ after, limit: PAGE });
      if (page.items.length === 0) break;
      const context = await mappingContext(page.items);
      const logged = page.items.map((e) => mapEvent(e, context));
      added += await db.transaction().execute(async (tx) => {
        const cursor = await repo.lockCursor(tx, kind);
        const fresh = await writeLog(tx, logged);
        const last = logged[logged.length - 1]!.seq;
        if (last > cursor) await repo.setCursor(tx, last, clock.now());
        return fresh.length;
      });
      after = page.nextAfter;
    }
    return added;
  }

  /**
   * Rebuilds every fact from the log: read in columns, folded from empty, and swapped in for the
   * stored facts in one transaction. Events logged meanwhile are read and folded inside that
   * transaction under the cursor's lock, so nothing is missed or folded twice.
   */
  function recompute(options: { backfill?: boolean } = {}): Promise<RecomputeReport> {
    return serialised(async () => {
      const started = performance.now();
      const backfilled = options.backfill ? await backfill() : 0;
      const readStarted = performance.now();
      const upTo = await repo.readCursor(db);
      // The saved log, if the stored one begins with it (a backfill that added events below its
      // sequence makes it refused), and then only what was logged since.
      const restored = await snapshots.restore(upTo);
      // A large log is folded on the worker threads, which have nothing to do while the rest of the
      // log is read: sized from the snapshot, they fault in the memory the fold and the map will
      // fill (about a second at ten million events that the recompute then does not wait for).
      const prepared =
        restored && upTo >= parallelMinEvents
          ? reserveRecomputeMemory(grownSizes(recomputeSizesOf(restored.log), restored.seq, upTo))
              // Only the recompute's speed depends on it: a failure leaves the fold its own work.
              .catch(() => [])
          : undefined;
      const log = restored?.log ?? new CompactLog({ shared: true });
      await readLog(db, log, restored?.seq ?? 0, upTo);
      const reserved = (await prepared) ?? [];
      let storeStarted = 0;
      const phases = { readMs: 0, foldMs: 0, storeMs: 0, reservedBytes: reserved.reduce((n, b) => n + b.byteLength, 0), reservedBytesTaken: 0 };
      const lastSeq = await db.transaction().execute(async (tx) => {
        const cursor = await repo.lockCursor(tx, kind);
        if (cursor > upTo) await readLog(tx, log, upTo, cursor);
        const foldStarted = performance.now();
        phases.readMs = foldStarted - readStarted;
        // On two worker threads for a large log (fold.parallel.ts); the same facts as one thread's.
        const store = await foldLogParallel(log, { minEvents: parallelMinEvents });
        storeStarted = performance.now();
        phases.foldMs = storeStarted - foldStarted;
        for (const table of Object.values(store.tables) as FactTable[]) if (table.shared && reserved.includes(table.buffer)) phases.reservedBytesTaken += table.buffer.byteLength;
        // Rows are every object of the type in the log; those no event changed have no facts. Made
        // as they are stored, not all at once.
        const rows = function* () {
          for (const table of Object.values(store.tables) as FactTable[]) for (let row = 0; row < table.rows; row++) if (!Number.isNaN(table.get(row, 0))) yield factRow(store, table, row);
        };
        await repo.replaceFacts(tx, kind, rows());
        await repo.countRecompute(tx, clock.now());
        // The facts are stored; their memory serves the next recompute (no page faults for it).
        recycleFactMemory(store);
        return cursor;
      });
      // With the commit: at millions of facts, writing them out is much of storing them.
      phases.storeMs = performance.now() - storeStarted;
      knownSeq = Math.max(knownSeq, lastSeq);
      // Cleared now, while the workers have nothing else to do, the memory costs the next recompute nothing.
      void clearSpareFactMemory();
      const counts = await repo.logCounts(db);
      const ms = (value: number) => Math.round(value);
      return { ...counts, backfilled, lastSeq, elapsedMs: ms(performance.now() - started), readMs: ms(phases.readMs), foldMs: ms(phases.foldMs), storeMs: ms(phases.storeMs), reservedBytes: phases.reservedBytes, reservedBytesTaken: phases.reservedBytesTaken };
    });
  }

  /**
   * A query's window. Without `to` it ends now, and the end is made exclusive just after now so that
   * events stamped this very millisecond count; ages are then measured at now.
   */
  function windowOf(query: { from?: string | undefined; to?: string | undefined }, defaultFromMs?: number): { fromMs: number; toMs: number; instantMs: number } {
    const now = clock.now();
    const toMs = query.to === undefined ? now + 1 : Date.parse(query.to);
    const instantMs = query.to === undefined ? now : toMs;
    const fromMs = query.from === undefined ? (defaultFromMs ?? instantMs - 30 * DAY_MS) : Date.parse(query.from);
    if (!(fromMs < toMs)) throw new AppError('validation_failed', 'querystring.from: must be before to', [{ path: 'querystring.from', message: 'must be before to' }]);
    return { fromMs, toMs, instantMs };
  }

  /** Loads what the KPIs read for a window: the facts active in it, and its integration events. */
  async function kpiInput(kpis: readonly KpiName[], fromMs: number, toMs: number) {
    const types = [...new Set(kpis.flatMap((k) => kpiFactTypes[k]))];
    const facts = loadFacts(toStored(types.length > 0 ? await repo.factsInWindow(db, types, fromMs, toMs) : []));
    const events = new CompactLog();
    if (kpis.some((k) => eventKpis.has(k))) {
      const rows = await repo.integrationEvents(db, fromMs, toMs);
      const seqs = rows.map((r) => Number(r.seq));
      appendRows(events, rows, await repo.relationsOf(db, seqs), await repo.changesOf(db, seqs));
    }
    return { facts, events };
  }

  /** The KPIs from the stored facts active in the window and its integration events. */
  async function kpisFromStorage(names: readonly KpiName[], query: Omit<KpiQuery, 'kpis'>): Promise<KpiResult[]> {
    const input = await kpiInput(names, query.fromMs, query.toMs);
    return names.flatMap((name) => computeKpis(input, { ...query, kpis: [name], by: kpiByName.get(name)!.dimensions.includes(query.by!) ? query.by : undefined }));
  }

  async function kpis(query: { kpi?: KpiName | undefined; from?: string | undefined; to?: string | undefined; by?: KpiDimension | undefined; interval?: KpiInterval | undefined }): Promise<KpiAnswer> {
    const { fromMs, toMs, instantMs } = windowOf(query);
    const names = query.kpi ? [query.kpi] : [...kpiNames];
    if (query.kpi) {
      const refused = unsupportedDimension(query.kpi, query.by);
      if (refused) throw new AppError('validation_failed', `querystring.by: ${refused}`, [{ path: 'querystring.by', message: refused }]);
    }
    if (query.interval && bucketsOf(fromMs, toMs, query.interval).length > MAX_BUCKETS) {
      const message = `the window holds more than ${MAX_BUCKETS} ${query.interval}s; narrow it or use a longer interval`;
      throw new AppError('validation_failed', `querystring.interval: ${message}`, [{ path: 'querystring.interval', message }]);
    }
    // Asked for every KPI with a slice, each KPI that has the dimension is sliced; the others are not.
    const window = { fromMs, toMs, instantMs, interval: query.interval, by: query.by };
    const results = await fromMemoryOrStorage((p) => projectedKpis(p, names, window), () => kpisFromStorage(names, window));
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(instantMs).toISOString(),
      ...(query.by !== undefined && { by: query.by }),
      ...(query.interval !== undefined && { interval: query.interval }),
      kpis: results,
    };
  }

  async function processMap(query: { objectType: string; from?: string | undefined; to?: string | undefined; rank: 'p90' | 'total'; limit: number }): Promise<ProcessMap> {
    const { fromMs, toMs, instantMs } = windowOf(query);
    const window = { objectType: query.objectType, from: new Date(fromMs).toISOString(), to: new Date(instantMs).toISOString() };
    const options = { rank: query.rank, limit: query.limit };
    const map = await fromMemoryOrStorage(
      (p) => (p.log.events >= parallelMinEvents ? processMapOfLogParallel(p.log, query.objectType, fromMs, toMs, options) : processMapOfLog(p.log, query.objectType, fromMs, toMs, options)),
      () => processMapFromStorage(query.objectType, fromMs, toMs, options),
    );
    return { ...window, ...map };
  }

  /** The map from the stored log: the traces of the window's objects, read and indexed for `computeProcessMap`. */
  async function processMapFromStorage(objectType: string, fromMs: number, toMs: number, options: { rank: 'p90' | 'total'; limit: number }) {
    const rows = await repo.tracesOf(db, objectType, fromMs, toMs);
    const objects = new Map<string, number>();
    const activityIndex = new Map<string, number>();
    const eventIndex = new Map<number, number>();
    const input: TraceInput = {
      entries: rows.length,
      object: new Int32Array(rows.length),
      activity: new Int32Array(rows.length),
      time: new Float64Array(rows.length),
      event: new Int32Array(rows.length),
      objects: 0,
      activities: [],
    };
    const activities: string[] = [];
    rows.forEach((r, i) => {
      let o = objects.get(r.object_id);
      if (o === undefined) objects.set(r.object_id, (o = objects.size));
      let a = activityIndex.get(r.activity);
      if (a === undefined) {
        activityIndex.set(r.activity, (a = activities.length));
        activities.push(r.activity);
      }
      let e = eventIndex.get(Number(r.event_seq));
      if (e === undefined) eventIndex.set(Number(r.event_seq), (e = eventIndex.size));
      input.object[i] = o;
      input.activity[i] = a;
      input.time[i] = Number(r.time);
      input.event[i] = e;
    });
    return computeProcessMap({ ...input, objects: objects.size, activities }, options);
  }

  /**
   * The log as one OCEL 2.0 JSON document, streamed in pieces: events page by page, then the objects
   * they relate to with their attribute changes and links, then the event and object types seen (a
   * JSON object's keys have no order, so the declarations can come last and be exact).
   */
  async function* exportOcel(query: { from?: string | undefined; to?: string | undefined; objectTypes?: string | undefined }): AsyncGenerator<string> {
    const { fromMs, toMs } = windowOf(query, 0);
    const filter: repo.ExportFilter = { fromMs, toMs, objectTypes: query.objectTypes?.split(',') };
    const keep = (type: string) => filter.objectTypes === undefined || filter.objectTypes.includes(type);
    const declarations = new OcelDeclarations();
    yield '{"events":[';
    let after = -1;
    let first = true;
    for (;;) {
      const events = await repo.exportEvents(db, filter, after, PAGE);
      if (events.length === 0) break;
      const relations = await repo.relationsOf(db, events.map((e) => Number(e.seq)));
      const bySeq = new Map<number, Array<{ objectId: string; qualifier: string }>>();
      for (const r of relations) {
        if (!keep(r.object_type)) continue;
        const list = bySeq.get(Number(r.event_seq)) ?? [];
        list.push({ objectId: r.object_id, qualifier: r.qualifier });
        bySeq.set(Number(r.event_seq), list);
      }
      const chunk: string[] = [];
      for (const e of events) {
        const attributes = JSON.parse(e.attributes) as Record<string, AttributeValue>;
        declarations.event(e.activity, attributes);
        const relationships = (bySeq.get(Number(e.seq)) ?? []).sort((a, b) => (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : a.qualifier < b.qualifier ? -1 : 1));
        chunk.push(JSON.stringify(ocelEvent({ id: e.id, activity: e.activity, timeMs: Number(e.time), attributes, relationships })));
      }
      yield (first ? '' : ',') + chunk.join(',');
      first = false;
      after = Number(events[events.length - 1]!.seq);
    }
    yield '],"objects":[';
    const objects = await repo.exportObjects(db, filter);
    const exported = new Set(objects.map((o) => o.object_id));
    first = true;
    for (let i = 0; i < objects.length; i += PAGE) {
      const page = objects.slice(i, i + PAGE);
      const ids = page.map((o) => o.object_id);
      const changes = await repo.changesOfObjects(db, ids, toMs);
      const links = await repo.linksOfObjects(db, ids);
      const changesOf = new Map<string, Array<{ name: string; value: AttributeValue; timeMs: number }>>();
      for (const c of changes) {
        const list = changesOf.get(c.object_id) ?? [];
        list.push({ name: c.name, value: parseValue(c.value), timeMs: Number(c.time) });
        changesOf.set(c.object_id, list);
      }
      const linksOf = new Map<string, Array<{ objectId: string; qualifier: string }>>();
      for (const l of links) {
        // A link is exported only when its target is in the export too, so no reference dangles.
        if (!exported.has(l.target_id)) continue;
        const list = linksOf.get(l.object_id) ?? [];
        list.push({ objectId: l.target_id, qualifier: l.qualifier });
        linksOf.set(l.object_id, list);
      }
      const chunk = page.map((o) => {
        const objectChanges = changesOf.get(o.object_id) ?? [];
        declarations.object(o.object_type);
        for (const c of objectChanges) declarations.object(o.object_type, c.name, c.value);
        return JSON.stringify(ocelObject({ id: o.object_id, type: o.object_type, changes: objectChanges, links: linksOf.get(o.object_id) ?? [] }));
      });
      yield (first ? '' : ',') + chunk.join(',');
      first = false;
    }
    yield `],"eventTypes":${JSON.stringify(declarations.eventTypes())},"objectTypes":${JSON.stringify(declarations.objectTypes())}}`;
  }

  /**
   * An object's events and those of the objects linked to it (for an order: its lines, fulfillment
   * requests, shipments, invoices, returns), oldest first, keyset-paged on the log sequence. Reads the
   * log as it stands: events not yet delivered to the log appear once the outbox has delivered them.
   */
  async function timeline(objectType: string, key: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<TimelineEntry>> {
    const afterSeq = page.cursor === undefined ? 0 : decodeCursor(page.cursor, ['n'] as const)[0];
    const objectIds = await repo.timelineObjectIds(db, objectId(objectType, key));
    const events = await repo.eventsOfObjects(db, objectIds, afterSeq, page.limit + 1);
    const pageEvents = events.slice(0, page.limit);
    const relations = await repo.relationsOf(db, pageEvents.map((e) => Number(e.seq)));
    const bySeq = new Map<number, TimelineEntry['objects']>();
    for (const r of relations) {
      const list = bySeq.get(Number(r.event_seq)) ?? [];
      const prefix = `${r.object_type}:`;
      list.push({ type: r.object_type, id: r.object_id.startsWith(prefix) ? r.object_id.slice(prefix.length) : r.object_id, qualifier: r.qualifier });
      bySeq.set(Number(r.event_seq), list);
    }
    const byKey = (a: { type: string; id: string; qualifier: string }, b: typeof a) => (a.type + a.id + a.qualifier < b.type + b.id + b.qualifier ? -1 : 1);
    const items = pageEvents.map((e) => ({
      id: e.id,
      at: new Date(Number(e.time)).toISOString(),
      activity: e.activity,
      objects: (bySeq.get(Number(e.seq)) ?? []).sort(byKey),
      attributes: JSON.parse(e.attributes) as Record<string, unknown>,
    }));
    const last = pageEvents[pageEvents.length - 1];
    return { items, nextCursor: events.length > page.limit && last ? encodeCursor([Number(last.seq)]) : null };
  }

  return {
    follower,
    timeline,
    /**
     * Takes in every event the feed holds beyond the log's cursor (tests, the CLI, a node that
     * starts); resolves to the log's cursor.
     */
    catchUp: async () => (await serialised(() => catchUp(eventLoopTurn))).cursor,
    recompute,
    /**
     * Reads the log into memory now, in the background, rather than at the first KPI or map query (a
     * hub that starts); resolves once it is in. Queries meanwhile answer `not_ready`.
     */
    prepareQueries: async (): Promise<void> => {
      if (inMemory) await reader.prepare();
    },
    /** The events and typed memory of the projection the queries read (null: none yet, or queries from storage). */
    projectionHeld: (): { events: number; bytes: number } | null => (inMemory ? reader.held() : null),
    /** Where KPI and map queries are answered from: storage by configuration, or once the projection passed its bound. */
    queriesFrom: (): 'memory' | 'storage' => (inMemory && reader.overBound() === null ? 'memory' : 'storage'),
    kpis,
    processMap,
    exportOcel,
  };
}

export type ProcessService = ReturnType<typeof createProcessService>;
