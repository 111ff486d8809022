import type { StoreMigration } from '../platform/db/migrator.ts';

export const idempotencyMigration: StoreMigration = {
  name: '0005-idempotency',
  async up(db) {
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('idem_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('response_status', 'integer')
      .addColumn('response_headers', 'text')
      .addColumn('response_body', 'text')
      .addColumn('response_body_encoding', 'text')
      // The race between two requests with one key is decided here, by the database.
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'idem_key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
  },
};
