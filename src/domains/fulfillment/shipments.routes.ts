import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { orderSchema, type Order } from '../orders/index.ts';
import { carrierMilestoneSchema, shipmentConfirmationSchema, shipmentSchema, type Shipment } from './fulfillment.types.ts';

/** Whom a request acts for: a key scoped to a trading partner sees only that partner's orders. */
type Scope = { partnerCode: string | null };

/**
 * What the routes call. Confirmations and milestones are cross-domain flows (orders, inventory,
 * outbox), so the orchestration provides them; the routes only translate HTTP.
 */
export interface ShipmentRouteHandlers {
  confirm(input: unknown, scope: Scope): Promise<{ result: 'created' | 'exists'; shipment: Shipment; order: Order }>;
  addMilestone(shipmentId: string, input: unknown, scope: Scope): Promise<{ result: 'added' | 'exists'; shipment: Shipment }>;
  get(shipmentId: string, scope: Scope): Promise<Shipment>;
  listForOrder(orderId: string, scope: Scope): Promise<Shipment[]>;
}

const confirmAnswer = z.object({ result: z.enum(['created', 'exists']), shipment: shipmentSchema, order: orderSchema });
const milestoneAnswer = z.object({ result: z.enum(['added', 'exists']), shipment: shipmentSchema });
const idParams = z.object({ id: z.string().min(1).max(64) });
const scopeOf = (request: Parameters<typeof principalOf>[0]): Scope => ({ partnerCode: principalOf(request).partnerCode });

export function registerShipmentRoutes(app: HttpApp, handlers: ShipmentRouteHandlers): void {
  app.post(
    '/v1/shipments',
    {
      config: { access: access.roles('warehouse', 'integration'), idempotency: { required: false } },
      schema: {
        tags: ['shipments'],
        summary: 'Confirm what a warehouse shipped of one fulfillment request; the same shipment number again answers exists',
        description:
          'Commits the request’s reservations, takes the shipped units off on hand (the hub posts the ship movement; a warehouse feed ' +
          'must not report it too), moves the order to partially_shipped or shipped and handles released units not shipped by the ' +
          'short_ship policy (re-source, backorder or cancel). Shipping more than was released is 422 over_shipment; a shippedAt more ' +
          'than an hour ahead of the hub’s clock is 422 time_ahead_of_clock.',
        headers: z
          .object({ 'idempotency-key': z.string().max(200).optional().describe('Same key and body: the stored response again, byte for byte') })
          .passthrough(),
        body: shipmentConfirmationSchema,
        response: {
          200: confirmAnswer,
          201: confirmAnswer,
          400: errorResponseSchema,
          404: errorResponseSchema,
          409: errorResponseSchema,
          422: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const outcome = await handlers.confirm(request.body, scopeOf(request));
      return reply.code(outcome.result === 'created' ? 201 : 200).send(outcome);
    },
  );

  app.get(
    '/v1/shipments/:id',
    {
      config: { access: access.anyRole },
      schema: { tags: ['shipments'], summary: 'One shipment with its lines, short-shipped remainder and carrier milestones', params: idParams, response: { 200: shipmentSchema, 404: errorResponseSchema } },
    },
    async (request) => handlers.get(request.params.id, scopeOf(request)),
  );

  app.get(
    '/v1/orders/:id/shipments',
    {
      config: { access: access.anyRole },
      schema: { tags: ['shipments'], summary: 'The shipments of one order, oldest first', params: idParams, response: { 200: z.object({ items: z.array(shipmentSchema) }), 404: errorResponseSchema } },
    },
    async (request) => ({ items: await handlers.listForOrder(request.params.id, scopeOf(request)) }),
  );

  app.post(
    '/v1/shipments/:id/milestones',
    {
      config: { access: access.roles('warehouse', 'integration') },
      schema: {
        tags: ['shipments'],
        summary: 'Record a carrier milestone (departed, in_transit, delivered, delayed, exception); the same type and time again answers exists',
        description: 'An occurredAt more than an hour ahead of the hub’s clock is 422 time_ahead_of_clock; estimatedDeliveryAt may be any time.',
        params: idParams,
        body: carrierMilestoneSchema,
        response: { 200: milestoneAnswer, 201: milestoneAnswer, 400: errorResponseSchema, 404: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const outcome = await handlers.addMilestone(request.params.id, request.body, scopeOf(request));
      return reply.code(outcome.result === 'added' ? 201 : 200).send(outcome);
    },
  );
}
