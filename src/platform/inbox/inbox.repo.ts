import { sql, type Insertable } from 'kysely';
import type { Executor, Tx } from '../db/store.ts';
import type { InboxMessageRow } from '../db/platform.tables.ts';
import type { InboxStatus } from './inbox.types.ts';

/** SQL only: the inbox's reads and writes. Every status change is guarded by the status it expects. */

export const insertMessage = (db: Executor, row: Insertable<InboxMessageRow>) => db.insertInto('inbox_messages').values(row).execute();

export const findMessage = (db: Executor, id: string) => db.selectFrom('inbox_messages').selectAll().where('id', '=', id).executeTakeFirst();

export const findMessageByKey = (db: Executor, source: string, dedupeKey: string) =>
  db.selectFrom('inbox_messages').selectAll().where('source', '=', source).where('dedupe_key', '=', dedupeKey).executeTakeFirst();

/**
 * Takes a due message for processing: marks it processed in the caller's transaction and returns
 * it, or nothing when another processor has it or it is not due. On PostgreSQL a second processor
 * blocks on the row until the first commits and then finds the status changed; if the first rolls
 * back, the second gets the message. Either way the handler's effect commits at most once.
 */
export const claimMessage = (tx: Tx, id: string, now: number) =>
  tx
    .updateTable('inbox_messages')
    .set((eb) => ({ status: 'processed', processed_at: now, attempts: eb('attempts', '+', 1), next_attempt_at: null }))
    .where('id', '=', id)
    .where('status', '=', 'received')
    .where('next_attempt_at', '<=', now)
    .returningAll()
    .executeTakeFirst();

export const recordOutcome = (tx: Tx, id: string, outcome: string) =>
  tx.updateTable('inbox_messages').set({ outcome, error_code: null, error_message: null, error_details: null }).where('id', '=', id).execute();

export interface FailureChange {
  status: Extract<InboxStatus, 'received' | 'failed' | 'dead'>;
  attempts: number;
  next_attempt_at: number | null;
  error_code: string;
  error_message: string;
  error_details: string;
}

/**
 * Records a failed attempt after its transaction rolled back. The guard on the attempt count makes
 * it a no-op if another processor moved the message on in the meantime.
 */
export const recordFailure = async (db: Executor, id: string, change: FailureChange): Promise<boolean> => {
  const result = await db
    .updateTable('inbox_messages')
    .set(change)
    .where('id', '=', id)
    .where('status', '=', 'received')
    .where('attempts', '=', change.attempts - 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const listDueIds = async (db: Executor, now: number, limit: number): Promise<string[]> => {
  const rows = await db
    .selectFrom('inbox_messages')
    .select('id')
    .where('status', '=', 'received')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
};

export interface ListFilter {
  status?: string | undefined;
  source?: string | undefined;
  messageType?: string | undefined;
  /** Only messages from these sources. */
  sources?: readonly [string, ...string[]] | undefined;
  /** Rows older than this id (the list runs newest first). */
  beforeId?: string | undefined;
  limit: number;
}

/** A list row carries everything but the payloads, which can be megabytes each. */
export const listMessages = (db: Executor, filter: ListFilter) => {
  let query = db
    .selectFrom('inbox_messages')
    .select([
      'id',
      'source',
      'dedupe_key',
      'message_type',
      'content_type',
      'status',
      'attempts',
      'received_at',
      'next_attempt_at',
      'processed_at',
      'outcome',
      'error_code',
      'error_message',
      'error_details',
      'correlation_id',
      'replay_count',
      'discarded_at',
      'operator_note',
      sql<number>`case when original_payload is null then 0 else 1 end`.as('edited'),
    ]);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.source) query = query.where('source', '=', filter.source);
  if (filter.messageType) query = query.where('message_type', '=', filter.messageType);
  if (filter.sources) query = query.where('source', 'in', filter.sources);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
};
export type InboxListRow = Awaited<ReturnType<typeof listMessages>>[number];

/**
 * Puts a failed or dead message back to `received`, due now, with a fresh attempt budget. With a new
 * payload, the first payload moves to `original_payload` unless an earlier edit already put it
 * there: both stores evaluate the right-hand sides of an UPDATE against the row before the change.
 */
export const reopenForReplay = async (db: Executor, id: string, now: number, payload: string | undefined, note: string | null): Promise<boolean> => {
  const result = await db
    .updateTable('inbox_messages')
    .set((eb) => ({
      status: 'received',
      attempts: 0,
      next_attempt_at: now,
      error_code: null,
      error_message: null,
      error_details: null,
      replay_count: eb('replay_count', '+', 1),
      operator_note: note,
      ...(payload === undefined ? {} : { payload, original_payload: eb.fn.coalesce('original_payload', 'payload') }),
    }))
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'dead'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const discardMessage = async (db: Executor, id: string, now: number, note: string): Promise<boolean> => {
  const result = await db
    .updateTable('inbox_messages')
    .set({ status: 'discarded', discarded_at: now, operator_note: note, next_attempt_at: null })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'dead'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const countByStatus = (db: Executor) =>
  db
    .selectFrom('inbox_messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
