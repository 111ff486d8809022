import type { StoreMigration } from '../platform/db/migrator.ts';

export const fulfillmentMigration: StoreMigration = {
  name: '0008-fulfillment',
  async up(db) {
    await db.schema
      .createTable('fulfillment_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('ship_by_at', 'bigint', (c) => c.notNull())
      .addColumn('line_count', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('released_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('fulfillment_requests_order').on('fulfillment_requests').columns(['order_id']).execute();
    // Capacity is counted per location and cutoff.
    await db.schema.createIndex('fulfillment_requests_due').on('fulfillment_requests').columns(['location_code', 'ship_by_at']).execute();
  },
};
