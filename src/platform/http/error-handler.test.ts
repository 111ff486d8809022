import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ExternalError } from '../errors.ts';
import { installErrorHandling } from './error-handler.ts';

async function appWith(routes: (app: ReturnType<typeof make>) => void) {
  const app = make();
  installErrorHandling(app);
  routes(app);
  await app.ready();
  return app;
}
function make() {
  const app = Fastify({ logger: false, bodyLimit: 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  return app;
}

test('an unexpected error becomes internal_error with no internals, only the correlation id', async () => {
  const app = await appWith((a) => {
    a.get('/boom', async () => {
      throw new Error('password=hunter2 at /srv/secret/path.ts:12');
    });
    a.get('/external', async () => {
      throw new ExternalError('carrier API refused: token abc', { retryable: true });
    });
  });
  for (const url of ['/boom', '/external']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 500);
    const body = res.json();
    assert.equal(body.error.code, 'internal_error');
    assert.doesNotMatch(res.body, /hunter2|secret|token abc|stack/);
    assert.match(body.error.message, /correlation id/);
  }
});

test('AppError renders its code, status, details and headers', async () => {
  const app = await appWith((a) => {
    a.get('/conflict', async () => {
      throw new AppError('version_conflict', 'item A is at version 3', [{ path: 'headers.if-match', message: 'stale' }], { etag: '"3"' });
    });
  });
  const res = await app.inject({ method: 'GET', url: '/conflict' });
  assert.equal(res.statusCode, 409);
  assert.equal(res.headers.etag, '"3"');
  assert.deepEqual(res.json(), {
    error: { code: 'version_conflict', message: 'item A is at version 3', details: [{ path: 'headers.if-match', message: 'stale' }] },
  });
});

test('validation issues are reported in schema order with their location', async () => {
  const app = await appWith((a) => {
    a.post(
      '/things/:id',
      { schema: { params: z.object({ id: z.string().regex(/^\d+$/) }), body: z.object({ a: z.number(), b: z.string() }).strict() } },
      async () => ({}),
    );
  });
  const badParams = await app.inject({ method: 'POST', url: '/things/x', payload: { a: 1, b: 'y' } });
  assert.equal(badParams.statusCode, 400);
  assert.equal(badParams.json().error.details[0].path, 'params.id');
  const badBody = await app.inject({ method: 'POST', url: '/things/1', payload: { a: 'one', b: 2 } });
  const details = badBody.json().error.details;
  assert.deepEqual(details.map((d: { path: string }) => d.path), ['body.a', 'body.b']);
  assert.match(badBody.json().error.message, /^body\.a: /);
});

test('a body over the limit is 413 payload_too_large; a wrong content type is 415', async () => {
  const app = await appWith((a) => {
    a.post('/echo', async (request) => request.body as object);
  });
  const big = await app.inject({ method: 'POST', url: '/echo', payload: { blob: 'x'.repeat(4096) } });
  assert.equal(big.statusCode, 413);
  assert.equal(big.json().error.code, 'payload_too_large');
  const wrongType = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-unknown' }, payload: 'abc' });
  assert.equal(wrongType.statusCode, 415);
  assert.equal(wrongType.json().error.code, 'unsupported_media_type');
});
