import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { idSchema } from '../shared/index.ts';
import { pageQuerySchema } from '../../platform/pagination.ts';
import { reservationSchema, reservationStates, type Reservation } from './inventory.types.ts';
import type { ReservationService } from './reservations.service.ts';
import { commitBodySchema, releaseBodySchema, reserveInputSchema, resolutionResults } from './reservations.types.ts';

const tags = ['inventory: reservations'];

/**
 * Reads are open to every role: a reservation says which stock is held for which order line, which
 * every desk needs to answer "where is my order". Writes hold or give back stock, so they belong to
 * those who allocate or fulfil: integration (an ERP or OMS allocating through the API), planner
 * (sourcing and re-allocation), customer_service (holding or freeing stock while working an order)
 * and warehouse (committing at shipment, releasing a short pick). Finance and procurement never move
 * stock; viewer is read-only.
 */
const read = { access: access.anyRole };
const write = { access: access.roles('integration', 'customer_service', 'planner', 'warehouse') };

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema } as const;
const params = z.object({ id: idSchema.describe('The reservation id') }).strict();
const resolutionSchema = z.object({ result: z.enum(resolutionResults), reservation: reservationSchema });

/**
 * Reservations carry no trading partner, so a partner-scoped key could read or release another
 * partner's holds. Fail closed until reservations are filtered by partner.
 */
async function refusePartnerScopedKeys(request: FastifyRequest): Promise<void> {
  if (request.principal?.partnerCode) {
    throw new AppError('forbidden', `reservations are not available to keys scoped to a trading partner (${request.principal.partnerCode})`);
  }
}

/**
 * Repeating the command that resolved a reservation answers 200 `already_resolved`; asking for a
 * different ending than the one it had (committing a reservation that expired) is a conflict the
 * caller must act on, because the stock it meant to ship may already be promised to someone else.
 */
function resolution(outcome: { result: 'committed' | 'released' | 'already_resolved'; reservation: Reservation }, wanted: 'committed' | 'released') {
  if (outcome.result === 'already_resolved' && outcome.reservation.state !== wanted) {
    throw new AppError('invalid_state', `reservation ${outcome.reservation.id} is already ${outcome.reservation.state}`, [
      { path: 'id', message: `resolved as ${outcome.reservation.state} at ${outcome.reservation.resolvedAt}`, state: outcome.reservation.state },
    ]);
  }
  return outcome;
}

/** Problems the service finds in the input are reported where they are in the request: the body. */
function inBody(error: unknown): never {
  if (error instanceof AppError && error.code === 'idempotency_key_reused') {
    throw new AppError(error.code, error.message, error.details.map((d) => ({ ...d, path: `body.${d.path}` })));
  }
  throw error;
}

export function registerReservationRoutes(app: HttpApp, reservations: ReservationService): void {
  app.post(
    '/v1/reservations',
    {
      config: write,
      preHandler: refusePartnerScopedKeys,
      schema: {
        tags,
        summary: 'Hold stock for an order line at a location',
        description:
          'Takes the quantity from what is free (sellable on hand minus reserved) or takes nothing: 409 insufficient_stock, with `available` in the details. ' +
          'Send your own `reservationId` to make retries safe: the same id and request again answers 200 with the first reservation; the same id with a different request is 422 idempotency_key_reused. ' +
          'With `ttlMs` the reservation expires by itself unless committed or released first.',
        body: reserveInputSchema,
        response: { 200: reservationSchema, 201: reservationSchema, ...errors, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await reservations.reserve(request.body).catch(inBody);
      if (outcome.result === 'insufficient') {
        throw new AppError('insufficient_stock', `only ${outcome.available} of ${request.body.sku} free to reserve at ${request.body.locationCode}, asked ${request.body.quantity}`, [
          { path: 'body.quantity', message: `at most ${outcome.available} can be reserved now`, available: outcome.available, requested: request.body.quantity },
        ]);
      }
      const location = `/v1/reservations/${outcome.reservation.id}`;
      return reply.code(outcome.result === 'reserved' ? 201 : 200).header('location', location).send(outcome.reservation);
    },
  );

  app.get(
    '/v1/reservations/:id',
    {
      config: read,
      preHandler: refusePartnerScopedKeys,
      schema: { tags, summary: 'One reservation', params, response: { 200: reservationSchema, ...errors, 404: errorResponseSchema } },
    },
    async (request) => reservations.get(request.params.id),
  );

  app.get(
    '/v1/reservations',
    {
      config: read,
      preHandler: refusePartnerScopedKeys,
      schema: {
        tags,
        summary: "An order's reservations (by line, every state), or a SKU's (newest first, paged)",
        description:
          'Give `orderId` for every reservation of one order, or `sku` (with `state`, default pending, and optionally `locationCode`) for the stock held of one item, newest first with `limit` and `cursor`.',
        querystring: z
          .object({
            orderId: idSchema.optional().describe('The order whose reservations to list'),
            sku: z.string().min(1).max(64).optional().describe("The item whose reservations to list"),
            state: z.enum(reservationStates).default('pending').describe('With sku: only reservations in this state'),
            locationCode: z.string().min(1).max(64).optional().describe('With sku: only this location'),
          })
          .extend(pageQuerySchema.shape)
          .strict(),
        response: { 200: z.object({ items: z.array(reservationSchema), nextCursor: z.string().nullable().optional() }), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      if ((q.orderId === undefined) === (q.sku === undefined)) {
        throw new AppError('validation_failed', 'querystring: give exactly one of orderId and sku', [{ path: 'querystring.orderId', message: 'orderId or sku, not both and not neither' }]);
      }
      if (q.orderId !== undefined) return { items: await reservations.listByOrder(q.orderId), nextCursor: null };
      return reservations.listBySku({ sku: q.sku!, state: q.state, locationCode: q.locationCode, limit: q.limit, cursor: q.cursor });
    },
  );

  app.post(
    '/v1/reservations/:id/commit',
    {
      config: write,
      preHandler: refusePartnerScopedKeys,
      schema: {
        tags,
        summary: 'Consume a pending reservation for a shipment',
        description:
          'Lowers reserved by the quantity; the units leave on hand when the shipment is posted as a ship movement. ' +
          'Committing again answers 200 already_resolved; committing a released or expired reservation is 409 invalid_state.',
        params,
        body: commitBodySchema.nullish().describe('Optional; a request without a body is read as null'),
        response: { 200: resolutionSchema, ...errors, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => resolution(await reservations.commit(request.params.id, { reference: request.body?.reference }), 'committed'),
  );

  app.post(
    '/v1/reservations/:id/release',
    {
      config: write,
      preHandler: refusePartnerScopedKeys,
      schema: {
        tags,
        summary: 'Give a pending reservation back',
        description: 'Makes the quantity free again. Releasing again answers 200 already_resolved; releasing a committed or expired reservation is 409 invalid_state.',
        params,
        body: releaseBodySchema,
        response: { 200: resolutionSchema, ...errors, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => resolution(await reservations.release(request.params.id, request.body.reason), 'released'),
  );
}
