import { z } from 'zod';
import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { TimerHandler, TimerService } from '../platform/timers/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import { isDelivered, type FulfillmentService, type Shipment } from '../domains/fulfillment/index.ts';
import { endOfDateMs } from '../platform/zoned-time.ts';
import { deliveryTimeZone, openQuantity, promiseDateOf, type Order, type OrdersModule } from '../domains/orders/index.ts';

/** The timer that checks, when an order's promise date is over, whether it was kept. */
export const PROMISE_DATE_TIMER = 'order.promise-date';
export const promiseTimerKey = (orderId: string): string => `order-promise:${orderId}`;
const timerPayloadSchema = z.object({ orderId: z.string() });

/** The time zone where the order's goods arrive (`deliveryTimeZone`), with its ship-to read from master data. */
export async function shipToTimeZone(catalog: CatalogService, order: Order, executor: Executor): Promise<string | undefined> {
  if (order.shipToCode === undefined) return deliveryTimeZone(order, undefined);
  const customer = (await catalog.customers.getMany([order.customerCode], executor)).get(order.customerCode);
  return deliveryTimeZone(order, customer);
}

export interface UndeliveredLine {
  lineNumber: number;
  sku: string;
  /** Units still wanted (ordered less cancelled) that no delivered shipment carried. */
  quantity: number;
}

/** Lines whose wanted units have not all arrived: not shipped yet, or shipped on a shipment not delivered. */
export function undeliveredLines(order: Order, shipments: readonly Shipment[]): UndeliveredLine[] {
  const delivered = new Map<number, number>();
  for (const s of shipments.filter(isDelivered)) {
    for (const l of s.lines) delivered.set(l.lineNumber, (delivered.get(l.lineNumber) ?? 0) + l.quantity);
  }
  return order.lines
    .map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: openQuantity(l) - (delivered.get(l.lineNumber) ?? 0) }))
    .filter((l) => l.quantity > 0);
}

export interface PromiseDatesDeps {
  clock: Clock;
  catalog: CatalogService;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  timers: TimerService;
}

/**
 * Promise dates (DESIGN §5): a released order with a promise date gets a timer due when that date
 * is over; when it fires, an order whose open lines have not all been delivered is announced as
 * `crossdock.order.promise_date_breached`. A carrier's delay whose new estimate is past the date
 * announces the same at once. Either way an order raises it once: the breach row's key decides.
 */
export function createPromiseDates(deps: PromiseDatesDeps) {
  /** Schedules the order's promise-date timer in the caller's transaction; harmless to repeat (the key is unique). */
  async function scheduleIn(tx: Tx, order: Order): Promise<void> {
    const promiseDate = promiseDateOf(order);
    if (promiseDate === undefined) return;
    await deps.timers.schedule(tx, { kind: PROMISE_DATE_TIMER, key: promiseTimerKey(order.id), dueAt: await dueAtMs(tx, order, promiseDate), payload: { orderId: order.id } });
  }

  /** When `promiseDate` is missed at the order's ship-to. */
  async function dueAtMs(executor: Executor, order: Order, promiseDate: string): Promise<number> {
    return endOfDateMs(promiseDate, await shipToTimeZone(deps.catalog, order, executor));
  }

  /**
   * The breach event when this is the order's first, else null; the caller appends it with its other
   * events. Nothing is raised for an order with no promise date or with every open line delivered.
   */
  async function breachIn(tx: Tx, order: Order, shipments: readonly Shipment[], cause: 'timer' | 'delayed'): Promise<NewEvent | null> {
    const promiseDate = promiseDateOf(order);
    if (promiseDate === undefined) return null;
    const lines = undeliveredLines(order, shipments);
    if (lines.length === 0) return null;
    const now = deps.clock.now();
    if (!(await deps.fulfillment.shipments.recordPromiseBreachIn(tx, { orderId: order.id, promiseDate, cause, raisedAtMs: now }))) return null;
    return {
      source: '/crossdock/orchestration',
      type: 'crossdock.order.promise_date_breached',
      subject: `order:${order.id}`,
      data: { orderId: order.id, promiseDate, cause, detectedAt: isoTime(now), undeliveredLines: lines },
    };
  }

  const handleTimer: TimerHandler = async (tx, timer) => {
    const { orderId } = timerPayloadSchema.parse(timer.payload);
    const order = await deps.orders.store.get(orderId, tx);
    // A cancelled order owes the customer nothing more; a missing one is nothing to check.
    if (!order || order.state === 'cancelled') return;
    const event = await breachIn(tx, order, await deps.fulfillment.shipments.listForOrder(orderId, tx), 'timer');
    if (event) await deps.outbox.appendMany(tx, [event]);
  };

  return { scheduleIn, breachIn, handleTimer, dueAtMs };
}

export type PromiseDates = ReturnType<typeof createPromiseDates>;
