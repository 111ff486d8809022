import { sql } from 'kysely';
import type { Executor } from '../../platform/db/store.ts';

/**
 * SQL only, and read only: the console reads the tables of the inbox, the outbox and the connectors
 * it reports on, each query a range of an index (migration 0023 adds the two the inbox and the outbox
 * lacked), so a report over a million messages touches only the rows of its windows and backlogs.
 */

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Windows are given as epoch-millisecond starts: the last hour's and the last 24 hours'. */
export interface Windows {
  hourStart: number;
  dayStart: number;
}

/**
 * The distinct values of an indexed column's leading position, by a loose index scan (one index
 * seek per value): `select distinct` would read every row's entry. Both stores run the recursive form.
 */
async function distinctLeading(db: Executor, table: 'inbox_messages' | 'outbox_deliveries', column: 'source' | 'subscriber'): Promise<string[]> {
  const t = sql.table(table);
  const c = sql.ref(column);
  const { rows } = await sql<{ v: string | null }>`
    with recursive d(v) as (
      select (select ${c} from ${t} order by ${c} limit 1)
      union all
      select (select ${c} from ${t} where ${c} > d.v order by ${c} limit 1) from d where d.v is not null
    )
    select v from d where v is not null`.execute(db);
  return rows.map((r) => r.v!).filter((v) => v !== null);
}

export const inboxSources = (db: Executor) => distinctLeading(db, 'inbox_messages', 'source');
export const outboxSubscribers = (db: Executor) => distinctLeading(db, 'outbox_deliveries', 'subscriber');

// ---------------------------------------------------------------- inbox sources

export interface InboxSourceStats {
  /** Messages received in each window, and how many of them failed (rejected, dead, discarded or retrying). */
  hour: { requests: number; failures: number };
  day: { requests: number; failures: number };
  backlog: { pending: number; retrying: number; failed: number; dead: number };
  lastSuccessAt: number | null;
  lastFailure: { at: number; error: string | null } | null;
}

export async function inboxSourceStats(db: Executor, source: string, w: Windows): Promise<InboxSourceStats> {
  // Settled messages of the windows: covered by (source, status, received_at), no row is read.
  const settled = await db
    .selectFrom('inbox_messages')
    .select(['status', (eb) => eb.fn.countAll().as('n'), sql<number>`sum(case when received_at >= ${w.hourStart} then 1 else 0 end)`.as('n_hour')])
    .where('source', '=', source)
    .where('status', 'in', ['processed', 'failed', 'dead', 'discarded'])
    .where('received_at', '>=', w.dayStart)
    .groupBy('status')
    .execute();
  // Messages still to process are few; whether they failed before is on the row.
  const waiting = await db
    .selectFrom('inbox_messages')
    .select([
      (eb) => eb.fn.countAll().as('n'),
      sql<number>`sum(case when attempts > 0 then 1 else 0 end)`.as('retrying'),
      sql<number>`sum(case when received_at >= ${w.dayStart} then 1 else 0 end)`.as('n_day'),
      sql<number>`sum(case when received_at >= ${w.dayStart} and attempts > 0 then 1 else 0 end)`.as('f_day'),
      sql<number>`sum(case when received_at >= ${w.hourStart} then 1 else 0 end)`.as('n_hour'),
      sql<number>`sum(case when received_at >= ${w.hourStart} and attempts > 0 then 1 else 0 end)`.as('f_hour'),
    ])
    .where('source', '=', source)
    .where('status', '=', 'received')
    .executeTakeFirst();
  const stuck = await db
    .selectFrom('inbox_messages')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .where('source', '=', source)
    .where('status', 'in', ['failed', 'dead'])
    .groupBy('status')
    .execute();
  const lastProcessed = await db
    .selectFrom('inbox_messages')
    .select('processed_at')
    .where('source', '=', source)
    .where('status', '=', 'processed')
    .orderBy('received_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const [lastFailed] = await recentInboxFailures(db, source, 1);
  const of = (status: string, key: 'n' | 'n_hour') => num(settled.find((r) => r.status === status)?.[key]);
  const failed = (key: 'n' | 'n_hour') => of('failed', key) + of('dead', key) + of('discarded', key);
  const settledCount = (key: 'n' | 'n_hour') => failed(key) + of('processed', key);
  return {
    hour: { requests: settledCount('n_hour') + num(waiting?.n_hour), failures: failed('n_hour') + num(waiting?.f_hour) },
    day: { requests: settledCount('n') + num(waiting?.n_day), failures: failed('n') + num(waiting?.f_day) },
    backlog: {
      pending: num(waiting?.n) - num(waiting?.retrying),
      retrying: num(waiting?.retrying),
      failed: num(stuck.find((r) => r.status === 'failed')?.n),
      dead: num(stuck.find((r) => r.status === 'dead')?.n),
    },
    lastSuccessAt: numOrNull(lastProcessed?.processed_at),
    lastFailure: lastFailed ? { at: lastFailed.at, error: lastFailed.error } : null,
  };
}

export interface InboxFailureRow {
  id: string;
  at: number;
  status: string;
  error: string | null;
}

/**
 * The newest failing messages of a source (rejected, dead, or retrying), by when they were received:
 * the inbox keeps no time of failure, and a message's first attempt is made as it arrives.
 */
export async function recentInboxFailures(db: Executor, source: string, limit: number): Promise<InboxFailureRow[]> {
  const rows: InboxFailureRow[] = [];
  for (const status of ['failed', 'dead', 'received'] as const) {
    let query = db
      .selectFrom('inbox_messages')
      .select(['id', 'received_at', 'status', 'error_code', 'error_message'])
      .where('source', '=', source)
      .where('status', '=', status);
    if (status === 'received') query = query.where('attempts', '>', 0);
    for (const r of await query.orderBy('received_at', 'desc').limit(limit).execute()) {
      rows.push({ id: r.id, at: Number(r.received_at), status: r.status === 'received' ? 'retrying' : r.status, error: r.error_code === null ? null : `${r.error_code}: ${r.error_message ?? ''}` });
    }
  }
  return rows.sort((a, b) => b.at - a.at || b.id.localeCompare(a.id)).slice(0, limit);
}

// ---------------------------------------------------------------- outbox subscribers

export interface SubscriberStats {
  /** Deliveries made or given up on in each window, plus those retrying now. */
  hour: { requests: number; failures: number };
  day: { requests: number; failures: number };
  backlog: { pending: number; retrying: number; dead: number };
  lastSuccessAt: number | null;
  lastFailure: { at: number | null; error: string | null } | null;
}

export async function subscriberStats(db: Executor, subscriber: string, w: Windows): Promise<SubscriberStats> {
  // Covered by (subscriber, status, delivered_at): a range of the window's deliveries, no row read.
  const delivered = await db
    .selectFrom('outbox_deliveries')
    .select([(eb) => eb.fn.countAll().as('n'), sql<number>`sum(case when delivered_at >= ${w.hourStart} then 1 else 0 end)`.as('n_hour')])
    .where('subscriber', '=', subscriber)
    .where('status', '=', 'delivered')
    .where('delivered_at', '>=', w.dayStart)
    .executeTakeFirst();
  const open = await db
    .selectFrom('outbox_deliveries')
    .select([
      'status',
      (eb) => eb.fn.countAll().as('n'),
      sql<number>`sum(case when attempts > 0 then 1 else 0 end)`.as('retrying'),
      sql<number>`sum(case when dead_at >= ${w.dayStart} then 1 else 0 end)`.as('dead_day'),
      sql<number>`sum(case when dead_at >= ${w.hourStart} then 1 else 0 end)`.as('dead_hour'),
    ])
    .where('subscriber', '=', subscriber)
    .where('status', 'in', ['pending', 'dead'])
    .groupBy('status')
    .execute();
  const lastDelivered = await db
    .selectFrom('outbox_deliveries')
    .select('delivered_at')
    .where('subscriber', '=', subscriber)
    .where('status', '=', 'delivered')
    .orderBy('delivered_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const [lastFailed] = await recentSubscriberFailures(db, subscriber, 1);
  const pending = open.find((r) => r.status === 'pending');
  const dead = open.find((r) => r.status === 'dead');
  const retrying = num(pending?.retrying);
  return {
    hour: { requests: num(delivered?.n_hour) + num(dead?.dead_hour) + retrying, failures: num(dead?.dead_hour) + retrying },
    day: { requests: num(delivered?.n) + num(dead?.dead_day) + retrying, failures: num(dead?.dead_day) + retrying },
    backlog: { pending: num(pending?.n) - retrying, retrying, dead: num(dead?.n) },
    lastSuccessAt: numOrNull(lastDelivered?.delivered_at),
    lastFailure: lastFailed ? { at: lastFailed.at, error: lastFailed.error } : null,
  };
}

/** Dead letters, newest first, then deliveries retrying now (which record no time of failure). */
export async function recentSubscriberFailures(db: Executor, subscriber: string, limit: number) {
  const dead = await db
    .selectFrom('outbox_deliveries')
    .select(['id', 'dead_at', 'last_error'])
    .where('subscriber', '=', subscriber)
    .where('status', '=', 'dead')
    .orderBy('dead_at', 'desc')
    .limit(limit)
    .execute();
  const retrying = await db
    .selectFrom('outbox_deliveries')
    .select(['id', 'last_error'])
    .where('subscriber', '=', subscriber)
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return [
    ...dead.map((r) => ({ id: String(r.id), at: numOrNull(r.dead_at), status: 'dead', error: r.last_error })),
    ...retrying.map((r) => ({ id: String(r.id), at: null, status: 'retrying', error: r.last_error })),
  ].slice(0, limit);
}
