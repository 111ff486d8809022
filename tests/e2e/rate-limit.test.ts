import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { auth: { rateLimitPerMinute: 3 } } });
});
after(async () => t.dispose());

test('a key over its limit gets 429 with Retry-After; other keys and public routes are unaffected', async () => {
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 4; i++) {
    last = await t.app.http.inject({ method: 'GET', url: '/v1/schemas', headers: t.as('viewer') });
    statuses.push(last.statusCode);
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  assert.equal(last!.json().error.code, 'rate_limited');
  const retryAfter = Number(last!.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After is ${last!.headers['retry-after']}`);

  const other = await t.app.http.inject({ method: 'GET', url: '/v1/schemas', headers: t.as('planner') });
  assert.equal(other.statusCode, 200, 'limits are per key');
  for (let i = 0; i < 5; i++) {
    assert.equal((await t.app.http.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  }
});

test("a key's own limit overrides the default", async () => {
  const { secret } = await t.app.services.keys.create({ name: 'bulk loader', roles: ['integration'], rateLimitPerMinute: 10 });
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    statuses.push((await t.app.http.inject({ method: 'GET', url: '/v1/schemas', headers: { 'x-api-key': secret } })).statusCode);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
});
