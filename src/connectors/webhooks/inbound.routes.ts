import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { InboundWebhooks } from './inbound.service.ts';
import { webhookSourceNameSchema, type WebhooksConfig } from './webhooks.config.ts';
import { inboundAnswerSchema } from './webhooks.types.ts';

/**
 * `POST /v1/webhooks/:source`. It needs no API key: a web store or a partner's system cannot hold
 * one, and the source's signature authenticates the request instead (a request that is not signed
 * with the source's secret is refused before anything is stored). The route sits in its own plugin
 * scope, whose only body parser hands over the raw bytes: the signature is over those exact bytes,
 * and a parsed and re-serialised body would not verify. Rate limits apply even though no key is
 * presented, per source and caller address, before the body is read.
 */
export function registerInboundWebhookRoutes(app: HttpApp, inbound: InboundWebhooks, config: WebhooksConfig): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes }, (_request, body, done) => done(null, body));
    (scope as unknown as HttpApp).post(
      '/v1/webhooks/:source',
      {
        bodyLimit: config.bodyLimitBytes,
        config: {
          access: access.public,
          rateLimit: {
            max: config.rateLimitPerMinute,
            timeWindow: 60_000,
            hook: 'onRequest',
            // Unknown sources share one bucket per address, so made-up names cannot grow the limiter's table.
            keyGenerator: (request) => {
              const source = (request.params as { source?: string }).source ?? '';
              return `webhook:${Object.hasOwn(config.sources, source) ? source : '?'}:${request.ip}`;
            },
            allowList: () => false,
          },
        },
        schema: {
          tags: ['webhooks'],
          summary: 'Receive a signed webhook from a configured source (no API key: the signature authenticates it)',
          description:
            'Signed with our scheme (`X-Crossdock-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, event id in ' +
            '`X-Crossdock-Event-Id`, topic in `X-Crossdock-Event-Type`) or Shopify’s (`X-Shopify-Hmac-Sha256`, ' +
            '`X-Shopify-Webhook-Id`, `X-Shopify-Topic`), as the source is configured. Forged: 401 webhook_signature_invalid; ' +
            'outside the timestamp tolerance: 401 webhook_timestamp_expired; an event id already received: 200 with result duplicate. ' +
            'The raw body is kept in the inbox and processed at once. See docs/webhooks.md.',
          params: z.object({ source: webhookSourceNameSchema }),
          response: {
            200: inboundAnswerSchema,
            202: inboundAnswerSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            404: errorResponseSchema,
            413: errorResponseSchema,
            422: errorResponseSchema,
            429: errorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await inbound.receive({ source: request.params.source, headers: request.headers, body, correlationId: request.id });
        return reply.code(answer.status).send(answer.body);
      },
    );
  });
}
