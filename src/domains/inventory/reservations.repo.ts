import { insertRows, insertShape } from '../../platform/db/insert-rows.ts';
import type { Selectable } from 'kysely';
import type { Executor, Tx } from '../../platform/db/store.ts';
import type { ReservationRow } from './inventory.tables.ts';

/** SQL only: reservation rows. Every state change is guarded by `state = 'pending'` (I4). */

export type ReservationRecord = Selectable<ReservationRow>;
export type ResolvedState = 'committed' | 'released' | 'expired';

/**
 * Inserts unless the id exists, and says which happened. ON CONFLICT DO NOTHING rather than catching
 * the violation, because on PostgreSQL a failed statement aborts the whole transaction. A concurrent
 * insert of the same id waits here for the other transaction and then does nothing, so two callers
 * repeating one client-chosen id can never both post a movement.
 */
/** Inserts fresh reservations, many rows per statement (their ids are new, so none can exist). */
export async function insertReservations(tx: Tx, rows: readonly ReservationRecord[]): Promise<void> {
  await insertRows(tx, RESERVATIONS, rows);
}

const RESERVATIONS = insertShape('reservations', ['id', 'order_id', 'line_number', 'sku', 'location_code', 'quantity', 'state', 'created_at', 'expires_at', 'resolved_at']);

export const insertReservationIfNew = async (tx: Tx, row: ReservationRecord): Promise<boolean> => {
  const inserted = await tx
    .insertInto('reservations')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
};

export const findReservation = (db: Executor, id: string): Promise<ReservationRecord | undefined> =>
  db.selectFrom('reservations').selectAll().where('id', '=', id).executeTakeFirst();

/** A SKU's reservations in one state, newest first, after the keyset (created_at, id) when given. */
export function listReservationsBySku(
  db: Executor,
  query: { sku: string; state: string; locationCode?: string | undefined; after?: { createdAt: number; id: string } | undefined; limit: number },
): Promise<ReservationRecord[]> {
  let select = db.selectFrom('reservations').selectAll().where('sku', '=', query.sku).where('state', '=', query.state);
  if (query.locationCode !== undefined) select = select.where('location_code', '=', query.locationCode);
  const after = query.after;
  if (after) select = select.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

export const listReservationsByOrder = (db: Executor, orderId: string): Promise<ReservationRecord[]> =>
  db.selectFrom('reservations').selectAll().where('order_id', '=', orderId).orderBy('line_number').orderBy('created_at').orderBy('id').execute();

/**
 * Moves a pending reservation to its final state and returns the updated row, or nothing when it
 * was not pending (already resolved, or unknown). This single guarded update is what makes a
 * reservation resolve at most once: of two concurrent resolvers the second waits for the first's row
 * lock and then matches no row. An expiry also requires the expiry time to have passed, so even a
 * direct call (or a clock that stepped back) cannot expire a reservation early.
 */
export const resolveIfPending = (tx: Tx, id: string, state: ResolvedState, now: number): Promise<ReservationRecord | undefined> => {
  let update = tx.updateTable('reservations').set({ state, resolved_at: now }).where('id', '=', id).where('state', '=', 'pending');
  if (state === 'expired') update = update.where('expires_at', 'is not', null).where('expires_at', '<=', now);
  return update.returningAll().executeTakeFirst();
};
