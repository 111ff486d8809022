import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Config } from '../../config.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from './metrics.ts';
import type { HttpApp } from './types.ts';

export async function installOpenApi(app: HttpApp): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Crossdock API',
        version: '0.1.0',
        description:
          'Orchestration hub for wholesale distributors. Every route except health, metrics and docs needs an API key, ' +
          'sent as `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Errors are `{ "error": { "code", "message", "details" } }`.',
      },
      components: {
        securitySchemes: {
          bearerKey: { type: 'http', scheme: 'bearer', description: 'API key as a bearer token' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
      security: [{ bearerKey: [] }, { apiKeyHeader: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
}

/**
 * Per-key rate limits. They run after authentication (preHandler), keyed by the API key, so one
 * noisy integration cannot starve the others; unauthenticated routes are not limited here.
 */
export async function installRateLimit(app: HttpApp, config: Config): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    max: (request) => request.principal?.rateLimitPerMinute ?? config.auth.rateLimitPerMinute,
    keyGenerator: (request) => request.principal?.keyId ?? `ip:${request.ip}`,
    allowList: (request) => request.principal === null,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `rate limit of ${context.max} requests per minute exceeded; retry after ${context.after}`, [], {
        'retry-after': String(Math.ceil(context.ttl / 1000)),
      }),
  });
}

/** Request latency by route template (not raw URL, which would explode label cardinality). */
export function installRequestMetrics(app: HttpApp, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
