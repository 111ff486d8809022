import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * Finance: invoices for shipped quantities, the shipments each invoice bills, a gapless invoice
 * number per year, and the credit updates the ERP or finance sent (DESIGN §5 steps 2 and 6).
 */
export const invoicesMigration: StoreMigration = {
  name: '0010-invoices',
  async up(db) {
    await db.schema
      .createTable('invoices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('invoice_number', 'text', (c) => c.notNull().unique())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('customer_code', 'text', (c) => c.notNull())
      // The order's trading partner, so keys scoped to a partner see only its invoices.
      .addColumn('partner_code', 'text')
      .addColumn('total_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invoices_order').on('invoices').columns(['order_id', 'id']).execute();
    await db.schema.createIndex('invoices_customer').on('invoices').columns(['customer_code', 'id']).execute();

    // One row per shipment invoicing has seen; the primary key is what keeps a shipment from being
    // billed twice, and `invoice_id` stays empty until an invoice bills it.
    await db.schema
      .createTable('invoice_shipments')
      .addColumn('shipment_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('invoice_id', 'text')
      .addColumn('noted_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invoice_shipments_order').on('invoice_shipments').columns(['order_id']).execute();

    // Invoice numbers run without gaps per calendar year, as tax authorities expect; the counter row
    // is taken in the issuing transaction, so a rolled-back invoice gives its number back.
    await db.schema
      .createTable('invoice_number_counters')
      .addColumn('year', 'integer', (c) => c.primaryKey())
      .addColumn('last_number', 'bigint', (c) => c.notNull())
      .execute();

    // Receivables, limits and hold flags from the ERP or finance, one row per reference (payment id):
    // a reference takes effect once (I5), and an update older than the newest one is stale.
    await db.schema
      .createTable('credit_updates')
      .addColumn('customer_code', 'text', (c) => c.notNull())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('as_of', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('credit_updates_pk', ['customer_code', 'reference'])
      .execute();
    await db.schema.createIndex('credit_updates_as_of').on('credit_updates').columns(['customer_code', 'as_of']).execute();
  },
};
