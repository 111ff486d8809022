import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * EDI: control numbers kept per trading partner, the interchanges received and sent (duplicates are
 * recognised by ISA13), and the groups we sent waiting for the partner's 997/999.
 */
export const ediMigration: StoreMigration = {
  name: '0020-edi',
  async up(db) {
    await db.schema
      .createTable('edi_control_numbers')
      .addColumn('partner_code', 'text', (c) => c.primaryKey())
      .addColumn('interchange', 'bigint', (c) => c.notNull())
      .addColumn('group_number', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('edi_interchanges')
      .addColumn('partner_code', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('control_number', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('file_name', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('edi_interchanges_pk', ['partner_code', 'direction', 'control_number'])
      .execute();
    await db.schema
      .createTable('edi_outbound_groups')
      .addColumn('partner_code', 'text', (c) => c.notNull())
      .addColumn('functional_id', 'text', (c) => c.notNull())
      .addColumn('group_control', 'bigint', (c) => c.notNull())
      .addColumn('interchange_control', 'bigint', (c) => c.notNull())
      .addColumn('set_controls', 'text', (c) => c.notNull())
      .addColumn('ack_status', 'text')
      .addColumn('ack_sets', 'text')
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addColumn('acked_at', 'bigint')
      .addPrimaryKeyConstraint('edi_outbound_groups_pk', ['partner_code', 'functional_id', 'group_control'])
      .execute();
    // What each outbound document answers (`855:<event id>`): an event delivered twice sends one document.
    await db.schema
      .createTable('edi_documents')
      .addColumn('partner_code', 'text', (c) => c.notNull())
      .addColumn('document_key', 'text', (c) => c.notNull())
      .addColumn('interchange_control', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('edi_documents_pk', ['partner_code', 'document_key'])
      .execute();
  },
};
