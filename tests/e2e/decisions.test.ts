import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { isoTime } from '../../src/platform/clock.ts';
import type { Decision, NewDecision } from '../../src/domains/decisions/index.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

let t: TestApp;
let recorded: Decision[];
before(async () => {
  t = await createTestApp();
  const make = (subjectId: string, kind: NewDecision['kind'], outcome: string): NewDecision => ({
    kind,
    subject: { type: 'order', id: subjectId },
    outcome,
    reasons: [{ code: 'rule', message: `${kind} said ${outcome}` }],
    inputs: { subjectId },
    policyId: kind,
    policyVersion: 1,
    madeBy: 'rule',
    appliedAutomatically: true,
    madeAt: isoTime(t.clock.now()),
  });
  recorded = [];
  for (const [subjectId, kind, outcome] of [
    ['o-1', 'credit', 'hold'],
    ['o-1', 'credit', 'release'],
    ['o-2', 'sourcing', 'split'],
  ] as const) {
    t.clock.advance(1_000);
    recorded.push(...(await t.testStore.store.db.transaction().execute((tx) => t.app.services.decisions.record(tx, [make(subjectId, kind, outcome)]))));
  }
});
after(async () => t.dispose());

const get = (url: string, as?: Role) => t.app.http.inject({ method: 'GET', url, headers: as ? t.as(as) : {} });

test('a viewer lists decisions newest first, filtered and paged', async () => {
  const all = await get('/v1/decisions', 'viewer');
  assert.equal(all.statusCode, 200, all.body);
  assert.deepEqual(all.json().items.map((d: Decision) => d.id), [...recorded].reverse().map((d) => d.id));
  assert.equal(all.json().nextCursor, null);

  const credit = await get('/v1/decisions?kind=credit&limit=1', 'viewer');
  assert.equal(credit.statusCode, 200, credit.body);
  assert.deepEqual(credit.json().items, [recorded[1]]);
  const next = await get(`/v1/decisions?kind=credit&limit=1&cursor=${credit.json().nextCursor}`, 'viewer');
  assert.deepEqual(next.json(), { items: [recorded[0]], nextCursor: null });

  const bySubject = await get('/v1/decisions?subjectType=order&subjectId=o-1&outcome=hold', 'finance');
  assert.deepEqual(bySubject.json().items.map((d: Decision) => d.outcome), ['hold']);
});

test('one decision by id; unknown id is 404, a half subject filter or bad cursor is 400, no key is 401', async () => {
  const one = await get(`/v1/decisions/${recorded[2]!.id}`, 'viewer');
  assert.equal(one.statusCode, 200, one.body);
  assert.deepEqual(one.json(), recorded[2]);

  const missing = await get('/v1/decisions/0190b6a0-0000-7000-8000-000000000000', 'viewer');
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'not_found');
  assert.equal((await get('/v1/decisions/not-a-uuid', 'viewer')).statusCode, 400);

  const half = await get('/v1/decisions?subjectId=o-1', 'viewer');
  assert.equal(half.statusCode, 400);
  assert.equal(half.json().error.code, 'validation_failed');
  assert.equal(half.json().error.details[0].path, 'querystring.subjectType');
  assert.equal((await get('/v1/decisions?kind=astrology', 'viewer')).statusCode, 400);
  assert.equal((await get('/v1/decisions?cursor=garbage', 'viewer')).json().error.code, 'invalid_cursor');
  assert.equal((await get('/v1/decisions')).statusCode, 401);
});

test('orderId lists the decisions about an order and its lines, newest first, and no other order’s', async () => {
  const decide = (type: 'order' | 'order_line', id: string, outcome: string): NewDecision => ({
    kind: type === 'order' ? 'credit' : 'sourcing',
    subject: { type, id },
    outcome,
    reasons: [{ code: 'rule', message: outcome }],
    inputs: {},
    policyId: 'sourcing',
    policyVersion: 0,
    madeBy: 'rule',
    appliedAutomatically: true,
    madeAt: isoTime(t.clock.now()),
  });
  const mine: Decision[] = [];
  // `ord-1` and `ord-10` share a prefix; `ord-10:1` is a line of another order.
  for (const [type, id, outcome] of [
    ['order', 'ord-1', 'release'],
    ['order_line', 'ord-1:1', 'allocate'],
    ['order_line', 'ord-10:1', 'split'],
    ['order_line', 'ord-1:2', 'backorder'],
    ['order', 'ord-10', 'hold'],
  ] as const) {
    t.clock.advance(1_000);
    const [stored] = await t.testStore.store.db.transaction().execute((tx) => t.app.services.decisions.record(tx, [decide(type, id, outcome)]));
    if (!id.startsWith('ord-10')) mine.push(stored!);
  }
  const all = await get('/v1/decisions?orderId=ord-1', 'viewer');
  assert.equal(all.statusCode, 200, all.body);
  assert.deepEqual(all.json().items, [...mine].reverse());
  const first = await get('/v1/decisions?orderId=ord-1&limit=2', 'viewer');
  const rest = await get(`/v1/decisions?orderId=ord-1&limit=2&cursor=${first.json().nextCursor}`, 'viewer');
  assert.deepEqual([...first.json().items, ...rest.json().items], [...mine].reverse(), 'paged the same');
  const sourcing = await get('/v1/decisions?orderId=ord-1&kind=sourcing', 'viewer');
  assert.deepEqual(sourcing.json().items.map((d: Decision) => d.subject.id), ['ord-1:2', 'ord-1:1']);
  assert.deepEqual((await get('/v1/decisions?orderId=nobody', 'viewer')).json(), { items: [], nextCursor: null });
});
