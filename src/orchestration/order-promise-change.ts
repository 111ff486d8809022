import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { TimerService } from '../platform/timers/index.ts';
import type { FulfillmentService, Shipment } from '../domains/fulfillment/index.ts';
import { promiseDateOf, type Order, type OrdersModule } from '../domains/orders/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import { endOfDateMs } from '../platform/zoned-time.ts';
import { PROMISE_DATE_TIMER, promiseTimerKey, shipToTimeZone, undeliveredLines } from './promise-date.ts';

/**
 * Why an order's promise can no longer change, or null when it can. A promise is about delivery, not
 * shipment: goods shipped but still with the carrier (the order `shipped` or even `invoiced`) can
 * still be promised for a later day, and that is exactly what a carrier's delay calls for. Once every
 * wanted unit has been delivered, or the order is closed or cancelled, there is nothing to promise.
 */
export function promiseChangeRefusal(order: Order, shipments: readonly Shipment[]): { code: 'order_cancelled' | 'order_closed' | 'order_delivered'; message: string } | null {
  if (order.state === 'cancelled') return { code: 'order_cancelled', message: `order ${order.id} is cancelled; it owes the customer nothing to promise` };
  if (order.state === 'closed') return { code: 'order_closed', message: `order ${order.id} is closed; its promise date can no longer change` };
  if (undeliveredLines(order, shipments).length === 0) return { code: 'order_delivered', message: `every unit of order ${order.id} has been delivered; its promise date can no longer change` };
  return null;
}

export interface PromiseChangeDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  timers: TimerService;
}

export type PromiseChangeResult = { result: 'changed' | 'unchanged'; order: Order; from: string | null; to: string };

/**
 * A person agrees a new promise date with the customer (an exception's `change_promise_date`). The
 * order is locked and saved under its version; its promise-date timer moves to the new date: the old
 * timer is cancelled and a timer keyed by the new date is scheduled (timer keys are unique for all
 * time, so a date set twice keeps its one timer). A promise already broken stays recorded as broken.
 */
export function createPromiseChange(deps: PromiseChangeDeps) {
  async function change(orderId: string, promiseDate: string, by: string, reason: string | null): Promise<PromiseChangeResult> {
    const now = deps.clock.now();
    return deps.db.transaction().execute(async (tx) => {
      const current = await deps.orders.store.lockForUpdate(tx, orderId);
      if (!current) throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
      const from = promiseDateOf(current) ?? null;
      if (current.promiseDate === promiseDate) return { result: 'unchanged' as const, order: current, from, to: promiseDate };
      const refusal = promiseChangeRefusal(current, await deps.fulfillment.shipments.listForOrder(orderId, tx));
      if (refusal) throw new AppError('invalid_state', refusal.message, [{ path: 'body.params.promiseDate', message: refusal.code }]);
      // The new date is over, like the old one, at the end of that day at the ship-to.
      const dueAtMs = endOfDateMs(promiseDate, await shipToTimeZone(deps.catalog, current, tx));
      if (dueAtMs < now) {
        throw new AppError('validation_failed', `body.params.promiseDate: ${promiseDate} has already passed`, [{ path: 'body.params.promiseDate', message: 'must be today or later' }]);
      }
      const next: Order = { ...current, promiseDate, updatedAt: isoTime(now), version: current.version + 1 };
      invariant(await deps.orders.store.save(tx, current, next), `order ${orderId} changed under its row lock`);
      for (const key of [promiseTimerKey(orderId), ...(from === null ? [] : [`${promiseTimerKey(orderId)}:${from}`])]) await deps.timers.cancel(tx, key);
      await deps.timers.schedule(tx, { kind: PROMISE_DATE_TIMER, key: `${promiseTimerKey(orderId)}:${promiseDate}`, dueAt: dueAtMs, payload: { orderId } });
      await deps.outbox.append(tx, {
        source: '/crossdock/orchestration',
        type: 'crossdock.order.promise_date_changed',
        subject: `order:${orderId}`,
        data: { orderId, from, to: promiseDate, by, reason },
        correlationId: orderId,
      });
      return { result: 'changed' as const, order: next, from, to: promiseDate };
    });
  }
  return { change };
}

export type PromiseChange = ReturnType<typeof createPromiseChange>;
