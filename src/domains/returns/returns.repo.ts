import type { Executor, Tx } from '../../platform/db/store.ts';
import type { ReturnAuthorizationRow } from './returns.tables.ts';

/** SQL only, for RMAs. */

export async function insertReturn(tx: Tx, row: ReturnAuthorizationRow): Promise<void> {
  await tx.insertInto('return_authorizations').values(row).execute();
}

export const findReturn = (db: Executor, id: string) => db.selectFrom('return_authorizations').selectAll().where('id', '=', id).executeTakeFirst();

export const listForOrder = (db: Executor, orderId: string) =>
  db.selectFrom('return_authorizations').selectAll().where('order_id', '=', orderId).orderBy('id').execute();

/** Newest first (ids are time-sortable), `limit + 1` rows so the caller knows whether more follow. */
export function list(db: Executor, filter: { orderId?: string | undefined; state?: string | undefined; partnerCode?: string | null | undefined; beforeId?: string | undefined; limit: number }) {
  let q = db.selectFrom('return_authorizations').selectAll();
  if (filter.orderId !== undefined) q = q.where('order_id', '=', filter.orderId);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.partnerCode !== undefined && filter.partnerCode !== null) q = q.where('partner_code', '=', filter.partnerCode);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  return q.orderBy('id', 'desc').limit(filter.limit + 1).execute();
}

/** Writes a changed RMA; `expectedVersion` guards against a lost update. */
export async function saveReturn(tx: Tx, row: Pick<ReturnAuthorizationRow, 'id' | 'state' | 'document' | 'updated_at' | 'version'>, expectedVersion: number): Promise<boolean> {
  const updated = await tx
    .updateTable('return_authorizations')
    .set({ state: row.state, document: row.document, updated_at: row.updated_at, version: row.version })
    .where('id', '=', row.id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
