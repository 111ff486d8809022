import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { holdsPolicy } from '../../src/domains/policies/index.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

const call = (method: 'GET' | 'POST', url: string, options: { as?: Role; body?: unknown } = {}) =>
  t.app.http.inject({ method, url, headers: options.as ? t.as(options.as) : {}, ...(options.body !== undefined && { payload: options.body as string }) });

test('kinds are listed with their defaults in force as version 0', async () => {
  const res = await call('GET', '/v1/policies', { as: 'viewer' });
  assert.equal(res.statusCode, 200, res.body);
  const items = res.json().items as Array<{ kind: string; description: string; active: { version: number; status: string } }>;
  assert.deepEqual(items.map((i) => i.kind), ['credit', 'exceptions', 'holds', 'invoicing', 'pricing', 'returns', 'short_ship', 'sourcing']);
  assert.ok(items.every((i) => i.active.version === 0 && i.active.status === 'default' && i.description));
  // Substitutions have one home: when one needs approval is in sourcing, who approves and how soon in holds.
  const removed = await call('GET', '/v1/policies/substitution/active', { as: 'viewer' });
  assert.equal(removed.statusCode, 404);
  assert.match(removed.json().error.message, /unknown policy kind "substitution"/);
  const active = await call('GET', '/v1/policies/holds/active', { as: 'warehouse' });
  assert.equal(active.statusCode, 200);
  assert.deepEqual(active.json(), { kind: 'holds', version: 0, status: 'default', document: holdsPolicy.defaults, activatedAt: null });
});

test('admins propose and activate; other roles read only', async () => {
  const document = { ...holdsPolicy.defaults, credit: { ownerRole: 'finance', slaHours: 8 } };
  const refused = await call('POST', '/v1/policies/holds', { as: 'viewer', body: { document } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().error.code, 'forbidden');
  assert.equal((await call('POST', '/v1/policies/holds', { body: { document } })).statusCode, 401);

  const proposed = await call('POST', '/v1/policies/holds', { as: 'admin', body: { document, comment: 'finance needs a working day' } });
  assert.equal(proposed.statusCode, 201, proposed.body);
  assert.equal(proposed.headers.location, '/v1/policies/holds/1');
  const v1 = proposed.json();
  assert.equal(v1.version, 1);
  assert.equal(v1.status, 'draft');
  assert.equal(v1.createdBy.name, 'test admin');
  assert.match(v1.createdBy.keyId, /^[0-9a-f]{32}$/);

  const notAllowed = await call('POST', '/v1/policies/holds/1/activate', { as: 'finance' });
  assert.equal(notAllowed.statusCode, 403);
  const activated = await call('POST', '/v1/policies/holds/1/activate', { as: 'admin' });
  assert.equal(activated.statusCode, 200, activated.body);
  assert.equal(activated.json().status, 'active');
  assert.equal(activated.json().activatedBy.name, 'test admin');

  const active = await call('GET', '/v1/policies/holds/active', { as: 'viewer' });
  assert.equal(active.json().version, 1);
  assert.equal(active.json().document.credit.slaHours, 8);

  const v2 = await call('POST', '/v1/policies/holds', { as: 'admin', body: { document: { ...document, compliance: { ownerRole: 'admin', slaHours: 2 } } } });
  assert.equal(v2.statusCode, 201);
  assert.equal((await call('POST', '/v1/policies/holds/2/activate', { as: 'admin', body: {} })).statusCode, 200);
  const history = await call('GET', '/v1/policies/holds', { as: 'viewer' });
  assert.deepEqual(history.json().items.map((v: { version: number; status: string }) => [v.version, v.status]), [
    [2, 'active'],
    [1, 'retired'],
  ]);
  const one = await call('GET', '/v1/policies/holds/1', { as: 'viewer' });
  assert.equal(one.statusCode, 200);
  assert.equal(one.json().comment, 'finance needs a working day');
  const retired = await call('POST', '/v1/policies/holds/1/activate', { as: 'admin' });
  assert.equal(retired.statusCode, 409);
  assert.equal(retired.json().error.code, 'invalid_state');

  const diff = await call('GET', '/v1/policies/holds/diff?from=1&to=2', { as: 'viewer' });
  assert.equal(diff.statusCode, 200, diff.body);
  assert.deepEqual(diff.json(), {
    kind: 'holds',
    from: 1,
    to: 2,
    changes: [
      { path: 'compliance.ownerRole', change: 'changed', before: 'customer_service', after: 'admin' },
      { path: 'compliance.slaHours', change: 'changed', before: 24, after: 2 },
    ],
  });
  const fromDefaults = await call('GET', '/v1/policies/holds/diff?from=0&to=1', { as: 'viewer' });
  assert.deepEqual(fromDefaults.json().changes.map((c: { path: string }) => c.path), ['credit.slaHours']);
  const missingVersion = await call('GET', '/v1/policies/holds/diff?from=1&to=9', { as: 'viewer' });
  assert.equal(missingVersion.statusCode, 404);
  assert.equal(missingVersion.json().error.details[0].path, 'querystring.to');
  const noQuery = await call('GET', '/v1/policies/holds/diff', { as: 'viewer' });
  assert.equal(noQuery.statusCode, 400);
});

test('an invalid document is refused with the path of the field to fix', async () => {
  const document = { ...holdsPolicy.defaults, credit: { ownerRole: 'finance', slaHours: 0 } };
  const res = await call('POST', '/v1/policies/holds', { as: 'admin', body: { document } });
  assert.equal(res.statusCode, 400);
  const { error } = res.json();
  assert.equal(error.code, 'validation_failed');
  assert.equal(error.details[0].path, 'body.document.credit.slaHours');
  assert.match(error.message, /^body\.document\.credit\.slaHours: /);

  const badRole = await call('POST', '/v1/policies/holds', { as: 'admin', body: { document: { ...holdsPolicy.defaults, pricing: { ownerRole: 'nobody', slaHours: 4 } } } });
  assert.equal(badRole.json().error.details[0].path, 'body.document.pricing.ownerRole');
  const noDocument = await call('POST', '/v1/policies/invoicing', { as: 'admin', body: { comment: 'x' } });
  assert.equal(noDocument.statusCode, 400);
  assert.equal(noDocument.json().error.details[0].path, 'body.document');
  const unknownField = await call('POST', '/v1/policies/invoicing', { as: 'admin', body: { document: { mode: 'per_shipment', when: 'now' } } });
  assert.equal(unknownField.json().error.details[0].path, 'body.document.when');
});

test('an unknown kind or version is a 404 naming the known kinds', async () => {
  for (const url of ['/v1/policies/nope', '/v1/policies/nope/active', '/v1/policies/nope/schema', '/v1/policies/nope/1', '/v1/policies/nope/diff?from=0&to=1']) {
    const res = await call('GET', url, { as: 'viewer' });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error.code, 'not_found');
    assert.match(res.json().error.message, /unknown policy kind "nope"; known kinds: credit, exceptions, holds, invoicing/);
    assert.equal(res.json().error.details[0].path, 'params.kind');
  }
  const proposed = await call('POST', '/v1/policies/nope', { as: 'admin', body: { document: {} } });
  assert.equal(proposed.statusCode, 404);
  const version = await call('GET', '/v1/policies/credit/42', { as: 'viewer' });
  assert.equal(version.statusCode, 404);
  assert.equal(version.json().error.details[0].path, 'params.version');
  const badVersion = await call('GET', '/v1/policies/credit/zero', { as: 'viewer' });
  assert.equal(badVersion.statusCode, 400);
});

test("each kind's JSON Schema describes its fields", async () => {
  const res = await call('GET', '/v1/policies/returns/schema', { as: 'viewer' });
  assert.equal(res.statusCode, 200, res.body);
  const schema = res.json();
  assert.equal(schema.type, 'object');
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(Object.keys(schema.properties).sort(), ['reasonCodes', 'restockInspectionRequired', 'windowDays']);
  assert.match(schema.properties.windowDays.description, /Days after delivery/);
});
