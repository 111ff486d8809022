import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * Transfers sourcing chooses for an order name that order, so an order's transfers can be listed and
 * a transfer's arrival found the order lines waiting for it. Replenishment's transfers leave it null.
 */
export const orderTransfersMigration: StoreMigration = {
  name: '0015-order-transfers',
  async up(db) {
    await db.schema.alterTable('transfers').addColumn('order_id', 'text').execute();
    await db.schema.createIndex('transfers_order').on('transfers').columns(['order_id']).execute();
  },
};
