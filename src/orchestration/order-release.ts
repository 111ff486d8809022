import { isoTime, type Clock } from '../platform/clock.ts';
import { planAgainWhileChanged } from './plan-again.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService, Location } from '../domains/catalog/index.ts';
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
/** Stock held for an order line at a location: a pending reservation not yet sent to a warehouse. */
export type HeldForRelease = { reservationId: string; lineNumber: number; sku: string; locationCode: string; quantity: number };

/** The release written inside a caller's transaction: the caller saves `order` and appends `events` last. */
export type ReleaseInTx = { ok: true; order: Order; requests: FulfillmentRequest[]; events: NewEvent[] } | { ok: false; reason: string };

/** What may go to a warehouse now: a substitute waiting for approval or stock still in transfer stays. */
export const releasableHeld = (order: Order, held: readonly HeldForRelease[]): HeldForRelease[] => {
  const waiting = new Set([...linesAwaitingApproval(order), ...linesAwaitingTransfer(order)]);
  return held.filter((h) => !waiting.has(h.lineNumber));
};

export const releaseLocationsOf = (master: Iterable<Location>): Map<string, ReleaseLocation> =>
  new Map([...master].map((l) => [l.code, { code: l.code, cutoffLocalTime: l.cutoffLocalTime, timezone: l.timezone, dailyCapacityLines: l.dailyCapacityLines }]));

export function createOrderRelease(deps: OrderReleaseDeps) {
  /**
   * The release itself, on an order the caller has locked: fulfillment requests booked against
   * cutoffs and capacity, the order moved to released, its promise-date timer set. Allocation calls
   * it in its own transaction for an order released the moment it is allocated.
   */
  async function releaseLockedIn(tx: Tx, order: Order, held: readonly HeldForRelease[], locations: ReadonlyMap<string, ReleaseLocation>, now: number): Promise<ReleaseInTx> {
    const moved = applyRelease(order, new Set(held.map((h) => h.lineNumber)), isoTime(now));
    if (!moved.ok) return { ok: false, reason: moved.message };
    const requests = await deps.fulfillment.releaseIn(tx, order.id, held, locations, now);
    await deps.promiseDates.scheduleIn(tx, moved.order);
    const events: NewEvent[] = [
      ...requests.map((r) => ({ source: '/crossdock/fulfillment', type: 'crossdock.fulfillment.release_requested', subject: `fulfillment:${r.id}`, data: { request: r } })),
      { source: '/crossdock/orchestration', type: 'crossdock.order.released', subject: `order:${order.id}`, data: { orderId: order.id, requests: requests.map((r) => r.id) } },
    ];
    return { ok: true, order: moved.order, requests, events };
  }

  async function releaseOnce(orderId: string): Promise<ReleaseResult> {
    const order = await deps.orders.store.get(orderId);
    if (!order) throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'orderId', message: 'unknown order id' }]);
    if (!releasable.has(order.state)) return { result: 'skipped', reason: `the order is ${order.state}`, order };
    const [reservations, earlier] = await Promise.all([deps.inventory.reservations.listByOrder(orderId), deps.fulfillment.listForOrder(orderId)]);
    const alreadyReleased = new Set(earlier.flatMap((r) => r.reservationIds));
    const held = releasableHeld(
      order,
      reservations
        .filter((r) => r.state === 'pending' && !alreadyReleased.has(r.id))
        .map((r) => ({ reservationId: r.id, lineNumber: r.lineNumber, sku: r.sku, locationCode: r.locationCode, quantity: r.quantity })),
    );
    if (held.length === 0) return { result: 'skipped', reason: 'no allocated stock waits for release', order };
    const locations = releaseLocationsOf((await deps.catalog.locations.getMany([...new Set(held.map((h) => h.locationCode))])).values());

    const now = deps.clock.now();
    return deps.db.transaction().execute(async (tx): Promise<ReleaseResult> => {
      const current = await deps.orders.store.lockForUpdate(tx, orderId);
      if (!current || current.version !== order.version) return { result: 'skipped', reason: 'the order changed meanwhile; release again', order: current ?? order, changed: true };
      const released = await releaseLockedIn(tx, current, held, locations, now);
      if (!released.ok) return { result: 'skipped', reason: released.reason, order: current };
      if (!(await deps.orders.store.save(tx, current, released.order))) throw new Error(`invariant violated: order ${orderId} changed under its row lock`);
      await deps.outbox.appendMany(tx, released.events);
      return { result: 'released', order: released.order, requests: released.requests };
    });
  }

  /** Plans again when another flow changed the order meanwhile (see plan-again.ts). */
  const release = (orderId: string) => planAgainWhileChanged(() => releaseOnce(orderId));

  return { release, releaseLockedIn };
}

export type OrderRelease = ReturnType<typeof createOrderRelease>;
