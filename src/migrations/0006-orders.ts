import type { StoreMigration } from '../platform/db/migrator.ts';

export const ordersMigration: StoreMigration = {
  name: '0006-orders',
  async up(db) {
    await db.schema
      .createTable('orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dedupe_scope', 'text', (c) => c.notNull())
      .addColumn('external_order_number', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('partner_code', 'text')
      .addColumn('customer_code', 'text', (c) => c.notNull())
      .addColumn('customer_po', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('value_minor', 'bigint', (c) => c.notNull())
      .addColumn('open_holds', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      // A partner's (or channel's) order number takes effect once (I5).
      .addUniqueConstraint('orders_dedupe', ['dedupe_scope', 'external_order_number'])
      .execute();
    await db.schema.createIndex('orders_customer_state').on('orders').columns(['customer_code', 'state']).execute();
    await db.schema.createIndex('orders_state_received').on('orders').columns(['state', 'received_at']).execute();
    await db.schema.createIndex('orders_customer_po').on('orders').columns(['customer_po']).execute();

    await db.schema
      .createTable('order_lines')
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('line_number', 'integer', (c) => c.notNull())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('ordered_quantity', 'bigint', (c) => c.notNull())
      .addColumn('allocated_quantity', 'bigint', (c) => c.notNull())
      .addColumn('shipped_quantity', 'bigint', (c) => c.notNull())
      .addColumn('invoiced_quantity', 'bigint', (c) => c.notNull())
      .addColumn('cancelled_quantity', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_number'])
      .execute();
    await db.schema.createIndex('order_lines_sku').on('order_lines').columns(['sku', 'state']).execute();
  },
};
