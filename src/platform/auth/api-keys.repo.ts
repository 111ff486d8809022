import type { Executor } from '../db/store.ts';
import type { ApiKeyRow } from '../db/platform.tables.ts';

export const insertApiKey = (db: Executor, row: ApiKeyRow) => db.insertInto('api_keys').values(row).execute();

export const findApiKey = (db: Executor, id: string) =>
  db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();

export const listApiKeys = (db: Executor) => db.selectFrom('api_keys').selectAll().orderBy('id').execute();

export const countActiveApiKeys = async (db: Executor): Promise<number> => {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

export const revokeApiKey = async (db: Executor, id: string, revokedAt: number): Promise<number> => {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: revokedAt })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
};

export const touchApiKey = (db: Executor, id: string, usedAt: number) =>
  db.updateTable('api_keys').set({ last_used_at: usedAt }).where('id', '=', id).execute();

/** The ids of every key scoped to the partner, revoked ones included. */
export const keyIdsOfPartner = async (db: Executor, partnerCode: string): Promise<string[]> =>
  (await db.selectFrom('api_keys').select('id').where('partner_code', '=', partnerCode).orderBy('id').execute()).map((r) => r.id);
