import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestStore, testStoreKind } from '../../../tests/helpers/store.ts';
import { migrateToLatest, pendingMigrations } from './migrator.ts';
import { isUniqueViolation } from './store.ts';

test(`migrations apply once and leave nothing pending (${testStoreKind})`, async () => {
  const t = await createTestStore({ migrate: false });
  try {
    assert.ok((await pendingMigrations(t.store)).length > 0);
    const first = await migrateToLatest(t.store);
    assert.ok(first.applied.includes('0001-platform'));
    assert.deepEqual(await pendingMigrations(t.store), []);
    const second = await migrateToLatest(t.store);
    assert.deepEqual(second.applied, []);
  } finally {
    await t.dispose();
  }
});

test(`bigints read back as numbers and unique violations are recognised (${testStoreKind})`, async () => {
  const t = await createTestStore();
  try {
    const row = {
      id: 't1',
      kind: 'k',
      timer_key: 'key-1',
      due_at: 1_790_000_000_123,
      payload: '{}',
      status: 'pending',
      created_at: 1,
      attempts: 0,
      next_attempt_at: 1_790_000_000_123,
    };
    await t.store.db.insertInto('timers').values(row).execute();
    const read = await t.store.db.selectFrom('timers').select(['due_at']).executeTakeFirstOrThrow();
    assert.equal(read.due_at, 1_790_000_000_123);
    assert.equal(typeof read.due_at, 'number');
    await assert.rejects(
      t.store.db.insertInto('timers').values({ ...row, id: 't2' }).execute(),
      (e: unknown) => isUniqueViolation(e),
    );
    const count = await sql<{ n: number }>`select count(*) as n from timers`.execute(t.store.db);
    assert.equal(Number(count.rows[0]!.n), 1);
  } finally {
    await t.dispose();
  }
});
