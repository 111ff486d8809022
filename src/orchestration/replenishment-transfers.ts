import { isoTime, type Clock } from '../platform/clock.ts';
import type { CommitHooks } from '../platform/db/after-commit.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import { AVAILABILITY_CHANGED, type CrossdockMovement, type InventoryModule, type PositionChange, type ReserveInput, type ReserveOutcome } from '../domains/inventory/index.ts';
import { awaitedFrom, settleTransfer, type Order, type OrdersModule } from '../domains/orders/index.ts';
import {
  cancelTransfer,
  documentNotFound,
  receiveTransfer,
  releaseTransfer,
  shipTransfer,
  stepRefusal,
  transferEvent,
  transferQuantities,
  type ProcurementService,
  type StepAnswer,
  type StepOutcome,
  type Transfer,
  type TransferReceiveInput,
  type TransferState,
} from '../domains/procurement/index.ts';
import { requirePosted, transferSupplyReference } from './replenishment-supply.ts';

export interface TransferStepsDeps {
  db: Executor;
  clock: Clock;
  inventory: InventoryModule;
  procurement: ProcurementService;
  orders: OrdersModule;
  outbox: OutboxService;
  /** Told when replacing supply after a step run inside another's transaction fails. */
  onError?: (error: unknown, where: string) => void;
}

/** Ledger and reservation writes of one transaction: position changes to publish, events to append. */
interface InventoryWrites {
  changes: PositionChange[];
  events: NewEvent[];
}

/** What a step that changed the transfer writes besides moving its state. */
interface StepEffects {
  /** The transfer to save: the step's document, with the reservations it took on its lines. */
  document: Transfer;
  inventory: InventoryWrites[];
  /** The order's own announcement when the step changed the order sourcing chose the transfer for. */
  orderEvents: NewEvent[];
}

const ORCHESTRATION = '/crossdock/orchestration';

/**
 * The steps of a transfer between our own locations (DESIGN §5 steps 3 and 7), each one transaction
 * with the stock it moves:
 * - **release** holds the units at the origin (one reservation per line, in the transfer's name), so
 *   the origin's ATP stops promising them; a transfer sourcing chose for an order is created released,
 *   its lines held by the order's own reservations;
 * - **ship** commits those reservations and takes the units off on hand at the origin (`transfer_out`),
 *   in transit to the destination, so on hand falls there once and ATP does not move again;
 * - **receive** raises on hand at the destination (`transfer_in`) and, for a transfer chosen for an
 *   order, reserves what arrived for the order's lines there: they may then be released to that
 *   warehouse, and what did not arrive goes back to sourcing;
 * - **cancel** gives the origin's units back, and sends an order's lines back to sourcing.
 * A step already taken answers `unchanged` and writes nothing, so sending it again is harmless.
 *
 * Locks are taken transfer first, then its order, then stock, the same order as every flow that
 * reaches both, so two of them cannot wait on each other.
 */
export function createTransferSteps(deps: TransferStepsDeps) {
  const { db, clock, inventory, procurement, orders, outbox } = deps;

  /** Several writes of one transaction announced once, with each position's final state. */
  function merged(parts: readonly InventoryWrites[]): InventoryWrites {
    const byPosition = new Map<string, PositionChange>();
    for (const part of parts) for (const change of part.changes) byPosition.set(`${change.sku}\u0000${change.locationCode}`, change);
    const changes = [...byPosition.values()];
    const own = parts.flatMap((p) => p.events).filter((e) => e.type !== AVAILABILITY_CHANGED);
    return { changes, events: [...inventory.announce(changes), ...own] };
  }

  /**
   * Inbound supply at the destination by the expected arrival, while in transit. Units travelling for
   * an order are that order's already, so they are not supply anyone else could be promised.
   */
  /** What a transfer stands for as inbound supply: units in transit that no order waits for. */
  function supplyOf(t: Transfer) {
    const free = { ...t, lines: t.lines.filter((l) => l.orderLineNumber === undefined) };
    const lines = t.state === 'in_transit' && free.lines.length > 0 ? transferQuantities(free, 'quantity').map((l) => ({ ...l, locationCode: t.toLocationCode, expectedAt: t.expectedArrivalAt })) : [];
    return { kind: 'transfer' as const, lines };
  }
  async function syncSupply(t: Transfer): Promise<void> {
    await inventory.supply.replaceInboundSupply(transferSupplyReference(t), supplyOf(t));
  }

  /** Holds units at the origin in the transfer's name; a line the origin cannot cover fails the step. */
  async function holdAtOrigin(tx: Tx, t: Transfer, lines: Transfer['lines'], postedBy: string): Promise<InventoryWrites & { held: Map<number, string> }> {
    if (lines.length === 0) return { changes: [], events: [], held: new Map() };
    const inputs: ReserveInput[] = lines.map((l) => ({ orderId: t.id, lineNumber: l.lineNumber, sku: l.sku, locationCode: t.fromLocationCode, quantity: l.quantity }));
    const taken = await inventory.reservations.reserveManyIn(tx, inputs);
    const refused = taken.outcomes.flatMap((o: ReserveOutcome, i) =>
      o.result === 'insufficient' ? [{ path: `${inputs[i]!.sku}@${t.fromLocationCode}`, message: `only ${o.available} free, ${inputs[i]!.quantity} needed; the rest is held for orders` }] : [],
    );
    if (refused.length > 0) throw new AppError('insufficient_stock', `${postedBy}: the origin cannot hold the units: ${refused[0]!.path}: ${refused[0]!.message}`, refused);
    const held = new Map<number, string>();
    taken.outcomes.forEach((o, i) => o.result === 'reserved' && held.set(lines[i]!.lineNumber, o.reservation.id));
    return { changes: taken.changes, events: taken.events, held };
  }

  const withReservations = (t: Transfer, held: ReadonlyMap<number, string>): Transfer => ({
    ...t,
    lines: t.lines.map((l) => (held.has(l.lineNumber) ? { ...l, reservationId: held.get(l.lineNumber)! } : l)),
  });

  async function lockOrderOf(tx: Tx, t: Transfer): Promise<Order | undefined> {
    if (t.orderId === undefined) return undefined;
    const order = await orders.store.lockForUpdate(tx, t.orderId);
    invariant(order, `transfer ${t.id} names order ${t.orderId}, which does not exist`);
    return order;
  }

  /** The order's lines stop waiting for the transfer; `reserved` is what each now holds at the destination. */
  async function settleOrder(tx: Tx, order: Order, t: Transfer, reserved: ReadonlyMap<number, number>, nowMs: number, type: string): Promise<NewEvent[]> {
    const settled = settleTransfer(order, t.id, reserved, isoTime(nowMs));
    if (!settled.changed) return [];
    invariant(await orders.store.save(tx, order, settled.order), `order ${order.id} changed under its row lock`);
    return [{ source: ORCHESTRATION, type, subject: `order:${order.id}`, data: { orderId: order.id, transferId: t.id, from: settled.from, to: settled.to, lines: settled.lines } }];
  }

  /** The step's writes inside `tx`: the answer, and the position changes to publish after the commit. */
  async function stepIn(
    tx: Tx,
    id: string,
    apply: (t: Transfer, nowIso: string) => StepOutcome<Transfer, TransferState>,
    effects: (tx: Tx, before: Transfer, after: Transfer, nowMs: number) => Promise<StepEffects>,
    now: number,
  ): Promise<{ answer: StepAnswer<Transfer>; changes: PositionChange[] }> {
    const before = await procurement.lockTransfer(tx, id);
    if (!before) throw documentNotFound('transfer', id);
    const outcome = apply(before, isoTime(now));
    if (!outcome.ok) throw stepRefusal(outcome);
    if (!outcome.changed) return { answer: { result: 'unchanged', document: before }, changes: [] };
    const done = await effects(tx, before, outcome.document, now);
    const writes = merged(done.inventory);
    await procurement.saveTransferIn(tx, before, done.document);
    await outbox.appendMany(tx, [...writes.events, transferEvent(done.document, outcome.from), ...done.orderEvents]);
    return { answer: { result: 'changed', document: done.document }, changes: writes.changes };
  }

  /**
   * One step: lock the transfer, ask the rules for its next state and, when it changed, write the
   * step's effects, save the transfer and append the events as the transaction's last writes (I8).
   * After the commit the position changes are published and the inbound supply replaced, also when
   * the step was `unchanged`: that is how a step sent again puts supply right after a crash.
   */
  async function runStep(
    id: string,
    apply: (t: Transfer, nowIso: string) => StepOutcome<Transfer, TransferState>,
    effects: (tx: Tx, before: Transfer, after: Transfer, nowMs: number) => Promise<StepEffects>,
  ): Promise<StepAnswer<Transfer>> {
    const now = clock.now();
    const { answer, changes } = await db.transaction().execute((tx) => stepIn(tx, id, apply, effects, now));
    inventory.inventoryChanges.publish(changes);
    await syncSupply(answer.document);
    return answer;
  }

  /** The same step inside the caller's transaction (an inbox handler's); publishing and supply wait for its commit. */
  async function runStepIn(
    tx: Tx,
    hooks: CommitHooks,
    id: string,
    apply: (t: Transfer, nowIso: string) => StepOutcome<Transfer, TransferState>,
    effects: (tx: Tx, before: Transfer, after: Transfer, nowMs: number) => Promise<StepEffects>,
  ): Promise<StepAnswer<Transfer>> {
    const { answer, changes } = await stepIn(tx, id, apply, effects, clock.now());
    // Supply moves in the same transaction as the step; ATP sees it after the commit.
    const showSupply = await inventory.supply.replaceInboundSupplyIn(tx, transferSupplyReference(answer.document), supplyOf(answer.document));
    hooks.afterCommit(() => {
      inventory.inventoryChanges.publish(changes);
      showSupply();
    });
    return answer;
  }

  /**
   * The transfer arrives: on hand rises at the destination by what arrived and everything shipped
   * leaves in transit. For an order, what arrived is reserved there for the lines that waited for it
   * in the same transaction, so no other order can take it first; what did not arrive goes back to
   * sourcing.
   */
  const receiveApply = (input: TransferReceiveInput) => (t: Transfer, nowIso: string) => receiveTransfer(t, input, nowIso);
  const receiveEffects =
    (input: TransferReceiveInput) =>
    async (tx: Tx, before: Transfer, after: Transfer, nowMs: number): Promise<StepEffects> => {
      const order = await lockOrderOf(tx, before);
      const shipped = new Map(transferQuantities(before, 'quantity').map((l) => [l.sku, l.quantity]));
      const reference = transferSupplyReference(before);
      const movements = transferQuantities(after, 'receivedQuantity').map((l): CrossdockMovement => ({
        sku: l.sku,
        locationCode: before.toLocationCode,
        type: 'transfer_in',
        deltas: { onHand: l.quantity, inTransit: -(shipped.get(l.sku) ?? 0) },
        reference,
        occurredAtMs: nowMs,
      }));
      const posted = await inventory.movements.postIn(tx, movements);
      requirePosted(posted.outcomes, { movements, postedBy: `receipt ${input.receiptNumber} of transfer ${before.id}` });
      if (!order) return { document: after, inventory: [posted], orderEvents: [] };

      const arrived = new Map<number, number>();
      for (const l of after.lines) if (l.orderLineNumber !== undefined) arrived.set(l.orderLineNumber, (arrived.get(l.orderLineNumber) ?? 0) + l.receivedQuantity);
      const wanted = awaitedFrom(order, before.id)
        .map((w) => ({ ...w, quantity: Math.min(w.quantity, arrived.get(w.lineNumber) ?? 0) }))
        .filter((w) => w.quantity > 0);
      const taken = await inventory.reservations.reserveManyIn(tx, wanted.map((w) => ({ orderId: order.id, lineNumber: w.lineNumber, sku: w.sku, locationCode: w.locationCode, quantity: w.quantity })));
      const reserved = new Map<number, number>();
      taken.outcomes.forEach((o, i) => o.result === 'reserved' && reserved.set(wanted[i]!.lineNumber, (reserved.get(wanted[i]!.lineNumber) ?? 0) + wanted[i]!.quantity));
      const orderEvents = await settleOrder(tx, order, before, reserved, nowMs, 'crossdock.order.transfer_received');
      return { document: after, inventory: [posted, taken], orderEvents };
    };

  return {
    /** A proposal goes to the sending warehouse; its units are held at the origin from now on (409 when they are not free). */
    release: (id: string) =>
      runStep(id, releaseTransfer, async (tx, _before, after) => {
        const hold = await holdAtOrigin(tx, after, after.lines.filter((l) => l.reservationId === undefined), `release of transfer ${after.id}`);
        return { document: withReservations(after, hold.held), inventory: [hold], orderEvents: [] };
      }),

    /** Not yet shipped, the transfer is called off: the origin's units are free again, an order's lines are sourced anew. */
    cancel: (id: string, reason: string | undefined) =>
      runStep(
        id,
        (t, nowIso) => cancelTransfer(t, reason, nowIso),
        async (tx, before, after, nowMs) => {
          const order = await lockOrderOf(tx, before);
          const held = before.lines.flatMap((l) => (l.reservationId === undefined ? [] : [l.reservationId]));
          const released = await inventory.reservations.resolveManyIn(tx, held, 'released', { reasonCode: 'transfer_cancelled' });
          const orderEvents = order ? await settleOrder(tx, order, before, new Map(), nowMs, 'crossdock.order.transfer_cancelled') : [];
          return { document: after, inventory: [released], orderEvents };
        },
      ),

    /**
     * The transfer leaves: its reservations are committed, then on hand falls at the origin and the
     * units are in transit to the destination. A line whose hold is gone (an order line cancelled
     * meanwhile, or a transfer released before transfers held stock) must find the units free now.
     */
    ship: (id: string, expectedArrivalAt: string | undefined) =>
      runStep(
        id,
        (t, nowIso) => shipTransfer(t, expectedArrivalAt, nowIso),
        async (tx, before, after, nowMs) => {
          const reference = transferSupplyReference(before);
          const held = before.lines.flatMap((l) => (l.reservationId === undefined ? [] : [l.reservationId]));
          const committed = await inventory.reservations.resolveManyIn(tx, held, 'committed', { reference });
          const stillHeld = new Set(committed.outcomes.filter((o) => o.result === 'committed').map((o) => o.reservation.id));
          const unheld = before.lines.filter((l) => l.reservationId === undefined || !stillHeld.has(l.reservationId));
          const late = await holdAtOrigin(tx, before, unheld, `shipment of transfer ${before.id}`);
          const lateCommitted = await inventory.reservations.resolveManyIn(tx, [...late.held.values()], 'committed', { reference });
          const movements = transferQuantities(before, 'quantity').flatMap((l): CrossdockMovement[] => [
            { sku: l.sku, locationCode: before.fromLocationCode, type: 'transfer_out', deltas: { onHand: -l.quantity }, reference, occurredAtMs: nowMs },
            // The other half of the same move: the units are on their way to the destination.
            { sku: l.sku, locationCode: before.toLocationCode, type: 'transfer_out', deltas: { inTransit: l.quantity }, reference, occurredAtMs: nowMs },
          ]);
          const posted = await inventory.movements.postIn(tx, movements);
          requirePosted(posted.outcomes, { movements, postedBy: `shipment of transfer ${before.id}` });
          return { document: withReservations(after, late.held), inventory: [committed, late, lateCommitted, posted], orderEvents: [] };
        },
      ),

    /** The transfer arrives (see `receiveEffects`). */
    receive: (id: string, input: TransferReceiveInput) => runStep(id, receiveApply(input), receiveEffects(input)),

    /** The receipt inside the caller's transaction (a 944 taken in through the inbox). */
    receiveIn: (tx: Tx, hooks: CommitHooks, id: string, input: TransferReceiveInput) => runStepIn(tx, hooks, id, receiveApply(input), receiveEffects(input)),
  };
}

export type TransferSteps = ReturnType<typeof createTransferSteps>;
