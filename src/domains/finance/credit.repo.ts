import type { Executor, Tx } from '../../platform/db/store.ts';
import type { CreditUpdateRow } from './credit.tables.ts';

/** SQL only, for the credit updates the ERP or finance sent. */

export const findUpdate = (db: Executor, customerCode: string, reference: string) =>
  db.selectFrom('credit_updates').selectAll().where('customer_code', '=', customerCode).where('reference', '=', reference).executeTakeFirst();

/** Inserts the update unless its reference is known; true when it was inserted (the unique key decides). */
export async function insertUpdateIfNew(tx: Tx, row: CreditUpdateRow): Promise<boolean> {
  const inserted = await tx
    .insertInto('credit_updates')
    .values(row)
    .onConflict((oc) => oc.columns(['customer_code', 'reference']).doNothing())
    .returning('reference')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The newest `as_of` among updates being applied or applied; null when there is none. */
export async function latestAsOf(db: Executor, customerCode: string): Promise<number | null> {
  const row = await db
    .selectFrom('credit_updates')
    .select((eb) => eb.fn.max<number | null>('as_of').as('latest'))
    .where('customer_code', '=', customerCode)
    .where('status', 'in', ['claimed', 'applied'])
    .executeTakeFirst();
  return row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
}

/** Moves a claimed update to its outcome; false when it was not claimed (someone finished it). */
export async function finishUpdate(tx: Tx, customerCode: string, reference: string, status: 'applied' | 'superseded', document: string): Promise<boolean> {
  const result = await tx
    .updateTable('credit_updates')
    .set({ status, document })
    .where('customer_code', '=', customerCode)
    .where('reference', '=', reference)
    .where('status', '=', 'claimed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
