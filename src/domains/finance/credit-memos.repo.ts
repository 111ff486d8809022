import type { Executor, Tx } from '../../platform/db/store.ts';
import type { CreditMemoRow } from './credit-memos.tables.ts';

/** SQL only, for credit memos. */

/** Inserts unless the return already has its memo; true when this call inserted it. */
export async function insertIfNew(tx: Tx, row: CreditMemoRow): Promise<boolean> {
  const inserted = await tx
    .insertInto('credit_memos')
    .values(row)
    .onConflict((oc) => oc.column('return_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export const findById = (db: Executor, id: string) => db.selectFrom('credit_memos').selectAll().where('id', '=', id).executeTakeFirst();

export const findByReturn = (db: Executor, returnId: string) => db.selectFrom('credit_memos').selectAll().where('return_id', '=', returnId).executeTakeFirst();

export const listForOrder = (db: Executor, orderId: string) => db.selectFrom('credit_memos').selectAll().where('order_id', '=', orderId).orderBy('issued_at').orderBy('id').execute();
