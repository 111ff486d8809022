import type { StoreMigration } from '../platform/db/migrator.ts';

/** Outbound webhook subscriptions, their deliveries, each endpoint's circuit breaker, and traffic for health. */
export const webhooksMigration: StoreMigration = {
  name: '0017-webhooks',
  async up(db) {
    await db.schema
      .createTable('webhook_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('fallback_url', 'text')
      .addColumn('event_types', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('start_after_seq', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('deleted_at', 'bigint')
      .execute();
    await db.schema.createIndex('webhook_subscriptions_status').on('webhook_subscriptions').columns(['status', 'id']).execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subscription_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_seq', 'bigint', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_endpoint', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .addColumn('dead_at', 'bigint')
      .addColumn('discarded_at', 'bigint')
      .addColumn('replay_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('operator_note', 'text')
      // The fan-out may read an event twice (a crash before its cursor moved); the second insert is a no-op.
      .addUniqueConstraint('webhook_deliveries_subscription_event', ['subscription_id', 'event_id'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('webhook_deliveries_subscription').on('webhook_deliveries').columns(['subscription_id', 'status', 'id']).execute();

    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('url', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
      .addColumn('since_at', 'bigint')
      .addColumn('last_success_at', 'bigint')
      .addColumn('last_failure_at', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_cursors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('webhook_traffic')
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('bucket_start', 'bigint', (c) => c.notNull())
      .addColumn('requests', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_success_at', 'bigint')
      .addColumn('last_failure_at', 'bigint')
      .addColumn('last_error', 'text')
      .addPrimaryKeyConstraint('webhook_traffic_pk', ['direction', 'name', 'bucket_start'])
      .execute();
  },
};
