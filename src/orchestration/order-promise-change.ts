import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { TimerService } from '../platform/timers/index.ts';
import type { Order, OrdersModule } from '../domains/orders/index.ts';
import { PROMISE_DATE_TIMER, promiseDateOf, promiseDueAtMs, promiseTimerKey } from './promise-date.ts';

/** Orders whose promise can no longer change: the goods have gone, or the order is over. */
const settledStates = new Set<Order['state']>(['shipped', 'invoiced', 'closed', 'cancelled']);

export interface PromiseChangeDeps {
  db: Executor;
  clock: Clock;
  orders: OrdersModule;
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
      if (settledStates.has(current.state)) {
        throw new AppError('invalid_state', `order ${orderId} is ${current.state}; its promise date can no longer change`, [{ path: 'body.params.promiseDate', message: current.state }]);
      }
      if (promiseDueAtMs(promiseDate) < now) {
        throw new AppError('validation_failed', `body.params.promiseDate: ${promiseDate} has already passed`, [{ path: 'body.params.promiseDate', message: 'must be today or later' }]);
      }
      const next: Order = { ...current, promiseDate, updatedAt: isoTime(now), version: current.version + 1 };
      invariant(await deps.orders.store.save(tx, current, next), `order ${orderId} changed under its row lock`);
      for (const key of [promiseTimerKey(orderId), ...(from === null ? [] : [`${promiseTimerKey(orderId)}:${from}`])]) await deps.timers.cancel(tx, key);
      await deps.timers.schedule(tx, { kind: PROMISE_DATE_TIMER, key: `${promiseTimerKey(orderId)}:${promiseDate}`, dueAt: promiseDueAtMs(promiseDate), payload: { orderId } });
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
