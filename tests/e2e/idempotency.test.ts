import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

// The contract itself is tested on a small app in src/platform/idempotency/idempotency.db.test.ts;
// this file checks that the hub wires it: migrated table, configured retention, injected clock.
let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { idempotency: { retentionHours: 2 } } });
});
after(async () => t.dispose());

test('the hub keeps idempotency keys for idempotency.retentionHours on its clock', async () => {
  const { idempotency } = t.app.services;
  assert.equal(idempotency.retentionMs, 2 * 3_600_000);
  const claim = { scope: 'key-1', key: 'order-1', fingerprint: 'POST /v1/orders sha256:abc' };
  assert.deepEqual(await idempotency.begin(claim), { kind: 'claimed' });
  assert.deepEqual(await idempotency.begin(claim), { kind: 'in_progress' });
  assert.deepEqual(await idempotency.begin({ ...claim, fingerprint: 'POST /v1/orders sha256:def' }), { kind: 'mismatch' });
  await idempotency.complete(claim, { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from('{"id":"o-1"}') });
  const replay = await idempotency.begin(claim);
  assert.equal(replay.kind, 'replay');
  assert.equal(replay.kind === 'replay' && replay.response.body.toString(), '{"id":"o-1"}');
  t.clock.advance(2 * 3_600_000);
  assert.deepEqual(await idempotency.begin({ ...claim, fingerprint: 'POST /v1/orders sha256:def' }), { kind: 'claimed' });
  t.clock.advance(2 * 3_600_000);
  assert.equal(await idempotency.purgeExpired(), 1);
});
