import { z } from 'zod';
import { access } from '../platform/auth/roles.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import { orderSchema } from '../domains/orders/index.ts';
import { createOrderAllocation, type OrderAllocationDeps } from './order-allocation.ts';

export { type AllocationResult, type OrderAllocation } from './order-allocation.ts';

/**
 * Cross-domain flows (DESIGN §3). Allocation follows intake on its own: the outbox delivers each
 * `crossdock.order.received` to the allocation step, at least once — allocating twice is harmless.
 */
export function createOrchestration(deps: OrderAllocationDeps & { outbox: OutboxService }) {
  const allocation = createOrderAllocation(deps);
  deps.outbox.subscribe({
    name: 'orchestration.allocate',
    types: ['crossdock.order.received'],
    deliver: async (event) => {
      await allocation.allocate((event.data as { order: { id: string } }).order.id);
    },
  });
  return { allocation };
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
}
