import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { parseConfig } from '../../config.ts';
import { ManualClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { createMetrics } from '../../platform/http/metrics.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { createOutboxService } from '../../platform/outbox/index.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTimerService } from '../../platform/timers/index.ts';
import { builtinPolicyKinds, createPolicyService } from '../policies/index.ts';
import { createExceptionService, type ActionContext, type ExceptionCaller, type ExceptionService, type RaiseInput } from './index.ts';

/**
 * The exception service on its own: the actions framework, whose handlers here are test doubles and
 * not the domain commands orchestration registers in the app, and the read of live exceptions that
 * orchestration's raising flow makes before it acts.
 */
let t: TestStore;
let exceptions: ExceptionService;
const seen: ActionContext[] = [];
const finance: ExceptionCaller = { keyId: 'key-fin', name: 'fin', roles: ['finance'], partnerCode: null, rateLimitPerMinute: null };
const planner: ExceptionCaller = { keyId: 'key-plan', name: 'plan', roles: ['planner'], partnerCode: null, rateLimitPerMinute: null };

before(async () => {
  t = await createTestStore();
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const random = seededRandom(3);
  const ids = uuidV7Generator(clock, random);
  const config = parseConfig({});
  const metrics = createMetrics();
  const db = t.store.db;
  const outbox = createOutboxService({ db, kind: t.store.kind, clock, ids, random, config: config.outbox, metrics });
  const timers = createTimerService({ db, clock, ids, random, config: config.timers, metrics });
  const policies = createPolicyService({ db, kind: t.store.kind, clock, ids, kinds: builtinPolicyKinds });
  exceptions = createExceptionService({ db, kind: t.store.kind, clock, ids, outbox, timers, policies });
  exceptions.registerActionHandler('release_hold', async (context) => {
    seen.push(context);
    return { outcome: 'released', resolves: true, message: 'hold released; the order goes on' };
  });
  exceptions.registerActionHandler('keep_hold', async (context) => {
    seen.push(context);
    return { outcome: 'kept', resolves: false };
  });
  exceptions.registerActionHandler('resource_line', async () => {
    throw new AppError('invalid_state', 'the line has shipped in full');
  });
  // A command that clears the condition in its own transaction, as the real ones do: the exception
  // is resolved by condition there, and the action is still recorded.
  exceptions.registerActionHandler('cancel_line', async (context) => {
    await db.transaction().execute((tx) => exceptions.resolveIn(tx, { type: context.exception.type, subject: context.exception.subject }, { reason: 'line cancelled', by: 'condition' }));
    return { outcome: 'cancelled', resolves: true };
  });
  exceptions.registerActionHandler(
    'change_promise_date',
    async (context) => ({ outcome: 'moved', resolves: true, data: { promiseDate: context.params['promiseDate'] } }),
  );
});
after(async () => t.dispose());

const raise = (input: RaiseInput) => t.store.db.transaction().execute((tx) => exceptions.raiseIn(tx, input));
const hold = (id: string) => raise({ type: 'credit_hold', subject: { type: 'order', id }, rootCause: { code: 'over_limit', message: 'over the limit' } });
const shortage = (id: string) => raise({ type: 'stock_shortage', subject: { type: 'order_line', id }, rootCause: { code: 'no_stock', message: 'nothing anywhere' } });
const trailOf = async (id: string) => (await exceptions.audit(id, { partnerCode: null }, { limit: 100 })).items;
const eventTypes = async (id: string) =>
  (await t.store.db.selectFrom('outbox_events').select('type').where('subject', '=', `exception:${id}`).orderBy('seq').execute()).map((e) => e.type.replace('crossdock.exception.', ''));
const rejectsWith = (code: string, path?: string) => (e: unknown) => {
  assert.ok(e instanceof AppError, String(e));
  assert.equal(e.code, code, e.message);
  if (path !== undefined) assert.equal(e.details[0]?.path, path);
  return true;
};

test(`an action whose command clears the condition resolves the exception; its result is recorded (${testStoreKind})`, async () => {
  const { exception } = await hold('o-act-1');
  const answer = await exceptions.act(exception.id, 'release_hold', { reason: 'customer paid by wire' }, finance);
  assert.deepEqual(answer.result, { outcome: 'released', resolves: true, message: 'hold released; the order goes on' });
  assert.equal(answer.exception.state, 'resolved');
  assert.deepEqual([answer.exception.resolution?.by, answer.exception.resolution?.action, answer.exception.resolution?.reason, answer.exception.resolution?.actor.name], ['action', 'release_hold', 'customer paid by wire', 'fin']);
  const context = seen.at(-1)!;
  assert.deepEqual([context.exception.id, context.action, context.reason, context.actor.keyId], [exception.id, 'release_hold', 'customer paid by wire', 'key-fin']);
  const trail = await trailOf(exception.id);
  assert.deepEqual(trail.map((a) => a.what), ['raised', 'action', 'resolved']);
  assert.deepEqual(trail[1]!.detail['result'], answer.result);
  assert.deepEqual(await eventTypes(exception.id), ['raised', 'action_taken', 'resolved']);
  await assert.rejects(exceptions.act(exception.id, 'release_hold', {}, finance), rejectsWith('invalid_state'), 'a closed exception takes no action');
});

test(`an action that does not clear the condition is recorded and the exception stays live (${testStoreKind})`, async () => {
  const { exception } = await hold('o-act-2');
  const answer = await exceptions.act(exception.id, 'keep_hold', { reason: 'waiting for the remittance advice' }, finance);
  assert.equal(answer.exception.state, 'open');
  assert.deepEqual((await trailOf(exception.id)).map((a) => `${a.what}:${a.action ?? ''}`), ['raised:', 'action:keep_hold']);
});

test(`a refused command is recorded as action_failed and answered unchanged (${testStoreKind})`, async () => {
  const { exception } = await shortage('o-act-3:1');
  await assert.rejects(exceptions.act(exception.id, 'resource_line', {}, planner), rejectsWith('invalid_state'));
  const trail = await trailOf(exception.id);
  assert.deepEqual(trail.map((a) => a.what), ['raised', 'action_failed']);
  assert.deepEqual(trail[1]!.detail['error'], { code: 'invalid_state', message: 'the line has shipped in full' });
  assert.equal((await exceptions.get(exception.id, { partnerCode: null })).state, 'open');
});

test(`a command that resolved the exception by its condition is not resolved twice (${testStoreKind})`, async () => {
  const { exception } = await shortage('o-act-4:1');
  const answer = await exceptions.act(exception.id, 'cancel_line', {}, planner);
  assert.equal(answer.exception.state, 'resolved');
  assert.equal(answer.exception.resolution?.by, 'condition');
  assert.deepEqual((await trailOf(exception.id)).map((a) => a.what), ['raised', 'resolved', 'action']);
});

test(`action params are validated against the action's declared inputs and named at body.params (${testStoreKind})`, async () => {
  const { exception } = await shortage('o-act-5:1');
  await assert.rejects(exceptions.act(exception.id, 'change_promise_date', { params: { promiseDate: 'soon' } }, planner), rejectsWith('validation_failed', 'body.params.promiseDate'));
  const answer = await exceptions.act(exception.id, 'change_promise_date', { params: { promiseDate: '2026-03-09' } }, planner);
  assert.deepEqual(answer.result.data, { promiseDate: '2026-03-09' });
});

test(`checks come in order: unknown 404, role 403, not allowed for the type 422, no handler 422 (${testStoreKind})`, async () => {
  const { exception } = await hold('o-act-6');
  await assert.rejects(exceptions.act('0190b6a0-0000-7000-8000-000000000000', 'release_hold', {}, finance), rejectsWith('not_found'));
  await assert.rejects(exceptions.act(exception.id, 'release_hold', {}, planner), rejectsWith('forbidden'));
  await assert.rejects(exceptions.act(exception.id, 'accept_drift', {}, finance), rejectsWith('action_not_allowed', 'params.action'));
  const { exception: drift } = await raise({ type: 'inventory_drift', subject: { type: 'location', id: 'WH-1' }, rootCause: { code: 'drift', message: 'count differs' } });
  await assert.rejects(exceptions.act(drift.id, 'accept_drift', {}, { ...finance, roles: ['warehouse'] }), rejectsWith('action_not_allowed'), 'no command registered');
  const scoped = { ...finance, partnerCode: 'ACME' };
  await assert.rejects(exceptions.act(exception.id, 'release_hold', {}, scoped), rejectsWith('not_found'), 'another partner’s exception does not exist for a scoped key');
});

test(`handlers are registered once per action, never for the built-ins (${testStoreKind})`, () => {
  assert.throws(() => exceptions.registerActionHandler('release_hold', async () => ({ outcome: 'x', resolves: false })), /already registered/);
  assert.throws(() => exceptions.registerActionHandler('resolve', async () => ({ outcome: 'x', resolves: false })), /built in/);
});

test(`an input the declaration refuses stops the action before its command runs, and is recorded as action_failed (${testStoreKind})`, async () => {
  const { exception } = await hold('o-act-7');
  const before = seen.length;
  await assert.rejects(exceptions.act(exception.id, 'keep_hold', {}, finance), rejectsWith('validation_failed', 'body.reason'));
  await assert.rejects(exceptions.act(exception.id, 'release_hold', { params: { promiseDate: '2026-03-09' } }, finance), rejectsWith('validation_failed', 'body.params.promiseDate'));
  assert.equal(seen.length, before, 'no handler ran');
  const trail = await trailOf(exception.id);
  assert.deepEqual(trail.map((a) => `${a.what}:${a.action ?? ''}`), ['raised:', 'action_failed:keep_hold', 'action_failed:release_hold']);
  assert.deepEqual((trail[1]!.detail['error'] as { code: string }).code, 'validation_failed');
  assert.equal((await exceptions.get(exception.id, { partnerCode: null })).state, 'open');
});

test(`live exceptions of several subjects of two types come back in one read, closed ones and other subjects left out (${testStoreKind})`, async () => {
  const { exception: orderHold } = await hold('o-live-1');
  const { exception: lineShort } = await shortage('o-live-1-1');
  await shortage('o-live-1-2');
  const { exception: otherOrder } = await hold('o-live-2');
  // Same type and ids of another subject type: matched by type and id together, not by id alone.
  await raise({ type: 'inventory_drift', subject: { type: 'location', id: 'o-live-1' }, rootCause: { code: 'drift', message: 'count differs' } });
  await t.store.db.transaction().execute((tx) => exceptions.resolveIn(tx, { subject: { type: 'order_line', id: 'o-live-1-2' } }, { reason: 'stock arrived', by: 'condition' }));

  const live = await exceptions.liveOfSubjects([
    { type: 'order', id: 'o-live-1' },
    { type: 'order_line', id: 'o-live-1-1' },
    { type: 'order_line', id: 'o-live-1-2' },
    { type: 'order_line', id: 'o-live-9' },
  ]);
  assert.deepEqual(live.map((e) => e.id).sort(), [orderHold.id, lineShort.id].sort());
  assert.ok(!live.some((e) => e.id === otherOrder.id));
  assert.deepEqual(await exceptions.liveOfSubjects([]), []);
});
