import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError } from '../platform/errors.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { CrossdockMovement, InventoryModule, PositionChange } from '../domains/inventory/index.ts';
import {
  inboundOf,
  purchaseOrderEvent,
  receivePurchaseOrder,
  receiveTransfer,
  shipPurchaseOrder,
  shipTransfer,
  stepRefusal,
  transferEvent,
  transferQuantities,
  type ProcurementService,
  type PurchaseOrder,
  type ReceiveInput,
  type StepAnswer,
  type Transfer,
  type TransferReceiveInput,
} from '../domains/procurement/index.ts';

export interface ReplenishmentSupplyDeps {
  db: Executor;
  clock: Clock;
  inventory: InventoryModule;
  procurement: ProcurementService;
  outbox: OutboxService;
}

const notFound = (what: string, id: string) => new AppError('not_found', `${what} ${id} does not exist`, [{ path: 'params.id', message: `no ${what} with this id` }]);

/** The inbound-supply reference of a purchase order and of a transfer, as ATP by date knows them. */
export const poSupplyReference = (po: PurchaseOrder) => `po:${po.poNumber}`;
export const transferSupplyReference = (t: Transfer) => `transfer:${t.id}`;

/**
 * The steps of purchase orders and transfers that move goods or supply (DESIGN §5 step 7): a ship
 * notice makes the goods inbound supply by their expected date, a receipt posts them to the ledger at
 * the receiving location in the same transaction as the document changes, and a transfer's shipment
 * takes them out of the sending location and puts them in transit to the other.
 *
 * Inbound supply is replaced after the commit (the supply service keeps its own transaction). If the
 * hub stops in between, sending the same step again — answered `unchanged` — puts supply right.
 */
export function createReplenishmentSupply(deps: ReplenishmentSupplyDeps) {
  const { db, clock, inventory, procurement, outbox } = deps;

  async function syncPurchaseOrderSupply(po: PurchaseOrder): Promise<void> {
    const expectedAt = `${po.expectedDate}T00:00:00.000Z`;
    await inventory.supply.replaceInboundSupply(poSupplyReference(po), {
      kind: 'purchase_order',
      lines: inboundOf(po).map((l) => ({ sku: l.sku, locationCode: po.locationCode, quantity: l.quantity, expectedAt })),
    });
  }

  async function syncTransferSupply(t: Transfer): Promise<void> {
    const lines = t.state === 'in_transit' ? transferQuantities(t, 'quantity').map((l) => ({ ...l, locationCode: t.toLocationCode, expectedAt: t.expectedArrivalAt })) : [];
    await inventory.supply.replaceInboundSupply(transferSupplyReference(t), { kind: 'transfer', lines });
  }

  /** Fails the transaction when the ledger refused a movement; `what` says which step posted it. */
  function requirePosted(outcomes: Awaited<ReturnType<InventoryModule['movements']['postIn']>>['outcomes'], movements: readonly CrossdockMovement[], what: string): void {
    const refused = outcomes.flatMap((o, i) => (o.ok ? [] : [{ movement: movements[i]!, message: o.rejection.message }]));
    if (refused.length === 0) return;
    const details = refused.map((r) => ({ path: `${r.movement.sku}@${r.movement.locationCode}`, message: r.message }));
    throw new AppError('insufficient_stock', `${what} refused by the ledger: ${details[0]!.path}: ${details[0]!.message}`, details);
  }

  return {
    /** The supplier's ship notice: the open quantities become supply at the location on `expectedDate`. */
    async shipPurchaseOrder(id: string, expectedDate: string): Promise<StepAnswer<PurchaseOrder>> {
      const nowIso = isoTime(clock.now());
      const answer = await db.transaction().execute(async (tx): Promise<StepAnswer<PurchaseOrder>> => {
        const po = await procurement.lockPurchaseOrder(tx, id);
        if (!po) throw notFound('purchase order', id);
        const outcome = shipPurchaseOrder(po, expectedDate, nowIso);
        if (!outcome.ok) throw stepRefusal(outcome);
        if (!outcome.changed) return { result: 'unchanged', document: po };
        await procurement.savePurchaseOrderIn(tx, po, outcome.document);
        await outbox.appendMany(tx, [purchaseOrderEvent(outcome.document, 'shipped', outcome.from)]);
        return { result: 'changed', document: outcome.document };
      });
      await syncPurchaseOrderSupply(answer.document);
      return answer;
    },

    /**
     * A receipt: on hand rises at the order's location by what arrived (a `receipt` movement per
     * line), the order becomes partially received or received, and what is still open stays
     * inbound. A receipt number already taken changes nothing.
     */
    async receivePurchaseOrder(id: string, input: ReceiveInput): Promise<StepAnswer<PurchaseOrder>> {
      const now = clock.now();
      let changes: PositionChange[] = [];
      const answer = await db.transaction().execute(async (tx): Promise<StepAnswer<PurchaseOrder>> => {
        const po = await procurement.lockPurchaseOrder(tx, id);
        if (!po) throw notFound('purchase order', id);
        const outcome = receivePurchaseOrder(po, input, isoTime(now));
        if (!outcome.ok) throw stepRefusal(outcome);
        if (!outcome.changed) return { result: 'unchanged', document: po };
        const movements: CrossdockMovement[] = input.lines.map((l) => ({
          sku: po.lines.find((x) => x.lineNumber === l.lineNumber)!.sku,
          locationCode: po.locationCode,
          type: 'receipt',
          deltas: { onHand: l.quantity },
          reference: poSupplyReference(po),
          occurredAtMs: now,
        }));
        const posted = await inventory.movements.postIn(tx, movements);
        requirePosted(posted.outcomes, movements, `receipt ${input.receiptNumber}`);
        await procurement.savePurchaseOrderIn(tx, po, outcome.document);
        const what = outcome.to === 'received' ? 'received' : 'partially_received';
        await outbox.appendMany(tx, [...posted.events, purchaseOrderEvent(outcome.document, what, outcome.from)]);
        changes = posted.changes;
        return { result: 'changed', document: outcome.document };
      });
      inventory.inventoryChanges.publish(changes);
      await syncPurchaseOrderSupply(answer.document);
      return answer;
    },

    /**
     * A transfer leaves: on hand falls at the origin (`transfer_out`), the same units show in transit
     * at the destination, and they are supply there by the expected arrival. The ledger refuses a
     * shipment the origin does not hold (409 insufficient_stock).
     */
    async shipTransfer(id: string, expectedArrivalAt: string | undefined): Promise<StepAnswer<Transfer>> {
      const now = clock.now();
      let changes: PositionChange[] = [];
      const answer = await db.transaction().execute(async (tx): Promise<StepAnswer<Transfer>> => {
        const t = await procurement.lockTransfer(tx, id);
        if (!t) throw notFound('transfer', id);
        const outcome = shipTransfer(t, expectedArrivalAt, isoTime(now));
        if (!outcome.ok) throw stepRefusal(outcome);
        if (!outcome.changed) return { result: 'unchanged', document: t };
        const reference = transferSupplyReference(t);
        const movements: CrossdockMovement[] = transferQuantities(t, 'quantity').flatMap((l) => [
          { sku: l.sku, locationCode: t.fromLocationCode, type: 'transfer_out' as const, deltas: { onHand: -l.quantity }, reference, occurredAtMs: now },
          // The other half of the same move: the units are on their way to the destination.
          { sku: l.sku, locationCode: t.toLocationCode, type: 'transfer_out' as const, deltas: { inTransit: l.quantity }, reference, occurredAtMs: now },
        ]);
        const posted = await inventory.movements.postIn(tx, movements);
        requirePosted(posted.outcomes, movements, `shipment of transfer ${t.id}`);
        await procurement.saveTransferIn(tx, t, outcome.document);
        await outbox.appendMany(tx, [...posted.events, transferEvent(outcome.document, outcome.from)]);
        changes = posted.changes;
        return { result: 'changed', document: outcome.document };
      });
      inventory.inventoryChanges.publish(changes);
      await syncTransferSupply(answer.document);
      return answer;
    },

    /**
     * A transfer arrives: on hand rises at the destination by what arrived (`transfer_in`) and all
     * that was shipped leaves in transit; what did not arrive is recorded on the lines as short.
     */
    async receiveTransfer(id: string, input: TransferReceiveInput): Promise<StepAnswer<Transfer>> {
      const now = clock.now();
      let changes: PositionChange[] = [];
      const answer = await db.transaction().execute(async (tx): Promise<StepAnswer<Transfer>> => {
        const t = await procurement.lockTransfer(tx, id);
        if (!t) throw notFound('transfer', id);
        const outcome = receiveTransfer(t, input, isoTime(now));
        if (!outcome.ok) throw stepRefusal(outcome);
        if (!outcome.changed) return { result: 'unchanged', document: t };
        const shipped = new Map(transferQuantities(t, 'quantity').map((l) => [l.sku, l.quantity]));
        const reference = transferSupplyReference(t);
        const movements: CrossdockMovement[] = transferQuantities(outcome.document, 'receivedQuantity').map((l) => ({
          sku: l.sku,
          locationCode: t.toLocationCode,
          type: 'transfer_in',
          deltas: { onHand: l.quantity, inTransit: -(shipped.get(l.sku) ?? 0) },
          reference,
          occurredAtMs: now,
        }));
        const posted = await inventory.movements.postIn(tx, movements);
        requirePosted(posted.outcomes, movements, `receipt ${input.receiptNumber} of transfer ${t.id}`);
        await procurement.saveTransferIn(tx, t, outcome.document);
        await outbox.appendMany(tx, [...posted.events, transferEvent(outcome.document, outcome.from)]);
        changes = posted.changes;
        return { result: 'changed', document: outcome.document };
      });
      inventory.inventoryChanges.publish(changes);
      await syncTransferSupply(answer.document);
      return answer;
    },
  };
}

export type ReplenishmentSupply = ReturnType<typeof createReplenishmentSupply>;
