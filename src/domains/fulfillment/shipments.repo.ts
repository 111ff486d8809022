import type { Executor, Tx } from '../../platform/db/store.ts';
import type { OrderPromiseBreachRow, ShipmentRow } from './shipments.tables.ts';

/** SQL only, for shipments and promise-date breaches. */

/** Inserts the shipment unless its (location, shipment number) exists; true when it was inserted. */
export async function insertShipmentIfNew(tx: Tx, row: ShipmentRow): Promise<boolean> {
  const inserted = await tx
    .insertInto('shipments')
    .values(row)
    .onConflict((oc) => oc.columns(['location_code', 'shipment_number']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export const findShipment = (db: Executor, id: string) => db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirst();

export const findShipmentByNumber = (db: Executor, locationCode: string, shipmentNumber: string) =>
  db.selectFrom('shipments').selectAll().where('location_code', '=', locationCode).where('shipment_number', '=', shipmentNumber).executeTakeFirst();

export const listShipmentsForOrder = (db: Executor, orderId: string) =>
  db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();

export async function updateShipmentDocument(tx: Tx, id: string, document: string): Promise<void> {
  await tx.updateTable('shipments').set({ document }).where('id', '=', id).execute();
}

/** Records a breach unless the order has one; true when this call recorded it. */
export async function insertBreachIfAbsent(tx: Tx, row: OrderPromiseBreachRow): Promise<boolean> {
  const inserted = await tx.insertInto('order_promise_breaches').values(row).onConflict((oc) => oc.column('order_id').doNothing()).returning('order_id').executeTakeFirst();
  return inserted !== undefined;
}
