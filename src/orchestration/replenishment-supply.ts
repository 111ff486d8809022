import { isoTime, type Clock } from '../platform/clock.ts';
import type { CommitHooks } from '../platform/db/after-commit.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import { startOfDateMs } from '../platform/zoned-time.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { CrossdockMovement, CrossdockPostingResult, InventoryModule, PositionChange } from '../domains/inventory/index.ts';
import {
  documentNotFound,
  inboundOf,
  purchaseOrderEvent,
  receivePurchaseOrder,
  shipPurchaseOrder,
  stepRefusal,
  type ProcurementService,
  type PurchaseOrder,
  type ReceiveInput,
  type StepAnswer,
  type StepOutcome,
  type Transfer,
} from '../domains/procurement/index.ts';

export interface ReplenishmentSupplyDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  inventory: InventoryModule;
  procurement: ProcurementService;
  outbox: OutboxService;
  /** Told when replacing supply after a step run inside another's transaction fails. */
  onError?: (error: unknown, where: string) => void;
}

/** The inbound-supply reference of a purchase order and of a transfer, as ATP by date knows them. */
export const poSupplyReference = (po: PurchaseOrder) => `po:${po.poNumber}`;
export const transferSupplyReference = (t: Transfer) => `transfer:${t.id}`;

/** How a step finds and saves one kind of document, and replaces the inbound supply it stands for. */
interface SupplyDocument<D> {
  /** The document's name in a 404 message. */
  name: 'purchase order';
  lock: (tx: Tx, id: string) => Promise<D | undefined>;
  save: (tx: Tx, before: D, after: D) => Promise<void>;
  syncSupply: (document: D) => Promise<void>;
  /** The same inside a transaction; the returned function shows the supply to ATP after the commit. */
  syncSupplyIn: (tx: Tx, document: D) => Promise<() => void>;
}

/** Ledger movements a step posts, with the step's name for the error when the ledger refuses one. */
interface LedgerPosting {
  movements: CrossdockMovement[];
  postedBy: string;
}

/** What a step that changed its document writes besides the document itself. */
interface StepWrites {
  /** Absent when the step moves no goods, as a ship notice moves only supply. */
  posting?: LedgerPosting;
  /** The document's own event, appended after the ledger's. */
  event: NewEvent;
}

/** Fails the transaction when the ledger refused a movement, naming the step that posted it. */
export function requirePosted(outcomes: CrossdockPostingResult['outcomes'], { movements, postedBy }: LedgerPosting): void {
  const refused = outcomes.flatMap((o, i) => (o.ok ? [] : [{ movement: movements[i]!, message: o.rejection.message }]));
  if (refused.length === 0) return;
  const details = refused.map((r) => ({ path: `${r.movement.sku}@${r.movement.locationCode}`, message: r.message }));
  throw new AppError('insufficient_stock', `${postedBy} refused by the ledger: ${details[0]!.path}: ${details[0]!.message}`, details);
}

/**
 * The steps of purchase orders that move goods or supply (DESIGN §5 step 7): a ship notice makes the
 * goods inbound supply by their expected date, and a receipt posts them to the ledger at the
 * receiving location in the same transaction as the document changes. Transfers have their own steps
 * (`replenishment-transfers.ts`), which also hold and commit stock at the origin.
 *
 * Inbound supply is replaced after the commit (the supply service keeps its own transaction). If the
 * hub stops in between, sending the same step again — answered `unchanged` — puts supply right.
 */
export function createReplenishmentSupply(deps: ReplenishmentSupplyDeps) {
  const { db, clock, catalog, inventory, procurement, outbox } = deps;

  /**
   * A purchase order's goods are supply from the start of their expected date where they are
   * received: local midnight in the location's time zone (UTC when master data gives none), so ATP
   * by date and the order's late-timer count the same day.
   */
  const purchaseOrderSupply = async (po: PurchaseOrder, executor?: Executor) => {
    const location = (await catalog.locations.getMany([po.locationCode], executor)).get(po.locationCode);
    const expectedAt = isoTime(startOfDateMs(po.expectedDate, location?.timezone));
    return { kind: 'purchase_order' as const, lines: inboundOf(po).map((l) => ({ sku: l.sku, locationCode: po.locationCode, quantity: l.quantity, expectedAt })) };
  };
  async function syncPurchaseOrderSupply(po: PurchaseOrder): Promise<void> {
    await inventory.supply.replaceInboundSupply(poSupplyReference(po), await purchaseOrderSupply(po));
  }

  const purchaseOrders: SupplyDocument<PurchaseOrder> = {
    name: 'purchase order',
    lock: procurement.lockPurchaseOrder,
    save: procurement.savePurchaseOrderIn,
    syncSupply: syncPurchaseOrderSupply,
    syncSupplyIn: async (tx, po) => inventory.supply.replaceInboundSupplyIn(tx, poSupplyReference(po), await purchaseOrderSupply(po, tx)),
  };

  /** Posts a step's movements inside its transaction; any refused movement fails the step whole. */
  async function post(tx: Tx, posting: LedgerPosting | undefined): Promise<Pick<CrossdockPostingResult, 'changes' | 'events'>> {
    if (!posting) return { changes: [], events: [] };
    const posted = await inventory.movements.postIn(tx, posting.movements);
    requirePosted(posted.outcomes, posting);
    return posted;
  }

  /** The step's writes inside `tx`: the answer, and the position changes to publish after the commit. */
  async function stepIn<D, S extends string>(
    tx: Tx,
    documents: SupplyDocument<D>,
    id: string,
    apply: (document: D, nowIso: string) => StepOutcome<D, S>,
    writes: (before: D, after: D, from: S, nowMs: number) => StepWrites,
    now: number,
  ): Promise<{ answer: StepAnswer<D>; changes: PositionChange[] }> {
    const before = await documents.lock(tx, id);
    if (!before) throw documentNotFound(documents.name, id);
    const outcome = apply(before, isoTime(now));
    if (!outcome.ok) throw stepRefusal(outcome);
    if (!outcome.changed) return { answer: { result: 'unchanged', document: before }, changes: [] };
    const { posting, event } = writes(before, outcome.document, outcome.from, now);
    const posted = await post(tx, posting);
    await documents.save(tx, before, outcome.document);
    await outbox.appendMany(tx, [...posted.events, event]);
    return { answer: { result: 'changed', document: outcome.document }, changes: posted.changes };
  }

  /**
   * One step: lock the document, ask the rules for its next state and, when it changed, post the
   * step's movements, save the document and append the ledger's events and then the document's own
   * as the transaction's last writes (I8). After the commit the position changes are published and
   * the document's inbound supply replaced, also when the step was `unchanged`: that is how a step
   * sent again puts supply right after the hub stopped in between.
   */
  async function runStep<D, S extends string>(
    documents: SupplyDocument<D>,
    id: string,
    apply: (document: D, nowIso: string) => StepOutcome<D, S>,
    writes: (before: D, after: D, from: S, nowMs: number) => StepWrites,
  ): Promise<StepAnswer<D>> {
    const now = clock.now();
    const { answer, changes } = await db.transaction().execute((tx) => stepIn(tx, documents, id, apply, writes, now));
    inventory.inventoryChanges.publish(changes);
    await documents.syncSupply(answer.document);
    return answer;
  }

  /**
   * The same step inside the caller's transaction (an inbox handler's, so the message and the step
   * commit together); publishing and replacing supply wait for that commit.
   */
  async function runStepIn<D, S extends string>(
    tx: Tx,
    hooks: CommitHooks,
    documents: SupplyDocument<D>,
    id: string,
    apply: (document: D, nowIso: string) => StepOutcome<D, S>,
    writes: (before: D, after: D, from: S, nowMs: number) => StepWrites,
  ): Promise<StepAnswer<D>> {
    const { answer, changes } = await stepIn(tx, documents, id, apply, writes, clock.now());
    // Supply is replaced in the same transaction, so a step taken in through the inbox can never
    // commit without it; ATP sees it once the transaction has committed.
    const showSupply = await documents.syncSupplyIn(tx, answer.document);
    hooks.afterCommit(() => {
      inventory.inventoryChanges.publish(changes);
      showSupply();
    });
    return answer;
  }

  const shipSteps = (expectedDate: string) =>
    [
      (po: PurchaseOrder, nowIso: string) => shipPurchaseOrder(po, expectedDate, nowIso),
      // Nothing moves in the ledger yet: the goods become supply once the step has committed.
      (_before: PurchaseOrder, after: PurchaseOrder, from: string): StepWrites => ({ event: purchaseOrderEvent(after, 'shipped', from) }),
    ] as const;

  const receiveSteps = (input: ReceiveInput) =>
    [
      (po: PurchaseOrder, nowIso: string) => receivePurchaseOrder(po, input, nowIso),
      (po: PurchaseOrder, after: PurchaseOrder, from: string, nowMs: number): StepWrites => {
        const movements = input.lines.map((l): CrossdockMovement => ({
          sku: po.lines.find((x) => x.lineNumber === l.lineNumber)!.sku,
          locationCode: po.locationCode,
          type: 'receipt',
          deltas: { onHand: l.quantity },
          reference: poSupplyReference(po),
          occurredAtMs: nowMs,
        }));
        const what = after.state === 'received' ? 'received' : 'partially_received';
        return { posting: { movements, postedBy: `receipt ${input.receiptNumber}` }, event: purchaseOrderEvent(after, what, from) };
      },
    ] as const;

  return {
    /** The supplier's ship notice: the open quantities become supply at the location on `expectedDate`. */
    shipPurchaseOrder: (id: string, expectedDate: string): Promise<StepAnswer<PurchaseOrder>> => runStep(purchaseOrders, id, ...shipSteps(expectedDate)),

    /** The ship notice inside the caller's transaction (an 856 taken in through the inbox). */
    shipPurchaseOrderIn: (tx: Tx, hooks: CommitHooks, id: string, expectedDate: string): Promise<StepAnswer<PurchaseOrder>> =>
      runStepIn(tx, hooks, purchaseOrders, id, ...shipSteps(expectedDate)),

    /**
     * A receipt: on hand rises at the order's location by what arrived (a `receipt` movement per
     * line), the order becomes partially received or received, and what is still open stays
     * inbound. A receipt number already taken changes nothing.
     */
    receivePurchaseOrder: (id: string, input: ReceiveInput): Promise<StepAnswer<PurchaseOrder>> => runStep(purchaseOrders, id, ...receiveSteps(input)),

    /** The receipt inside the caller's transaction (a 944 taken in through the inbox). */
    receivePurchaseOrderIn: (tx: Tx, hooks: CommitHooks, id: string, input: ReceiveInput): Promise<StepAnswer<PurchaseOrder>> =>
      runStepIn(tx, hooks, purchaseOrders, id, ...receiveSteps(input)),
  };
}

export type ReplenishmentSupply = ReturnType<typeof createReplenishmentSupply>;
