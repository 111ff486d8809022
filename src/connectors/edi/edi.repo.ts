import type { Executor, Tx } from '../../platform/db/store.ts';

/** SQL of the EDI connector: control numbers, interchanges seen and sent, groups awaiting acknowledgement. */

export interface ControlNumbers {
  interchange: number;
  /** The first of `groups` consecutive group control numbers. */
  firstGroup: number;
}

/**
 * Takes the next interchange control number and `groups` group control numbers of a partner, in the
 * caller's transaction: the increment is one UPDATE, so two writers never get the same number, and a
 * rolled-back transaction gives its numbers back. ISA13 has nine digits; after 999 999 999 it starts
 * again at 1, as partners expect.
 */
export async function nextControlNumbers(tx: Tx, partnerCode: string, groups: number): Promise<ControlNumbers> {
  await tx.insertInto('edi_control_numbers').values({ partner_code: partnerCode, interchange: 0, group_number: 0 }).onConflict((oc) => oc.column('partner_code').doNothing()).execute();
  const row = await tx
    .updateTable('edi_control_numbers')
    .set((eb) => ({ interchange: eb('interchange', '+', 1), group_number: eb('group_number', '+', groups) }))
    .where('partner_code', '=', partnerCode)
    .returning(['interchange', 'group_number'])
    .executeTakeFirstOrThrow();
  const interchange = ((Number(row.interchange) - 1) % 999_999_999) + 1;
  const lastGroup = Number(row.group_number);
  return { interchange, firstGroup: lastGroup - groups + 1 };
}

export interface InboundInterchange {
  sha256: string | null;
  fileName: string | null;
}

export async function findInterchange(db: Executor, partnerCode: string, direction: 'in' | 'out', controlNumber: number): Promise<InboundInterchange | undefined> {
  const row = await db
    .selectFrom('edi_interchanges')
    .select(['sha256', 'file_name'])
    .where('partner_code', '=', partnerCode)
    .where('direction', '=', direction)
    .where('control_number', '=', controlNumber)
    .executeTakeFirst();
  return row === undefined ? undefined : { sha256: row.sha256, fileName: row.file_name };
}

/** Records an interchange; false when one with the same control number was recorded first. */
export async function insertInterchange(
  tx: Tx,
  row: { partnerCode: string; direction: 'in' | 'out'; controlNumber: number; sha256: string | null; fileName: string | null; at: number },
): Promise<boolean> {
  // ON CONFLICT rather than catching the violation: on PostgreSQL a failed statement aborts the transaction.
  const result = await tx
    .insertInto('edi_interchanges')
    .values({ partner_code: row.partnerCode, direction: row.direction, control_number: row.controlNumber, sha256: row.sha256, file_name: row.fileName, created_at: row.at })
    .onConflict((oc) => oc.columns(['partner_code', 'direction', 'control_number']).doNothing())
    .returning('partner_code')
    .executeTakeFirst();
  return result !== undefined;
}

export async function insertOutboundGroups(
  tx: Tx,
  rows: ReadonlyArray<{ partnerCode: string; functionalId: string; groupControl: number; interchangeControl: number; setControls: string[]; at: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('edi_outbound_groups')
    .values(
      rows.map((r) => ({
        partner_code: r.partnerCode,
        functional_id: r.functionalId,
        group_control: r.groupControl,
        interchange_control: r.interchangeControl,
        set_controls: JSON.stringify(r.setControls),
        ack_status: null,
        ack_sets: null,
        sent_at: r.at,
        acked_at: null,
      })),
    )
    .execute();
}

/** Marks a group we sent as acknowledged; false when we never sent that group. */
export async function acknowledgeGroup(
  db: Executor,
  key: { partnerCode: string; functionalId: string; groupControl: number },
  ack: { status: string; sets: Record<string, string>; at: number },
): Promise<boolean> {
  const result = await db
    .updateTable('edi_outbound_groups')
    .set({ ack_status: ack.status, ack_sets: JSON.stringify(ack.sets), acked_at: ack.at })
    .where('partner_code', '=', key.partnerCode)
    .where('functional_id', '=', key.functionalId)
    .where('group_control', '=', key.groupControl)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function outboundGroups(db: Executor, partnerCode: string) {
  return db.selectFrom('edi_outbound_groups').selectAll().where('partner_code', '=', partnerCode).orderBy('group_control').execute();
}

/** Claims a document key for a partner; false when that document was sent before. */
export async function claimDocument(tx: Tx, row: { partnerCode: string; documentKey: string; interchangeControl: number; at: number }): Promise<boolean> {
  const result = await tx
    .insertInto('edi_documents')
    .values({ partner_code: row.partnerCode, document_key: row.documentKey, interchange_control: row.interchangeControl, created_at: row.at })
    .onConflict((oc) => oc.columns(['partner_code', 'document_key']).doNothing())
    .returning('partner_code')
    .executeTakeFirst();
  return result !== undefined;
}

export async function documentSent(db: Executor, partnerCode: string, documentKey: string): Promise<boolean> {
  const row = await db.selectFrom('edi_documents').select('partner_code').where('partner_code', '=', partnerCode).where('document_key', '=', documentKey).executeTakeFirst();
  return row !== undefined;
}
