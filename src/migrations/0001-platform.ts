import type { StoreMigration } from '../platform/db/migrator.ts';
import { withSequencePrimaryKey } from '../platform/db/columns.ts';

export const platformMigration: StoreMigration = {
  name: '0001-platform',
  async up(db, kind) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('partner_code', 'text')
      .addColumn('rate_limit_per_minute', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('inbox_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('message_type', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('original_payload', 'text')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('error_details', 'text')
      .addColumn('outcome', 'text')
      .addColumn('processed_at', 'bigint')
      .addColumn('correlation_id', 'text')
      .addColumn('replay_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('discarded_at', 'bigint')
      .addColumn('operator_note', 'text')
      .addUniqueConstraint('inbox_messages_source_dedupe_key', ['source', 'dedupe_key'])
      .execute();
    await db.schema.createIndex('inbox_messages_status').on('inbox_messages').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('inbox_messages_status_id').on('inbox_messages').columns(['status', 'id']).execute();

    await withSequencePrimaryKey(db.schema.createTable('outbox_events'), 'seq', kind)
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('correlation_id', 'text')
      .addColumn('causation_id', 'text')
      .addColumn('schema_version', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outbox_events_type').on('outbox_events').columns(['type', 'seq']).execute();
    await db.schema.createIndex('outbox_events_subject').on('outbox_events').columns(['subject', 'seq']).execute();

    await withSequencePrimaryKey(db.schema.createTable('outbox_deliveries'), 'id', kind)
      .addColumn('event_seq', 'bigint', (c) => c.notNull())
      .addColumn('subscriber', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'bigint')
      .addColumn('dead_at', 'bigint')
      .addColumn('discarded_at', 'bigint')
      .addColumn('replay_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('operator_note', 'text')
      .addUniqueConstraint('outbox_deliveries_event_subscriber', ['event_seq', 'subscriber'])
      .execute();
    await db.schema
      .createIndex('outbox_deliveries_due')
      .on('outbox_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('outbox_deliveries_subject_order')
      .on('outbox_deliveries')
      .columns(['subscriber', 'subject', 'status', 'event_seq'])
      .execute();

    await db.schema
      .createTable('timers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('timer_key', 'text', (c) => c.notNull().unique())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('fired_at', 'bigint')
      .addColumn('cancelled_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('timers_due').on('timers').columns(['status', 'next_attempt_at']).execute();
  },
};
