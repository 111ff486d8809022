import type { StoreMigration } from '../platform/db/migrator.ts';

/** Recorded decisions (DESIGN §2.6, §9): what was chosen, why, from which inputs, under which policy version. */
export const decisionsMigration: StoreMigration = {
  name: '0007-decisions',
  async up(db) {
    await db.schema
      .createTable('decisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull())
      .addColumn('policy_version', 'integer', (c) => c.notNull())
      .addColumn('made_by', 'text', (c) => c.notNull())
      .addColumn('applied_automatically', 'integer', (c) => c.notNull())
      .addColumn('made_at', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    // "Why is this order on hold?": every decision about one object, in the order they were made.
    await db.schema.createIndex('decisions_subject_made').on('decisions').columns(['subject_type', 'subject_id', 'made_at']).execute();
    // Reviews by kind, newest first (how many credit decisions were applied without a person).
    await db.schema.createIndex('decisions_kind_made').on('decisions').columns(['kind', 'made_at']).execute();
  },
};
