import { z } from 'zod';
import { refusePartnerScopedKeys } from '../../platform/auth/partner-scope.ts';
import { access } from '../../platform/auth/roles.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import type { WebhooksModule } from './webhooks.module.ts';
import {
  createSubscriptionSchema,
  createdSubscriptionSchema,
  subscriptionSchema,
  subscriptionStatuses,
  webhookDeliveryStatuses,
  webhookDeliverySchema,
  webhookDeliverySummarySchema,
  webhookHealthSchema,
} from './webhooks.types.ts';

const manageAccess = access.roles('integration');
const readAccess = access.roles('integration', 'viewer');
const idParams = z.object({ id: z.string().min(1).max(100) });
const reasonSchema = z.string().trim().min(1).max(2_000);
// Subscriptions receive events of every partner and object; a partner's key could read others' data through one.
const operatorsOnly = refusePartnerScopedKeys('webhooks');
const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

/** Outbound subscriptions, their deliveries and dead letters, and webhook health. */
export function registerWebhookRoutes(app: HttpApp, webhooks: WebhooksModule): void {
  app.post(
    '/v1/webhook-subscriptions',
    {
      config: { access: manageAccess, idempotency: { required: false } },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events; the answer shows the signing secret, once',
        description:
          'The URL (and the fallback) must be https and must not be, or resolve to, a loopback, private, link-local, CGNAT, ' +
          'unique-local IPv6 or cloud metadata address (422 webhook_target_refused). Deliveries check the addresses again as they connect. ' +
          'The subscription receives events committed after it was created. See docs/webhooks.md.',
        body: createSubscriptionSchema,
        response: { 201: createdSubscriptionSchema, ...errors, 422: errorResponseSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await webhooks.subscriptions.create(request.body, principalOf(request).keyId)),
  );

  app.get(
    '/v1/webhook-subscriptions',
    {
      config: { access: readAccess },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook subscriptions, oldest first; secrets are never shown',
        querystring: pageQuerySchema.extend({ status: z.enum(subscriptionStatuses).optional() }).strict(),
        response: { 200: pageSchema(subscriptionSchema), ...errors },
      },
    },
    async (request) => webhooks.subscriptions.list(request.query),
  );

  app.get(
    '/v1/webhook-subscriptions/:id',
    {
      config: { access: readAccess },
      preHandler: operatorsOnly,
      schema: { tags: ['webhooks'], summary: 'One webhook subscription', params: idParams, response: { 200: subscriptionSchema, ...errors } },
    },
    async (request) => webhooks.subscriptions.get(request.params.id),
  );

  app.delete(
    '/v1/webhook-subscriptions/:id',
    {
      config: { access: manageAccess },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Stop a subscription; its pending deliveries and dead letters are discarded',
        params: idParams,
        response: { 200: subscriptionSchema, ...errors },
      },
    },
    async (request) => webhooks.subscriptions.remove(request.params.id),
  );

  app.get(
    '/v1/webhook-deliveries',
    {
      config: { access: readAccess },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook deliveries, oldest first; status=dead lists the dead letters',
        querystring: pageQuerySchema.extend({ subscriptionId: z.string().min(1).max(100).optional(), status: z.enum(webhookDeliveryStatuses).optional() }).strict(),
        response: { 200: pageSchema(webhookDeliverySummarySchema), ...errors },
      },
    },
    async (request) => webhooks.deliveries.list(request.query),
  );

  app.get(
    '/v1/webhook-deliveries/:id',
    {
      config: { access: readAccess },
      preHandler: operatorsOnly,
      schema: { tags: ['webhooks'], summary: 'One webhook delivery with the body it posts', params: idParams, response: { 200: webhookDeliverySchema, ...errors } },
    },
    async (request) => webhooks.deliveries.get(request.params.id),
  );

  app.post(
    '/v1/webhook-deliveries/:id/replay',
    {
      config: { access: manageAccess },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Send a dead letter again: pending, due at once, with a fresh attempt budget',
        params: idParams,
        // Fastify hands a request without a body to the schema as null, so null means "no body".
        body: z.object({ reason: reasonSchema.optional() }).strict().nullish(),
        response: { 200: webhookDeliverySchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => webhooks.deliveries.replay(request.params.id, request.body?.reason),
  );

  app.post(
    '/v1/webhook-deliveries/:id/discard',
    {
      config: { access: manageAccess },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Give up on a dead letter for good, saying why',
        params: idParams,
        body: z.object({ reason: reasonSchema }).strict(),
        response: { 200: webhookDeliverySchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => webhooks.deliveries.discard(request.params.id, request.body.reason),
  );

  app.get(
    '/v1/integrations/webhooks',
    {
      config: { access: readAccess },
      preHandler: operatorsOnly,
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook health: per inbound source and outbound endpoint, last success, error rate, breaker state and backlog',
        response: { 200: webhookHealthSchema, 403: errorResponseSchema },
      },
    },
    async () => webhooks.webhookHealth(),
  );
}
