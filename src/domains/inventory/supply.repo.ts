import { chunks } from '../../platform/db/chunks.ts';
import type { Executor, Tx } from '../../platform/db/store.ts';
import type { InboundSupplyRow, SafetyStockRow } from './inventory.tables.ts';

/** SQL for safety stock and inbound supply: the planner's inputs to ATP. */

export const readAllSafetyStock = (db: Executor): Promise<SafetyStockRow[]> => db.selectFrom('inventory_safety_stock').selectAll().execute();

export const readAllInboundSupply = (db: Executor): Promise<InboundSupplyRow[]> => db.selectFrom('inventory_inbound_supply').selectAll().execute();

export const findSafetyStock = (db: Executor, sku: string, locationCode: string): Promise<SafetyStockRow | undefined> =>
  db.selectFrom('inventory_safety_stock').selectAll().where('sku', '=', sku).where('location_code', '=', locationCode).executeTakeFirst();

export async function upsertSafetyStock(db: Executor, row: SafetyStockRow): Promise<void> {
  await db
    .insertInto('inventory_safety_stock')
    .values(row)
    .onConflict((oc) => oc.columns(['sku', 'location_code']).doUpdateSet({ quantity: row.quantity, updated_at: row.updated_at }))
    .execute();
}

/** The lines of one purchase order or transfer. */
export const findInboundSupply = (db: Executor, reference: string): Promise<InboundSupplyRow[]> =>
  db.selectFrom('inventory_inbound_supply').selectAll().where('reference', '=', reference).execute();

/** Replaces every line of a reference: what the sender says now is the whole of it. */
export async function replaceInboundSupply(tx: Tx, reference: string, rows: readonly InboundSupplyRow[]): Promise<void> {
  await tx.deleteFrom('inventory_inbound_supply').where('reference', '=', reference).execute();
  for (const chunk of chunks(rows)) await tx.insertInto('inventory_inbound_supply').values(chunk).execute();
}
