import { sql, type ExpressionBuilder, type Insertable, type Selectable } from 'kysely';
import { chunks } from '../../platform/db/chunks.ts';
import type { Database } from '../../database.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import type { ExceptionSort } from './exceptions.types.ts';
import type { ExceptionAuditRow, ExceptionRow } from './exceptions.tables.ts';

/** SQL only, for exceptions and their audit trail. */

type Row = Selectable<ExceptionRow>;

/**
 * Inserts a live exception unless one is live for its subject and type; true when inserted. ON
 * CONFLICT DO NOTHING rather than catching the violation: raising happens inside the caller's
 * transaction, and on PostgreSQL a failed statement would abort all of it. A concurrent raise waits
 * on the index entry until the first commits, then inserts nothing.
 */
export async function insertLiveIfNew(tx: Tx, row: ExceptionRow): Promise<boolean> {
  const inserted = await tx
    .insertInto('exceptions')
    .values(row)
    .onConflict((oc) => oc.columns(['type', 'subject_type', 'subject_id']).where('closed_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Bulk insert with no dedupe check, for loading (benchmarks); callers guarantee one live row per subject and type. */
export async function insertMany(tx: Tx, rows: readonly ExceptionRow[]): Promise<void> {
  for (const chunk of chunks(rows, 250)) await tx.insertInto('exceptions').values(chunk).execute();
}

/**
 * The live exceptions of a subject (of one type, or all), locked until commit on PostgreSQL so two
 * writers take turns. SQLite has one writer at a time and needs no lock.
 */
export async function lockLive(tx: Tx, kind: StoreKind, subject: { type: string; id: string }, type?: string): Promise<Row[]> {
  let query = tx.selectFrom('exceptions').selectAll().where('subject_type', '=', subject.type).where('subject_id', '=', subject.id).where('closed_at', 'is', null);
  if (type !== undefined) query = query.where('type', '=', type);
  query = query.orderBy('id');
  if (kind === 'postgres') return query.forUpdate().execute();
  return query.execute();
}

export async function lockById(tx: Tx, kind: StoreKind, id: string): Promise<Row | undefined> {
  const query = tx.selectFrom('exceptions').selectAll().where('id', '=', id);
  return kind === 'postgres' ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
}

export const findLive = (db: Executor, type: string, subject: { type: string; id: string }): Promise<Row | undefined> =>
  db.selectFrom('exceptions').selectAll().where('type', '=', type).where('subject_type', '=', subject.type).where('subject_id', '=', subject.id).where('closed_at', 'is', null).executeTakeFirst();

/**
 * Every live exception of some subjects, whatever its type, in one statement: flows that look at
 * several types of an order and its lines ask once. Subjects are grouped by type, so each group is
 * one range of the subject index.
 */
export async function findLiveOfSubjects(db: Executor, subjects: ReadonlyArray<{ type: string; id: string }>): Promise<Row[]> {
  if (subjects.length === 0) return [];
  const idsByType = new Map<string, string[]>();
  for (const { type, id } of subjects) {
    const ids = idsByType.get(type);
    if (ids) ids.push(id);
    else idsByType.set(type, [id]);
  }
  return db
    .selectFrom('exceptions')
    .selectAll()
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([...idsByType].map(([type, ids]) => eb.and([eb('subject_type', '=', type), eb('subject_id', 'in', ids)]))))
    .execute();
}

export const findById = (db: Executor, id: string): Promise<Row | undefined> => db.selectFrom('exceptions').selectAll().where('id', '=', id).executeTakeFirst();

/** Writes a changed exception; `expectedVersion` guards against a lost update. */
export async function updateException(tx: Tx, row: ExceptionRow, expectedVersion: number): Promise<boolean> {
  const { id, ...rest } = row;
  const updated = await tx.updateTable('exceptions').set(rest).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export interface ExceptionFilter {
  queueRole?: string | undefined;
  type?: string | undefined;
  state?: string | undefined;
  partnerCode?: string | undefined;
  assigneeName?: string | undefined;
  subject?: { type: string; id: string } | undefined;
  sort: ExceptionSort;
  /** The sort value and id of the last row of the previous page. */
  after?: readonly [number, string] | undefined;
  limit: number;
}

const sortColumn = { priority: 'priority', age: 'raised_at', slaDue: 'sla_due_at' } as const;

/**
 * A page of a queue. Live rows (the default, or state open or claimed) are read through the partial
 * indexes on `closed_at is null`. The keyset condition starts with a plain range on the sort column
 * (`priority <= p`, `sla_due_at >= d`), which both stores turn into an index seek, so a deep page
 * costs what the first does; the rest only breaks ties at the cursor's value.
 */
export function listExceptions(db: Executor, f: ExceptionFilter): Promise<Row[]> {
  const live = f.state === undefined || f.state === 'open' || f.state === 'claimed';
  let q = db.selectFrom('exceptions').selectAll();
  q = live ? q.where('closed_at', 'is', null) : q.where('closed_at', 'is not', null);
  if (f.state !== undefined) q = q.where('state', '=', f.state);
  if (f.queueRole !== undefined) q = q.where('queue_role', '=', f.queueRole);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.partnerCode !== undefined) q = q.where('partner_code', '=', f.partnerCode);
  if (f.assigneeName !== undefined) q = q.where('assignee_name', '=', f.assigneeName);
  if (f.subject !== undefined) q = q.where('subject_type', '=', f.subject.type).where('subject_id', '=', f.subject.id);
  const column = sortColumn[f.sort];
  const descending = f.sort === 'priority';
  if (f.after !== undefined) {
    const [value, id] = f.after;
    q = q
      .where(column, descending ? '<=' : '>=', value)
      .where((eb) => eb.or([eb(column, descending ? '<' : '>', value), eb('id', '>', id)]));
  }
  return q
    .orderBy(column, descending ? 'desc' : 'asc')
    .orderBy('id', 'asc')
    .limit(f.limit)
    .execute();
}

export async function insertAudit(tx: Tx, rows: readonly Insertable<ExceptionAuditRow>[]): Promise<void> {
  for (const chunk of chunks(rows)) await tx.insertInto('exception_audit').values(chunk).execute();
}

/** An exception's audit trail, oldest first, keyset-paged on seq. */
export const listAudit = (db: Executor, exceptionId: string, afterSeq: number, limit: number): Promise<Array<Selectable<ExceptionAuditRow>>> =>
  db.selectFrom('exception_audit').selectAll().where('exception_id', '=', exceptionId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();

/** The newest audit lines of an exception, returned oldest first. */
export async function latestAudit(db: Executor, exceptionId: string, limit: number): Promise<Array<Selectable<ExceptionAuditRow>>> {
  const rows = await db.selectFrom('exception_audit').selectAll().where('exception_id', '=', exceptionId).orderBy('seq', 'desc').limit(limit).execute();
  return rows.reverse();
}

/**
 * `slaStateAt`'s breached (sla.rules.ts) in SQL: a breach recorded, or due at `nowMs`. The gauge and
 * the summary count with it, so the two agree with each other and with the exception views.
 */
const breachedAt = (eb: ExpressionBuilder<Database, 'exceptions'>, nowMs: number) => eb.or([eb('breach_count', '>', 0), eb('sla_due_at', '<=', nowMs)]);

/**
 * Live exceptions counted by type, current queue and whether their SLA is breached at `nowMs`, for the
 * metrics gauge. Breached has the meaning of `slaStateAt` (a breach recorded, or past due), so the
 * gauge and the summary agree even before the SLA timer records a breach.
 */
export async function countLive(db: Executor, nowMs: number): Promise<Array<{ type: string; queue: string; slaState: 'within' | 'breached'; count: number }>> {
  const rows = await db
    .selectFrom('exceptions')
    .select((eb) => [
      'type',
      'queue_role',
      eb
        .case()
        .when(breachedAt(eb, nowMs))
        .then(1)
        .else(0)
        .end()
        .as('breached'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('closed_at', 'is', null)
    .groupBy(['type', 'queue_role', 'breached'])
    .execute();
  return rows.map((r) => ({ type: r.type, queue: r.queue_role, slaState: Number(r.breached) === 1 ? 'breached' : 'within', count: Number(r.n) }));
}

/**
 * Live exceptions counted by queue, type, state and SLA state at `nowMs`. The CASE is `slaStateAt`
 * (sla.rules.ts) in SQL, kept here so the summary counts without loading rows; the two must agree
 * (exceptions.summary.db.test.ts checks each edge): breached when a breach is recorded or it is due,
 * at risk when a quarter or less of the window is left (in integers, as the rule), else on track.
 */
export async function countLiveBySla(db: Executor, nowMs: number, partnerCode: string | undefined) {
  let q = db
    .selectFrom('exceptions')
    .select((eb) => [
      'queue_role',
      'type',
      'state',
      eb
        .case()
        .when(breachedAt(eb, nowMs))
        .then('breached')
        .when(sql<number>`(sla_due_at - ${nowMs}) * 4`, '<=', sql<number>`sla_due_at - raised_at`)
        .then('at_risk')
        .else('on_track')
        .end()
        .as('sla'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('closed_at', 'is', null);
  if (partnerCode !== undefined) q = q.where('partner_code', '=', partnerCode);
  const rows = await q.groupBy(['queue_role', 'type', 'state', 'sla']).execute();
  return rows.map((r) => ({ queue: r.queue_role, type: r.type, state: r.state, sla: r.sla as 'breached' | 'at_risk' | 'on_track', count: Number(r.n) }));
}
