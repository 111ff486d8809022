import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The integration console: indexes that let connector health be read with range scans instead of
 * table scans (think of a million inbox messages), and the audit of inbox replays — who replayed a
 * message, why, and what an edit changed.
 */
export const integrationsConsoleMigration: StoreMigration = {
  name: '0023-integrations-console',
  async up(db) {
    // Per inbox source: counts by status over a window of received times, and the newest message
    // of a status, each a range of this index (the unique (source, dedupe_key) one cannot order by time).
    await db.schema.createIndex('inbox_messages_source_status_received').on('inbox_messages').columns(['source', 'status', 'received_at']).execute();
    // Per outbox subscriber: deliveries made over a window and the newest one, as a range of this index.
    await db.schema.createIndex('outbox_deliveries_subscriber_status').on('outbox_deliveries').columns(['subscriber', 'status', 'delivered_at']).execute();
    await db.schema
      .createTable('inbox_replays')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('reason', 'text')
      .addColumn('status_before', 'text', (c) => c.notNull())
      .addColumn('payload_before', 'text')
      .addColumn('payload_after', 'text')
      .execute();
    await db.schema.createIndex('inbox_replays_message').on('inbox_replays').columns(['message_id', 'at']).execute();
  },
};
