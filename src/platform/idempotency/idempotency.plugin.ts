import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';
import type { HttpApp } from '../http/types.ts';
import type { IdempotencyService } from './idempotency.service.ts';
import { IDEMPOTENCY_HEADER, idempotencyKeyPattern, REPLAYED_HEADER, replayedHeaderNames, type IdempotencyClaim } from './idempotency.types.ts';

const HEADER_PATH = `headers.${IDEMPOTENCY_HEADER}`;
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Per-request state, kept beside the request rather than decorated onto it. */
const bodyHashes = new WeakMap<FastifyRequest, Hash>();
const claims = new WeakMap<FastifyRequest, IdempotencyClaim>();

/** Passes the body through unchanged while hashing its raw bytes; Fastify's parser and body limit see the same stream. */
async function hashBody(request: FastifyRequest, _reply: FastifyReply, payload: NodeJS.ReadableStream) {
  const hash = createHash('sha256');
  bodyHashes.set(request, hash);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  // A client that aborts destroys the tap with the error, which Fastify's body reader reports.
  return pipeline(payload, tap, () => undefined);
}

const headerError = (message: string) => new AppError('validation_failed', `${HEADER_PATH}: ${message}`, [{ path: HEADER_PATH, message }]);

function presentedKey(request: FastifyRequest, required: boolean): string | undefined {
  const raw = request.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) {
    if (required) throw headerError('this route requires an Idempotency-Key header');
    return undefined;
  }
  if (typeof raw !== 'string' || !idempotencyKeyPattern.test(raw)) throw headerError('must be 1–200 printable ASCII characters');
  return raw;
}

const fingerprintOf = (request: FastifyRequest): string => {
  const digest = (bodyHashes.get(request) ?? createHash('sha256')).digest('hex');
  // The concrete URL, not the route template: one key must not stand for two different orders' paths.
  return `${request.method} ${request.url} sha256:${digest}`;
};

const appendHook = <T>(existing: T | T[] | undefined, hook: T): T[] =>
  existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];

/**
 * Makes routes that declare `config.idempotency` honour the `Idempotency-Key` header: the first
 * request with a key runs and its answer is stored; the same key with the same request gets that
 * answer again byte for byte; with another request, 422; while the first still runs, 409.
 *
 * Install after access control (keys are scoped per API key) and after the rate limiter (a 429 must
 * not consume a key), and before any route is registered: the hooks are attached per route.
 */
export function installIdempotency(app: HttpApp, service: IdempotencyService): void {
  const claimHook = async (request: FastifyRequest, reply: FastifyReply) => {
    const declared = request.routeOptions.config.idempotency;
    if (!declared) return;
    const key = presentedKey(request, declared.required);
    if (key === undefined) return;
    const claim: IdempotencyClaim = { scope: request.principal?.keyId ?? 'public', key, fingerprint: fingerprintOf(request) };
    const result = await service.begin(claim);
    switch (result.kind) {
      case 'claimed':
        claims.set(request, claim);
        return;
      case 'mismatch':
        throw new AppError(
          'idempotency_key_reused',
          `Idempotency-Key "${key}" was already used with a different request (method, URL or body); send a new key for a new request`,
          [{ path: HEADER_PATH, message: 'already used with a different request' }],
        );
      case 'in_progress':
        throw new AppError('idempotency_in_progress', `a request with Idempotency-Key "${key}" is still being processed; retry shortly`, [], {
          'retry-after': '1',
        });
      case 'replay':
        reply.code(result.response.status).headers(result.response.headers).header(REPLAYED_HEADER, 'true');
        // A Buffer goes out as is: no serializer touches it, so the bytes are the stored ones.
        return reply.send(result.response.body);
    }
  };

  const storeHook = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    const status = reply.statusCode;
    try {
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.isBuffer(payload) ? payload : payload == null ? Buffer.alloc(0) : null;
      // A 5xx means the effect did not happen (or we cannot tell the client it did): the key is
      // given back so the retry runs. A 429 is transient too. A stream cannot be replayed.
      if (status >= 500 || status === 429 || body === null) {
        if (body === null) request.log.warn({ key: claim.key }, 'idempotent route answered with a stream; the key is released, not stored');
        await service.release(claim);
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of replayedHeaderNames) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      await service.complete(claim, { status, headers, body });
    } catch (error) {
      // The answer still goes out; the key stays in progress until it expires, which is safe: the
      // effect may have happened, so it must not run again under this key.
      request.log.error({ err: error, key: claim.key }, 'could not record the idempotent response');
    }
    return payload;
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const declared = route.config?.idempotency;
    if (!declared) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const unsafe = methods.filter((m) => unsafeMethods.has(m.toUpperCase()));
    if (unsafe.length !== methods.length) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares idempotency; only POST, PUT, PATCH and DELETE may`);
    }
    route.preParsing = appendHook(route.preParsing, hashBody as never);
    route.preHandler = appendHook(route.preHandler, claimHook as never);
    route.onSend = appendHook(route.onSend, storeHook as never);
  });
}
