import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createTestStore, type TestStore } from '../../../tests/helpers/store.ts';
import { ManualClock } from '../clock.ts';
import type { Executor } from '../db/store.ts';
import { uuidV7Generator } from '../ids.ts';
import { seededRandom } from '../random.ts';
import { createApiKeyService } from './api-keys.service.ts';

let t: TestStore;
before(async () => {
  t = await createTestStore();
});
after(async () => t.dispose());

let seed = 0;

/** The service over an executor that counts reads of api_keys, on a ManualClock. */
function harness(options: { maxCachedKeys?: number } = {}) {
  const clock = new ManualClock();
  const random = seededRandom(++seed);
  const counts = { reads: 0, touches: 0 };
  const real = t.store.db;
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === 'selectFrom') {
        return (...args: Parameters<Executor['selectFrom']>) => {
          counts.reads += 1;
          return (target.selectFrom as (...a: unknown[]) => unknown)(...args);
        };
      }
      if (prop === 'updateTable') {
        return (...args: Parameters<Executor['updateTable']>) => {
          counts.touches += 1;
          return (target.updateTable as (...a: unknown[]) => unknown)(...args);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const errors: unknown[] = [];
  const keys = createApiKeyService({ db, clock, ids: uuidV7Generator(clock, random), random, onTouchError: (e) => errors.push(e), ...options });
  const reset = () => {
    counts.reads = 0;
    counts.touches = 0;
  };
  return { keys, clock, counts, reset, errors };
}

test('a cached authentication skips the database; a revocation elsewhere shows after the TTL', async () => {
  const { keys, clock, counts, reset } = harness();
  const { key, secret } = await keys.create({ name: 'cache', roles: ['integration'] });
  reset();
  const first = await keys.authenticate(secret);
  assert.equal(first?.keyId, key.id);
  assert.equal(counts.reads, 1, 'the first authentication reads the row');

  for (let i = 0; i < 5; i++) assert.deepEqual(await keys.authenticate(secret), first);
  assert.equal(counts.reads, 1, 'hits read nothing');

  // Revoked behind the service's back (another node): trusted from memory within the TTL…
  await sql`update api_keys set revoked_at = ${clock.now()} where id = ${key.id}`.execute(t.store.db);
  clock.advance(5_000);
  assert.deepEqual(await keys.authenticate(secret), first, 'still cached at exactly the TTL');
  assert.equal(counts.reads, 1);
  // …and refused once it has passed.
  clock.advance(1);
  assert.equal(await keys.authenticate(secret), null);
  assert.equal(counts.reads, 2);
});

test('a clock that goes backwards does not extend the cache', async () => {
  const { keys, clock, counts, reset } = harness();
  const { secret } = await keys.create({ name: 'jump', roles: ['integration'] });
  await keys.authenticate(secret);
  reset();
  clock.set(clock.now() - 1);
  assert.ok(await keys.authenticate(secret));
  assert.equal(counts.reads, 1, 'an entry from the future is re-read');
});

test('a revocation through the service takes effect at once', async () => {
  const { keys } = harness();
  const { key, secret } = await keys.create({ name: 'revoke', roles: ['integration'] });
  assert.ok(await keys.authenticate(secret));
  await keys.revoke(key.id);
  assert.equal(await keys.authenticate(secret), null, 'no wait for the TTL');
});

test('a revocation while a read is in flight does not let that read be cached', async () => {
  const { keys } = harness();
  const { key, secret } = await keys.create({ name: 'race', roles: ['integration'] });
  const racing = keys.authenticate(secret);
  await keys.revoke(key.id);
  await racing; // started before the revocation; whatever it says, it must not be remembered
  assert.equal(await keys.authenticate(secret), null);
});

test('failures are never cached and a wrong secret never verifies', async () => {
  const { keys, counts, reset } = harness();
  const { key, secret } = await keys.create({ name: 'wrong', roles: ['integration'] });
  const wrong = `cdk_${key.id}_${'A'.repeat(43)}`;
  const unknown = `cdk_${'0'.repeat(32)}_${'A'.repeat(43)}`;
  reset();
  assert.equal(await keys.authenticate(wrong), null);
  assert.equal(await keys.authenticate(unknown), null);
  assert.equal(await keys.authenticate(unknown), null);
  assert.equal(counts.reads, 3, 'the unknown key is looked up every time');
  assert.equal(await keys.authenticate('garbage'), null);
  assert.equal(counts.reads, 3, 'a malformed key is refused without a read');
  assert.ok(await keys.authenticate(secret), 'the real secret still works after wrong ones');
  assert.equal(await keys.authenticate(wrong), null, 'a wrong secret is refused while the right one is cached');
});

test('concurrent misses for one key share one read', async () => {
  const { keys, counts, reset } = harness();
  const { key, secret } = await keys.create({ name: 'flight', roles: ['integration'] });
  reset();
  const principals = await Promise.all(Array.from({ length: 8 }, () => keys.authenticate(secret)));
  assert.ok(principals.every((p) => p?.keyId === key.id));
  assert.equal(counts.reads, 1);
});

test('the cache is bounded: the oldest key is evicted', async () => {
  const { keys, counts, reset } = harness({ maxCachedKeys: 2 });
  const made = [];
  for (const name of ['a', 'b', 'c']) made.push(await keys.create({ name, roles: ['integration'] }));
  const [a, b, c] = made.map((m) => m.secret) as [string, string, string];
  reset();
  for (const s of [a, b, c]) assert.ok(await keys.authenticate(s));
  assert.equal(counts.reads, 3);
  assert.ok(await keys.authenticate(c));
  assert.ok(await keys.authenticate(b));
  assert.equal(counts.reads, 3, 'the two newest are held');
  assert.ok(await keys.authenticate(a));
  assert.equal(counts.reads, 4, 'the oldest was evicted and is read again');
});

test('last_used_at is written at most once a minute, without failing the request', async () => {
  const { keys, clock, counts, reset, errors } = harness();
  const { key, secret } = await keys.create({ name: 'touch', roles: ['integration'] });
  reset();
  await keys.authenticate(secret);
  await keys.authenticate(secret);
  assert.equal(counts.touches, 1);
  const deadline = Date.now() + 2_000;
  let listed = (await keys.list()).find((k) => k.id === key.id);
  while (listed?.lastUsedAt === null && Date.now() < deadline) {
    await sleep(5);
    listed = (await keys.list()).find((k) => k.id === key.id);
  }
  assert.equal(listed?.lastUsedAt, new Date(clock.now()).toISOString());
  clock.advance(60_000);
  await keys.authenticate(secret);
  assert.equal(counts.touches, 2, 'a minute later it is written again');
  assert.deepEqual(errors, []);
});
