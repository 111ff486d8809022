import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';
import { withSequencePrimaryKey } from '../platform/db/columns.ts';

/**
 * Exceptions as owned work (DESIGN §7): the exceptions, one live per subject and type, and their
 * audit trail. Queues read only live rows, so their indexes are partial on `closed_at is null`: the
 * resolved history does not slow a queue down however long it grows.
 */
export const exceptionsMigration: StoreMigration = {
  name: '0014-exceptions',
  async up(db, kind) {
    await db.schema
      .createTable('exceptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('partner_code', 'text')
      .addColumn('owner_role', 'text', (c) => c.notNull())
      .addColumn('queue_role', 'text', (c) => c.notNull())
      .addColumn('escalation_level', 'integer', (c) => c.notNull())
      .addColumn('assignee_name', 'text')
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('raised_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('sla_due_at', 'bigint', (c) => c.notNull())
      .addColumn('breach_count', 'integer', (c) => c.notNull())
      .addColumn('next_check_at', 'bigint')
      .addColumn('closed_at', 'bigint')
      .addColumn('policy_version', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();

    // One live exception per subject and type: concurrent raises are decided by this index
    // (INSERT … ON CONFLICT DO NOTHING), not by a read before the write.
    await db.schema
      .createIndex('exceptions_one_live')
      .unique()
      .on('exceptions')
      .columns(['type', 'subject_type', 'subject_id'])
      .where(sql.ref('closed_at'), 'is', null)
      .execute();
    // Queues: per role and across roles, by each sort the list offers, keyset-paged on id.
    const queues: Array<[string, string[]]> = [
      ['exceptions_live_queue_priority', ['queue_role', 'priority desc', 'id']],
      ['exceptions_live_queue_sla', ['queue_role', 'sla_due_at', 'id']],
      ['exceptions_live_queue_age', ['queue_role', 'raised_at', 'id']],
      ['exceptions_live_priority', ['priority desc', 'id']],
      ['exceptions_live_sla', ['sla_due_at', 'id']],
      ['exceptions_live_age', ['raised_at', 'id']],
    ];
    for (const [name, columns] of queues) await db.schema.createIndex(name).on('exceptions').columns(columns).where(sql.ref('closed_at'), 'is', null).execute();
    // Every exception about one object, live or not, for the object's own page and the flows that clear them.
    await db.schema.createIndex('exceptions_subject').on('exceptions').columns(['subject_type', 'subject_id', 'id']).execute();
    // Closed history, newest first, for lists asking for resolved or dismissed exceptions.
    await db.schema.createIndex('exceptions_closed').on('exceptions').columns(['state', 'closed_at', 'id']).execute();

    await withSequencePrimaryKey(db.schema.createTable('exception_audit'), 'seq', kind)
      .addColumn('exception_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_key_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('what', 'text', (c) => c.notNull())
      .addColumn('action', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .execute();
    await db.schema.createIndex('exception_audit_exception').on('exception_audit').columns(['exception_id', 'seq']).execute();
  },
};
