import type { Executor, Tx } from '../../platform/db/store.ts';
import type { ReceivableAdjustmentRow } from './receivables.tables.ts';

/** SQL only, for the receivables adjustments Crossdock's own invoices and credit memos make. */

/** Inserts the adjustment unless its document was recorded before; true when this call inserted it. */
export async function insertIfNew(tx: Tx, row: ReceivableAdjustmentRow): Promise<boolean> {
  const inserted = await tx
    .insertInto('receivable_adjustments')
    .values(row)
    .onConflict((oc) => oc.column('document_id').doNothing())
    .returning('document_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export const findByDocument = (db: Executor, documentId: string) =>
  db.selectFrom('receivable_adjustments').selectAll().where('document_id', '=', documentId).executeTakeFirst();

/** The sum of a customer's adjustments issued after the given time (exclusive). */
export async function sumAfter(db: Executor, customerCode: string, afterMs: number): Promise<number> {
  const row = await db
    .selectFrom('receivable_adjustments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total'))
    .where('customer_code', '=', customerCode)
    .where('occurred_at', '>', afterMs)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
