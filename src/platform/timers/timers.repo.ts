import type { Insertable } from 'kysely';
import type { Executor, Tx } from '../db/store.ts';
import type { TimerRow } from '../db/platform.tables.ts';

/** SQL only: durable timers. Every status change is guarded by `status = 'pending'`. */

/**
 * Inserts unless the key exists. ON CONFLICT DO NOTHING rather than catching the violation, because
 * a timer is often scheduled inside a caller's transaction, and on PostgreSQL a failed statement
 * would abort that whole transaction.
 */
export const insertTimerIfNew = async (db: Executor, row: Insertable<TimerRow>): Promise<boolean> => {
  const inserted = await db
    .insertInto('timers')
    .values(row)
    .onConflict((oc) => oc.column('timer_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
};

export const findTimerByKey = (db: Executor, key: string) => db.selectFrom('timers').selectAll().where('timer_key', '=', key).executeTakeFirst();

export const cancelTimer = async (db: Executor, key: string, now: number): Promise<boolean> => {
  const result = await db
    .updateTable('timers')
    .set({ status: 'cancelled', cancelled_at: now })
    .where('timer_key', '=', key)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const listDueIds = async (db: Executor, now: number, limit: number): Promise<string[]> => {
  const rows = await db
    .selectFrom('timers')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
};

/**
 * Marks a due timer fired in the caller's transaction and returns it, or nothing when it is not due
 * or already taken. The `status = 'pending'` guard is what makes firing exactly-once: of two
 * concurrent firers the second waits for the first's row lock and then matches no row, unless the
 * first rolled back. `due_at <= now` is checked here too, so a timer is never fired early even when
 * the clock stepped back since it was listed.
 */
export const claimTimer = (tx: Tx, id: string, now: number) =>
  tx
    .updateTable('timers')
    .set((eb) => ({ status: 'fired', fired_at: now, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('due_at', '<=', now)
    .where('next_attempt_at', '<=', now)
    .returningAll()
    .executeTakeFirst();

/** Records a failed firing after its transaction rolled back; the timer stays pending. */
export const recordFailure = (db: Executor, id: string, change: { attempts: number; next_attempt_at: number; last_error: string }) =>
  db
    .updateTable('timers')
    .set(change)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts', '=', change.attempts - 1)
    .execute();

export const listTimers = (
  db: Executor,
  filter: { status?: string | undefined; kind?: string | undefined; after?: readonly [number, string] | undefined; limit: number },
) => {
  let query = db.selectFrom('timers').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.after) {
    const [dueAt, id] = filter.after;
    query = query.where((eb) => eb.or([eb('due_at', '>', dueAt), eb.and([eb('due_at', '=', dueAt), eb('id', '>', id)])]));
  }
  return query.orderBy('due_at').orderBy('id').limit(filter.limit).execute();
};
