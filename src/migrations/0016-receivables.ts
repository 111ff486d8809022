import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * Crossdock's own movements of a customer's open receivables: each invoice it issues raises them and
 * each credit memo lowers them, until the ERP reports a figure as of a later time. One row per
 * document, so a redelivered invoice or memo is counted once (I5).
 */
export const receivablesMigration: StoreMigration = {
  name: '0016-receivables',
  async up(db) {
    await db.schema
      .createTable('receivable_adjustments')
      .addColumn('document_id', 'text', (c) => c.primaryKey())
      .addColumn('document_type', 'text', (c) => c.notNull())
      .addColumn('customer_code', 'text', (c) => c.notNull())
      // Signed: an invoice's total, or a credit memo's total negated.
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      // 1 when it moved the customer's figure; 0 when an ERP figure as of a later time already covered it.
      .addColumn('counted', 'integer', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .execute();
    // A credit update adds the documents issued after its as-of time to the ERP's figure.
    await db.schema.createIndex('receivable_adjustments_customer').on('receivable_adjustments').columns(['customer_code', 'occurred_at']).execute();
  },
};
