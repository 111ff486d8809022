import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * Shipments confirmed by warehouses (DESIGN §5 step 5), deduplicated per location on the warehouse's
 * own shipment number, and the promise-date breaches already announced, so each order raises one.
 */
export const shipmentsMigration: StoreMigration = {
  name: '0009-shipments',
  async up(db) {
    await db.schema
      .createTable('shipments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('fulfillment_request_id', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('shipment_number', 'text', (c) => c.notNull())
      .addColumn('shipped_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // A warehouse's shipment number takes effect once per location (I5), whoever sends it again.
      .addUniqueConstraint('shipments_dedupe', ['location_code', 'shipment_number'])
      .execute();
    await db.schema.createIndex('shipments_order').on('shipments').columns(['order_id', 'id']).execute();
    await db.schema.createIndex('shipments_request').on('shipments').columns(['fulfillment_request_id']).execute();

    // The primary key is what makes the breach event go out once, however many causes report it.
    await db.schema
      .createTable('order_promise_breaches')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('promise_date', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
