import type { Insertable } from 'kysely';
import type { Executor } from '../db/store.ts';
import type { IdempotencyKeyRow } from './idempotency.tables.ts';

/** SQL only. The unique (scope, idem_key) constraint decides every race; nothing checks then inserts. */

/** Inserts a claim; false when the key already has a row (whoever inserted first owns it). */
export const insertClaim = async (db: Executor, row: Insertable<IdempotencyKeyRow>): Promise<boolean> => {
  const result = await db
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['scope', 'idem_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
};

export const findKey = (db: Executor, scope: string, key: string) =>
  db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('idem_key', '=', key).executeTakeFirst();

export interface CompletedResponse {
  response_status: number;
  response_headers: string;
  response_body: string;
  response_body_encoding: 'utf8' | 'base64';
  completed_at: number;
}

/** Stores the answer of an in-progress claim; guarded by the fingerprint so only its owner completes it. */
export const completeClaim = async (db: Executor, scope: string, key: string, fingerprint: string, response: CompletedResponse): Promise<boolean> => {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ status: 'completed', ...response })
    .where('scope', '=', scope)
    .where('idem_key', '=', key)
    .where('fingerprint', '=', fingerprint)
    .where('status', '=', 'in_progress')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

/** Deletes an in-progress claim so the client can retry (the request failed with a 5xx). */
export const releaseClaim = (db: Executor, scope: string, key: string, fingerprint: string) =>
  db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('idem_key', '=', key)
    .where('fingerprint', '=', fingerprint)
    .where('status', '=', 'in_progress')
    .execute();

/** Deletes one expired row; guarded by its creation time so a fresh claim made meanwhile survives. */
export const deleteExpiredKey = (db: Executor, scope: string, key: string, createdAt: number) =>
  db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('idem_key', '=', key).where('created_at', '=', createdAt).execute();

export const deleteExpired = async (db: Executor, createdBefore: number): Promise<number> => {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<=', createdBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
};
