import type { StoreMigration } from '../platform/db/migrator.ts';
import type { Store } from '../platform/db/store.ts';

type Db = Store['db'];

/** The columns every master-data table shares: key, JSON document, version and times. */
function catalogTable(db: Db, name: string) {
  return db.schema
    .createTable(name)
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull());
}

async function index(db: Db, table: string, column: string) {
  await db.schema.createIndex(`${table}_${column}`).on(table).columns([column, 'key']).execute();
}

/**
 * Master data: one table per entity. Filter indexes end in `key` because lists page by key, so a
 * filtered page is a range scan of one index.
 */
export const catalogMigration: StoreMigration = {
  name: '0002-catalog',
  async up(db) {
    await catalogTable(db, 'catalog_items')
      .addColumn('gtin', 'text')
      .addColumn('item_class', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    await index(db, 'catalog_items', 'gtin');
    await index(db, 'catalog_items', 'item_class');
    await index(db, 'catalog_items', 'status');

    await catalogTable(db, 'catalog_locations')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .execute();
    await index(db, 'catalog_locations', 'type');
    await index(db, 'catalog_locations', 'region');

    await catalogTable(db, 'catalog_customers')
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('trading_partner_code', 'text')
      .execute();
    await index(db, 'catalog_customers', 'tier');
    await index(db, 'catalog_customers', 'trading_partner_code');

    await catalogTable(db, 'catalog_suppliers').addColumn('trading_partner_code', 'text').execute();
    await index(db, 'catalog_suppliers', 'trading_partner_code');

    await catalogTable(db, 'catalog_carriers').execute();

    await catalogTable(db, 'catalog_trading_partners')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('interchange_key', 'text', (c) => c.notNull())
      .execute();
    await index(db, 'catalog_trading_partners', 'role');
    // Not unique: partners may share an ISA id (one VAN mailbox) and differ by their GS ids.
    await index(db, 'catalog_trading_partners', 'interchange_key');

    await catalogTable(db, 'catalog_channels').addColumn('type', 'text', (c) => c.notNull()).execute();
    await index(db, 'catalog_channels', 'type');
  },
};
