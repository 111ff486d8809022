import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { createEffectsTable, effectKeys, recordEffect } from '../../../tests/helpers/effects.ts';
import { parseConfig } from '../../config.ts';
import { ManualClock } from '../clock.ts';
import { AppError, ExternalError } from '../errors.ts';
import { createMetrics } from '../http/metrics.ts';
import { uuidV7Generator } from '../ids.ts';
import { seededRandom } from '../random.ts';
import { createInboxService, type InboxService } from './index.ts';

let t: TestStore;
before(async () => {
  t = await createTestStore();
  await createEffectsTable(t.store.db);
});
after(async () => t.dispose());
beforeEach(async () => {
  await sql`delete from inbox_messages`.execute(t.store.db);
  await sql`delete from test_effects`.execute(t.store.db);
});

function setup(inboxConfig: Record<string, number> = {}) {
  const clock = new ManualClock();
  const random = seededRandom(3);
  const metrics = createMetrics();
  const config = parseConfig({ inbox: { attemptsMax: 3, retryDelayMsBase: 1_000, retryDelayMsMax: 60_000, ...inboxConfig } });
  const inbox = createInboxService({ db: t.store.db, clock, ids: uuidV7Generator(clock, random), random, config: config.inbox, metrics });
  return { clock, inbox, metrics };
}

const message = (dedupeKey: string, payload = '{"qty":1}', messageType = 'test.adjust') => ({
  source: 'wms-east',
  dedupeKey,
  messageType,
  contentType: 'application/json',
  payload,
});

/** A handler with a real effect: it records the message and rejects a payload without a quantity. */
function registerAdjust(inbox: InboxService): void {
  inbox.registerHandler('test.adjust', async (tx, m) => {
    const body = JSON.parse(m.payload) as { qty?: number };
    if (typeof body.qty !== 'number') throw new AppError('validation_failed', 'qty is required', [{ path: 'qty', message: 'required' }]);
    await recordEffect(tx, m.dedupeKey, String(body.qty));
    return { applied: body.qty };
  });
}

test(`a duplicate answers exists with the first outcome and payload (${testStoreKind})`, async () => {
  const { inbox } = setup();
  registerAdjust(inbox);
  const first = await inbox.receiveAndProcess(message('m-1', '{"qty":5}'));
  assert.equal(first.result, 'accepted');
  assert.equal(first.message.status, 'processed');
  assert.deepEqual(first.message.outcome, { applied: 5 });
  const again = await inbox.receiveAndProcess(message('m-1', '{"qty":99}'));
  assert.equal(again.result, 'exists');
  assert.equal(again.message.id, first.message.id);
  assert.deepEqual(again.message.outcome, { applied: 5 });
  assert.equal(again.message.payload, '{"qty":5}');
  assert.deepEqual(await effectKeys(t.store.db), ['m-1']);
});

test(`20 concurrent receives of one message make one row (${testStoreKind})`, async () => {
  const { inbox } = setup();
  const results = await Promise.all(Array.from({ length: 20 }, () => inbox.receive(message('same-key'))));
  assert.equal(results.filter((r) => r.result === 'accepted').length, 1);
  assert.equal(results.filter((r) => r.result === 'exists').length, 19);
  assert.equal(new Set(results.map((r) => r.message.id)).size, 1);
  const count = await t.store.db.selectFrom('inbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1);
});

test(`20 concurrent receive-and-process calls of one message apply it once (${testStoreKind})`, async () => {
  // Receiving and processing share one transaction; the twins' effects must roll back with their rows.
  const { inbox } = setup();
  registerAdjust(inbox);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => inbox.receiveAndProcess(message('twin', `{"qty":${i + 1}}`))));
  assert.equal(results.filter((r) => r.result === 'accepted').length, 1);
  assert.equal(new Set(results.map((r) => r.message.id)).size, 1);
  assert.ok(results.every((r) => r.message.status === 'processed'));
  assert.deepEqual(await effectKeys(t.store.db), ['twin']);
  const count = await t.store.db.selectFrom('inbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1);
});

test(`a message that fails on receipt is kept raw with the failure of its first attempt (${testStoreKind})`, async () => {
  const { inbox } = setup();
  registerAdjust(inbox);
  const { result, message: stored } = await inbox.receiveAndProcess(message('bad', '{"quantity":3}'));
  assert.equal(result, 'accepted');
  assert.equal(stored.status, 'failed');
  assert.equal(stored.attempts, 1);
  assert.equal(stored.error?.code, 'validation_failed');
  const reread = await inbox.get(stored.id);
  assert.equal(reread.payload, '{"quantity":3}');
  assert.equal(reread.status, 'failed');
  assert.deepEqual(await effectKeys(t.store.db), []);
});

test(`the payload is kept byte for byte (${testStoreKind})`, async () => {
  const { inbox } = setup();
  const raw = 'ISA*00*          *00*~\r\nGS*PO*ÄÖÜ*€*  trailing  \t\n{"x": 1.50}\n';
  const { message: stored } = await inbox.receive({ ...message('raw'), contentType: 'application/edi-x12', payload: raw });
  assert.equal((await inbox.get(stored.id)).payload, raw);
});

test(`a handler that throws after writing leaves no effect, and the retry applies it once (${testStoreKind})`, async () => {
  const { inbox, clock } = setup();
  let calls = 0;
  inbox.registerHandler('test.flaky', async (tx, m) => {
    calls++;
    await recordEffect(tx, m.dedupeKey);
    if (calls === 1) throw new Error('connection reset after the write');
    return { ok: true };
  });
  const { message: received } = await inbox.receiveAndProcess(message('f-1', '{}', 'test.flaky'));
  assert.equal(received.status, 'received');
  assert.equal(received.attempts, 1);
  assert.equal(received.error?.code, 'internal_error');
  assert.deepEqual(await effectKeys(t.store.db), []);
  clock.set(Date.parse(received.nextAttemptAt!));
  assert.deepEqual(await inbox.processDue(), { processed: 1, failed: 0, retrying: 0, dead: 0 });
  const done = await inbox.get(received.id);
  assert.equal(done.status, 'processed');
  assert.equal(done.attempts, 2);
  assert.equal(done.error, null);
  assert.deepEqual(await effectKeys(t.store.db), ['f-1']);
});

test(`an AppError fails the message at once and it is not retried (${testStoreKind})`, async () => {
  const { inbox, clock } = setup();
  registerAdjust(inbox);
  const { message: failed } = await inbox.receiveAndProcess(message('bad-1', '{"sku":"A"}'));
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempts, 1);
  assert.deepEqual(failed.error, { code: 'validation_failed', message: 'qty is required', details: [{ path: 'qty', message: 'required' }] });
  assert.equal(failed.nextAttemptAt, null);
  clock.advance(24 * 3_600_000);
  assert.deepEqual(await inbox.processDue(), { processed: 0, failed: 0, retrying: 0, dead: 0 });
});

test(`a message type with no handler fails as unprocessable (${testStoreKind})`, async () => {
  const { inbox } = setup();
  const { message: failed } = await inbox.receiveAndProcess(message('u-1', '{}', 'test.unknown'));
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error?.code, 'unprocessable');
});

test(`retryable failures back off by the clock and end dead after attemptsMax (${testStoreKind})`, async () => {
  const { inbox, clock, metrics } = setup();
  inbox.registerHandler('test.down', async () => {
    throw new ExternalError('ERP answered 503', { retryable: true });
  });
  const start = clock.now();
  const { message: first } = await inbox.receiveAndProcess(message('d-1', '{}', 'test.down'));
  assert.equal(first.status, 'received');
  assert.equal(first.error?.code, 'dependency_unavailable');
  const firstRetryAt = Date.parse(first.nextAttemptAt!);
  assert.ok(firstRetryAt >= start + 500 && firstRetryAt <= start + 1_000, `first retry ${firstRetryAt - start} ms after`);

  clock.set(firstRetryAt - 1);
  assert.equal((await inbox.processDue()).retrying, 0, 'nothing is retried early');
  clock.set(firstRetryAt);
  assert.equal((await inbox.processDue()).retrying, 1);
  const second = await inbox.get(first.id);
  assert.equal(second.attempts, 2);
  const secondDelayMs = Date.parse(second.nextAttemptAt!) - firstRetryAt;
  assert.ok(secondDelayMs >= 1_000 && secondDelayMs <= 2_000, `second delay ${secondDelayMs} ms`);

  clock.set(Date.parse(second.nextAttemptAt!));
  assert.equal((await inbox.processDue()).dead, 1);
  const dead = await inbox.get(first.id);
  assert.equal(dead.status, 'dead');
  assert.equal(dead.attempts, 3);
  assert.equal(dead.nextAttemptAt, null);
  assert.equal((await metrics.inboxRetries.get()).values[0]?.value, 2);
  assert.equal((await metrics.inboxDeadLetters.get()).values[0]?.value, 1);
});

test(`replay with an edited payload keeps the first payload through later edits (${testStoreKind})`, async () => {
  const { inbox } = setup();
  registerAdjust(inbox);
  const original = '{"quantity":7}';
  const { message: failed } = await inbox.receiveAndProcess(message('e-1', original));
  assert.equal(failed.status, 'failed');

  const stillBad = await inbox.replay(failed.id, { payload: '{"qty":"seven"}', reason: 'renamed the field' });
  assert.equal(stillBad.status, 'failed');
  assert.equal(stillBad.edited, true);
  assert.equal(stillBad.originalPayload, original);
  assert.equal(stillBad.operatorNote, 'renamed the field');

  const fixed = await inbox.replay(failed.id, { payload: '{"qty":7}' });
  assert.equal(fixed.status, 'processed');
  assert.equal(fixed.payload, '{"qty":7}');
  assert.equal(fixed.originalPayload, original);
  assert.equal(fixed.replayCount, 2);
  assert.deepEqual(fixed.outcome, { applied: 7 });
  assert.deepEqual(await effectKeys(t.store.db), ['e-1']);

  await assert.rejects(inbox.replay(failed.id), (e: unknown) => e instanceof AppError && e.code === 'invalid_state');
});

test(`a dead message can be replayed unchanged, and discard is final (${testStoreKind})`, async () => {
  const { inbox, clock } = setup({ attemptsMax: 1 });
  let up = false;
  inbox.registerHandler('test.partner', async () => {
    if (!up) throw new ExternalError('timeout', { retryable: true });
    return { ok: true };
  });
  const { message: dead } = await inbox.receiveAndProcess(message('p-1', '{}', 'test.partner'));
  assert.equal(dead.status, 'dead');
  up = true;
  clock.advance(1);
  const replayed = await inbox.replay(dead.id);
  assert.equal(replayed.status, 'processed');
  assert.equal(replayed.edited, false);
  assert.equal(replayed.originalPayload, null);

  up = false;
  const { message: other } = await inbox.receiveAndProcess(message('p-2', '{}', 'test.partner'));
  const discarded = await inbox.discard(other.id, 'partner resent it under a new id');
  assert.equal(discarded.status, 'discarded');
  assert.equal(discarded.operatorNote, 'partner resent it under a new id');
  assert.ok(discarded.discardedAt);
  await assert.rejects(inbox.replay(other.id), (e: unknown) => e instanceof AppError && e.code === 'invalid_state');
  await assert.rejects(inbox.discard(replayed.id, 'no'), (e: unknown) => e instanceof AppError && e.code === 'invalid_state');
  await assert.rejects(inbox.get('no-such-id'), (e: unknown) => e instanceof AppError && e.code === 'not_found');
});

test(`the list filters, runs newest first and pages by cursor (${testStoreKind})`, async () => {
  const { inbox, clock } = setup();
  registerAdjust(inbox);
  for (let i = 0; i < 5; i++) {
    clock.advance(1_000);
    await inbox.receiveAndProcess(message(`l-${i}`, i % 2 === 0 ? '{"qty":1}' : '{}'));
  }
  await inbox.receive({ ...message('other'), source: 'edi:ACME' });
  const failed = await inbox.list({ status: 'failed', limit: 10 });
  assert.deepEqual(failed.items.map((m) => m.dedupeKey), ['l-3', 'l-1']);
  const fromAcme = await inbox.list({ source: 'edi:ACME', limit: 10 });
  assert.deepEqual(fromAcme.items.map((m) => m.dedupeKey), ['other']);

  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await inbox.list({ source: 'wms-east', limit: 2, cursor });
    seen.push(...page.items.map((m) => m.dedupeKey));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  assert.deepEqual(seen, ['l-4', 'l-3', 'l-2', 'l-1', 'l-0']);
  await assert.rejects(inbox.list({ limit: 2, cursor: 'garbage' }), (e: unknown) => e instanceof AppError && e.code === 'invalid_cursor');
});

test(`counts by status include every status (${testStoreKind})`, async () => {
  const { inbox } = setup();
  registerAdjust(inbox);
  await inbox.receiveAndProcess(message('c-1'));
  await inbox.receiveAndProcess(message('c-2', '{}'));
  await inbox.receive(message('c-3'));
  assert.deepEqual(await inbox.countByStatus(), { received: 1, processed: 1, failed: 1, dead: 0, discarded: 0 });
});

test(`two processors racing for one message apply it once (${testStoreKind})`, async () => {
  const a = setup();
  const b = setup();
  let calls = 0;
  for (const { inbox } of [a, b]) {
    inbox.registerHandler('test.slow', async (tx, m) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await recordEffect(tx, m.dedupeKey);
      return { ok: true };
    });
  }
  const { message: received } = await a.inbox.receive(message('race-1', '{}', 'test.slow'));
  const [fromA, fromB] = await Promise.all([a.inbox.process(received.id), b.inbox.process(received.id)]);
  assert.equal(fromA.status, 'processed');
  assert.equal(fromB.status, 'processed');
  assert.equal(calls, 1);
  assert.deepEqual(await effectKeys(t.store.db), ['race-1']);
});
