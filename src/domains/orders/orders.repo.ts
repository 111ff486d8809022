import { chunks } from '../../platform/db/chunks.ts';
import { insertRows, insertShape } from '../../platform/db/insert-rows.ts';
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import { creditOpenValueMinor } from './line.rules.ts';
import type { OrderLineRow, OrderRow } from './orders.tables.ts';

/** SQL only, for orders and their lines. */

/** Inserts the order unless its dedupe key exists; true when it was inserted. */
export async function insertOrderIfNew(tx: Tx, row: OrderRow, lines: readonly OrderLineRow[]): Promise<boolean> {
  const inserted = await tx
    .insertInto('orders')
    .values(row)
    .onConflict((oc) => oc.columns(['dedupe_scope', 'external_order_number']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await insertRows(tx, LINES, lines);
  await addOpenOrdersValue(tx, row.customer_code, creditOpenValueMinor(row.state, row.value_minor));
  return true;
}

const LINES = insertShape('order_lines', ['order_id', 'line_number', 'sku', 'state', 'ordered_quantity', 'allocated_quantity', 'shipped_quantity', 'invoiced_quantity', 'cancelled_quantity']);

export const findOrder = (db: Executor, id: string) => db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();

export const findOrderByDedupeKey = (db: Executor, scope: string, externalOrderNumber: string) =>
  db.selectFrom('orders').selectAll().where('dedupe_scope', '=', scope).where('external_order_number', '=', externalOrderNumber).executeTakeFirst();

/**
 * A customer's open orders' value for credit (see `creditOpenValueMinor`), as kept with every order
 * written (`addOpenOrdersValue`); 0 for a customer with none.
 */
export async function openOrdersValue(db: Executor, customerCode: string): Promise<number> {
  const row = await db.selectFrom('customer_open_orders').select('value_minor').where('customer_code', '=', customerCode).executeTakeFirst();
  return Number(row?.value_minor ?? 0);
}

/**
 * The same, locked until the transaction ends (PostgreSQL): an intake checks credit and adds its order
 * under the lock, so two intakes of one customer cannot both pass a limit only one of them fits.
 * SQLite has one writer at a time already.
 */
export async function lockOpenOrdersValue(tx: Tx, kind: StoreKind, customerCode: string): Promise<number> {
  if (kind === 'sqlite') return openOrdersValue(tx, customerCode);
  await tx.insertInto('customer_open_orders').values({ customer_code: customerCode, value_minor: 0 }).onConflict((oc) => oc.column('customer_code').doNothing()).execute();
  const row = await tx.selectFrom('customer_open_orders').select('value_minor').where('customer_code', '=', customerCode).forUpdate().executeTakeFirstOrThrow();
  return Number(row.value_minor);
}

/** Moves a customer's open orders' value by what an order written changed in it. */
export async function addOpenOrdersValue(tx: Tx, customerCode: string, deltaMinor: number): Promise<void> {
  if (deltaMinor === 0) return;
  await tx
    .insertInto('customer_open_orders')
    .values({ customer_code: customerCode, value_minor: deltaMinor })
    .onConflict((oc) => oc.column('customer_code').doUpdateSet((eb) => ({ value_minor: eb('customer_open_orders.value_minor', '+', eb.ref('excluded.value_minor')) })))
    .execute();
}

export type OrderSort = 'newest' | 'oldest' | 'promiseDate';

/** Orders with neither a promise nor a requested delivery date sort after every dated one. */
export const NO_PROMISE_DATE = '9999-12-31';

export interface OrderListFilter {
  customerCode?: string | undefined;
  state?: string | undefined;
  externalOrderNumber?: string | undefined;
  customerPo?: string | undefined;
  partnerCode?: string | undefined;
  sku?: string | undefined;
  /** Any one reference, exactly: order id, external order number, customer PO, customer code, partner code or a line's SKU. */
  q?: string | undefined;
  sort?: OrderSort | undefined;
  /** The keyset position of the last row of the previous page: its promise date key (promiseDate sort only) and id. */
  after?: { key?: string | undefined; id: string } | undefined;
  afterId?: string | undefined;
  limit: number;
}

/**
 * The date promised to the customer as a sortable text: the promise date, else the requested delivery
 * date (as promiseDateOf in promise.rules.ts reads it), else NO_PROMISE_DATE. Both are only in the
 * document; the JSON is read with each store's own function, told apart by Kysely's adapter.
 */
export function promiseDateKey(db: Executor): RawBuilder<string> {
  const field = (name: string) =>
    db.getExecutor().adapter instanceof PostgresAdapter ? sql`(cast(document as jsonb) ->> ${name})` : sql`json_extract(document, ${`$.${name}`})`;
  return sql<string>`coalesce(${field('promiseDate')}, ${field('requestedDeliveryDate')}, ${NO_PROMISE_DATE})`;
}

export function listOrders(db: Executor, f: OrderListFilter) {
  const sort = f.sort ?? 'newest';
  const dateKey = promiseDateKey(db);
  let q = db.selectFrom('orders').selectAll().select(dateKey.as('promise_date_key'));
  if (f.customerCode !== undefined) q = q.where('customer_code', '=', f.customerCode);
  if (f.state !== undefined) q = q.where('state', '=', f.state);
  if (f.externalOrderNumber !== undefined) q = q.where('external_order_number', '=', f.externalOrderNumber);
  if (f.customerPo !== undefined) q = q.where('customer_po', '=', f.customerPo);
  if (f.partnerCode !== undefined) q = q.where('partner_code', '=', f.partnerCode);
  if (f.sku !== undefined) q = q.where('id', 'in', db.selectFrom('order_lines').select('order_id').where('sku', '=', f.sku));
  if (f.q !== undefined) {
    const ref = f.q;
    q = q.where((eb) =>
      eb.or([
        eb('id', '=', ref),
        eb('external_order_number', '=', ref),
        eb('customer_po', '=', ref),
        eb('customer_code', '=', ref),
        eb('partner_code', '=', ref),
        eb('id', 'in', db.selectFrom('order_lines').select('order_id').where('sku', '=', ref)),
      ]),
    );
  }
  const after = f.after ?? (f.afterId === undefined ? undefined : { id: f.afterId });
  // Ids are time-sortable, so newest and oldest are the id order; the promise date sort breaks ties by id.
  if (sort === 'newest') {
    if (after !== undefined) q = q.where('id', '<', after.id);
    return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  }
  if (sort === 'oldest') {
    if (after !== undefined) q = q.where('id', '>', after.id);
    return q.orderBy('id', 'asc').limit(f.limit + 1).execute();
  }
  if (after !== undefined && after.key !== undefined) {
    const key = after.key;
    q = q.where((eb) => eb.or([eb(dateKey, '>', key), eb.and([eb(dateKey, '=', key), eb('id', '>', after.id)])]));
  }
  return q.orderBy(dateKey, 'asc').orderBy('id', 'asc').limit(f.limit + 1).execute();
}

/** Reads an order and, on PostgreSQL, locks it until commit, so two flows cannot change it at once. */
export async function lockOrder(tx: Tx, kind: StoreKind, id: string): Promise<OrderRow | undefined> {
  const rows = await sql<OrderRow>`select * from orders where id = ${id} ${kind === 'postgres' ? sql`for update` : sql``}`.execute(tx);
  return rows.rows[0];
}

/** Writes a changed order and its lines; `expectedVersion` guards against a lost update. */
export async function saveOrder(
  tx: Tx,
  order: { id: string; state: string; document: string; version: number; openHolds: number; updatedAt: number; valueMinor: number },
  lines: readonly Omit<OrderLineRow, 'order_id' | 'ordered_quantity'>[],
  expectedVersion: number,
): Promise<boolean> {
  const updated = await tx
    .updateTable('orders')
    .set({ state: order.state, document: order.document, version: order.version, open_holds: order.openHolds, updated_at: order.updatedAt, value_minor: order.valueMinor })
    .where('id', '=', order.id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  // One statement per chunk of lines rather than one per line: allocation and release touch every line.
  for (const chunk of chunks(lines, 500)) {
    const pick = (value: (line: (typeof chunk)[number]) => string | number, type: 'text' | 'integer') =>
      sql<never>`case line_number ${sql.join(
        chunk.map((l) => sql`when ${l.line_number} then cast(${value(l)} as ${sql.raw(type)})`),
        sql` `,
      )} end`;
    await tx
      .updateTable('order_lines')
      .set({
        // A substitute changes the SKU a line ships.
        sku: pick((l) => l.sku, 'text'),
        state: pick((l) => l.state, 'text'),
        allocated_quantity: pick((l) => l.allocated_quantity, 'integer'),
        shipped_quantity: pick((l) => l.shipped_quantity, 'integer'),
        invoiced_quantity: pick((l) => l.invoiced_quantity, 'integer'),
        cancelled_quantity: pick((l) => l.cancelled_quantity, 'integer'),
      })
      .where('order_id', '=', order.id)
      .where(
        'line_number',
        'in',
        chunk.map((l) => l.line_number),
      )
      .execute();
  }
  return true;
}
