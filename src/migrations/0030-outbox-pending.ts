import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The dispatcher's two questions are only ever about pending deliveries: a subscriber's next ones in
 * sequence order, and whether an earlier delivery of the same subject still waits for a retry. The
 * indexes that answered them (0001's subject order, 0027's due order) also held every delivered row,
 * so each event appended wrote a leaf page per subscriber in each of two large indexes, and each
 * delivery moved its entries from the pending range to the delivered one. Partial indexes over the
 * pending rows answer the same questions from a few pages: an entry is added when the event is
 * appended and removed when it is delivered. The queries name `status = 'pending'` as a literal so
 * both stores' planners can prove the index applies.
 */
export const outboxPendingMigration: StoreMigration = {
  name: '0030-outbox-pending',
  async up(db) {
    await db.schema.dropIndex('outbox_deliveries_subscriber_due').execute();
    await db.schema.dropIndex('outbox_deliveries_subject_order').execute();
    await db.schema
      .createIndex('outbox_deliveries_pending')
      .on('outbox_deliveries')
      .columns(['subscriber', 'event_seq', 'next_attempt_at'])
      .where(sql<boolean>`status = 'pending'`)
      .execute();
    await db.schema
      .createIndex('outbox_deliveries_pending_subject')
      .on('outbox_deliveries')
      .columns(['subscriber', 'subject', 'event_seq', 'next_attempt_at'])
      .where(sql<boolean>`status = 'pending'`)
      .execute();
  },
};
