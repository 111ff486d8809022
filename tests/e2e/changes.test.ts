import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * The change feed the dashboard long-polls (`GET /v1/changes`): topics since a position, answered at
 * once when there are some and otherwise when one is committed during the wait, over real HTTP on
 * the selected store. Any role may ask; a partner-scoped key may not.
 */
let t: TestApp;
let base: string;

before(async () => {
  t = await createTestApp();
  base = await t.app.http.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => t.dispose());

const append = (type: string, subject: string) =>
  t.testStore.store.db.transaction().execute((tx) => t.app.services.outbox.append(tx, { source: '/crossdock/test', type, subject, data: {} }));

async function changes(query: string, role: Parameters<TestApp['as']>[0] = 'planner') {
  const res = await fetch(`${base}/v1/changes?${query}`, { headers: t.as(role) });
  return { status: res.status, body: (await res.json()) as { position: number; topics: string[]; more: boolean; error?: { code: string; message: string } } };
}

test('from the current position, the topics of what was committed since, once each', async () => {
  const start = await changes('');
  assert.equal(start.status, 200);
  assert.deepEqual(start.body.topics, []);
  await append('crossdock.order.released', 'order:O-1');
  await append('crossdock.exception.raised', 'exception:X-1');
  await append('crossdock.order.shipped', 'order:O-1');
  const next = await changes(`after=${start.body.position}`);
  assert.deepEqual(next.body.topics, ['exception', 'order']);
  assert.equal(next.body.more, false);
  assert.ok(next.body.position > start.body.position);
  // Nothing since: without a wait the answer is at once, empty, at the same position.
  const idle = await changes(`after=${next.body.position}`, 'warehouse');
  assert.deepEqual(idle.body, { position: next.body.position, topics: [], more: false });
});

test('a long poll answers when a change is committed during its wait, not at the end of it', async () => {
  const { body: start } = await changes('');
  const waiting = changes(`after=${start.position}&waitMs=20000`, 'customer_service');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await append('crossdock.inventory.adjusted', 'inventory:SKU-1@DC-1');
  const answered = await waiting;
  assert.equal(answered.status, 200);
  assert.deepEqual(answered.body.topics, ['inventory']);
  // It answered well before its 20-second wait ran out; the test would time out otherwise.
});

test('a position beyond the feed (a store restored from a backup) answers the end with everything changed', async () => {
  const { body: start } = await changes('');
  const res = await changes(`after=${start.position + 1_000}`);
  assert.deepEqual(res.body, { position: start.position, topics: ['*'], more: false });
});

test('a wait beyond the bound is a 400 naming waitMs; no key is a 401; a partner-scoped key is refused', async () => {
  const long = await changes('after=0&waitMs=60000');
  assert.equal(long.status, 400);
  assert.match(JSON.stringify(long.body), /waitMs/);
  const anonymous = await fetch(`${base}/v1/changes`);
  assert.equal(anonymous.status, 401);
  const created = await fetch(`${base}/v1/api-keys`, {
    method: 'POST',
    headers: { ...t.as('admin'), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'acme edi', roles: ['integration'], partnerCode: 'ACME' }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { secret } = (await created.json()) as { secret: string };
  const partner = await fetch(`${base}/v1/changes`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(partner.status, 403);
  assert.match(((await partner.json()) as { error: { message: string } }).error.message, /trading partner/);
});
