import { sql, type Insertable } from 'kysely';
import { chunks } from '../../platform/db/chunks.ts';
import { insertRows, insertShape } from '../../platform/db/insert-rows.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import type { ProcessEventObjectRow, ProcessEventRow, ProcessFactRow, ProcessObjectChangeRow, ProcessObjectLinkRow, ProcessObjectRow } from './process.tables.ts';

/** SQL only: the process log, its facts and its cursor. */

const CURSOR = 'log';

export async function readCursor(db: Executor): Promise<number> {
  const row = await db.selectFrom('process_cursor').select('last_seq').where('name', '=', CURSOR).executeTakeFirst();
  return Number(row?.last_seq ?? 0);
}

/** The cursor, locked until the transaction ends (PostgreSQL): one ingester at a time, in sequence order. */
export async function lockCursor(tx: Tx, kind: StoreKind): Promise<number> {
  let query = tx.selectFrom('process_cursor').select('last_seq').where('name', '=', CURSOR);
  if (kind === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row) return Number(row.last_seq);
  await tx.insertInto('process_cursor').values({ name: CURSOR, last_seq: 0, updated_at: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return lockCursor(tx, kind);
}

/**
 * The recompute count: a recompute with backfill logs events below the cursor, so a reader of the log
 * that reads forward from where it was (the in-memory projection) must start again when it changes.
 */
const GENERATION = 'generation';

/** The log's cursor and its recompute count, in one read. */
export async function readPosition(db: Executor): Promise<{ seq: number; generation: number }> {
  const rows = await db.selectFrom('process_cursor').select(['name', 'last_seq']).where('name', 'in', [CURSOR, GENERATION]).execute();
  const of = (name: string) => Number(rows.find((r) => r.name === name)?.last_seq ?? 0);
  return { seq: of(CURSOR), generation: of(GENERATION) };
}

/** Counts a recompute, in its transaction. */
export async function countRecompute(tx: Tx, now: number): Promise<void> {
  const updated = await tx.updateTable('process_cursor').set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: now })).where('name', '=', GENERATION).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await tx.insertInto('process_cursor').values({ name: GENERATION, last_seq: 1, updated_at: now }).execute();
}

export const setCursor = (tx: Tx, lastSeq: number, now: number) => tx.updateTable('process_cursor').set({ last_seq: lastSeq, updated_at: now }).where('name', '=', CURSOR).execute();

/** Inserts events not logged yet; answers the sequences actually inserted (a duplicate is skipped). */
export async function insertEvents(tx: Tx, rows: ReadonlyArray<Insertable<ProcessEventRow>>): Promise<Set<number>> {
  const inserted = await insertRows<'process_events', { seq: number }>(tx, EVENTS, rows, 200);
  return new Set(inserted.map((r) => Number(r.seq)));
}

const EVENTS = insertShape('process_events', ['seq', 'id', 'type', 'activity', 'kind', 'time', 'flags', 'integration_source', 'attributes'], 'on conflict ("seq") do nothing returning "seq"');
const EVENT_OBJECTS = insertShape('process_event_objects', ['event_seq', 'object_id', 'object_type', 'qualifier', 'quantity'], 'on conflict do nothing');
const OBJECTS = insertShape('process_objects', ['id', 'type', 'first_seq'], 'on conflict ("id") do nothing');
const CHANGES = insertShape('process_object_changes', ['object_id', 'event_seq', 'name', 'value', 'time'], 'on conflict do nothing');
const LINKS = insertShape('process_object_links', ['object_id', 'target_id', 'qualifier'], 'on conflict do nothing');
const FACTS = insertShape(
  'process_facts',
  ['object_type', 'object_id', 'active_from', 'active_to', 'open', 'document'],
  'on conflict ("object_type", "object_id") do update set "active_from" = "excluded"."active_from", "active_to" = "excluded"."active_to", "open" = "excluded"."open", "document" = "excluded"."document"',
);

export async function insertEventObjects(tx: Tx, rows: ReadonlyArray<ProcessEventObjectRow>): Promise<void> {
  await insertRows(tx, EVENT_OBJECTS, rows, 400);
}

export async function insertObjects(tx: Tx, rows: ReadonlyArray<ProcessObjectRow>): Promise<void> {
  await insertRows(tx, OBJECTS, rows, 400);
}

export async function insertChanges(tx: Tx, rows: ReadonlyArray<ProcessObjectChangeRow>): Promise<void> {
  await insertRows(tx, CHANGES, rows, 400);
}

export async function insertLinks(tx: Tx, rows: ReadonlyArray<ProcessObjectLinkRow>): Promise<void> {
  await insertRows(tx, LINKS, rows, 400);
}

/** The stored facts of the given objects, by type. */
export async function findFacts(db: Executor, keys: ReadonlyMap<string, readonly string[]>): Promise<ProcessFactRow[]> {
  const out: ProcessFactRow[] = [];
  for (const [type, ids] of keys) {
    for (const chunk of chunks(ids, 400)) {
      out.push(...(await db.selectFrom('process_facts').selectAll().where('object_type', '=', type).where('object_id', 'in', chunk).execute()));
    }
  }
  return out;
}

export async function upsertFacts(tx: Tx, rows: ReadonlyArray<ProcessFactRow>): Promise<void> {
  await insertRows(tx, FACTS, rows, 300);
}

/** The indexes of `process_facts` beside its primary key, as migration 0019 made them. */
const FACT_INDEXES = [
  { name: 'process_facts_active', columns: ['object_type', 'active_to'] },
  { name: 'process_facts_open', columns: ['object_type', 'open'] },
] as const;

/** SQLite's page cache while every fact is replaced, in KiB (its default is 2 MB). */
const BULK_CACHE_KIB = 256 * 1024;

/**
 * Replaces every stored fact with `rows`, taken 300 at a time as they are inserted: at ten million
 * events a recompute stores millions of facts, gigabytes as one list of rows.
 *
 * On SQLite the two secondary indexes are dropped first and built again once the rows are in, and
 * the page cache is larger meanwhile: every row then goes into the table and its key alone, and each
 * index is built in one sorted pass, not grown a row at a time through a cache of 2 MB. Two million
 * facts with random ids went in twice as fast so (42 s against 19–21 s). Readers see the old facts
 * and indexes until the commit, and a failure rolls the drop back with the rest. PostgreSQL keeps its
 * indexes: dropping one there would hold readers of the facts off until the commit.
 */
export async function replaceFacts(tx: Tx, kind: StoreKind, rows: Iterable<ProcessFactRow>): Promise<void> {
  await tx.deleteFrom('process_facts').execute();
  const bulk = kind === 'sqlite';
  let cacheSize: unknown;
  if (bulk) {
    for (const index of FACT_INDEXES) await tx.schema.dropIndex(index.name).execute();
    cacheSize = (await sql<{ cache_size: number }>`pragma cache_size`.execute(tx)).rows[0]?.cache_size;
    await sql.raw(`pragma cache_size = -${BULK_CACHE_KIB}`).execute(tx);
  }
  try {
    let chunk: ProcessFactRow[] = [];
    for (const row of rows) {
      chunk.push(row);
      if (chunk.length === 300) {
        await insertRows(tx, FACTS, chunk, 300);
        chunk = [];
      }
    }
    await insertRows(tx, FACTS, chunk, 300);
  } finally {
    if (bulk && typeof cacheSize === 'number') await sql.raw(`pragma cache_size = ${cacheSize}`).execute(tx);
  }
  if (bulk) for (const index of FACT_INDEXES) await tx.schema.createIndex(index.name).on('process_facts').columns([...index.columns]).execute();
}

/** The facts that can count in a window: active in it, or still open. */
export const factsInWindow = (db: Executor, types: readonly string[], fromMs: number, toMs: number) =>
  db
    .selectFrom('process_facts')
    .select(['object_type', 'object_id', 'document'])
    .where('object_type', 'in', types)
    .where('active_from', '<', toMs)
    .where((eb) => eb.or([eb('open', '=', 1), eb('active_to', '>=', fromMs)]))
    .execute();

/** Events in a window that took in a message or failed one (the event-counted KPIs). */
export const integrationEvents = (db: Executor, fromMs: number, toMs: number) =>
  db
    .selectFrom('process_events')
    .select(['seq', 'activity', 'kind', 'time', 'flags', 'integration_source'])
    .where('flags', '>=', 2)
    .where('time', '>=', fromMs)
    .where('time', '<', toMs)
    .orderBy('seq')
    .execute();

/** A page of the log in sequence order, for a recompute: events after `afterSeq`, up to `upToSeq`. */
export const eventsPage = (db: Executor, afterSeq: number, upToSeq: number, limit: number) =>
  db
    .selectFrom('process_events')
    .select(['seq', 'activity', 'kind', 'time', 'flags', 'integration_source'])
    .where('seq', '>', afterSeq)
    .where('seq', '<=', upToSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();

/** Relations of the events with sequences in [first, last], in sequence order. */
export const relationsBetween = (db: Executor, first: number, last: number) =>
  db
    .selectFrom('process_event_objects')
    .select(['event_seq', 'object_id', 'object_type', 'qualifier', 'quantity'])
    .where('event_seq', '>=', first)
    .where('event_seq', '<=', last)
    .orderBy('event_seq')
    .execute();

/** Attribute changes of the events with sequences in [first, last], with their objects' types. */
export const changesBetween = (db: Executor, first: number, last: number) =>
  db
    .selectFrom('process_object_changes as c')
    .innerJoin('process_objects as o', 'o.id', 'c.object_id')
    .select(['c.event_seq', 'c.object_id', 'o.type as object_type', 'c.name', 'c.value'])
    .where('c.event_seq', '>=', first)
    .where('c.event_seq', '<=', last)
    .orderBy('c.event_seq')
    .execute();

export async function relationsOf(db: Executor, seqs: readonly number[]) {
  const out: Array<Pick<ProcessEventObjectRow, 'event_seq' | 'object_id' | 'object_type' | 'qualifier' | 'quantity'>> = [];
  for (const chunk of chunks(seqs, 400)) {
    out.push(...(await db.selectFrom('process_event_objects').select(['event_seq', 'object_id', 'object_type', 'qualifier', 'quantity']).where('event_seq', 'in', chunk).execute()));
  }
  return out;
}

export async function changesOf(db: Executor, seqs: readonly number[]) {
  const out: Array<{ event_seq: number; object_id: string; object_type: string; name: string; value: string }> = [];
  for (const chunk of chunks(seqs, 400)) {
    out.push(
      ...(await db
        .selectFrom('process_object_changes as c')
        .innerJoin('process_objects as o', 'o.id', 'c.object_id')
        .select(['c.event_seq', 'c.object_id', 'o.type as object_type', 'c.name', 'c.value'])
        .where('c.event_seq', 'in', chunk)
        .execute()),
    );
  }
  return out;
}

/** Every object of a type's part in the events of a window, in log order: the traces of a process map. */
export const tracesOf = (db: Executor, objectType: string, fromMs: number, toMs: number) =>
  db
    .selectFrom('process_event_objects as r')
    .innerJoin('process_events as e', 'e.seq', 'r.event_seq')
    .select(['r.event_seq', 'r.object_id', 'e.activity', 'e.time'])
    .where('r.object_type', '=', objectType)
    .where('e.time', '>=', fromMs)
    .where('e.time', '<', toMs)
    .orderBy('r.event_seq')
    .execute();

export interface ExportFilter {
  fromMs: number;
  toMs: number;
  objectTypes: readonly string[] | undefined;
}

/** A page of the events an export holds: in the window and, with a type filter, related to an object of those types. */
export const exportEvents = (db: Executor, filter: ExportFilter, afterSeq: number, limit: number) => {
  let query = db
    .selectFrom('process_events as e')
    .select(['e.seq', 'e.id', 'e.activity', 'e.time', 'e.attributes'])
    .where('e.seq', '>', afterSeq)
    .where('e.time', '>=', filter.fromMs)
    .where('e.time', '<', filter.toMs);
  if (filter.objectTypes) {
    const types = filter.objectTypes;
    query = query.where(({ exists, selectFrom }) => exists(selectFrom('process_event_objects as r').select('r.event_seq').whereRef('r.event_seq', '=', 'e.seq').where('r.object_type', 'in', types)));
  }
  return query.orderBy('e.seq').limit(limit).execute();
};

/** The objects an export holds: those its events relate to (of the chosen types), by id. */
export const exportObjects = (db: Executor, filter: ExportFilter) => {
  let query = db
    .selectFrom('process_event_objects as r')
    .innerJoin('process_events as e', 'e.seq', 'r.event_seq')
    .select(['r.object_id', 'r.object_type'])
    .distinct()
    .where('e.time', '>=', filter.fromMs)
    .where('e.time', '<', filter.toMs);
  if (filter.objectTypes) query = query.where('r.object_type', 'in', filter.objectTypes);
  return query.orderBy('r.object_id').execute();
};

/** Attribute changes of objects up to `toMs`, oldest first per object. */
export async function changesOfObjects(db: Executor, ids: readonly string[], toMs: number) {
  const out: Array<{ object_id: string; name: string; value: string; time: number; event_seq: number }> = [];
  for (const chunk of chunks(ids, 400)) {
    out.push(
      ...(await db
        .selectFrom('process_object_changes')
        .select(['object_id', 'name', 'value', 'time', 'event_seq'])
        .where('object_id', 'in', chunk)
        .where('time', '<', toMs)
        .orderBy('object_id')
        .orderBy('event_seq')
        .orderBy('name')
        .execute()),
    );
  }
  return out;
}

export async function linksOfObjects(db: Executor, ids: readonly string[]) {
  const out: ProcessObjectLinkRow[] = [];
  for (const chunk of chunks(ids, 400)) {
    out.push(...(await db.selectFrom('process_object_links').selectAll().where('object_id', 'in', chunk).orderBy('object_id').orderBy('target_id').orderBy('qualifier').execute()));
  }
  return out;
}

/** Row counts of the log, for the recompute's report. */
export async function logCounts(db: Executor): Promise<{ events: number; objects: number; facts: number }> {
  const count = async (table: 'process_events' | 'process_objects' | 'process_facts') =>
    Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  return { events: await count('process_events'), objects: await count('process_objects'), facts: await count('process_facts') };
}

/**
 * The objects whose events belong on an object's timeline: the object itself and the objects linked
 * to it (an order's lines, fulfillment requests, shipments, invoices, returns, transfers). Found
 * through the events the object shares with them, then confirmed by their link to it, so both steps
 * use an index (relations by object id, links by their key) instead of scanning the links for a target.
 */
export async function timelineObjectIds(db: Executor, objectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('process_event_objects as r1')
    .innerJoin('process_event_objects as r2', 'r2.event_seq', 'r1.event_seq')
    .innerJoin('process_object_links as l', (join) => join.onRef('l.object_id', '=', 'r2.object_id').on('l.target_id', '=', objectId))
    .select('r2.object_id')
    .distinct()
    .where('r1.object_id', '=', objectId)
    .execute();
  return [objectId, ...rows.map((r) => r.object_id).filter((id) => id !== objectId).sort()];
}

/** A page of the events related to any of the objects, in log order, after `afterSeq`. */
export const eventsOfObjects = (db: Executor, objectIds: readonly string[], afterSeq: number, limit: number) =>
  db
    .selectFrom('process_events as e')
    .select(['e.seq', 'e.id', 'e.activity', 'e.time', 'e.attributes'])
    .where('e.seq', '>', afterSeq)
    .where(({ exists, selectFrom }) => exists(selectFrom('process_event_objects as r').select('r.event_seq').whereRef('r.event_seq', '=', 'e.seq').where('r.object_id', 'in', objectIds)))
    .orderBy('e.seq')
    .limit(limit)
    .execute();

/** The ids of the stored events with these sequences (those stored), for checking a log snapshot. */
export const eventIdsAt = (db: Executor, seqs: readonly number[]) =>
  seqs.length === 0 ? Promise.resolve([]) : db.selectFrom('process_events').select(['seq', 'id']).where('seq', 'in', seqs).execute();

/** How many events are stored up to a sequence (a backfill adds some below the cursor). */
export const countEventsUpTo = async (db: Executor, seq: number): Promise<number> =>
  Number((await db.selectFrom('process_events').select(sql<number>`count(*)`.as('n')).where('seq', '<=', seq).executeTakeFirstOrThrow()).n);
