import { sql, type Expression, type SqlBool } from 'kysely';

/** SQL only: which events a key scoped to a trading partner may read, by the orders it owns. */

const ORDER_SUBJECT_PREFIX = 'order:';

/**
 * True for an event subject `order:<id>` that names one of the partner's orders. Events about
 * anything else (customers' credit, reservations, stock, purchase orders) carry no partner and are
 * not the partner's to read. The order is looked up by its primary key per event read, so a feed
 * reader pays per event it reads, however many orders the partner has.
 */
export const partnerOrderSubject =
  (partnerCode: string) =>
  (subject: Expression<string>): Expression<SqlBool> =>
    sql<SqlBool>`(substr(${subject}, 1, ${sql.lit(ORDER_SUBJECT_PREFIX.length)}) = ${sql.lit(ORDER_SUBJECT_PREFIX)} and exists (select 1 from orders where orders.id = substr(${subject}, ${sql.lit(ORDER_SUBJECT_PREFIX.length + 1)}) and orders.partner_code = ${partnerCode}))`;
