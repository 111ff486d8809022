import { sql } from 'kysely';
import type { Executor } from '../../platform/db/store.ts';

/** SQL only: order lines still waiting for stock, for backorder allocation in priority order. */

/** Header states in which an order may still take stock for lines that wait (see order-allocation). */
export const backorderWaitingStates = ['backordered', 'partially_allocated', 'released', 'partially_shipped'] as const;

/**
 * Units still to allocate: ordered > cancelled + allocated. Written exactly as the partial index
 * `order_lines_waiting` (migration 0013) states it, so both stores read only waiting lines instead of
 * every line the SKU ever had. Kysely does not bracket nested arithmetic, so the subtraction form
 * (`ordered - (cancelled + allocated) > 0`) would silently lose its parentheses.
 */
const hasOpenQuantity = sql<boolean>`order_lines.ordered_quantity > order_lines.cancelled_quantity + order_lines.allocated_quantity`;

export interface WaitingLineRow {
  order_id: string;
  line_number: number;
  sku: string;
  /** The whole order, as stored. */
  document: string;
}

/**
 * Lines of orders in a waiting state with units not yet allocated, optionally only of some SKUs,
 * oldest order first. The order's document comes with each line so callers need no second read.
 */
export function waitingLines(db: Executor, filter: { skus?: readonly string[] | undefined; limit: number }): Promise<WaitingLineRow[]> {
  let q = db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select(['order_lines.order_id', 'order_lines.line_number', 'order_lines.sku', 'orders.document'])
    .where('orders.state', 'in', [...backorderWaitingStates])
    .where(hasOpenQuantity);
  if (filter.skus !== undefined) {
    if (filter.skus.length === 0) return Promise.resolve([]);
    q = q.where('order_lines.sku', 'in', [...filter.skus]);
  }
  return q.orderBy('orders.received_at').orderBy('order_lines.order_id').orderBy('order_lines.line_number').limit(filter.limit).execute();
}

/** Which of these SKUs have order lines waiting in a waiting state: a cheap first look before ranking. */
export async function waitingSkus(db: Executor, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select('order_lines.sku')
    .distinct()
    .where('order_lines.sku', 'in', [...skus])
    .where('orders.state', 'in', [...backorderWaitingStates])
    .where(hasOpenQuantity)
    .execute();
  return rows.map((r) => r.sku);
}
