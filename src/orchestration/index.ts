import { z } from 'zod';
import { access } from '../platform/auth/roles.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import { orderSchema } from '../domains/orders/index.ts';
import { fulfillmentRequestSchema } from '../domains/fulfillment/index.ts';
import { createOrderAllocation, type OrderAllocationDeps } from './order-allocation.ts';
import { createOrderRelease } from './order-release.ts';
import type { FulfillmentService } from '../domains/fulfillment/index.ts';

export { type AllocationResult, type OrderAllocation } from './order-allocation.ts';
export { type ReleaseResult, type OrderRelease } from './order-release.ts';

/**
 * Cross-domain flows (DESIGN §3). Allocation follows intake on its own: the outbox delivers each
 * `crossdock.order.received` to the allocation step, at least once — allocating twice is harmless.
 */
export function createOrchestration(deps: OrderAllocationDeps & { outbox: OutboxService; fulfillment: FulfillmentService }) {
  const allocation = createOrderAllocation(deps);
  const release = createOrderRelease(deps);
  deps.outbox.subscribe({
    name: 'orchestration.allocate',
    types: ['crossdock.order.received'],
    deliver: async (event) => {
      await allocation.allocate((event.data as { order: { id: string } }).order.id);
    },
  });
  // An allocated order goes to its warehouses at once; cutoffs and capacity set when it is due.
  deps.outbox.subscribe({
    name: 'orchestration.release',
    types: ['crossdock.order.allocated', 'crossdock.order.partially_allocated'],
    deliver: async (event) => {
      await release.release((event.data as { orderId: string }).orderId);
    },
  });
  return { allocation, release };
}

export type Orchestration = ReturnType<typeof createOrchestration>;

export function registerOrchestrationRoutes(app: HttpApp, orchestration: Orchestration): void {
  app.post(
    '/v1/orders/:id/allocate',
    {
      config: { access: access.roles('planner', 'customer_service', 'integration') },
      schema: {
        tags: ['orders'],
        summary: 'Source and allocate what is not yet allocated (after a hold is released or supply arrives); harmless to repeat',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: {
          200: z.object({ result: z.enum(['allocated', 'partially_allocated', 'backordered', 'skipped']), reason: z.string().optional(), order: orderSchema, decisions: z.array(z.unknown()).optional() }),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => orchestration.allocation.allocate(request.params.id),
  );

  app.post(
    '/v1/orders/:id/release',
    {
      config: { access: access.roles('planner', 'customer_service', 'warehouse', 'integration') },
      schema: {
        tags: ['orders'],
        summary: 'Send the allocated stock of an order to its warehouses as fulfillment requests; harmless to repeat',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: {
          200: z.object({ result: z.enum(['released', 'skipped']), reason: z.string().optional(), order: orderSchema, requests: z.array(fulfillmentRequestSchema).optional() }),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => orchestration.release.release(request.params.id),
  );
}
