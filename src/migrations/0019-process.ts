import { sql } from 'kysely';
import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The process log (DESIGN §9): every domain event as an OCEL 2.0 event with its objects, the
 * objects' attribute changes and links, the per-object facts the KPIs are computed from, and the
 * cursor of the outbox sequence the log has taken in. The cursor starts at the outbox's current end:
 * history from before this migration is taken in by `crossdock process recompute --backfill`.
 */
export const processMigration: StoreMigration = {
  name: '0019-process',
  async up(db) {
    await db.schema
      .createTable('process_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('activity', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('flags', 'integer', (c) => c.notNull())
      .addColumn('integration_source', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .execute();
    // Windows of the log (export, map), and the events the event-counted KPIs read.
    await db.schema.createIndex('process_events_time').on('process_events').columns(['time']).execute();
    await db.schema.createIndex('process_events_kind_time').on('process_events').columns(['kind', 'time']).execute();
    await db.schema.createIndex('process_events_flags_time').on('process_events').columns(['flags', 'time']).execute();

    await db.schema
      .createTable('process_event_objects')
      .addColumn('event_seq', 'bigint', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('qualifier', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint')
      .addPrimaryKeyConstraint('process_event_objects_pk', ['event_seq', 'object_id', 'qualifier'])
      .execute();
    // The traces of one object type (the process map) and one object's history.
    await db.schema.createIndex('process_event_objects_type').on('process_event_objects').columns(['object_type', 'event_seq']).execute();
    await db.schema.createIndex('process_event_objects_object').on('process_event_objects').columns(['object_id', 'event_seq']).execute();

    await db.schema
      .createTable('process_objects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('first_seq', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('process_object_changes')
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('event_seq', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('process_object_changes_pk', ['object_id', 'event_seq', 'name'])
      .execute();
    await db.schema.createIndex('process_object_changes_event').on('process_object_changes').columns(['event_seq']).execute();

    await db.schema
      .createTable('process_object_links')
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('qualifier', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('process_object_links_pk', ['object_id', 'target_id', 'qualifier'])
      .execute();

    await db.schema
      .createTable('process_facts')
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('active_from', 'bigint', (c) => c.notNull())
      .addColumn('active_to', 'bigint', (c) => c.notNull())
      .addColumn('open', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('process_facts_pk', ['object_type', 'object_id'])
      .execute();
    // A KPI window reads the facts active in it, and those still open.
    await db.schema.createIndex('process_facts_active').on('process_facts').columns(['object_type', 'active_to']).execute();
    await db.schema.createIndex('process_facts_open').on('process_facts').columns(['object_type', 'open']).execute();

    await db.schema
      .createTable('process_cursor')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into process_cursor (name, last_seq, updated_at) select 'log', coalesce(max(seq), 0), 0 from outbox_events`.execute(db);
  },
};
