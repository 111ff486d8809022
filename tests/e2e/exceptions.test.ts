import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { roles, type Role } from '../../src/platform/auth/roles.ts';
import { defaultPriorityWeights, type RaiseInput, type ResolveInput } from '../../src/domains/exceptions/index.ts';
import type { ObjectRef } from '../../src/domains/shared/index.ts';

/** Exceptions as owned work: raised and resolved by the domains' transactions, worked through queues over HTTP. */
let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

const MIN = 60_000;
const raise = (input: RaiseInput) => t.testStore.store.db.transaction().execute((trx) => t.app.services.exceptions.raiseIn(trx, input));
const resolve = (target: { type?: RaiseInput['type']; subject: ObjectRef }, input: ResolveInput) =>
  t.testStore.store.db.transaction().execute((trx) => t.app.services.exceptions.resolveIn(trx, target, input));
const creditHold = (orderId: string, extra: Partial<RaiseInput> = {}): RaiseInput => ({
  type: 'credit_hold',
  subject: { type: 'order', id: orderId },
  related: [{ type: 'customer', id: 'CUST-1' }],
  facts: { customerCode: 'CUST-1', exposureMinor: 1_200_000, limitMinor: 1_000_000 },
  rootCause: { code: 'credit_limit_exceeded', message: 'exposure 12,000.00 exceeds the limit 10,000.00' },
  priorityInputs: { customerTier: 'key', orderValue: { amountMinor: 250_000, currency: 'USD' } },
  ...extra,
});
type Headers = Record<string, string>;
const call = async (method: 'GET' | 'POST', url: string, who: Role | Headers, payload?: unknown) => {
  const res = await t.app.http.inject({ method, url, headers: typeof who === 'string' ? t.as(who) : who, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() as any };
};
const events = (exceptionId: string) =>
  t.testStore.store.db.selectFrom('outbox_events').select(['type', 'data']).where('subject', '=', `exception:${exceptionId}`).orderBy('seq').execute();
const keyFor = async (name: string, keyRoles: Role[], partnerCode: string | null = null): Promise<Headers> => ({
  authorization: `Bearer ${(await t.app.services.keys.create({ name, roles: keyRoles, partnerCode })).secret}`,
});

test('raising: one live exception per subject and type, with its context, policy version, audit and event', async () => {
  const raised = await raise(creditHold('order-raise-1', { related: [{ type: 'customer', id: 'CUST-1' }, { type: 'message', id: 'msg-1' }] }));
  assert.equal(raised.result, 'raised');
  const e = raised.exception;
  assert.equal(e.state, 'open');
  assert.deepEqual([e.ownerRole, e.queueRole, e.escalationLevel, e.breachCount, e.policyVersion, e.version], ['finance', 'finance', 0, 0, 0, 1]);
  assert.equal(e.slaDueAt, new Date(t.clock.now() + 240 * MIN).toISOString(), 'the registry’s SLA: four hours');
  assert.equal(e.nextEscalationAt, new Date(t.clock.now() + 360 * MIN).toISOString());
  assert.deepEqual(e.allowedActions, ['release_hold', 'keep_hold']);
  assert.match(e.summary.what, /^Credit hold on order order-raise-1/);
  assert.equal(e.summary.why, 'exposure 12,000.00 exceeds the limit 10,000.00');
  assert.equal(e.summary.impact, 'key customer; 2,500.00 USD at stake');
  assert.deepEqual(e.summary.options.map((o) => o.action), ['release_hold', 'keep_hold']);
  assert.deepEqual(e.links.map((l) => l.href), ['/v1/orders/order-raise-1', '/v1/customers/CUST-1', '/v1/inbox/msg-1']);
  assert.ok(e.priority > 200 && e.priority <= 1000);

  const same = await raise(creditHold('order-raise-1'));
  assert.equal(same.result, 'unchanged', 'the same facts again change nothing');
  assert.equal(same.exception.version, 1);
  const updated = await raise(creditHold('order-raise-1', { facts: { customerCode: 'CUST-1', exposureMinor: 1_500_000, limitMinor: 1_000_000 }, priorityInputs: { customerTier: 'strategic' } }));
  assert.equal(updated.result, 'updated');
  assert.equal(updated.exception.id, e.id, 'never a second live exception');
  assert.equal(updated.exception.version, 2);
  assert.equal(updated.exception.facts['exposureMinor'], 1_500_000);
  assert.deepEqual(updated.exception.related, [{ type: 'customer', id: 'CUST-1' }, { type: 'message', id: 'msg-1' }], 'related objects accumulate');
  assert.equal(updated.exception.slaDueAt, e.slaDueAt, 'an update keeps the SLA clock running');
  const keyed = await raise(creditHold('order-raise-1', { dedupeKey: 'evt-7', facts: { seenAt: 1 } }));
  assert.equal(keyed.result, 'updated');
  const redelivered = await raise(creditHold('order-raise-1', { dedupeKey: 'evt-7', facts: { seenAt: 2 } }));
  assert.equal(redelivered.result, 'unchanged', 'the same occurrence again, even with volatile facts');
  assert.equal(redelivered.exception.facts['seenAt'], 1);
  const other = await raise({ ...creditHold('order-raise-1'), type: 'pricing_variance' });
  assert.equal(other.result, 'raised', 'another type on the same subject is its own exception');
  assert.notEqual(other.exception.id, e.id);

  assert.deepEqual((await events(e.id)).map((x) => x.type), ['crossdock.exception.raised', 'crossdock.exception.updated', 'crossdock.exception.updated']);
  const detail = await call('GET', `/v1/exceptions/${e.id}`, 'viewer');
  assert.equal(detail.status, 200);
  assert.deepEqual(detail.body.audit.map((a: { what: string }) => a.what), ['raised', 'updated', 'updated']);
  const timers = await t.app.services.timers.list({ kind: 'exception.sla', limit: 50 });
  assert.ok(timers.items.some((x) => x.key === `exception-sla:${e.id}:${Date.parse(e.slaDueAt)}` && x.status === 'pending'), 'the SLA clock is a durable timer');
});

test('concurrent raises of one subject and type make exactly one live exception (race decided by the unique index)', async () => {
  const subject = { type: 'order_line', id: 'order-race:1' } as const;
  const outcomes = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      raise({ type: 'stock_shortage', subject, facts: { attempt: i }, rootCause: { code: 'no_stock', message: 'no location has stock' }, priorityInputs: {} }),
    ),
  );
  assert.equal(outcomes.filter((o) => o.result === 'raised').length, 1);
  assert.equal(new Set(outcomes.map((o) => o.exception.id)).size, 1);
  const live = await t.testStore.store.db.selectFrom('exceptions').select('id').where('subject_id', '=', subject.id).where('closed_at', 'is', null).execute();
  assert.equal(live.length, 1);
});

test('resolving by condition records why, cancels the SLA timer, is idempotent; a later raise opens a new exception', async () => {
  const subject = { type: 'order', id: 'order-resolve-1' } as const;
  const { exception: first } = await raise(creditHold(subject.id));
  t.clock.advance(5 * MIN);
  const resolved = await resolve({ type: 'credit_hold', subject }, { reason: 'payment received; exposure within the limit', by: 'condition' });
  assert.equal(resolved.result, 'resolved');
  const closed = resolved.exceptions[0]!;
  assert.equal(closed.state, 'resolved');
  assert.deepEqual([closed.resolution?.by, closed.resolution?.reason, closed.resolution?.actor.name], ['condition', 'payment received; exposure within the limit', 'system']);
  assert.equal(closed.closedAt, new Date(t.clock.now()).toISOString());
  assert.equal((await resolve({ type: 'credit_hold', subject }, { reason: 'again', by: 'condition' })).result, 'not_live');
  const timer = (await t.app.services.timers.list({ kind: 'exception.sla', status: 'cancelled', limit: 100 })).items.find((x) => x.key.startsWith(`exception-sla:${first.id}:`));
  assert.ok(timer, 'the SLA timer of a closed exception is cancelled');
  assert.deepEqual((await events(first.id)).map((x) => x.type), ['crossdock.exception.raised', 'crossdock.exception.resolved']);

  const again = await raise(creditHold(subject.id));
  assert.equal(again.result, 'raised');
  assert.notEqual(again.exception.id, first.id);
  await raise({ ...creditHold(subject.id), type: 'pricing_variance' });
  const all = await resolve({ subject }, { reason: 'order cancelled', by: 'condition' });
  assert.deepEqual(all.exceptions.map((x) => x.type).sort(), ['credit_hold', 'pricing_variance'], 'with no type, every live exception of the subject resolves');
});

test('queues filter by role, type, state and subject, sort by priority, age and SLA due, and page by keyset', async () => {
  const scoped = await keyFor('queue lead', ['admin'], 'LIST');
  const made: Array<{ id: string; priority: number; raisedAt: string; slaDueAt: string; type: string; queueRole: string }> = [];
  const tiers = ['occasional', 'strategic', 'standard', 'key'] as const;
  for (let i = 0; i < 9; i++) {
    const type = (['credit_hold', 'invoice_mismatch', 'stock_shortage'] as const)[i % 3]!;
    const { exception } = await raise({
      type,
      subject: { type: 'order', id: `order-list-${i}` },
      partnerCode: 'LIST',
      rootCause: { code: 'test', message: 'listing' },
      priorityInputs: { customerTier: tiers[i % 4], orderValue: { amountMinor: (i % 5) * 100_000, currency: 'USD' } },
      ...(i === 4 ? { slaDueAtMs: t.clock.now() + 10 * MIN } : {}),
    });
    made.push(exception);
    t.clock.advance(1_000);
  }
  const pages = async (query: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let count = 0;
    do {
      const res = await call('GET', `/v1/exceptions?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, scoped);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
      assert.ok(++count < 20);
    } while (cursor);
    return ids;
  };
  const finance = made.filter((x) => x.queueRole === 'finance');
  assert.equal(finance.length, 6, 'credit holds and invoice mismatches sit in the finance queue');
  const byPriority = [...finance].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id)).map((x) => x.id);
  assert.deepEqual(await pages('queue=finance&sort=priority'), byPriority);
  assert.deepEqual(await pages('queue=finance&sort=age'), finance.map((x) => x.id), 'oldest first');
  const bySla = [...finance].sort((a, b) => Date.parse(a.slaDueAt) - Date.parse(b.slaDueAt) || a.id.localeCompare(b.id)).map((x) => x.id);
  assert.deepEqual(await pages('queue=finance&sort=slaDue'), bySla);
  assert.deepEqual(await pages('sort=priority'), [...made].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id)).map((x) => x.id), 'every queue');
  assert.deepEqual(await pages('queue=planner&type=stock_shortage&sort=age'), made.filter((x) => x.type === 'stock_shortage').map((x) => x.id));
  assert.deepEqual(await pages('type=invoice_mismatch&sort=age'), made.filter((x) => x.type === 'invoice_mismatch').map((x) => x.id));
  assert.deepEqual(await pages(`subjectType=order&subjectId=order-list-3&sort=age`), [made[3]!.id]);

  const claimed = await call('POST', `/v1/exceptions/${made[0]!.id}/claim`, scoped);
  assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
  assert.deepEqual(await pages('state=claimed&sort=age'), [made[0]!.id]);
  assert.deepEqual(await pages('state=open&queue=finance&sort=age'), finance.slice(1).map((x) => x.id));
  assert.deepEqual(await pages('assignee=queue%20lead&sort=age'), [made[0]!.id]);
  const dismissed = await call('POST', `/v1/exceptions/${made[1]!.id}/actions/dismiss`, scoped, { reason: 'duplicate of an ERP case' });
  assert.equal(dismissed.status, 200, JSON.stringify(dismissed.body));
  assert.deepEqual(await pages('state=dismissed&sort=age'), [made[1]!.id]);
  assert.ok(!(await pages('queue=finance&sort=age')).includes(made[1]!.id), 'closed exceptions leave the queue');

  const first = await call('GET', '/v1/exceptions?sort=priority&limit=1', scoped);
  const wrongSort = await call('GET', `/v1/exceptions?sort=age&limit=1&cursor=${first.body.nextCursor}`, scoped);
  assert.equal(wrongSort.status, 400);
  assert.equal(wrongSort.body.error.code, 'invalid_cursor');
  assert.equal((await call('GET', '/v1/exceptions?cursor=garbage', scoped)).body.error.code, 'invalid_cursor');
  assert.equal((await call('GET', '/v1/exceptions?queue=nobody', scoped)).status, 400);
  assert.equal((await call('GET', '/v1/exceptions?subjectType=order', scoped)).body.error.details[0].path, 'querystring.subjectId');
});

test('authorisation matrix: claim, assign and resolve only by the role of the current level or admin; a viewer reads only', async () => {
  const expectedAllowed = new Set<Role>(['finance', 'admin']);
  const problems: string[] = [];
  for (const role of roles) {
    for (const verb of ['claim', 'assign', 'resolve'] as const) {
      const { exception } = await raise({
        type: 'invoice_mismatch',
        subject: { type: 'invoice', id: `inv-matrix-${role}-${verb}` },
        rootCause: { code: 'amount_differs', message: 'invoice total differs from shipped value' },
      });
      const url = verb === 'resolve' ? `/v1/exceptions/${exception.id}/actions/resolve` : `/v1/exceptions/${exception.id}/${verb}`;
      const payload = verb === 'claim' ? undefined : verb === 'assign' ? { assignee: 'ann' } : { reason: 'credit memo issued' };
      const res = await call('POST', url, role, payload);
      const want = expectedAllowed.has(role) ? 200 : 403;
      if (res.status !== want) problems.push(`${role} ${verb} → ${res.status} (wanted ${want})`);
      const read = await call('GET', `/v1/exceptions/${exception.id}`, role);
      if (read.status !== 200) problems.push(`${role} read → ${read.status}`);
    }
  }
  assert.deepEqual(problems, []);

  const { exception } = await raise(creditHold('order-matrix-actions'));
  const notAllowed = await call('POST', `/v1/exceptions/${exception.id}/actions/accept_drift`, 'finance', {});
  assert.equal(notAllowed.status, 422);
  assert.equal(notAllowed.body.error.code, 'action_not_allowed');
  const noReason = await call('POST', `/v1/exceptions/${(await raise({ type: 'sequence_gap', subject: { type: 'location', id: 'WH-GAP' }, rootCause: { code: 'gap', message: 'sequence 7 missing' } })).exception.id}/actions/resolve`, 'integration', {});
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body.error.details[0].path, 'body.reason');
  assert.equal((await call('POST', `/v1/exceptions/${exception.id}/actions/teleport`, 'finance', {})).status, 400);

  const finance2 = await keyFor('finance two', ['finance']);
  assert.equal((await call('POST', `/v1/exceptions/${exception.id}/claim`, 'finance')).body.result, 'claimed');
  assert.equal((await call('POST', `/v1/exceptions/${exception.id}/claim`, 'finance')).body.result, 'unchanged');
  const taken = await call('POST', `/v1/exceptions/${exception.id}/claim`, finance2);
  assert.equal(taken.status, 409);
  assert.equal(taken.body.error.code, 'conflict');
  const reassigned = await call('POST', `/v1/exceptions/${exception.id}/assign`, finance2, { assignee: 'finance two', reason: 'Ann is out today' });
  assert.deepEqual([reassigned.status, reassigned.body.result, reassigned.body.exception.assignee.name, reassigned.body.exception.state], [200, 'assigned', 'finance two', 'claimed']);
  const unassigned = await call('POST', `/v1/exceptions/${exception.id}/assign`, finance2, { assignee: null });
  assert.deepEqual([unassigned.body.result, unassigned.body.exception.assignee, unassigned.body.exception.state], ['unassigned', null, 'open']);
  await resolve({ type: 'credit_hold', subject: exception.subject }, { reason: 'hold released', by: 'condition' });
  const late = await call('POST', `/v1/exceptions/${exception.id}/claim`, 'finance');
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, 'invalid_state');
  assert.equal((await call('POST', `/v1/exceptions/00000000-0000-7000-8000-000000000000/claim`, 'finance')).status, 404);
});

test('a partner-scoped key sees and works only its partner’s exceptions', async () => {
  const acme = await raise({ ...creditHold('order-acme-1'), partnerCode: 'ACME' });
  const globex = await raise({ ...creditHold('order-globex-1'), partnerCode: 'GLOBEX' });
  const acmeKey = await keyFor('acme finance', ['finance'], 'ACME');
  const listed = await call('GET', '/v1/exceptions?queue=finance&limit=500', acmeKey);
  assert.equal(listed.status, 200);
  assert.ok(listed.body.items.length >= 1);
  assert.ok(listed.body.items.every((x: { partnerCode: string }) => x.partnerCode === 'ACME'));
  assert.equal((await call('GET', `/v1/exceptions/${acme.exception.id}`, acmeKey)).status, 200);
  assert.equal((await call('GET', `/v1/exceptions/${globex.exception.id}`, acmeKey)).status, 404);
  assert.equal((await call('GET', `/v1/exceptions/${globex.exception.id}/audit`, acmeKey)).status, 404);
  assert.equal((await call('POST', `/v1/exceptions/${globex.exception.id}/claim`, acmeKey)).status, 404);
  assert.equal((await call('POST', `/v1/exceptions/${acme.exception.id}/claim`, acmeKey)).status, 200);
  const all = await call('GET', '/v1/exceptions?queue=finance&limit=500', 'viewer');
  assert.ok(all.body.items.some((x: { id: string }) => x.id === globex.exception.id), 'an unscoped key sees every partner');
});

test('audit trail: who did what and when, with the exception before and after each step', async () => {
  const { exception } = await raise({ type: 'invoice_mismatch', subject: { type: 'invoice', id: 'inv-audit-1' }, rootCause: { code: 'amount_differs', message: 'differs' }, facts: { deltaMinor: 500 } });
  t.clock.advance(MIN);
  await raise({ type: 'invoice_mismatch', subject: { type: 'invoice', id: 'inv-audit-1' }, rootCause: { code: 'amount_differs', message: 'differs' }, facts: { deltaMinor: 700 } });
  t.clock.advance(MIN);
  await call('POST', `/v1/exceptions/${exception.id}/claim`, 'finance');
  await call('POST', `/v1/exceptions/${exception.id}/assign`, 'admin', { assignee: 'bea', reason: 'owns this customer' });
  t.clock.advance(MIN);
  const done = await call('POST', `/v1/exceptions/${exception.id}/actions/resolve`, 'finance', { reason: 'credit memo CM-9 issued' });
  assert.equal(done.status, 200);
  assert.deepEqual([done.body.exception.state, done.body.exception.resolution.by, done.body.exception.resolution.action, done.body.exception.resolution.actor.name], ['resolved', 'action', 'resolve', 'test finance']);

  const trail: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await call('GET', `/v1/exceptions/${exception.id}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`, 'viewer');
    assert.equal(page.status, 200);
    trail.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  assert.deepEqual(trail.map((a) => `${a.what}:${a.actor.name}`), ['raised:system', 'updated:system', 'claimed:test finance', 'assigned:test admin', 'action:test finance', 'resolved:test finance']);
  assert.deepEqual(trail.map((a) => Date.parse(a.at) - Date.parse(exception.raisedAt)), [0, MIN, 2 * MIN, 2 * MIN, 3 * MIN, 3 * MIN]);
  assert.equal(trail[0].before, null);
  assert.equal(trail[0].after.version, 1);
  assert.deepEqual([trail[1].before.facts.deltaMinor, trail[1].after.facts.deltaMinor], [500, 700]);
  assert.deepEqual([trail[3].before.assignee.name, trail[3].after.assignee.name, trail[3].detail.reason], ['test finance', 'bea', 'owns this customer']);
  assert.equal(trail[4].action, 'resolve');
  assert.equal(trail[4].detail.reason, 'credit memo CM-9 issued');
  assert.deepEqual([trail[5].before.state, trail[5].after.state], ['claimed', 'resolved']);
  assert.ok(trail.every((a) => a.actor.kind === (a.actor.name === 'system' ? 'system' : 'key')));
  assert.deepEqual((await events(exception.id)).map((x) => x.type.replace('crossdock.exception.', '')), ['raised', 'updated', 'claimed', 'assigned', 'action_taken', 'resolved']);
});

test('the registry in force is listed with its policy version', async () => {
  const res = await call('GET', '/v1/exception-types', 'viewer');
  assert.equal(res.status, 200);
  assert.equal(res.body.policyVersion, 0);
  assert.equal(res.body.items.length, 14);
  const credit = res.body.items.find((x: { type: string }) => x.type === 'credit_hold');
  assert.deepEqual([credit.ownerRole, credit.slaMinutes, credit.actions], ['finance', 240, ['release_hold', 'keep_hold']]);
});

/** One sample of a Prometheus metric from /metrics, 0 when absent; labels must match exactly as written. */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = (await t.app.http.inject({ method: 'GET', url: '/metrics' })).body;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)) && l.slice(l.indexOf('{') + 1, l.indexOf('}')).split(',').length === wanted.length);
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('SLA on a manual clock: nothing escalates early, every breach escalates once, a closed exception never escalates', async () => {
  const admin = { keyId: 'test', name: 'test admin' };
  const proposed = await t.app.services.policies.propose(
    'exceptions',
    {
      types: { return_inspection: { ownerRole: 'warehouse', slaMinutes: 60, escalation: [{ role: 'customer_service', afterBreachMinutes: 0 }, { role: 'admin', afterBreachMinutes: 30 }] } },
      priority: defaultPriorityWeights,
    },
    'returns move faster',
    admin,
  );
  await t.app.services.policies.activate('exceptions', proposed.version, admin);
  const start = t.clock.now();
  const subject = (id: string) => ({ type: 'return', id }) as const;
  const input = (id: string): RaiseInput => ({ type: 'return_inspection', subject: subject(id), rootCause: { code: 'awaiting_inspection', message: 'received, not inspected' } });
  const { exception: watched } = await raise(input('rma-sla-1'));
  const { exception: closedEarly } = await raise(input('rma-sla-2'));
  assert.equal(watched.policyVersion, proposed.version, 'the exception records the policy version it was raised under');
  assert.equal(watched.slaDueAt, new Date(start + 60 * MIN).toISOString());
  await call('POST', `/v1/exceptions/${watched.id}/claim`, 'warehouse');
  await resolve({ type: 'return_inspection', subject: subject('rma-sla-2') }, { reason: 'inspected', by: 'condition' });
  const state = async (id: string) => (await call('GET', `/v1/exceptions/${id}`, 'viewer')).body;
  const fire = () => t.app.services.timers.fireDue(1_000);

  t.clock.set(start + 60 * MIN - 1);
  await fire();
  let now = await state(watched.id);
  assert.deepEqual([now.escalationLevel, now.breachCount, now.slaBreachedAt, now.queueRole], [0, 0, null, 'warehouse'], 'nothing a millisecond early');
  const breaches = (queue: string) => metric('crossdock_exception_sla_breaches_total', { type: 'return_inspection', queue });
  const open = (queue: string, sla_state: string) => metric('crossdock_exceptions_open', { type: 'return_inspection', queue, sla_state });
  assert.deepEqual([await breaches('warehouse'), await open('warehouse', 'within'), await open('warehouse', 'breached')], [0, 1, 0]);

  t.clock.set(start + 60 * MIN);
  await fire();
  await fire();
  now = await state(watched.id);
  assert.deepEqual([now.escalationLevel, now.breachCount, now.slaBreachedAt, now.queueRole, now.assignee, now.state], [1, 1, watched.slaDueAt, 'customer_service', null, 'open']);
  assert.equal((await call('POST', `/v1/exceptions/${watched.id}/claim`, 'warehouse')).status, 403, 'escalation hands the work over');
  assert.equal((await call('POST', `/v1/exceptions/${watched.id}/claim`, 'customer_service')).status, 200);
  // The breach is on /metrics once, against the queue whose deadline passed; the gauge follows the exception.
  assert.deepEqual([await breaches('warehouse'), await breaches('customer_service'), await open('warehouse', 'within'), await open('customer_service', 'breached')], [1, 0, 0, 1]);

  t.clock.set(start + 90 * MIN - 1);
  await fire();
  assert.equal((await state(watched.id)).escalationLevel, 1);
  t.clock.set(start + 90 * MIN);
  await fire();
  now = await state(watched.id);
  assert.deepEqual([now.escalationLevel, now.breachCount, now.queueRole, now.nextEscalationAt], [2, 2, 'admin', null]);
  t.clock.advance(24 * 60 * MIN);
  await fire();
  await fire();
  now = await state(watched.id);
  assert.deepEqual([now.escalationLevel, now.breachCount], [2, 2], 'the last level stays; nothing fires twice');
  // Breaches counted on /metrics match the exceptions' breach counts: each once, however often timers fire.
  assert.deepEqual([await breaches('warehouse'), await breaches('customer_service'), await breaches('admin')], [1, 1, 0]);
  assert.equal((await breaches('warehouse')) + (await breaches('customer_service')), now.breachCount, 'the closed one never breached');
  assert.deepEqual([await open('admin', 'breached'), await open('customer_service', 'breached')], [1, 0]);

  const kinds = (await events(watched.id)).map((x) => x.type.replace('crossdock.exception.', ''));
  assert.deepEqual(kinds.filter((k) => k === 'sla_breached' || k === 'escalated'), ['sla_breached', 'escalated', 'escalated']);
  assert.deepEqual(now.audit.filter((a: { what: string }) => a.what === 'escalated').map((a: { detail: { role: string } }) => a.detail.role), ['customer_service', 'admin']);
  const early = await state(closedEarly.id);
  assert.deepEqual([early.state, early.escalationLevel, early.breachCount], ['resolved', 0, 0]);
  assert.ok(!(await events(closedEarly.id)).some((x) => x.type === 'crossdock.exception.escalated'));
});
