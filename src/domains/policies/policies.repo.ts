import { sql } from 'kysely';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import type { PolicyRow } from './policies.tables.ts';

/** SQL only: policy versions and the per-kind lock that orders writes to one kind. */

/** Advisory lock namespace for policy kinds; an arbitrary constant never reused for anything else. */
const POLICY_LOCK_NAMESPACE = 0x6364_0103;

/**
 * Serialises writers of one kind until commit (PostgreSQL; SQLite runs one write transaction at a
 * time anyway). Taken before reading the next version or the active row, so two proposals cannot
 * pick the same version and two activations cannot both see the same active row: the second waits,
 * then reads what the first committed. A row lock would not do — there is no row to lock before the
 * first version, and a waiter re-checking a locked row would see it retired and find nothing.
 */
export async function lockKind(tx: Tx, storeKind: StoreKind, kind: string): Promise<void> {
  if (storeKind !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${sql.lit(POLICY_LOCK_NAMESPACE)}, hashtext(${kind}))`.execute(tx);
}

export async function latestVersion(db: Executor, kind: string): Promise<number> {
  const row = await db.selectFrom('policies').select((eb) => eb.fn.max('version').as('latest')).where('kind', '=', kind).executeTakeFirst();
  return Number(row?.latest ?? 0);
}

export async function insertPolicy(db: Executor, row: PolicyRow): Promise<void> {
  await db.insertInto('policies').values(row).execute();
}

export const findPolicy = (db: Executor, kind: string, version: number): Promise<PolicyRow | undefined> =>
  db.selectFrom('policies').selectAll().where('kind', '=', kind).where('version', '=', version).executeTakeFirst();

export const findActive = (db: Executor, kind: string): Promise<PolicyRow | undefined> =>
  db.selectFrom('policies').selectAll().where('kind', '=', kind).where('status', '=', 'active').executeTakeFirst();

/** Every version of a kind, newest first. */
export const listPolicies = (db: Executor, kind: string): Promise<PolicyRow[]> =>
  db.selectFrom('policies').selectAll().where('kind', '=', kind).orderBy('version', 'desc').execute();

/** Retires the kind's active version, if any. */
export async function retireActive(tx: Tx, kind: string, now: number): Promise<void> {
  await tx.updateTable('policies').set({ status: 'retired', retired_at: now }).where('kind', '=', kind).where('status', '=', 'active').execute();
}

/** Moves a draft to active; false when it is no longer a draft. */
export async function activateDraft(tx: Tx, id: string, now: number, by: { keyId: string; name: string }): Promise<boolean> {
  const result = await tx
    .updateTable('policies')
    .set({ status: 'active', activated_at: now, activated_by_key_id: by.keyId, activated_by_name: by.name })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
