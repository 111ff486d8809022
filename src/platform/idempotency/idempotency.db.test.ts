import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { createEffectsTable, effectKeys, recordEffect } from '../../../tests/helpers/effects.ts';
import { parseConfig } from '../../config.ts';
import { access } from '../auth/roles.ts';
import { createApiKeyService } from '../auth/api-keys.service.ts';
import { ManualClock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { installAccessControl } from '../http/access.ts';
import { installErrorHandling } from '../http/error-handler.ts';
import { installRateLimit } from '../http/plugins.ts';
import type { HttpApp } from '../http/types.ts';
import { uuidV7Generator } from '../ids.ts';
import { seededRandom } from '../random.ts';
import { createIdempotencyService, installIdempotency, type IdempotencyService } from './index.ts';

let t: TestStore;
before(async () => {
  t = await createTestStore();
  await createEffectsTable(t.store.db);
});
after(async () => t.dispose());
beforeEach(async () => {
  await sql`delete from idempotency_keys`.execute(t.store.db);
  await sql`delete from test_effects`.execute(t.store.db);
});

let harnessSeed = 0;

interface Harness {
  http: HttpApp;
  clock: ManualClock;
  idempotency: IdempotencyService;
  /** Authorization headers of two integrations. */
  alpha: Record<string, string>;
  beta: Record<string, string>;
  /** The handler throws this many times before it works. */
  failNext: { count: number };
  /** How long the handler works before its effect; the burst test lengthens it so requests overlap. */
  delay: { ms: number };
}

/**
 * A small app wired like `buildApp` (error handling, access control, rate limit, then idempotency)
 * with test routes whose handler writes one effect row per call and answers 201 with a new id.
 */
async function harness(): Promise<Harness> {
  const clock = new ManualClock();
  // A seed per harness: each makes API keys on the shared database, and their ids must differ.
  const random = seededRandom(++harnessSeed);
  const config = parseConfig({ log: { level: 'silent' } });
  const keys = createApiKeyService({ db: t.store.db, clock, ids: uuidV7Generator(clock, random), random });
  const idempotency = createIdempotencyService({ db: t.store.db, clock, config: config.idempotency });
  const http = Fastify({ logger: false, bodyLimit: 64 * 1024 }).withTypeProvider<ZodTypeProvider>();
  http.setValidatorCompiler(validatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  installErrorHandling(http);
  installAccessControl(http, keys);
  await installRateLimit(http, config);
  installIdempotency(http, idempotency);

  const failNext = { count: 0 };
  const delay = { ms: 20 };
  const body = z.object({ name: z.string().min(1) }).strict();
  const created = z.object({ id: z.string(), name: z.string() });
  const handler = async (request: { body: { name: string } }, reply: import('fastify').FastifyReply) => {
    await sleep(delay.ms);
    if (failNext.count > 0) {
      failNext.count--;
      throw new Error('database went away mid-request');
    }
    if (request.body.name === 'taken') throw new AppError('conflict', 'a thing named "taken" exists');
    const id = randomUUID();
    await recordEffect(t.store.db, id, request.body.name);
    return reply.code(201).header('location', `/things/${id}`).header('etag', `"${id}"`).send({ id, name: request.body.name });
  };
  http.post('/things', { config: { access: access.roles('integration'), idempotency: { required: false } }, schema: { body, response: { 201: created } } }, handler);
  http.post('/other-things', { config: { access: access.roles('integration'), idempotency: { required: false } }, schema: { body, response: { 201: created } } }, handler);
  http.post('/strict-things', { config: { access: access.roles('integration'), idempotency: { required: true } }, schema: { body, response: { 201: created } } }, handler);
  await http.ready();

  const alpha = (await keys.create({ name: 'alpha', roles: ['integration'] })).secret;
  const beta = (await keys.create({ name: 'beta', roles: ['integration'] })).secret;
  return { http, clock, idempotency, alpha: { authorization: `Bearer ${alpha}` }, beta: { authorization: `Bearer ${beta}` }, failNext, delay };
}

const post = (h: Harness, options: { key?: string; body?: string; url?: string; as?: Record<string, string> } = {}) =>
  h.http.inject({
    method: 'POST',
    url: options.url ?? '/things',
    headers: {
      ...(options.as ?? h.alpha),
      'content-type': 'application/json',
      ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
    },
    payload: options.body ?? '{"name":"widget"}',
  });

const keyRows = async () => (await sql<{ n: number }>`select count(*) as n from idempotency_keys`.execute(t.store.db)).rows[0]!.n;

test(`same key and body: the stored answer, byte for byte, and one effect (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    const first = await post(h, { key: 'order-1' });
    assert.equal(first.statusCode, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const again = await post(h, { key: 'order-1' });
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    assert.ok(again.rawPayload.equals(first.rawPayload));
    for (const name of ['content-type', 'location', 'etag']) assert.equal(again.headers[name], first.headers[name], name);
    assert.equal((await effectKeys(t.store.db)).length, 1);
    // Without a key the route is an ordinary POST: each call is a new effect.
    assert.equal((await post(h)).statusCode, 201);
    assert.equal((await effectKeys(t.store.db)).length, 2);
  } finally {
    await h.http.close();
  }
});

test(`same key, another body or URL: 422 idempotency_key_reused naming the key (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    assert.equal((await post(h, { key: 'order-2' })).statusCode, 201);
    for (const other of [{ body: '{"name":"gadget"}' }, { body: '{ "name": "widget" }' }, { url: '/other-things' }]) {
      const reused = await post(h, { key: 'order-2', ...other });
      assert.equal(reused.statusCode, 422, JSON.stringify(other));
      const error = reused.json().error;
      assert.equal(error.code, 'idempotency_key_reused');
      assert.match(error.message, /"order-2"/);
      assert.equal(error.details[0].path, 'headers.idempotency-key');
    }
    assert.equal((await effectKeys(t.store.db)).length, 1);
  } finally {
    await h.http.close();
  }
});

test(`50 parallel requests with one key over a socket: exactly one effect (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    h.delay.ms = 250;
    const address = await h.http.listen({ port: 0, host: '127.0.0.1' });
    const send = () =>
      fetch(`${address}/things`, {
        method: 'POST',
        headers: { ...h.alpha, 'content-type': 'application/json', 'idempotency-key': 'burst-1' },
        body: '{"name":"burst"}',
      }).then(async (r) => ({ status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) }));
    const answers = await Promise.all(Array.from({ length: 50 }, send));
    assert.equal((await effectKeys(t.store.db)).length, 1);
    const created = answers.filter((a) => a.status === 201);
    // The handler takes 250 ms, so some requests must have arrived while the first was running.
    assert.ok(created.length < answers.length, 'the requests overlapped');
    const fresh = created.filter((a) => a.headers.get('idempotent-replayed') !== 'true');
    assert.equal(fresh.length, 1, 'one request ran the handler');
    for (const a of created) assert.ok(a.body.equals(fresh[0]!.body), 'every 201 is the stored answer, byte for byte');
    for (const a of answers.filter((x) => x.status !== 201)) {
      assert.equal(a.status, 409);
      assert.equal(JSON.parse(a.body.toString()).error.code, 'idempotency_in_progress');
      assert.equal(a.headers.get('retry-after'), '1');
    }
    // Once it has finished, the key answers with the stored response.
    const later = await send();
    assert.equal(later.status, 201);
    assert.equal(later.headers.get('idempotent-replayed'), 'true');
    assert.ok(later.body.equals(fresh[0]!.body));
    assert.equal((await effectKeys(t.store.db)).length, 1);
  } finally {
    await h.http.close();
  }
});

test(`a 5xx gives the key back: the retry runs and takes effect once (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    h.failNext.count = 1;
    const failed = await post(h, { key: 'order-3' });
    assert.equal(failed.statusCode, 500);
    assert.equal(await keyRows(), 0);
    const retried = await post(h, { key: 'order-3' });
    assert.equal(retried.statusCode, 201);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal((await effectKeys(t.store.db)).length, 1);
  } finally {
    await h.http.close();
  }
});

test(`a 4xx from the handler is stored like a success (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    const first = await post(h, { key: 'order-4', body: '{"name":"taken"}' });
    assert.equal(first.statusCode, 409);
    assert.equal(first.json().error.code, 'conflict');
    const again = await post(h, { key: 'order-4', body: '{"name":"taken"}' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
  } finally {
    await h.http.close();
  }
});

test(`keys are scoped per API key (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    const a = await post(h, { key: 'shared', body: '{"name":"from-alpha"}', as: h.alpha });
    const b = await post(h, { key: 'shared', body: '{"name":"from-beta"}', as: h.beta });
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.equal(b.headers['idempotent-replayed'], undefined);
    assert.notEqual(a.json().id, b.json().id);
    assert.equal((await effectKeys(t.store.db)).length, 2);
  } finally {
    await h.http.close();
  }
});

test(`a key past retention is a new key; the purge deletes expired rows (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    const first = await post(h, { key: 'order-5' });
    h.clock.advance(24 * 3_600_000 - 1);
    assert.equal((await post(h, { key: 'order-5' })).headers['idempotent-replayed'], 'true');
    h.clock.advance(1);
    const renewed = await post(h, { key: 'order-5', body: '{"name":"another"}' });
    assert.equal(renewed.statusCode, 201);
    assert.equal(renewed.headers['idempotent-replayed'], undefined);
    assert.notEqual(renewed.json().id, first.json().id);
    assert.equal((await effectKeys(t.store.db)).length, 2);

    await post(h, { key: 'order-6' });
    h.clock.advance(24 * 3_600_000);
    assert.equal(await h.idempotency.purgeExpired(), 2);
    assert.equal(await keyRows(), 0);
  } finally {
    await h.http.close();
  }
});

test(`the Idempotency-Key header is validated; a required one must be sent (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    const cases = [
      { url: '/strict-things', key: undefined },
      { url: '/things', key: '' },
      { url: '/things', key: 'k'.repeat(201) },
    ];
    for (const c of cases) {
      const answer = await post(h, c);
      assert.equal(answer.statusCode, 400, JSON.stringify(c));
      assert.equal(answer.json().error.code, 'validation_failed');
      assert.equal(answer.json().error.details[0].path, 'headers.idempotency-key');
    }
    assert.equal((await post(h, { url: '/strict-things', key: 'k'.repeat(200) })).statusCode, 201);
    assert.equal((await post(h, { url: '/things', key: ' !~printable ascii~ ' })).statusCode, 201);
    assert.equal((await effectKeys(t.store.db)).length, 2);
  } finally {
    await h.http.close();
  }
});

test(`body parsing, validation and the body limit still apply on an opted-in route (${testStoreKind})`, async () => {
  const h = await harness();
  try {
    const invalid = await post(h, { key: 'order-7', body: '{"name":""}' });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'validation_failed');
    const broken = await post(h, { key: 'order-8', body: '{"name":' });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().error.code, 'invalid_json');
    const huge = await post(h, { key: 'order-9', body: JSON.stringify({ name: 'x'.repeat(70 * 1024) }) });
    assert.equal(huge.statusCode, 413);
    // Requests refused before the handler claim no key.
    assert.equal(await keyRows(), 0);
    assert.equal((await post(h, { key: 'order-7' })).statusCode, 201);
  } finally {
    await h.http.close();
  }
});

test('a GET route may not declare idempotency', async () => {
  const http = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  const clock = new ManualClock();
  installIdempotency(http, createIdempotencyService({ db: t.store.db, clock, config: { retentionHours: 24 } }));
  assert.throws(
    () => http.get('/x', { config: { access: access.public, idempotency: { required: false } } }, async () => ({})),
    /only POST, PUT, PATCH and DELETE/,
  );
  await http.close();
});
