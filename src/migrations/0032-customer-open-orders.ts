import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * A customer's open orders' value, kept as orders change instead of summed over the customer's
 * orders at every intake. The sum read every open order of the customer, so intake slowed as a large
 * customer's open orders grew; and on PostgreSQL two intakes for one customer could each read a sum
 * without the other's order and both pass the credit limit together. The row is locked by an intake
 * for its check, which puts intakes of one customer in turn. It starts as the sum the check read.
 */
export const customerOpenOrdersMigration: StoreMigration = {
  name: '0032-customer-open-orders',
  async up(db) {
    await db.schema
      .createTable('customer_open_orders')
      .addColumn('customer_code', 'text', (c) => c.primaryKey())
      .addColumn('value_minor', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into customer_open_orders (customer_code, value_minor)
      select customer_code, sum(value_minor) from orders where state not in ('invoiced', 'closed', 'cancelled') group by customer_code`.execute(db);
  },
};
