import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestStore, type TestStore } from '../../tests/helpers/store.ts';

let t: TestStore | undefined;
after(() => t?.dispose());

test('0030 indexes only pending deliveries for the dispatcher, and its questions read them', async () => {
  t = await createTestStore();
  const { db, kind } = t.store;
  if (kind === 'postgres') {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'outbox_deliveries'`.execute(db);
    const defs = new Map(rows.map((r) => [r.indexname, r.indexdef]));
    for (const name of ['outbox_deliveries_pending', 'outbox_deliveries_pending_subject']) assert.match(defs.get(name) ?? '', /WHERE \(+status = 'pending'/, name);
    assert.ok(!defs.has('outbox_deliveries_subject_order') && !defs.has('outbox_deliveries_subscriber_due'), 'the full indexes they replace are gone');
    return;
  }
  // The statement the dispatcher runs, as its repository writes it: each half must use a pending-only index.
  const { rows } = await sql<{ detail: string }>`explain query plan
    select d.id from outbox_deliveries as d inner join outbox_events as e on e.seq = d.event_seq
    where d.subscriber = ${'s'} and d.status = 'pending' and +d.next_attempt_at <= ${1}
      and not exists (select p.id from outbox_deliveries as p where p.subscriber = d.subscriber and p.subject = d.subject
        and p.status = 'pending' and p.event_seq < d.event_seq and p.next_attempt_at > ${1})
    order by d.event_seq limit 10`.execute(db);
  const plan = rows.map((r) => r.detail).join('\n');
  assert.match(plan, /USING INDEX outbox_deliveries_pending \(subscriber=\?\)/, plan);
  assert.match(plan, /USING COVERING INDEX outbox_deliveries_pending_subject/, plan);
  assert.doesNotMatch(plan, /TEMP B-TREE/, 'no sort: the index gives sequence order');
});
