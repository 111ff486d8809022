import { z } from 'zod';
import { access } from '../platform/auth/roles.ts';
import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { FulfillmentService } from '../domains/fulfillment/index.ts';
import type { InventoryModule, PositionChange } from '../domains/inventory/index.ts';
import { applyCancellation, orderSchema, type Order, type OrdersModule } from '../domains/orders/index.ts';

export interface OrderCancelDeps {
  db: Executor;
  clock: Clock;
  inventory: InventoryModule;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
}

export const cancelInputSchema = z
  .object({
    reason: z.string().trim().min(1).max(500).describe('Why; kept on the event for the audit trail'),
    lineNumbers: z.array(z.number().int().min(1)).min(1).max(5000).optional().describe('The lines whose unshipped rest is cancelled; all lines when absent'),
  })
  .strict();
export type CancelInput = z.infer<typeof cancelInputSchema>;

export type CancelResult = { result: 'cancelled'; order: Order; lines: Array<{ lineNumber: number; cancelledQuantity: number }>; withdrawnRequests: string[] };

/**
 * Cancelling what has not shipped: the customer changed their mind, a person accepts a shortage, a
 * line is refused. In one transaction the order's lines are cancelled (the pure rules decide the
 * header), the reservations that held them are given back, and they are withdrawn from warehouse
 * requests the warehouse has not confirmed — each withdrawal is announced so the connector can send
 * the cancellation on (a 940 cancel or an API call). Shipped units stay shipped and are invoiced.
 */
export function createOrderCancel(deps: OrderCancelDeps) {
  async function cancel(orderId: string, input: CancelInput, by: string, partnerCode: string | null = null): Promise<CancelResult> {
    const before = await deps.orders.store.get(orderId);
    // A key scoped to a trading partner sees only that partner's orders.
    if (!before || (partnerCode !== null && before.partnerCode !== partnerCode)) throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
    // Read before the transaction: on SQLite a read outside it would wait for it.
    const [reservations, requests] = await Promise.all([deps.inventory.reservations.listByOrder(orderId), deps.fulfillment.listForOrder(orderId)]);
    const now = deps.clock.now();
    let changes: PositionChange[] = [];
    const outcome = await deps.db.transaction().execute(async (tx): Promise<CancelResult> => {
      const current = await deps.orders.store.lockForUpdate(tx, orderId);
      invariant(current, `order ${orderId} disappeared`);
      const applied = applyCancellation(current, input.lineNumbers ?? 'all', isoTime(now));
      if (!applied.ok) {
        const code = applied.reason === 'unknown_line' ? 'unprocessable' : 'invalid_state';
        throw new AppError(code, applied.message, [{ path: applied.reason === 'unknown_line' ? 'body.lineNumbers' : 'params.id', message: applied.reason }]);
      }
      const cancelledLines = new Set(applied.lines.map((l) => l.lineNumber));
      const held = reservations.filter((r) => r.state === 'pending' && cancelledLines.has(r.lineNumber));
      const released = await deps.inventory.reservations.resolveManyIn(tx, held.map((r) => r.id), 'released', { reasonCode: 'order_cancelled' });
      const heldIds = new Set(held.map((r) => r.id));
      const withdrawn: string[] = [];
      for (const request of requests.filter((r) => r.state !== 'shipped' && r.state !== 'cancelled')) {
        const result = await deps.fulfillment.withdrawLinesIn(tx, request, cancelledLines, heldIds);
        if (result === 'reduced' || result === 'cancelled') withdrawn.push(request.id);
        else if (result === 'closed') {
          throw new AppError('invalid_state', `the warehouse confirmed fulfillment request ${request.id} meanwhile; cancel again after reading the order`, [{ path: 'params.id', message: 'request closed meanwhile' }]);
        }
      }
      invariant(await deps.orders.store.save(tx, current, applied.order), `order ${orderId} changed under its row lock`);
      const events: NewEvent[] = [
        ...released.events,
        ...withdrawn.map((id) => ({
          source: '/crossdock/fulfillment',
          type: 'crossdock.fulfillment.cancel_requested',
          subject: `fulfillment:${id}`,
          data: { fulfillmentRequestId: id, orderId, lineNumbers: [...cancelledLines], reason: input.reason },
        })),
        {
          source: '/crossdock/orchestration',
          type: applied.to === 'cancelled' ? 'crossdock.order.cancelled' : 'crossdock.order.lines_cancelled',
          subject: `order:${orderId}`,
          data: { orderId, from: applied.from, to: applied.to, lines: applied.lines, reason: input.reason, by },
        },
      ];
      // A cancellation that leaves only shipped units completes the order as shipped; invoicing listens.
      if (applied.to === 'shipped' && applied.from !== 'shipped') {
        events.push({ source: '/crossdock/orchestration', type: 'crossdock.order.shipped', subject: `order:${orderId}`, data: { orderId, from: applied.from, to: applied.to } });
      }
      await deps.outbox.appendMany(tx, events);
      changes = released.changes;
      return { result: 'cancelled', order: applied.order, lines: applied.lines.map((l) => ({ lineNumber: l.lineNumber, cancelledQuantity: l.cancelledQuantity })), withdrawnRequests: withdrawn };
    });
    deps.inventory.inventoryChanges.publish(changes);
    return outcome;
  }

  return { cancel };
}

export type OrderCancel = ReturnType<typeof createOrderCancel>;

export function registerOrderCancelRoutes(app: HttpApp, cancel: OrderCancel): void {
  app.post(
    '/v1/orders/:id/cancel',
    {
      config: { access: access.roles('customer_service', 'planner', 'integration') },
      schema: {
        tags: ['orders'],
        summary: 'Cancel the unshipped rest of an order or of some of its lines; held stock is given back and withdrawn from warehouse requests',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: cancelInputSchema,
        response: {
          200: z.object({ result: z.literal('cancelled'), order: orderSchema, lines: z.array(z.object({ lineNumber: z.number(), cancelledQuantity: z.number() })), withdrawnRequests: z.array(z.string()) }),
          404: errorResponseSchema,
          409: errorResponseSchema,
          422: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return cancel.cancel(request.params.id, request.body, `key:${principal.keyId}`, principal.partnerCode);
    },
  );
}
