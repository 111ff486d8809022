import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The dispatcher asks, per subscriber, for its due deliveries in sequence order. The older index
 * (status, due time) answers that for all subscribers at once, so each subscriber's question read
 * every pending delivery of every other subscriber and sorted the lot. With the subscriber first and
 * the sequence next, the question walks one subscriber's pending deliveries already in order and
 * stops at the batch size; the due time in the index filters without reading the rows.
 */
export const outboxDispatchMigration: StoreMigration = {
  name: '0027-outbox-dispatch',
  async up(db) {
    await db.schema.createIndex('outbox_deliveries_subscriber_due').on('outbox_deliveries').columns(['subscriber', 'status', 'event_seq', 'next_attempt_at']).execute();
  },
};
