import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * What lets exceptions clear by condition (issue 5): the inventory domain remembers which SKU ×
 * location a snapshot last found drifting and which gaps of a feed it gave up on, so it can announce
 * when a later count agrees or the missing numbers arrive; finance records the ERP's acknowledgements
 * of the invoices it issued, once per acknowledgement id.
 */
export const reconciliationClearingMigration: StoreMigration = {
  name: '0024-reconciliation-clearing',
  async up(db) {
    // One row per SKU × location whose last count was beyond tolerance; a count that agrees deletes it.
    await db.schema
      .createTable('inventory_drift_open')
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('as_of', 'text', (c) => c.notNull())
      .addColumn('detected_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_drift_open_pk', ['sku', 'location_code'])
      .execute();
    // A gap given up on by its timeout, as the range it was announced with; gone once every number arrived.
    await db.schema
      .createTable('inventory_sequence_gaps')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('skipped_from', 'bigint', (c) => c.notNull())
      .addColumn('skipped_to', 'bigint', (c) => c.notNull())
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_sequence_gaps_pk', ['source', 'skipped_from'])
      .execute();
    // Each acknowledgement the ERP sent about an invoice, once per its id (I5).
    await db.schema
      .createTable('invoice_erp_acks')
      .addColumn('ack_id', 'text', (c) => c.primaryKey())
      .addColumn('invoice_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('erp_amount_minor', 'bigint')
      .addColumn('reason', 'text')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invoice_erp_acks_invoice').on('invoice_erp_acks').columns(['invoice_id', 'received_at']).execute();
  },
};
