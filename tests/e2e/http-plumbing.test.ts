import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

test('health and readiness answer without a key', async () => {
  const health = await t.app.http.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  const ready = await t.app.http.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.equal(ready.json().status, 'ready');
});

test('correlation id is echoed when valid and made when absent or malformed', async () => {
  const echoed = await t.app.http.inject({ method: 'GET', url: '/healthz', headers: { 'x-correlation-id': 'abc-123' } });
  assert.equal(echoed.headers['x-correlation-id'], 'abc-123');
  const made = await t.app.http.inject({ method: 'GET', url: '/healthz', headers: { 'x-correlation-id': 'bad id with spaces' } });
  assert.match(String(made.headers['x-correlation-id']), /^[0-9a-f-]{36}$/);
});

test('protected routes answer 401 without a key, 401 with a bad key, 403 with the wrong role', async () => {
  const none = await t.app.http.inject({ method: 'GET', url: '/v1/api-keys' });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().error.code, 'unauthorized');
  const bad = await t.app.http.inject({ method: 'GET', url: '/v1/api-keys', headers: { authorization: 'Bearer cdk_nope' } });
  assert.equal(bad.statusCode, 401);
  const viewer = await t.app.http.inject({ method: 'GET', url: '/v1/api-keys', headers: t.as('viewer') });
  assert.equal(viewer.statusCode, 403);
  assert.equal(viewer.json().error.code, 'forbidden');
  const admin = await t.app.http.inject({ method: 'GET', url: '/v1/api-keys', headers: t.as('admin') });
  assert.equal(admin.statusCode, 200);
  assert.equal(admin.json().items.length, 8);
});

test('a revoked key stops working and revocation is idempotent', async () => {
  const created = await t.app.http.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: t.as('admin'),
    payload: { name: 'short-lived', roles: ['viewer'] },
  });
  assert.equal(created.statusCode, 201);
  const { key, secret } = created.json();
  const ok = await t.app.http.inject({ method: 'GET', url: '/readyz', headers: { 'x-api-key': secret } });
  assert.equal(ok.statusCode, 200);
  for (let i = 0; i < 2; i++) {
    const revoked = await t.app.http.inject({ method: 'POST', url: `/v1/api-keys/${key.id}/revoke`, headers: t.as('admin') });
    assert.equal(revoked.statusCode, 200);
    assert.ok(revoked.json().revokedAt);
  }
  const denied = await t.app.http.inject({ method: 'GET', url: '/v1/api-keys', headers: { 'x-api-key': secret } });
  assert.equal(denied.statusCode, 401);
});

test('validation errors name the field; malformed JSON and unknown routes get codes', async () => {
  const bad = await t.app.http.inject({ method: 'POST', url: '/v1/api-keys', headers: t.as('admin'), payload: { name: 'x', roles: ['wizard'] } });
  assert.equal(bad.statusCode, 400);
  const body = bad.json();
  assert.equal(body.error.code, 'validation_failed');
  assert.equal(body.error.details[0].path, 'body.roles.0');
  const malformed = await t.app.http.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { ...t.as('admin'), 'content-type': 'application/json' },
    payload: '{"name":',
  });
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().error.code, 'invalid_json');
  const missing = await t.app.http.inject({ method: 'GET', url: '/v1/nothing-here', headers: t.as('admin') });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'route_not_found');
});

test('OpenAPI document and docs UI are served', async () => {
  const doc = await t.app.http.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(doc.statusCode, 200);
  assert.equal(doc.json().openapi, '3.0.3');
  const ui = await t.app.http.inject({ method: 'GET', url: '/docs/' });
  assert.equal(ui.statusCode, 200);
  assert.match(ui.body, /swagger/i);
});

test('metrics expose request latency in Prometheus format', async () => {
  const res = await t.app.http.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /crossdock_http_request_duration_seconds_bucket/);
  // The process's own figures, collected once per process, are scraped beside the app's.
  assert.match(res.body, /^crossdock_process_process_cpu_user_seconds_total \d/m);
  assert.match(res.body, /^crossdock_process_nodejs_eventloop_lag_seconds \d/m);
});
