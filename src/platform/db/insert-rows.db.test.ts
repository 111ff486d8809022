import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, testStoreKind } from '../../../tests/helpers/store.ts';
import { insertRows, insertShape } from './insert-rows.ts';

const EVENTS = insertShape('outbox_events', ['id', 'source', 'type', 'subject', 'time', 'correlation_id', 'causation_id', 'schema_version', 'data'], 'returning "seq", "id"');
const RELATIONS = insertShape('process_event_objects', ['event_seq', 'object_id', 'object_type', 'qualifier', 'quantity'], 'on conflict do nothing');
const DELIVERIES = insertShape('outbox_deliveries', ['event_seq', 'subscriber', 'subject', 'status', 'attempts', 'next_attempt_at', 'replay_count']);

const event = (n: number) => ({
  id: `e-${n}`,
  source: '/test',
  type: 'crossdock.test.happened',
  subject: `thing:${n}`,
  time: 1_790_000_000_000 + n,
  correlation_id: n % 2 === 0 ? null : `c-${n}`,
  causation_id: null,
  schema_version: '1',
  data: JSON.stringify({ n, text: "it's \"quoted\"" }),
});

test(`multi-row inserts split into statements, keep every value and answer what returning gives (${testStoreKind})`, async () => {
  const t = await createTestStore();
  try {
    // Seven rows, three to a statement: shapes of three rows and of one, each used again on the second call.
    const first = await insertRows<'outbox_events', { seq: number; id: string }>(t.store.db, EVENTS, [1, 2, 3, 4, 5, 6, 7].map(event), 3);
    const second = await t.store.db.transaction().execute((tx) => insertRows<'outbox_events', { seq: number; id: string }>(tx, EVENTS, [8, 9, 10, 11].map(event), 3));
    assert.deepEqual(
      [...first, ...second].map((r) => r.id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => `e-${n}`),
    );
    const seqs = [...first, ...second].map((r) => Number(r.seq));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, 11);
    const stored = await t.store.db.selectFrom('outbox_events').select(['id', 'subject', 'time', 'correlation_id', 'causation_id', 'data']).orderBy('seq').execute();
    assert.deepEqual(
      stored,
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => {
        const e = event(n);
        return { id: e.id, subject: e.subject, time: e.time, correlation_id: e.correlation_id, causation_id: null, data: e.data };
      }),
    );
    assert.deepEqual(await insertRows(t.store.db, EVENTS, []), []);
  } finally {
    await t.dispose();
  }
});

test(`a tail's conflict clause applies, and an undefined value takes the column's default (${testStoreKind})`, async () => {
  const t = await createTestStore();
  try {
    const relation = (objectId: string, quantity: number | null) => ({ event_seq: 1, object_id: objectId, object_type: 'order', qualifier: 'about', quantity });
    await insertRows(t.store.db, RELATIONS, [relation('o-1', 2), relation('o-2', null)]);
    // The same relation again is skipped, not an error; the new one is added.
    await insertRows(t.store.db, RELATIONS, [relation('o-1', 5), relation('o-3', 1)]);
    const stored = await t.store.db.selectFrom('process_event_objects').select(['object_id', 'quantity']).orderBy('object_id').execute();
    assert.deepEqual(stored, [
      { object_id: 'o-1', quantity: 2 },
      { object_id: 'o-2', quantity: null },
      { object_id: 'o-3', quantity: 1 },
    ]);

    const [{ seq }] = (await insertRows<'outbox_events', { seq: number }>(t.store.db, EVENTS, [event(1)])) as [{ seq: number }];
    const delivery = (subscriber: string, replayCount: number | undefined) => ({ event_seq: seq, subscriber, subject: 'thing:1', status: 'pending', attempts: 0, next_attempt_at: 0, replay_count: replayCount });
    await insertRows(t.store.db, DELIVERIES, [delivery('a', 3), delivery('b', undefined), delivery('c', 1)]);
    const deliveries = await t.store.db.selectFrom('outbox_deliveries').select(['subscriber', 'replay_count']).orderBy('subscriber').execute();
    assert.deepEqual(deliveries, [
      { subscriber: 'a', replay_count: 3 },
      { subscriber: 'b', replay_count: 0 },
      { subscriber: 'c', replay_count: 1 },
    ]);
  } finally {
    await t.dispose();
  }
});

test(`a row with a property its insert does not name is refused, and nothing is written (${testStoreKind})`, async () => {
  const t = await createTestStore();
  try {
    const row = { event_seq: 1, object_id: 'o-1', object_type: 'order', qualifier: 'about', quantity: null, note: 'dropped?' };
    await assert.rejects(
      insertRows(t.store.db, RELATIONS, [row]),
      (error: Error) => error.message === 'invariant violated: a row for process_event_objects has note, which its insert does not name',
    );
    assert.equal((await t.store.db.selectFrom('process_event_objects').selectAll().execute()).length, 0);
  } finally {
    await t.dispose();
  }
});
