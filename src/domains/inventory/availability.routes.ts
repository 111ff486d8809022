import { z } from 'zod';
import { refusePartnerScopedKeys } from '../../platform/auth/partner-scope.ts';
import { access } from '../../platform/auth/roles.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { skuSchema } from '../shared/index.ts';
import { availableByOf } from './availability.rules.ts';
import type { AvailabilityService } from './availability.service.ts';
import { availabilityQuerySchema, basketBodySchema, basketResponseSchema, BASKET_SKUS_MAX, feedQuerySchema, skuAvailabilitySchema } from './availability.types.ts';

const tags = ['inventory: availability'];
const read = { access: access.anyRole };
/**
 * Availability carries no trading partner: an answer shows every channel's protections, network
 * positions and the freshness of the hub's own sources, so a key scoped to a partner is refused
 * (403) rather than shown other partners' channels. Fail closed until a partner's view exists
 * (its own channels' ATP only).
 */
const notForPartners = refusePartnerScopedKeys('availability');
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema } as const;

const scopeOf = (query: { location?: string | undefined; channel?: string | undefined; date?: string | undefined }) => ({
  locationCode: query.location,
  channelCode: query.channel,
  by: query.date === undefined ? undefined : availableByOf(query.date),
});

/** A Last-Event-ID the feed wrote is a ledger watermark; anything else starts the stream afresh. */
const watermarkFrom = (header: string | string[] | undefined): number | null =>
  typeof header === 'string' && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : null;

export function registerAvailabilityRoutes(app: HttpApp, service: AvailabilityService): void {
  // Open streams would keep the server from closing; they end first and clients reconnect elsewhere.
  app.addHook('preClose', async () => service.close());

  // Registered before `/:sku` only for readability: Fastify prefers the static path either way.
  app.get(
    '/v1/availability/feed',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'Change feed of availability, as Server-Sent Events, coalesced per SKU',
        description:
          'A `text/event-stream` of `availability` events, one per SKU per coalescing window (`inventory.feedCoalesceMs`): ' +
          'the SKU\'s current ATP per location and over the network, with confidence. The event id is the SKU\'s ledger watermark; ' +
          'reconnect with `Last-Event-ID` to be sent every SKU changed since. A comment line every 15 s keeps idle connections open. ' +
          'Data: `{ sku, lastMovementSeq, acceptedAtMs, publishedAt, publishedAtMs, locations: [{ locationCode, atp, confidence, confidenceAdjustedAtp }], network: { atp, confidenceAdjustedAtp } }`.',
        produces: ['text/event-stream'],
        querystring: feedQuerySchema,
        headers: z.object({ 'last-event-id': z.string().max(64).optional() }),
        response: { 200: z.string().describe('text/event-stream'), ...errors },
      },
    },
    async (request, reply) => {
      const skus = request.query.skus === undefined ? null : new Set(request.query.skus.split(','));
      reply.hijack();
      // The stream bypasses Fastify's reply hooks, so the correlation id is set here.
      service.feed.connect(reply.raw, {
        skus,
        lastEventId: watermarkFrom(request.headers['last-event-id']),
        headers: { 'x-correlation-id': request.id },
      });
    },
  );

  app.get(
    '/v1/availability/:sku',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'Availability of one SKU per location and over the network, for a channel and by a date',
        description:
          'Every answer carries each location\'s freshness per source and a confidence, with ATP discounted by it when the policy says so. ' +
          '404 not_found names an unknown SKU, location or channel.',
        params: z.object({ sku: skuSchema }),
        querystring: availabilityQuerySchema,
        response: { 200: skuAvailabilitySchema, ...errors, 404: errorResponseSchema },
      },
    },
    async (request) => service.availability({ sku: request.params.sku, ...scopeOf(request.query) }),
  );

  app.post(
    '/v1/availability/basket',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: `Availability of up to ${BASKET_SKUS_MAX} SKUs at once`,
        description: 'An unknown SKU is reported in its own entry (`found: false`) rather than failing the basket; an unknown location or channel is 404 not_found.',
        body: basketBodySchema,
        response: { 200: basketResponseSchema, ...errors, 404: errorResponseSchema },
      },
    },
    async (request) => ({ items: await service.basket({ skus: request.body.skus, ...scopeOf(request.body) }) }),
  );
}
