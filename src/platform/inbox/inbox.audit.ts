import { z } from 'zod';
import { isoTime } from '../clock.ts';
import type { Executor } from '../db/store.ts';
import type { InboxReplayRow } from './inbox.tables.ts';
import * as repo from './inbox.repo.ts';

/**
 * The audit of inbox replays. An edit-and-replay changes what the hub acts on, so each replay keeps
 * who did it, when, why, and the payload before and after an edit; the message itself keeps only
 * its current payload and the one first received.
 */

export const inboxReplaySchema = z.object({
  id: z.string(),
  messageId: z.string(),
  at: z.string(),
  /** The API key id of whoever replayed the message. */
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  statusBefore: z.string(),
  edited: z.boolean(),
  /** The payload the edit replaced, and the one it put in its place; null when not edited. */
  payloadBefore: z.string().nullable(),
  payloadAfter: z.string().nullable(),
});
export type InboxReplay = z.infer<typeof inboxReplaySchema>;

export const insertReplay = (db: Executor, row: InboxReplayRow) => db.insertInto('inbox_replays').values(row).execute();

export const listReplays = (db: Executor, messageId: string) =>
  db.selectFrom('inbox_replays').selectAll().where('message_id', '=', messageId).orderBy('at').orderBy('id').execute();

export const toReplay = (row: InboxReplayRow): InboxReplay => ({
  id: row.id,
  messageId: row.message_id,
  at: isoTime(Number(row.at)),
  actor: row.actor,
  reason: row.reason,
  statusBefore: row.status_before,
  edited: row.payload_after !== null,
  payloadBefore: row.payload_before,
  payloadAfter: row.payload_after,
});

/**
 * Reopens a failed or dead message for a replay and writes its audit row, in one transaction. The
 * guarded update decides between two concurrent replays; the loser's transaction writes nothing.
 */
export async function reopenAudited(
  db: Executor,
  id: string,
  replay: { at: number; auditId: string; payload?: string | undefined; reason?: string | undefined; actor?: string | null | undefined },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const before = await repo.findMessage(tx, id);
    if (!before || !(await repo.reopenForReplay(tx, id, replay.at, replay.payload, replay.reason ?? null))) return false;
    const edited = replay.payload !== undefined;
    await insertReplay(tx, {
      id: replay.auditId,
      message_id: id,
      at: replay.at,
      actor: replay.actor ?? null,
      reason: replay.reason ?? null,
      status_before: before.status,
      payload_before: edited ? before.payload : null,
      payload_after: edited ? replay.payload! : null,
    });
    return true;
  });
}
