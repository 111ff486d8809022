import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';

/** Policy versions (DESIGN §2.5): one row per version of a kind, at most one active per kind. */
export const policiesMigration: StoreMigration = {
  name: '0004-policies',
  async up(db) {
    await db.schema
      .createTable('policies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by_key_id', 'text', (c) => c.notNull())
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'bigint')
      .addColumn('activated_by_key_id', 'text')
      .addColumn('activated_by_name', 'text')
      .addColumn('retired_at', 'bigint')
      .addUniqueConstraint('policies_kind_version', ['kind', 'version'])
      .execute();
    // The store itself refuses a second active version of a kind, whatever the code does.
    await db.schema.createIndex('policies_one_active').unique().on('policies').column('kind').where(sql.ref('status'), '=', sql.lit('active')).execute();
  },
};
