import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * Watched folders: one row per file taken, with its outcome. Connector health (last success, last
 * error, error count) is read from here, so every node shows the same and a restart forgets nothing.
 */
export const filesMigration: StoreMigration = {
  name: '0018-files',
  async up(db) {
    await db.schema
      .createTable('file_intake')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('folder', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('size_bytes', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('messages', 'integer', (c) => c.notNull())
      .addColumn('problems', 'integer', (c) => c.notNull())
      .addColumn('stored_as', 'text', (c) => c.notNull())
      .addColumn('first_problem', 'text')
      .addColumn('claimed_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('file_intake_folder_outcome').on('file_intake').columns(['folder', 'outcome', 'finished_at']).execute();
  },
};
