import type { Executor, Tx } from '../../platform/db/store.ts';
import type { InvoiceRow, InvoiceShipmentRow } from './invoices.tables.ts';

/** SQL only, for invoices, the shipments they bill and their numbers. */

/** The next invoice number of a year; the counter row stays locked until the caller commits. */
export async function nextInvoiceNumber(tx: Tx, year: number): Promise<number> {
  await tx.insertInto('invoice_number_counters').values({ year, last_number: 0 }).onConflict((oc) => oc.column('year').doNothing()).execute();
  const row = await tx
    .updateTable('invoice_number_counters')
    .set((eb) => ({ last_number: eb('last_number', '+', 1) }))
    .where('year', '=', year)
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}

export async function insertInvoice(tx: Tx, row: InvoiceRow): Promise<void> {
  await tx.insertInto('invoices').values(row).execute();
}

/** Records a shipment as seen unless it already is; returns the stored row either way. */
export async function noteShipment(tx: Tx, row: InvoiceShipmentRow): Promise<InvoiceShipmentRow> {
  await tx.insertInto('invoice_shipments').values(row).onConflict((oc) => oc.column('shipment_id').doNothing()).execute();
  return tx.selectFrom('invoice_shipments').selectAll().where('shipment_id', '=', row.shipment_id).executeTakeFirstOrThrow();
}

/** Shipments of an order seen but not yet billed, oldest first. */
export const unbilledShipmentIds = async (tx: Tx, orderId: string): Promise<string[]> =>
  (
    await tx
      .selectFrom('invoice_shipments')
      .select('shipment_id')
      .where('order_id', '=', orderId)
      .where('invoice_id', 'is', null)
      .orderBy('noted_at')
      .orderBy('shipment_id')
      .execute()
  ).map((r) => r.shipment_id);

/** Marks shipments as billed by an invoice; only those not billed yet, so a shipment is billed once. */
export async function markShipmentsBilled(tx: Tx, shipmentIds: readonly string[], invoiceId: string): Promise<number> {
  if (shipmentIds.length === 0) return 0;
  const result = await tx
    .updateTable('invoice_shipments')
    .set({ invoice_id: invoiceId })
    .where('shipment_id', 'in', [...shipmentIds])
    .where('invoice_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export const findInvoice = (db: Executor, id: string) => db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();

export interface InvoiceFilter {
  orderId?: string | undefined;
  customerCode?: string | undefined;
  partnerCode?: string | undefined;
  /** The id of the last row of the previous page; older rows follow. */
  beforeId?: string | undefined;
  limit: number;
}

/** Newest first (ids are time-sortable), `limit + 1` rows so the caller sees whether more follow. */
export function listInvoices(db: Executor, f: InvoiceFilter) {
  let q = db.selectFrom('invoices').selectAll();
  if (f.orderId !== undefined) q = q.where('order_id', '=', f.orderId);
  if (f.customerCode !== undefined) q = q.where('customer_code', '=', f.customerCode);
  if (f.partnerCode !== undefined) q = q.where('partner_code', '=', f.partnerCode);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}
