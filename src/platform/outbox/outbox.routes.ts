import { z } from 'zod';
import { refusePartnerScopedKeys, type PartnerScope } from '../auth/partner-scope.ts';
import { access } from '../auth/roles.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import { principalOf } from '../http/access.ts';
import type { HttpApp } from '../http/types.ts';
import { pageQuerySchema, pageSchema } from '../pagination.ts';
import type { OutboxService } from './outbox.service.ts';
import { deliverySchema, feedPageSchema, feedQuerySchema } from './outbox.types.ts';

const readAccess = access.roles('integration', 'viewer');
const operateAccess = access.roles('integration');
const params = z.object({ id: z.coerce.number().int().min(1).describe('Delivery id') });
const reasonSchema = z.string().trim().min(1).max(2_000);
// Deliveries carry events of every subscriber and subject; they are the operators' tool, not a partner's.
const operatorsOnly = refusePartnerScopedKeys('the outbox');

/** `scope` narrows the event feed for keys scoped to a trading partner (see PartnerScope). */
export function registerOutboxRoutes(app: HttpApp, outbox: OutboxService, scope: PartnerScope): void {
  app.get(
    '/v1/outbox/dead-letters',
    {
      config: { access: readAccess },
      schema: {
        tags: ['messaging'],
        summary: 'Deliveries that gave up, oldest first, with their events and last errors',
        querystring: pageQuerySchema.extend({ subscriber: z.string().min(1).max(100).optional() }).strict(),
        response: { 200: pageSchema(deliverySchema), 400: errorResponseSchema, 403: errorResponseSchema },
      },
      preHandler: operatorsOnly,
    },
    async (request) => outbox.listDeadLetters(request.query),
  );

  app.post(
    '/v1/outbox/deliveries/:id/replay',
    {
      config: { access: operateAccess },
      schema: {
        tags: ['messaging'],
        summary: 'Deliver a dead letter again: back to pending with a fresh attempt budget, due at once',
        description:
          'The event keeps its original sequence, so it reaches the subscriber after later events of the same subject ' +
          'that were delivered meanwhile. See docs/events.md.',
        params,
        // Fastify hands a request without a body to the schema as null, so null means "no body".
        body: z.object({ reason: reasonSchema.optional() }).strict().nullish(),
        response: { 200: deliverySchema, 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
      preHandler: operatorsOnly,
    },
    async (request) => outbox.replayDeadLetter(request.params.id, request.body?.reason),
  );

  app.post(
    '/v1/outbox/deliveries/:id/discard',
    {
      config: { access: operateAccess },
      schema: {
        tags: ['messaging'],
        summary: 'Give up on a dead letter for good, saying why',
        params,
        body: z.object({ reason: reasonSchema }).strict(),
        response: { 200: deliverySchema, 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
      preHandler: operatorsOnly,
    },
    async (request) => outbox.discardDeadLetter(request.params.id, request.body.reason),
  );

  app.get(
    '/v1/events',
    {
      config: { access: readAccess },
      schema: {
        tags: ['messaging'],
        summary: 'The event feed: CloudEvents envelopes in sequence order after a given sequence',
        description:
          'Poll with `after` set to the previous answer\'s `nextAfter`. Events appear only once committed, in sequence order. ' +
          'A key scoped to a trading partner reads only the events about its partner\'s orders (subject `order:<id>`); ' +
          '`nextAfter` moves past the others, so a page may be empty while `nextAfter` advances.',
        querystring: feedQuerySchema.strict(),
        response: { 200: feedPageSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const { partnerCode } = principalOf(request);
      return outbox.readFeed(request.query, partnerCode === null ? undefined : scope.eventSubjects(partnerCode));
    },
  );
}
