import type { StoreMigration } from '../platform/db/migrator.ts';

export const returnsMigration: StoreMigration = {
  name: '0011-returns',
  async up(db) {
    await db.schema
      .createTable('return_authorizations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('rma_number', 'text', (c) => c.notNull().unique())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('partner_code', 'text')
      .addColumn('customer_code', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('authorized_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    // Over-return checks read every RMA of an order; warehouses list the RMAs waiting in a state.
    await db.schema.createIndex('return_authorizations_order').on('return_authorizations').columns(['order_id']).execute();
    await db.schema.createIndex('return_authorizations_state').on('return_authorizations').columns(['state', 'id']).execute();

    await db.schema
      .createTable('credit_memos')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One credit memo per return: issuing twice finds the first (I5).
      .addColumn('return_id', 'text', (c) => c.notNull().unique())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('partner_code', 'text')
      .addColumn('customer_code', 'text', (c) => c.notNull())
      .addColumn('total_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('credit_memos_order').on('credit_memos').columns(['order_id']).execute();
    await db.schema.createIndex('credit_memos_customer').on('credit_memos').columns(['customer_code', 'issued_at']).execute();
  },
};
