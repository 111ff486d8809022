import { sql } from 'kysely';
import { chunks } from '../../platform/db/chunks.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import type { PurchaseOrderRow, ReplenishmentParametersRow, TransferRow } from './procurement.tables.ts';

/** SQL only, for replenishment parameters, purchase orders and transfers. */

// ---------------------------------------------------------------- parameters

export const findParameters = (db: Executor, sku: string, locationCode: string) =>
  db.selectFrom('replenishment_parameters').selectAll().where('sku', '=', sku).where('location_code', '=', locationCode).executeTakeFirst();

/** Inserts or replaces a row; the version grows by one on every replacement. */
export async function upsertParameters(db: Executor, row: Omit<ReplenishmentParametersRow, 'version'>): Promise<ReplenishmentParametersRow> {
  const { sku: _sku, location_code: _location, ...changes } = row;
  return db
    .insertInto('replenishment_parameters')
    .values({ ...row, version: 1 })
    .onConflict((oc) => oc.columns(['sku', 'location_code']).doUpdateSet((eb) => ({ ...changes, version: eb('replenishment_parameters.version', '+', 1) })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listParameters(db: Executor, filter: { sku?: string | undefined; locationCode?: string | undefined; after?: readonly [string, string] | undefined; limit: number }) {
  let q = db.selectFrom('replenishment_parameters').selectAll();
  if (filter.sku !== undefined) q = q.where('sku', '=', filter.sku);
  if (filter.locationCode !== undefined) q = q.where('location_code', '=', filter.locationCode);
  if (filter.after !== undefined) {
    const [sku, location] = filter.after;
    q = q.where((eb) => eb.or([eb('sku', '>', sku), eb.and([eb('sku', '=', sku), eb('location_code', '>', location)])]));
  }
  return q.orderBy('sku').orderBy('location_code').limit(filter.limit).execute();
}

export const allParameters = (db: Executor) => db.selectFrom('replenishment_parameters').selectAll().execute();

// ---------------------------------------------------------------- purchase orders

/** Inserts unless the PO number exists; true when it was inserted. */
export async function insertPurchaseOrderIfNew(tx: Tx, row: PurchaseOrderRow): Promise<boolean> {
  const inserted = await tx
    .insertInto('purchase_orders')
    .values(row)
    .onConflict((oc) => oc.column('po_number').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function insertPurchaseOrders(tx: Tx, rows: readonly PurchaseOrderRow[]): Promise<void> {
  for (const chunk of chunks(rows)) await tx.insertInto('purchase_orders').values(chunk).execute();
}

export const findPurchaseOrder = (db: Executor, id: string) => db.selectFrom('purchase_orders').selectAll().where('id', '=', id).executeTakeFirst();

export const findPurchaseOrderByNumber = (db: Executor, poNumber: string) => db.selectFrom('purchase_orders').selectAll().where('po_number', '=', poNumber).executeTakeFirst();

/** Reads a purchase order and, on PostgreSQL, locks it until commit. */
export async function lockPurchaseOrder(tx: Tx, kind: StoreKind, id: string): Promise<PurchaseOrderRow | undefined> {
  const rows = await sql<PurchaseOrderRow>`select * from purchase_orders where id = ${id} ${kind === 'postgres' ? sql`for update` : sql``}`.execute(tx);
  return rows.rows[0];
}

/** Writes a changed purchase order; false when its version moved since it was read. */
export async function savePurchaseOrder(tx: Tx, row: Pick<PurchaseOrderRow, 'id' | 'state' | 'expected_date' | 'document' | 'version' | 'updated_at'>, expectedVersion: number): Promise<boolean> {
  const { id, ...changes } = row;
  const updated = await tx.updateTable('purchase_orders').set(changes).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export const purchaseOrdersInStates = (db: Executor, states: readonly string[]) =>
  db.selectFrom('purchase_orders').selectAll().where('state', 'in', [...states]).orderBy('id').execute();

export function listPurchaseOrders(db: Executor, f: { state?: string | undefined; supplierCode?: string | undefined; locationCode?: string | undefined; beforeId?: string | undefined; limit: number }) {
  let q = db.selectFrom('purchase_orders').selectAll();
  if (f.state !== undefined) q = q.where('state', '=', f.state);
  if (f.supplierCode !== undefined) q = q.where('supplier_code', '=', f.supplierCode);
  if (f.locationCode !== undefined) q = q.where('location_code', '=', f.locationCode);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  // Newest first: ids are time-sortable.
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

// ---------------------------------------------------------------- transfers

export async function insertTransfers(tx: Tx, rows: readonly TransferRow[]): Promise<void> {
  for (const chunk of chunks(rows)) await tx.insertInto('transfers').values(chunk).execute();
}

export const findTransfer = (db: Executor, id: string) => db.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst();

export async function lockTransfer(tx: Tx, kind: StoreKind, id: string): Promise<TransferRow | undefined> {
  const rows = await sql<TransferRow>`select * from transfers where id = ${id} ${kind === 'postgres' ? sql`for update` : sql``}`.execute(tx);
  return rows.rows[0];
}

export async function saveTransfer(tx: Tx, row: Pick<TransferRow, 'id' | 'state' | 'expected_arrival_at' | 'document' | 'version' | 'updated_at'>, expectedVersion: number): Promise<boolean> {
  const { id, ...changes } = row;
  const updated = await tx.updateTable('transfers').set(changes).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export const transfersInStates = (db: Executor, states: readonly string[]) => db.selectFrom('transfers').selectAll().where('state', 'in', [...states]).orderBy('id').execute();

export function listTransfers(
  db: Executor,
  f: { state?: string | undefined; fromLocationCode?: string | undefined; toLocationCode?: string | undefined; orderId?: string | undefined; beforeId?: string | undefined; limit: number },
) {
  let q = db.selectFrom('transfers').selectAll();
  if (f.state !== undefined) q = q.where('state', '=', f.state);
  if (f.orderId !== undefined) q = q.where('order_id', '=', f.orderId);
  if (f.fromLocationCode !== undefined) q = q.where('from_location_code', '=', f.fromLocationCode);
  if (f.toLocationCode !== undefined) q = q.where('to_location_code', '=', f.toLocationCode);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

// ---------------------------------------------------------------- runs

/** Key of the PostgreSQL advisory lock that lets one replenishment run at a time decide. */
const RUN_LOCK_KEY = 0x6364_0201;

/** Makes replenishment runs one at a time (PostgreSQL; SQLite has one writer already), until commit. */
export async function lockRun(tx: Tx, kind: StoreKind): Promise<void> {
  if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(RUN_LOCK_KEY)})`.execute(tx);
}
