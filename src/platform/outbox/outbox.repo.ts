import { insertRows, insertShape } from '../db/insert-rows.ts';
import { sql, type Insertable, type SqlBool } from 'kysely';
import type { Executor, Tx } from '../db/store.ts';
import type { OutboxDeliveryRow, OutboxEventRow } from '../db/platform.tables.ts';
import type { SubjectCondition } from '../auth/partner-scope.ts';

/** SQL only: outbox events, their deliveries, and the PostgreSQL locks that order them. */

/** Advisory lock keys; arbitrary constants, chosen once and never reused for anything else. */
const APPEND_LOCK_KEY = 0x6364_0001;
/** The dispatcher lanes' locks (see `dispatchDue`): the subscribers marked `first`, and the rest. */
export const DISPATCH_LOCK_KEY = 0x6364_0002;
export const DISPATCH_FIRST_LOCK_KEY = 0x6364_0003;

/**
 * PostgreSQL only. Serialises appending transactions from their append to their commit, so events
 * commit in sequence order. Without it a transaction could take sequence 10, commit after another
 * took and committed 11, and a feed reader or the dispatcher that had already moved past 11 would
 * never see 10 (the identity column hands out numbers at insert, not at commit). The lock is held
 * only from the append to the commit, which is why services append as their last write.
 */
export const lockAppends = async (tx: Tx): Promise<void> => {
  await sql`select pg_advisory_xact_lock(${sql.lit(APPEND_LOCK_KEY)})`.execute(tx);
};

/** PostgreSQL only: a session lock on one pinned connection; released when it is unlocked or the connection dies. */
export const tryLockDispatcher = async (conn: Executor, key: number): Promise<boolean> => {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${sql.lit(key)}) as locked`.execute(conn);
  return result.rows[0]?.locked === true;
};

export const unlockDispatcher = async (conn: Executor, key: number): Promise<void> => {
  await sql`select pg_advisory_unlock(${sql.lit(key)})`.execute(conn);
};

/** Inserts events in list order; returns each event's sequence by its id. */
export const insertEvents = async (tx: Tx, rows: ReadonlyArray<Insertable<OutboxEventRow>>): Promise<Map<string, number>> => {
  const seqById = new Map<string, number>();
  const inserted = await insertRows<'outbox_events', { seq: number; id: string }>(tx, EVENTS, rows);
  for (const r of inserted) seqById.set(r.id, Number(r.seq));
  return seqById;
};

const EVENTS = insertShape('outbox_events', ['id', 'source', 'type', 'subject', 'time', 'correlation_id', 'causation_id', 'schema_version', 'data'], 'returning "seq", "id"');
const DELIVERIES = insertShape('outbox_deliveries', ['event_seq', 'subscriber', 'subject', 'status', 'attempts', 'next_attempt_at']);

export const insertDeliveries = async (tx: Tx, rows: Array<Insertable<OutboxDeliveryRow>>): Promise<void> => {
  await insertRows(tx, DELIVERIES, rows);
};

const deliveryColumns = [
  'd.id',
  'd.subscriber',
  'd.subject',
  'd.status',
  'd.attempts',
  'd.next_attempt_at',
  'd.last_error',
  'd.delivered_at',
  'd.dead_at',
  'd.discarded_at',
  'd.replay_count',
  'd.operator_note',
  'e.seq',
  'e.id as event_id',
  'e.source',
  'e.type',
  'e.time',
  'e.correlation_id',
  'e.causation_id',
  'e.schema_version',
  'e.data',
] as const;

/** `status = 'pending'` written into the statement, so it matches the pending-only indexes' condition. */
const PENDING = sql.lit('pending');

const deliveriesWithEvents = (db: Executor) =>
  db.selectFrom('outbox_deliveries as d').innerJoin('outbox_events as e', 'e.seq', 'd.event_seq').select(deliveryColumns);

/**
 * The next deliveries a subscriber may attempt, in sequence order, in one query. A delivery is
 * eligible when it is due and no earlier pending delivery of the same subject (for the same
 * subscriber) is waiting for a later retry. So the batch, a prefix in sequence order, holds every
 * earlier pending delivery of each subject it contains, and the caller can deliver it in order,
 * skipping the rest of a subject once one of its deliveries fails. Dead and discarded deliveries are
 * not pending and so do not hold later ones back.
 */
export const selectDueDeliveries = (db: Executor, subscriber: string, now: number, limit: number) =>
  deliveriesWithEvents(db)
    .where('d.subscriber', '=', subscriber)
    // A literal, not a parameter: the indexes that answer this query cover pending rows only
    // (migration 0030), and a planner can use such an index only when the query names its condition.
    .where('d.status', '=', PENDING)
    // The unary plus keeps the planner off the (status, due time) index, which spans every
    // subscriber and needs a sort, and on the pending (subscriber, sequence, due time) one.
    .where(sql<number>`+${sql.ref('d.next_attempt_at')}`, '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox_deliveries as p')
            .select('p.id')
            .whereRef('p.subscriber', '=', 'd.subscriber')
            .whereRef('p.subject', '=', 'd.subject')
            .where('p.status', '=', PENDING)
            .whereRef('p.event_seq', '<', 'd.event_seq')
            .where('p.next_attempt_at', '>', now),
        ),
      ),
    )
    .orderBy('d.event_seq')
    .limit(limit)
    .execute();
export type DeliveryWithEvent = Awaited<ReturnType<typeof selectDueDeliveries>>[number];

/** Subscribers with at least one pending delivery due now (read through the due index). */
export const subscribersWithDueDeliveries = async (db: Executor, now: number): Promise<string[]> =>
  (await db.selectFrom('outbox_deliveries').select('subscriber').distinct().where('status', '=', 'pending').where('next_attempt_at', '<=', now).execute()).map((r) => r.subscriber);

/** Ids per statement when marking deliveries: well under either store's bound-parameter limit. */
const MARK_DELIVERED_CHUNK = 500;

/**
 * Marks deliveries made in one tick, counting the attempt each took. One statement per few hundred
 * instead of one commit per event: a crash before it runs re-delivers them, which at-least-once
 * delivery and idempotent subscribers already allow.
 */
export async function markDelivered(db: Executor, ids: readonly number[], now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += MARK_DELIVERED_CHUNK) {
    await db
      .updateTable('outbox_deliveries')
      .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), delivered_at: now, last_error: null }))
      .where('id', 'in', ids.slice(i, i + MARK_DELIVERED_CHUNK))
      .where('status', '=', 'pending')
      .execute();
  }
}

export const markFailed = (
  db: Executor,
  id: number,
  change: { status: 'pending' | 'dead'; attempts: number; next_attempt_at: number; last_error: string; dead_at: number | null },
) => db.updateTable('outbox_deliveries').set(change).where('id', '=', id).where('status', '=', 'pending').execute();

export const findDelivery = (db: Executor, id: number) => deliveriesWithEvents(db).where('d.id', '=', id).executeTakeFirst();

export const listDeadLetters = (db: Executor, filter: { subscriber?: string | undefined; afterId?: number | undefined; limit: number }) => {
  let query = deliveriesWithEvents(db).where('d.status', '=', 'dead');
  if (filter.subscriber) query = query.where('d.subscriber', '=', filter.subscriber);
  if (filter.afterId !== undefined) query = query.where('d.id', '>', filter.afterId);
  return query.orderBy('d.id').limit(filter.limit).execute();
};

/** A replayed dead letter is pending, due now, with a fresh attempt budget. */
export const reopenDeadLetter = async (db: Executor, id: number, now: number, note: string | null): Promise<boolean> => {
  const result = await db
    .updateTable('outbox_deliveries')
    .set((eb) => ({
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      dead_at: null,
      replay_count: eb('replay_count', '+', 1),
      operator_note: note,
    }))
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const discardDeadLetter = async (db: Executor, id: number, now: number, note: string): Promise<boolean> => {
  const result = await db
    .updateTable('outbox_deliveries')
    .set({ status: 'discarded', discarded_at: now, operator_note: note })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export interface FeedFilter {
  after: number;
  typePrefix?: string | undefined;
  type?: string | undefined;
  subject?: string | undefined;
  limit: number;
}

/** The feed's events after `after` in sequence order, filtered by type and subject; columns chosen by the caller. */
const feedEvents = (db: Executor, filter: FeedFilter) => {
  let query = db.selectFrom('outbox_events').where('seq', '>', filter.after);
  if (filter.type) query = query.where('type', '=', filter.type);
  // substr, not LIKE: a prefix may contain `_`, which LIKE would read as a wildcard.
  if (filter.typePrefix) query = query.where(sql<string>`substr(type, 1, ${sql.lit(filter.typePrefix.length)})`, '=', filter.typePrefix);
  if (filter.subject) query = query.where('subject', '=', filter.subject);
  return query.orderBy('seq').limit(filter.limit);
};

/** How many events the feed holds after `seq` (sequences have gaps: a rolled-back append uses some). */
export async function countEventsAfter(db: Executor, seq: number): Promise<number> {
  const row = await db.selectFrom('outbox_events').select((eb) => eb.fn.countAll<number>().as('n')).where('seq', '>', seq).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const readFeed = (db: Executor, filter: FeedFilter) => feedEvents(db, filter).selectAll().execute();

/** For a reader who may see only some events: each event's sequence and whether `visible` holds for it. */
export const scanFeed = (db: Executor, filter: FeedFilter, visible: SubjectCondition) =>
  feedEvents(db, filter)
    .select(['seq', sql<SqlBool>`${visible(sql.ref<string>('outbox_events.subject'))}`.as('visible')])
    .execute();

export const eventsBySeq = (db: Executor, seqs: readonly number[]) => db.selectFrom('outbox_events').selectAll().where('seq', 'in', seqs).orderBy('seq').execute();

export const countDeliveriesByStatus = (db: Executor) =>
  db
    .selectFrom('outbox_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
