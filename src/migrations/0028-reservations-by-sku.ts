import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The dashboard's SKU page lists a SKU's reservations in a state, newest first, a page at a time.
 * The position index (sku, location, state) serves the ledger's sums but not that order, so a hot
 * SKU's list would read and sort every reservation it ever had.
 */
export const reservationsBySkuMigration: StoreMigration = {
  name: '0028-reservations-by-sku',
  async up(db) {
    await db.schema.createIndex('reservations_sku_recent').on('reservations').columns(['sku', 'state', 'created_at', 'id']).execute();
  },
};
