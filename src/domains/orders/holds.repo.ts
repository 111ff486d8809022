import type { Executor } from '../../platform/db/store.ts';
import type { Order } from './orders.types.ts';

/** SQL only: the orders a credit update may concern. */

/**
 * A customer's orders with an open credit hold, oldest first, with the value intake counted for
 * them. Open holds are counted in a column; their types are in the document, read here.
 */
export async function ordersOnCreditHold(db: Executor, customerCode: string): Promise<Array<{ order: Order; valueMinor: number }>> {
  const rows = await db
    .selectFrom('orders')
    .select(['document', 'value_minor'])
    .where('customer_code', '=', customerCode)
    .where('open_holds', '>', 0)
    .where('state', 'not in', ['closed', 'cancelled'])
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  return rows
    .map((r) => ({ order: JSON.parse(r.document) as Order, valueMinor: Number(r.value_minor) }))
    .filter(({ order }) => order.holds.some((h) => h.type === 'credit' && h.resolvedAt === undefined));
}
