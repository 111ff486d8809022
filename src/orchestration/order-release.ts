import { isoTime, type Clock } from '../platform/clock.ts';
import { planAgainWhileChanged } from './plan-again.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { FulfillmentRequest, FulfillmentService, ReleaseLocation } from '../domains/fulfillment/index.ts';
import type { InventoryModule } from '../domains/inventory/index.ts';
import { applyRelease, linesAwaitingApproval, linesAwaitingTransfer, type Order, type OrdersModule } from '../domains/orders/index.ts';
import type { PromiseDates } from './promise-date.ts';

export type ReleaseResult = { result: 'released'; order: Order; requests: FulfillmentRequest[] } | { result: 'skipped'; reason: string; order: Order; changed?: true };

export interface OrderReleaseDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  inventory: InventoryModule;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  /** A released order's promise date starts its clock (the timer is idempotent by key). */
  promiseDates: Pick<PromiseDates, 'scheduleIn'>;
}

const releasable = new Set(['allocated', 'partially_allocated', 'released', 'partially_shipped']);

/**
 * Release, the step after allocation: the stock held for an order goes to its warehouses as one
 * fulfillment request per location, due at the location's next cutoff its capacity allows, and the
 * order moves to released. Connectors turn each `crossdock.fulfillment.release_requested` into a 940
 * or an API call. Releasing twice is harmless: the order's version guards the write and a released
 * order is skipped.
 */
export function createOrderRelease(deps: OrderReleaseDeps) {
  async function releaseOnce(orderId: string): Promise<ReleaseResult> {
    const order = await deps.orders.store.get(orderId);
    if (!order) throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'orderId', message: 'unknown order id' }]);
    if (!releasable.has(order.state)) return { result: 'skipped', reason: `the order is ${order.state}`, order };
    const [reservations, earlier] = await Promise.all([deps.inventory.reservations.listByOrder(orderId), deps.fulfillment.listForOrder(orderId)]);
    const alreadyReleased = new Set(earlier.flatMap((r) => r.reservationIds));
    // A substitute waiting for approval, or a line whose stock is still travelling to its ship-from
    // location, stays reserved but does not go to the warehouse yet.
    const awaitingApproval = new Set([...linesAwaitingApproval(order), ...linesAwaitingTransfer(order)]);
    const held = reservations
      .filter((r) => r.state === 'pending' && !alreadyReleased.has(r.id) && !awaitingApproval.has(r.lineNumber))
      .map((r) => ({ reservationId: r.id, lineNumber: r.lineNumber, sku: r.sku, locationCode: r.locationCode, quantity: r.quantity }));
    if (held.length === 0) return { result: 'skipped', reason: 'no allocated stock waits for release', order };
    const master = await deps.catalog.locations.getMany([...new Set(held.map((h) => h.locationCode))]);
    const locations = new Map<string, ReleaseLocation>(
      [...master.values()].map((l) => [l.code, { code: l.code, cutoffLocalTime: l.cutoffLocalTime, timezone: l.timezone, dailyCapacityLines: l.dailyCapacityLines }]),
    );

    const now = deps.clock.now();
    return deps.db.transaction().execute(async (tx): Promise<ReleaseResult> => {
      const current = await deps.orders.store.lockForUpdate(tx, orderId);
      if (!current || current.version !== order.version) return { result: 'skipped', reason: 'the order changed meanwhile; release again', order: current ?? order, changed: true };
      const moved = applyRelease(current, new Set(held.map((h) => h.lineNumber)), isoTime(now));
      if (!moved.ok) return { result: 'skipped', reason: moved.message, order: current };
      const requests = await deps.fulfillment.releaseIn(tx, orderId, held, locations, now);
      if (!(await deps.orders.store.save(tx, current, moved.order))) throw new Error(`invariant violated: order ${orderId} changed under its row lock`);
      await deps.promiseDates.scheduleIn(tx, moved.order);
      const events: NewEvent[] = [
        ...requests.map((r) => ({ source: '/crossdock/fulfillment', type: 'crossdock.fulfillment.release_requested', subject: `fulfillment:${r.id}`, data: { request: r } })),
        { source: '/crossdock/orchestration', type: 'crossdock.order.released', subject: `order:${orderId}`, data: { orderId, requests: requests.map((r) => r.id) } },
      ];
      await deps.outbox.appendMany(tx, events);
      return { result: 'released', order: moved.order, requests };
    });
  }

  /** Plans again when another flow changed the order meanwhile (see plan-again.ts). */
  const release = (orderId: string) => planAgainWhileChanged(() => releaseOnce(orderId));

  return { release };
}

export type OrderRelease = ReturnType<typeof createOrderRelease>;
