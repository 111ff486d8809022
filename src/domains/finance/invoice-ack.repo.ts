import type { Executor, Tx } from '../../platform/db/store.ts';
import type { InvoiceErpAckRow, InvoiceRow } from './invoices.tables.ts';

/** SQL only, for the ERP's acknowledgements of invoices. */

/** Records an acknowledgement unless its id was seen; answers whether it is new. */
export async function insertAckIfNew(tx: Tx, row: InvoiceErpAckRow): Promise<boolean> {
  const inserted = await tx.insertInto('invoice_erp_acks').values(row).onConflict((oc) => oc.column('ack_id').doNothing()).returning('ack_id').executeTakeFirst();
  return inserted !== undefined;
}

export const findAck = (db: Executor, ackId: string) => db.selectFrom('invoice_erp_acks').selectAll().where('ack_id', '=', ackId).executeTakeFirst();

export async function setAckOutcome(tx: Tx, ackId: string, outcome: string): Promise<void> {
  await tx.updateTable('invoice_erp_acks').set({ outcome }).where('ack_id', '=', ackId).execute();
}

/**
 * Reads an invoice for a change. The write to itself takes the row lock on PostgreSQL (SQLite runs
 * one writer at a time anyway), so two acknowledgements of one invoice apply one after the other.
 */
export async function lockInvoice(tx: Tx, id: string): Promise<InvoiceRow | undefined> {
  await tx.updateTable('invoices').set((eb) => ({ state: eb.ref('state') })).where('id', '=', id).execute();
  return tx.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function saveInvoice(tx: Tx, id: string, state: string, document: string): Promise<void> {
  await tx.updateTable('invoices').set({ state, document }).where('id', '=', id).execute();
}
