import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { access } from '../platform/auth/roles.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import { orderSchema } from '../domains/orders/index.ts';
import { fulfillmentRequestSchema } from '../domains/fulfillment/index.ts';
import { createOrderAllocation, type OrderAllocationDeps } from './order-allocation.ts';
import { createOrderRelease } from './order-release.ts';
import { createOrderCancel, registerOrderCancelRoutes } from './order-cancel.ts';
import { registerShipmentRoutes, type FulfillmentService } from '../domains/fulfillment/index.ts';
import type { IdGenerator } from '../platform/ids.ts';
import type { TimerService } from '../platform/timers/index.ts';
import { createOrderShipment } from './order-shipment.ts';
import { createShipmentMilestones } from './shipment-milestones.ts';
import { createPromiseDates, PROMISE_DATE_TIMER } from './promise-date.ts';
import { createFinanceFlows } from './finance-flows.ts';
import { createOrderReturns } from './order-returns.ts';
import { registerReturnRoutes } from '../domains/returns/index.ts';
import { registerCreditMemoRoutes } from '../domains/finance/index.ts';
import { registerFinanceRoutes } from './finance.routes.ts';
import type { ProcurementService } from '../domains/procurement/index.ts';
import { createReplenishmentFlows } from './replenishment-flows.ts';
import { registerOrderTransferCancel } from './order-transfer-cancel.ts';
import { registerReplenishmentRoutes } from './replenishment.routes.ts';
import type { ExceptionService } from '../domains/exceptions/index.ts';
import type { InboxService } from '../platform/inbox/index.ts';
import { createExceptionRaising } from './exceptions-raising.ts';
import { registerExceptionActions } from './exceptions-actions.ts';
import { createExceptionSupply } from './exceptions-supply.ts';
import { createInvoiceAck } from './invoice-ack.ts';
import { registerInvoiceAckRoutes } from './invoice-ack.routes.ts';

export { type AllocationResult, type OrderAllocation } from './order-allocation.ts';
export { type ReleaseResult, type OrderRelease } from './order-release.ts';
export { type OrderShipment, type ShipmentConfirmResult } from './order-shipment.ts';
export { type ShipmentMilestones } from './shipment-milestones.ts';
export { PROMISE_DATE_TIMER, promiseTimerKey } from './promise-date.ts';
export { ORDER_CLOSE_TIMER, type InvoicingResult, type OrderInvoicing } from './order-invoicing.ts';
export { CREDIT_RULE, type CreditUpdateResult, type OrderCredit } from './order-credit.ts';
export { type FinanceFlows } from './finance-flows.ts';
export { type OrderReturns } from './order-returns.ts';

/**
 * Cross-domain flows (DESIGN §3). Allocation follows intake on its own: the outbox delivers each
 * `crossdock.order.received` to the allocation step, at least once — allocating twice is harmless.
 */
export function createOrchestration(
  deps: OrderAllocationDeps & {
    outbox: OutboxService;
    fulfillment: FulfillmentService;
    timers: TimerService;
    ids: IdGenerator;
    procurement: ProcurementService;
    exceptions: ExceptionService;
    inbox: InboxService;
    onError?: (error: unknown, where: string) => void;
  },
) {
  const promiseDates = createPromiseDates(deps);
  const release = createOrderRelease({ ...deps, promiseDates });
  const allocation = createOrderAllocation({ ...deps, release });
  const shipment = createOrderShipment({ ...deps, allocation });
  const cancel = createOrderCancel(deps);
  const milestones = createShipmentMilestones({ ...deps, promiseDates });
  const finance = createFinanceFlows(deps, { allocate: allocation.allocate, release: release.release });
  deps.timers.registerHandler(PROMISE_DATE_TIMER, promiseDates.handleTimer);
  deps.outbox.subscribe({
    name: 'orchestration.allocate',
    types: ['crossdock.order.received'],
    // An order taken in waits on this step for its release; other subscribers' work waits on it.
    first: true,
    deliver: async (event) => {
      await allocation.allocate((event.data as { order: { id: string } }).order.id);
    },
    // Orders taken in together are allocated with one commit.
    deliverMany: (events) => allocation.allocateMany(events.map((event) => (event.data as { order: { id: string } }).order.id)),
  });
  // An allocated order goes to its warehouses at once; cutoffs and capacity set when it is due.
  deps.outbox.subscribe({
    name: 'orchestration.release',
    types: ['crossdock.order.allocated', 'crossdock.order.partially_allocated'],
    // An order allocated for the first time was released in the allocation's own transaction.
    accepts: (event) => (event.data as { released?: boolean }).released !== true,
    deliver: async (event) => {
      await release.release((event.data as { orderId: string }).orderId);
    },
  });
  // A transfer sourcing chose arrived or was cancelled: what arrived is reserved at its destination and
  // released from there; units that did not come are sourced again first.
  deps.outbox.subscribe({
    name: 'orchestration.transfer-settled',
    types: ['crossdock.order.transfer_received', 'crossdock.order.transfer_cancelled'],
    deliver: async (event) => {
      const { orderId, lines } = event.data as { orderId: string; lines: Array<{ returned: number }> };
      if (lines.some((l) => l.returned > 0)) await allocation.allocate(orderId);
      await release.release(orderId);
    },
  });
  // A short-shipped remainder under the `resource` policy goes back to sourcing. The confirmation
  // tries at once; this delivery makes it happen even if that attempt failed or the node stopped.
  deps.outbox.subscribe({
    name: 'orchestration.resource-short-ship',
    types: ['crossdock.shipment.confirmed'],
    deliver: async (event) => {
      await shipment.resourceFromEvent(event.data as { orderId: string; shortShipped: Array<{ handling: string }> });
    },
  });
  // Returns: RMA, receipt, disposition and credit memo; its expiry timer handler registers itself.
  const returns = createOrderReturns(deps);
  // Procure-to-stock: replenishment proposals, supply moving, and backorders allocated as supply arrives.
  const replenishment = createReplenishmentFlows({ ...deps, allocation });
  registerOrderTransferCancel({ ...deps, transfers: replenishment.transfers });
  // Exceptions as owned work: raised and cleared from events and failed messages, worked by actions.
  const exceptionRaising = createExceptionRaising(deps);
  registerExceptionActions({ ...deps, allocation, cancel, finance });
  const exceptionSupply = createExceptionSupply({ ...deps, raising: exceptionRaising });
  const invoiceAck = createInvoiceAck({ ...deps, invoices: finance.invoices });
  return { allocation, release, cancel, shipment, milestones, promiseDates, finance, returns, replenishment, exceptionRaising, exceptionSupply, invoiceAck };
}

export type Orchestration = ReturnType<typeof createOrchestration>;

export function registerOrchestrationRoutes(app: HttpApp, orchestration: Orchestration): void {
  // A key scoped to a trading partner may move only its partner's orders; another's is unknown to it.
  const partnersOrderOnly = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { partnerCode } = principalOf(request);
    if (partnerCode === null) return;
    const order = await orchestration.finance.orders.store.get(request.params.id);
    if (order?.partnerCode !== partnerCode) throw new AppError('not_found', `order ${request.params.id} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
  };

  app.post(
    '/v1/orders/:id/allocate',
    {
      config: { access: access.roles('planner', 'customer_service', 'integration') },
      preHandler: partnersOrderOnly,
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
      preHandler: partnersOrderOnly,
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

  registerShipmentRoutes(app, {
    confirm: (input, scope) => orchestration.shipment.confirm(input, scope),
    addMilestone: (id, input, scope) => orchestration.milestones.addMilestone(id, input, scope),
    get: (id, scope) => orchestration.milestones.get(id, scope),
    listForOrder: (orderId, scope) => orchestration.milestones.listForOrder(orderId, scope),
  });
  registerOrderCancelRoutes(app, orchestration.cancel);
  registerFinanceRoutes(app, orchestration.finance);
  registerInvoiceAckRoutes(app, orchestration.invoiceAck);
  registerReturnRoutes(app, { returns: orchestration.returns.store, commands: orchestration.returns });
  registerCreditMemoRoutes(app, orchestration.returns.creditMemos);
  registerReplenishmentRoutes(app, orchestration.replenishment);
}
