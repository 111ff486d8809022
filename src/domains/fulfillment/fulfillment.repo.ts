import type { Executor, Tx } from '../../platform/db/store.ts';
import type { FulfillmentRequestRow } from './fulfillment.tables.ts';

/** SQL only, for fulfillment requests. */

export async function insertRequests(tx: Tx, rows: readonly FulfillmentRequestRow[]): Promise<void> {
  if (rows.length > 0) await tx.insertInto('fulfillment_requests').values([...rows]).execute();
}

export const listForOrder = (db: Executor, orderId: string) =>
  db.selectFrom('fulfillment_requests').selectAll().where('order_id', '=', orderId).orderBy('released_at').orderBy('id').execute();

export function list(db: Executor, filter: { locationCode?: string | undefined; state?: string | undefined; limit: number }) {
  let q = db.selectFrom('fulfillment_requests').selectAll();
  if (filter.locationCode !== undefined) q = q.where('location_code', '=', filter.locationCode);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  return q.orderBy('ship_by_at').orderBy('id').limit(filter.limit).execute();
}

/** Lines already due per location and cutoff from `fromMs` on, for the capacity check. */
export async function linesBooked(db: Executor, locationCodes: readonly string[], fromMs: number): Promise<Map<string, number>> {
  if (locationCodes.length === 0) return new Map();
  const rows = await db
    .selectFrom('fulfillment_requests')
    .select(['location_code', 'ship_by_at', (eb) => eb.fn.sum<number>('line_count').as('lines')])
    .where('location_code', 'in', [...locationCodes])
    .where('ship_by_at', '>=', fromMs)
    .where('state', '!=', 'cancelled')
    .groupBy(['location_code', 'ship_by_at'])
    .execute();
  return new Map(rows.map((r) => [`${r.location_code}@${Number(r.ship_by_at)}`, Number(r.lines)]));
}

export const findRequest = (db: Executor, id: string) => db.selectFrom('fulfillment_requests').selectAll().where('id', '=', id).executeTakeFirst();

/** Moves a request that is still open to a final state; false when it was already shipped or cancelled. */
export async function closeRequest(tx: Tx, id: string, state: 'shipped' | 'cancelled', document: string): Promise<boolean> {
  const updated = await tx
    .updateTable('fulfillment_requests')
    .set({ state, document })
    .where('id', '=', id)
    .where('state', 'not in', ['shipped', 'cancelled'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Rewrites a request that is still open (fewer lines after a cancellation); false when it was closed meanwhile. */
export async function rewriteOpenRequest(tx: Tx, id: string, document: string, lineCount: number): Promise<boolean> {
  const updated = await tx
    .updateTable('fulfillment_requests')
    .set({ document, line_count: lineCount })
    .where('id', '=', id)
    .where('state', 'not in', ['shipped', 'cancelled'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
