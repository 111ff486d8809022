import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, type TestStore } from '../../tests/helpers/store.ts';
import { allMigrations } from './index.ts';
import { customerOpenOrdersMigration } from './0032-customer-open-orders.ts';

let t: TestStore | undefined;
after(() => t?.dispose());

test('0032 keeps each customer the value of its orders not invoiced, closed or cancelled, as intake summed it before', async () => {
  t = await createTestStore({ migrate: false });
  const { db, kind } = t.store;
  for (const migration of allMigrations.slice(0, allMigrations.indexOf(customerOpenOrdersMigration))) await migration.up(db, kind);
  const order = (id: string, customerCode: string, state: string, valueMinor: number) => ({
    id,
    dedupe_scope: 'channel:WEB',
    external_order_number: id,
    channel: 'WEB',
    partner_code: null,
    customer_code: customerCode,
    customer_po: null,
    state,
    value_minor: valueMinor,
    open_holds: 0,
    document: '{}',
    version: 1,
    received_at: 1,
    updated_at: 1,
  });
  await db
    .insertInto('orders')
    .values([
      order('o1', 'ACME', 'validated', 1_000),
      order('o2', 'ACME', 'partially_shipped', 250),
      order('o3', 'ACME', 'invoiced', 9_000),
      order('o4', 'BOLT', 'closed', 7_000),
      order('o5', 'BOLT', 'cancelled', 3_000),
      order('o6', 'CORE', 'backordered', 40),
    ])
    .execute();
  await customerOpenOrdersMigration.up(db, kind);
  const rows = await db.selectFrom('customer_open_orders').selectAll().orderBy('customer_code').execute();
  assert.deepEqual(
    rows.map((r) => [r.customer_code, Number(r.value_minor)]),
    [
      ['ACME', 1_250],
      ['CORE', 40],
    ],
  );
});
