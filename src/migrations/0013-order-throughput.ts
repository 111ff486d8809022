import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * Indexes for questions intake, allocation and release ask of every order.
 *
 * Backorder allocation asks, on every availability change, which order lines still wait for stock.
 * Without this index the question reads every line each SKU ever had; with it, only lines with units
 * left to allocate (a handful, in a healthy network). The predicate must stay textually the same as
 * `hasOpenQuantity` in backorders.repo.ts for the planners to use it.
 */
export const orderThroughputMigration: StoreMigration = {
  name: '0013-order-throughput',
  async up(db) {
    await db.schema
      .createIndex('order_lines_waiting')
      .on('order_lines')
      .columns(['sku', 'order_id'])
      .where(sql<boolean>`ordered_quantity > cancelled_quantity + allocated_quantity`)
      .execute();
    // A customer's credit exposure sums the value of its open orders on every intake; with the value
    // in the index the sum never reads the order documents.
    await db.schema.dropIndex('orders_customer_state').execute();
    await db.schema.createIndex('orders_customer_state').on('orders').columns(['customer_code', 'state', 'value_minor']).execute();
    // Release books lines against each location's daily capacity; the same holds for its line counts.
    await db.schema.dropIndex('fulfillment_requests_due').execute();
    await db.schema.createIndex('fulfillment_requests_due').on('fulfillment_requests').columns(['location_code', 'ship_by_at', 'state', 'line_count']).execute();
  },
};
