import type { StoreMigration } from '../platform/db/migrator.ts';

export const procurementMigration: StoreMigration = {
  name: '0012-procurement',
  async up(db) {
    await db.schema
      .createTable('replenishment_parameters')
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('reorder_point', 'bigint')
      .addColumn('reorder_quantity', 'bigint')
      .addColumn('min_quantity', 'bigint')
      .addColumn('max_quantity', 'bigint')
      .addColumn('supplier_code', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('replenishment_parameters_pk', ['sku', 'location_code'])
      .execute();

    await db.schema
      .createTable('purchase_orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('po_number', 'text', (c) => c.notNull())
      .addColumn('supplier_code', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('expected_date', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      // A PO number takes effect once (I5), whoever sends it again.
      .addUniqueConstraint('purchase_orders_po_number', ['po_number'])
      .execute();
    // Replenishment reads the open ones; lists filter by state, supplier and location.
    await db.schema.createIndex('purchase_orders_state').on('purchase_orders').columns(['state', 'location_code']).execute();
    await db.schema.createIndex('purchase_orders_supplier').on('purchase_orders').columns(['supplier_code', 'state']).execute();

    await db.schema
      .createTable('transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('from_location_code', 'text', (c) => c.notNull())
      .addColumn('to_location_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('expected_arrival_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('transfers_state').on('transfers').columns(['state', 'to_location_code']).execute();
  },
};
