import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, type TestStore } from '../../tests/helpers/store.ts';
import { allMigrations } from './index.ts';
import { decisionsByOrderMigration } from './0029-decisions-by-order.ts';

let t: TestStore | undefined;
after(() => t?.dispose());

test('0029 names the order of every decision about an order or its lines recorded before it, and no other', async () => {
  t = await createTestStore({ migrate: false });
  const { db, kind } = t.store;
  for (const migration of allMigrations.slice(0, allMigrations.indexOf(decisionsByOrderMigration))) await migration.up(db, kind);
  const row = (id: string, subjectType: string, subjectId: string) => ({
    id,
    kind: 'sourcing',
    subject_type: subjectType,
    subject_id: subjectId,
    outcome: 'allocate',
    policy_id: 'sourcing',
    policy_version: 0,
    made_by: 'rule',
    applied_automatically: 1,
    made_at: 1,
    document: '{}',
  });
  // Before 0029 the table has no order column: rows as the code of the time wrote them.
  await db
    .insertInto('decisions')
    .values([row('d1', 'order', 'o-1'), row('d2', 'order_line', 'o-1:12'), row('d3', 'order_line', 'o-10:1'), row('d4', 'item', 'SKU-1'), row('d5', 'purchase_order', 'po-1')] as never)
    .execute();
  await decisionsByOrderMigration.up(db, kind);
  const rows = await db.selectFrom('decisions').select(['id', 'order_id']).orderBy('id').execute();
  assert.deepEqual(
    rows.map((r) => [r.id, r.order_id]),
    [
      ['d1', 'o-1'],
      ['d2', 'o-1'],
      ['d3', 'o-10'],
      ['d4', null],
      ['d5', null],
    ],
  );
});
