import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The order page reads every decision about an order and its lines at once. Lines are subjects of
 * their own (`order_line`, id `<orderId>:<lineNumber>`), and a prefix range over the subject index
 * is not safe on PostgreSQL, where a database's collation may order ':' among letters and digits. So
 * each decision about an order or one of its lines names the order in a column of its own.
 */
export const decisionsByOrderMigration: StoreMigration = {
  name: '0029-decisions-by-order',
  async up(db, kind) {
    await db.schema.alterTable('decisions').addColumn('order_id', 'text').execute();
    const lineOrder = kind === 'postgres' ? sql`split_part(subject_id, ':', 1)` : sql`substr(subject_id, 1, instr(subject_id, ':') - 1)`;
    await sql`update decisions set order_id = case when subject_type = 'order' then subject_id else ${lineOrder} end where subject_type in ('order', 'order_line')`.execute(db);
    await db.schema.createIndex('decisions_order_made').on('decisions').columns(['order_id', 'made_at', 'id']).execute();
  },
};
