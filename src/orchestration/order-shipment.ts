import { isoTime, type Clock } from '../platform/clock.ts';
import type { CommitHooks } from '../platform/db/after-commit.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError, invariant, type ErrorDetail } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import { shipmentConfirmationSchema, shipmentSchema, type FulfillmentService, type Shipment, type ShipmentConfirmation, type StoredFulfillmentRequest } from '../domains/fulfillment/index.ts';
import { AVAILABILITY_CHANGED, type CrossdockMovement, type InventoryModule, type PositionChange } from '../domains/inventory/index.ts';
import { applyShipment, shipmentEventType, type Order, type OrdersModule, type ShippedLine } from '../domains/orders/index.ts';
import { shortShipPolicy, type PolicyService } from '../domains/policies/index.ts';
import type { IdGenerator } from '../platform/ids.ts';
import { refuseTimeAhead } from '../domains/shared/index.ts';
import type { OrderAllocation } from './order-allocation.ts';

export type ShipmentConfirmResult = { result: 'created' | 'exists'; shipment: Shipment; order: Order };

/** Whom a caller acts for: a key scoped to a trading partner sees only that partner's orders. */
export interface Scope {
  partnerCode: string | null;
}
export const unscoped: Scope = { partnerCode: null };

export interface OrderShipmentDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  policies: PolicyService;
  inventory: InventoryModule;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  allocation: OrderAllocation;
}

/** The short-ship policy in force, as a confirmation applies and records it. */
type ShortShipRule = { version: number; document: { remainder: Parameters<typeof applyShipment>[2] } };

const requestNotFound = (id: string) => new AppError('not_found', `fulfillment request ${id} does not exist`, [{ path: 'fulfillmentRequestId', message: 'unknown fulfillment request' }]);

/** The shipped quantity of every line of the request; lines the warehouse left out shipped nothing. */
function shippedLinesOf(request: StoredFulfillmentRequest, input: ShipmentConfirmation): ShippedLine[] {
  const released = new Map(request.lines.map((l) => [l.lineNumber, l.quantity]));
  const problems: ErrorDetail[] = [];
  input.lines.forEach((l, i) => {
    const quantity = released.get(l.lineNumber);
    if (quantity === undefined) problems.push({ path: `lines.${i}.lineNumber`, message: `line ${l.lineNumber} is not in fulfillment request ${request.id}` });
    else if (l.quantity > quantity) problems.push({ path: `lines.${i}.quantity`, message: `line ${l.lineNumber}: ${l.quantity} shipped but only ${quantity} released to ${request.locationCode}` });
  });
  if (problems.length > 0) throw new AppError('over_shipment', `the shipment ships more than fulfillment request ${request.id} released: ${problems.map((p) => p.message).join('; ')}`, problems);
  const confirmed = new Map(input.lines.map((l) => [l.lineNumber, l.quantity]));
  return request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: confirmed.get(l.lineNumber) ?? 0, releasedQuantity: l.quantity }));
}

/**
 * Shipment confirmation (DESIGN §5 step 5): a warehouse says what it shipped of one fulfillment
 * request. In one transaction the request's reservations are committed, the hub posts the `ship`
 * movements that take the units off on hand, the order's lines move on (the unshipped remainder
 * handled by the short-ship policy), the request is closed and the shipment stored and announced.
 *
 * The hub posts `ship` itself from the confirmation (source `crossdock`, reference `shipment:<id>`):
 * a warehouse feed must not also report `ship` events for shipments it confirms, or the units would
 * leave on hand twice. The warehouse's shipment number, per location, is the dedupe key: the same
 * number again answers `exists` and changes nothing (I5).
 */
export function createOrderShipment(deps: OrderShipmentDeps) {
  async function exists(stored: Shipment, input: ShipmentConfirmation, executor: Executor = deps.db): Promise<ShipmentConfirmResult> {
    if (stored.fulfillmentRequestId !== input.fulfillmentRequestId) {
      throw new AppError('conflict', `shipment number ${input.shipmentNumber} at ${stored.locationCode} was already used for fulfillment request ${stored.fulfillmentRequestId}`, [
        { path: 'shipmentNumber', message: 'already used at this location for another fulfillment request' },
      ]);
    }
    const order = await deps.orders.store.get(stored.orderId, executor);
    invariant(order, `shipment ${stored.id} names order ${stored.orderId}, which does not exist`);
    return { result: 'exists', shipment: stored, order };
  }

  /**
   * Commits the request's reservations and posts its ship movements; the caller appends `events` last
   * (on PostgreSQL an outbox append holds a lock until commit, so nothing may be written after it).
   * The position changes of both steps are merged and announced once, with the final positions.
   */
  async function moveStock(tx: Tx, request: StoredFulfillmentRequest, shipment: Shipment): Promise<{ changes: PositionChange[]; events: NewEvent[] }> {
    const reference = `shipment:${shipment.id}`;
    const committed = await deps.inventory.reservations.resolveManyIn(tx, request.reservationIds, 'committed', { reference });
    const lost = committed.outcomes.filter((o) => o.result !== 'committed');
    if (lost.length > 0) {
      throw new AppError(
        'invalid_state',
        `reservation(s) ${lost.map((o) => `${o.reservation.id} (${o.reservation.state})`).join(', ')} of fulfillment request ${request.id} no longer hold stock for this order`,
        lost.map((o) => ({ path: 'fulfillmentRequestId', message: `reservation ${o.reservation.id} is ${o.reservation.state}` })),
      );
    }
    const movements: CrossdockMovement[] = shipment.lines.map((l) => ({
      sku: l.sku,
      locationCode: shipment.locationCode,
      type: 'ship',
      deltas: { onHand: -l.quantity },
      reference,
      occurredAtMs: Date.parse(shipment.shippedAt),
    }));
    const posted = await deps.inventory.movements.postIn(tx, movements);
    const refused = posted.outcomes.flatMap((o, i) => (o.ok ? [] : [{ path: `lines.${i}`, message: `${movements[i]!.sku} at ${shipment.locationCode}: ${o.rejection.message}` }]));
    if (refused.length > 0) {
      // The ledger has fewer units on hand than the warehouse shipped: its feed is behind. Refusing
      // keeps I2; the warehouse sends the confirmation again once its stock movements are in.
      throw new AppError('insufficient_stock', `the ledger cannot ship these units yet: ${refused.map((r) => r.message).join('; ')}`, refused);
    }
    const merged = new Map<string, PositionChange>();
    for (const change of [...committed.changes, ...posted.changes]) merged.set(`${change.sku}\u0000${change.locationCode}`, change);
    const changes = [...merged.values()];
    const own = [...committed.events, ...posted.events].filter((e) => e.type !== AVAILABILITY_CHANGED);
    return { changes, events: [...deps.inventory.announce(changes), ...own] };
  }

  /**
   * The confirmation's writes, under the order's row lock, in the caller's transaction: answers the
   * created result and the position changes to announce after commit, or the shipment another
   * confirmation stored first under the same number.
   */
  async function applyIn(tx: Tx, orderId: string, request: StoredFulfillmentRequest, input: ShipmentConfirmation, policy: ShortShipRule, now: number): Promise<{ outcome: ShipmentConfirmResult | Shipment; changes: PositionChange[] }> {
    // Everything below is decided on the order as read under its lock, so a change made since the
    // caller's reads (a late allocation, another shipment) is taken into account, not overwritten.
    const current = await deps.orders.store.lockForUpdate(tx, orderId);
    invariant(current, `order ${orderId} disappeared`);
    const again = await deps.fulfillment.shipments.findByNumber(request.locationCode, input.shipmentNumber, tx);
    if (again) return { outcome: again, changes: [] };
    const open = await deps.fulfillment.getRequest(request.id, tx);
    invariant(open, `fulfillment request ${request.id} disappeared`);
    if (open.state === 'shipped' || open.state === 'cancelled') {
      throw new AppError('invalid_state', `fulfillment request ${request.id} is ${open.state} already; a request is confirmed once`, [{ path: 'fulfillmentRequestId', message: `the request is ${open.state}` }]);
    }
    const shipped = shippedLinesOf(open, input);
    const applied = applyShipment(current, shipped, policy.document.remainder, isoTime(now));
    if (!applied.ok) {
      const code = applied.reason === 'over_shipment' || applied.reason === 'unknown_line' ? 'over_shipment' : 'invalid_state';
      throw new AppError(code, `order ${orderId} cannot take this shipment: ${applied.message}`, [{ path: 'fulfillmentRequestId', message: applied.message }]);
    }
    const skuOf = new Map(open.lines.map((l) => [l.lineNumber, l.sku]));
    const shipment = shipmentSchema.parse({
      id: deps.ids.next(),
      orderId,
      fulfillmentRequestId: open.id,
      locationCode: open.locationCode,
      shipmentNumber: input.shipmentNumber,
      ...(input.carrierScac !== undefined && { carrierScac: input.carrierScac }),
      ...(input.serviceCode !== undefined && { serviceCode: input.serviceCode }),
      ...(input.trackingNumber !== undefined && { trackingNumber: input.trackingNumber }),
      shippedAt: input.shippedAt,
      confirmedAt: isoTime(now),
      lines: shipped.filter((l) => l.quantity > 0).map((l) => ({ lineNumber: l.lineNumber, sku: skuOf.get(l.lineNumber)!, quantity: l.quantity })),
      shortShipped: applied.shortShipped.map((s) => ({ ...s, sku: skuOf.get(s.lineNumber)! })),
      milestones: [],
    });
    const recorded = await deps.fulfillment.shipments.recordIn(tx, shipment, now);
    // Another node stored the same number a moment ago (the unique key decided); nothing was written here.
    if (recorded.result === 'exists') return { outcome: recorded.shipment, changes: [] };
    if (!(await deps.orders.store.save(tx, current, applied.order))) throw new Error(`invariant violated: order ${orderId} changed under its row lock`);
    invariant(await deps.fulfillment.closeIn(tx, open, shipment.lines.length > 0 ? 'shipped' : 'cancelled'), `fulfillment request ${open.id} was closed under the order's lock`);
    const stock = await moveStock(tx, open, shipment);
    const events: NewEvent[] = [
      ...stock.events,
      {
        source: '/crossdock/fulfillment',
        type: 'crossdock.shipment.confirmed',
        subject: `order:${orderId}`,
        data: { orderId: orderId, shipment, shortShipped: applied.shortShipped, policyVersion: policy.version },
      },
    ];
    if (applied.event !== null) {
      events.push({
        source: '/crossdock/orchestration',
        type: shipmentEventType[applied.event],
        subject: `order:${orderId}`,
        data: { orderId: orderId, from: applied.from, to: applied.to, shipmentId: shipment.id },
      });
    }
    await deps.outbox.appendMany(tx, events);
    return { outcome: { result: 'created', shipment, order: applied.order }, changes: stock.changes };
  }

  /** The confirmation as its schema and the hub's clock accept it: it cannot ship in the future. */
  function confirmationOf(raw: unknown): ShipmentConfirmation {
    const input = shipmentConfirmationSchema.parse(raw);
    refuseTimeAhead('the shipment cannot be confirmed', 'shippedAt', input.shippedAt, deps.clock.now());
    return input;
  }

  async function confirm(raw: unknown, scope: Scope = unscoped): Promise<ShipmentConfirmResult> {
    const input = confirmationOf(raw);
    const request = await deps.fulfillment.getRequest(input.fulfillmentRequestId);
    if (!request) throw requestNotFound(input.fulfillmentRequestId);
    const order = await deps.orders.store.get(request.orderId);
    invariant(order, `fulfillment request ${request.id} names order ${request.orderId}, which does not exist`);
    if (scope.partnerCode !== null && order.partnerCode !== scope.partnerCode) throw requestNotFound(input.fulfillmentRequestId);
    const earlier = await deps.fulfillment.shipments.findByNumber(request.locationCode, input.shipmentNumber);
    if (earlier) return exists(earlier, input);
    const policy = await deps.policies.activeOf(shortShipPolicy);

    const now = deps.clock.now();
    let changes: PositionChange[] = [];
    const outcome = await deps.db.transaction().execute(async (tx): Promise<ShipmentConfirmResult | Shipment> => {
      const applied = await applyIn(tx, order.id, request, input, policy, now);
      changes = applied.changes;
      return applied.outcome;
    });
    if (!('result' in outcome)) return exists(outcome, input);
    deps.inventory.inventoryChanges.publish(changes);
    if (outcome.shipment.shortShipped.some((s) => s.handling === 'resource')) return { ...outcome, order: await resource(order.id, outcome.order) };
    return outcome;
  }

  /**
   * The same confirmation inside a caller's transaction, for connectors that take it from the inbox
   * (a 3PL's 945): every read uses `tx`, the position changes are announced after commit through
   * `hooks`, and a short-shipped remainder is re-sourced by the outbox delivery of the confirmation
   * rather than at once. `acceptsLocation` narrows whom the sender may confirm for: a request at a
   * location it does not operate is answered as unknown, as a scoped key's would be.
   */
  async function confirmIn(
    tx: Tx,
    raw: unknown,
    options: { hooks: CommitHooks; scope?: Scope; acceptsLocation?: (locationCode: string) => Promise<boolean> },
  ): Promise<ShipmentConfirmResult> {
    const input = confirmationOf(raw);
    const request = await deps.fulfillment.getRequest(input.fulfillmentRequestId, tx);
    if (!request || (options.acceptsLocation && !(await options.acceptsLocation(request.locationCode)))) throw requestNotFound(input.fulfillmentRequestId);
    const order = await deps.orders.store.get(request.orderId, tx);
    invariant(order, `fulfillment request ${request.id} names order ${request.orderId}, which does not exist`);
    const scope = options.scope ?? unscoped;
    if (scope.partnerCode !== null && order.partnerCode !== scope.partnerCode) throw requestNotFound(input.fulfillmentRequestId);
    const earlier = await deps.fulfillment.shipments.findByNumber(request.locationCode, input.shipmentNumber, tx);
    if (earlier) return exists(earlier, input, tx);
    const policy = await deps.policies.activeOf(shortShipPolicy, tx);
    const applied = await applyIn(tx, order.id, request, input, policy, deps.clock.now());
    if (!('result' in applied.outcome)) return exists(applied.outcome, input, tx);
    options.hooks.afterCommit(() => deps.inventory.inventoryChanges.publish(applied.changes));
    return applied.outcome;
  }

  /**
   * Sends a short-shipped remainder back to sourcing. The outbox also delivers the confirmation to
   * `resourceFromEvent`, so a failure here (or a crash before it) is repaired by that delivery; this
   * call only makes the answer reflect the new allocation when it can.
   */
  async function resource(orderId: string, shipped: Order): Promise<Order> {
    try {
      return (await deps.allocation.allocate(orderId)).order;
    } catch {
      // Deliberately left to the outbox delivery, which retries with backoff and dead-letters visibly.
      return shipped;
    }
  }

  /** The outbox subscriber's side of re-sourcing; allocating twice is harmless. */
  async function resourceFromEvent(data: { orderId: string; shortShipped: Array<{ handling: string }> }): Promise<void> {
    if (data.shortShipped.some((s) => s.handling === 'resource')) await deps.allocation.allocate(data.orderId);
  }

  return { confirm, confirmIn, resourceFromEvent };
}

export type OrderShipment = ReturnType<typeof createOrderShipment>;
