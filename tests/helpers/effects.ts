import { sql } from 'kysely';
import type { Executor } from '../../src/platform/db/store.ts';

/**
 * A scratch table for tests of "the effect commits with the status": handlers write a row here in
 * their transaction, and the test counts rows. The key is unique, so an effect applied twice fails
 * loudly instead of hiding as a second row.
 */
export async function createEffectsTable(db: Executor): Promise<void> {
  await sql`create table if not exists test_effects (effect_key text primary key, note text)`.execute(db);
}

export async function recordEffect(db: Executor, key: string, note = ''): Promise<void> {
  await sql`insert into test_effects (effect_key, note) values (${key}, ${note})`.execute(db);
}

export async function effectKeys(db: Executor): Promise<string[]> {
  const result = await sql<{ effect_key: string }>`select effect_key from test_effects order by effect_key`.execute(db);
  return result.rows.map((r) => r.effect_key);
}
