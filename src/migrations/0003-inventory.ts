import type { StoreMigration } from '../platform/db/migrator.ts';
import { withSequencePrimaryKey } from '../platform/db/columns.ts';

export const inventoryMigration: StoreMigration = {
  name: '0003-inventory',
  async up(db, kind) {
    await withSequencePrimaryKey(db.schema.createTable('inventory_movements'), 'seq', kind)
      // Not indexed: ids are made here, unique by construction, and nothing looks movements up by id.
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('d_on_hand', 'bigint', (c) => c.notNull())
      .addColumn('d_reserved', 'bigint', (c) => c.notNull())
      .addColumn('d_quarantined', 'bigint', (c) => c.notNull())
      .addColumn('d_damaged', 'bigint', (c) => c.notNull())
      .addColumn('d_in_transit', 'bigint', (c) => c.notNull())
      .addColumn('reason_code', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_sequence', 'bigint')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('reservation_id', 'text')
      .addColumn('reference', 'text')
      .execute();
    // A sender's sequence number takes effect once (I5); hub-made movements have none.
    await db.schema.createIndex('inventory_movements_source_sequence').unique().on('inventory_movements').columns(['source', 'source_sequence']).execute();
    // One index serves a position's history and snapshot reconciliation (movements after a time).
    // Every index costs each append, so the ledger keeps only these two.
    await db.schema.createIndex('inventory_movements_position_time').on('inventory_movements').columns(['sku', 'location_code', 'occurred_at']).execute();

    await db.schema
      .createTable('inventory_positions')
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('on_hand', 'bigint', (c) => c.notNull())
      .addColumn('reserved', 'bigint', (c) => c.notNull())
      .addColumn('quarantined', 'bigint', (c) => c.notNull())
      .addColumn('damaged', 'bigint', (c) => c.notNull())
      .addColumn('in_transit', 'bigint', (c) => c.notNull())
      .addColumn('last_movement_seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_positions_pk', ['sku', 'location_code'])
      .execute();
    await db.schema.createIndex('inventory_positions_changes').on('inventory_positions').columns(['last_movement_seq']).execute();

    await db.schema
      .createTable('inventory_sources')
      .addColumn('source', 'text', (c) => c.primaryKey())
      .addColumn('next_expected', 'bigint', (c) => c.notNull())
      .addColumn('skipped', 'text', (c) => c.notNull())
      .addColumn('last_received_at', 'bigint')
      .execute();

    await db.schema
      .createTable('inventory_held_events')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('sequence', 'bigint', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('held_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_held_events_pk', ['source', 'sequence'])
      .execute();

    await db.schema
      .createTable('inventory_freshness')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('last_report_at', 'bigint', (c) => c.notNull())
      .addColumn('recent_drift_units', 'bigint', (c) => c.notNull())
      .addColumn('recent_counted_units', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_freshness_pk', ['source', 'location_code'])
      .execute();

    await db.schema
      .createTable('reservations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('line_number', 'integer', (c) => c.notNull())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('resolved_at', 'bigint')
      .execute();
    await db.schema.createIndex('reservations_position').on('reservations').columns(['sku', 'location_code', 'state']).execute();
    await db.schema.createIndex('reservations_order').on('reservations').columns(['order_id', 'line_number']).execute();

    await db.schema
      .createTable('inventory_safety_stock')
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_safety_stock_pk', ['sku', 'location_code'])
      .execute();

    await db.schema
      .createTable('inventory_inbound_supply')
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('location_code', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('expected_at', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inventory_inbound_supply_pk', ['reference', 'sku', 'location_code'])
      .execute();
    await db.schema.createIndex('inventory_inbound_supply_sku').on('inventory_inbound_supply').columns(['sku', 'location_code']).execute();
  },
};
