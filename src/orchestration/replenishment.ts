import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import type { IdGenerator } from '../platform/ids.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService, Customer } from '../domains/catalog/index.ts';
import type { DecisionService, NewDecision } from '../domains/decisions/index.ts';
import type { InventoryModule } from '../domains/inventory/index.ts';
import { sourcingPolicyKind, waitingLines, waitingLinesOf, type Order, type WaitingBackorder } from '../domains/orders/index.ts';
import type { PolicyService } from '../domains/policies/index.ts';
import {
  dateAfterDays,
  openLineQuantity,
  planReplenishment,
  poNumberFor,
  purchaseOrderEvent,
  transferEvent,
  type ProcurementService,
  type PurchaseOrder,
  type ReplenishmentParameters,
  type ReplenishmentPosition,
  type ReplenishmentProposal,
  type Transfer,
  type UnresolvedNeed,
} from '../domains/procurement/index.ts';

export interface ReplenishmentDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  policies: PolicyService;
  inventory: InventoryModule;
  procurement: ProcurementService;
  outbox: OutboxService;
  decisions: DecisionService;
}

/** A need the run could not turn into a proposal, with why. */
export type UnresolvedReplenishment = UnresolvedNeed | { sku: string; locationCode: null; quantity: number; reason: 'no_location'; message: string };

export interface ReplenishmentRunReport {
  /** SKU × location pairs looked at: every parameterised one and every one backorders wait at. */
  evaluated: number;
  purchaseOrders: PurchaseOrder[];
  transfers: Transfer[];
  unresolved: UnresolvedReplenishment[];
}

/** How many waiting order lines one run reads; beyond it the rest wait for the next run. */
const WAITING_LINES_MAX = 50_000;
const dayMs = 86_400_000;
const key = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Where a waiting line's demand is to be met: the location its ship-to prefers, else the first
 * location (by code) with replenishment parameters for the SKU. Backorders carry no location of their
 * own — they wait for whichever location gets stock — so this is where the run makes stock come.
 */
function homeOf(w: WaitingBackorder, order: Order, customers: ReadonlyMap<string, Customer>, parameterised: ReadonlyMap<string, string[]>): string | undefined {
  const preferred = order.shipToCode === undefined ? undefined : customers.get(order.customerCode)?.shipTos.find((s) => s.code === order.shipToCode)?.locationPreference;
  return preferred ?? parameterised.get(w.sku)?.[0];
}

/**
 * Replenishment (DESIGN §5 step 7): compares each SKU × location's projected stock — ATP plus open
 * supply less waiting backorders — with its parameters, and proposes transfers from locations with
 * surplus or purchase orders to suppliers. Proposals are purchase orders and transfers in state
 * `proposed`, each line explained by a recorded decision. Running it twice proposes nothing new:
 * open proposals, purchase orders and transfers count as inbound, and one run decides at a time.
 */
export function createReplenishment(deps: ReplenishmentDeps) {
  const { db, clock, ids, catalog, procurement } = deps;

  async function run(): Promise<ReplenishmentRunReport> {
    // Master data, policy and demand are read before the transaction; open supply is read inside it,
    // after the run lock, so a concurrent run's proposals are seen.
    const [parameters, policy, waitingRows] = await Promise.all([
      procurement.allParameters(),
      deps.policies.activeOf(sourcingPolicyKind),
      waitingLines(db, { limit: WAITING_LINES_MAX }),
    ]);
    const orders = new Map<string, Order>();
    for (const row of waitingRows) if (!orders.has(row.order_id)) orders.set(row.order_id, JSON.parse(row.document) as Order);
    const waiting = [...orders.values()].flatMap((o) => waitingLinesOf(o));
    const parameterised = new Map<string, string[]>();
    for (const p of [...parameters].sort((a, b) => cmp(a.locationCode, b.locationCode))) parameterised.set(p.sku, [...(parameterised.get(p.sku) ?? []), p.locationCode]);
    const skus = [...new Set([...parameters.map((p) => p.sku), ...waiting.map((w) => w.sku)])];
    const [customers, suppliers, items] = await Promise.all([
      catalog.customers.getMany([...new Set(waiting.map((w) => w.customerCode))]),
      catalog.suppliers.getMany([...new Set(parameters.flatMap((p) => (p.supplierCode === null ? [] : [p.supplierCode])))]),
      catalog.items.getMany(skus),
    ]);

    const positions = new Map<string, ReplenishmentPosition>();
    const positionAt = (sku: string, locationCode: string) => {
      let p = positions.get(key(sku, locationCode));
      if (!p) positions.set(key(sku, locationCode), (p = { sku, locationCode, atp: 0, inbound: 0, outbound: 0, backordered: 0 }));
      return p;
    };
    const unresolved: UnresolvedReplenishment[] = [];
    for (const p of parameters) positionAt(p.sku, p.locationCode).parameters = parametersOf(p);
    for (const w of waiting) {
      const home = homeOf(w, orders.get(w.orderId)!, customers, parameterised);
      if (home === undefined) {
        unresolved.push({ sku: w.sku, locationCode: null, quantity: w.waitingQuantity, reason: 'no_location', message: `order ${w.externalOrderNumber} line ${w.lineNumber} waits for ${w.waitingQuantity} of ${w.sku}, but no location is set to be replenished for it` });
        continue;
      }
      positionAt(w.sku, home).backordered += w.waitingQuantity;
    }

    const now = clock.now();
    const nowIso = isoTime(now);
    return db.transaction().execute(async (tx): Promise<ReplenishmentRunReport> => {
      await procurement.lockRun(tx);
      const [openPos, openTransfers] = await Promise.all([procurement.openPurchaseOrders(tx), procurement.openTransfers(tx)]);
      for (const po of openPos) for (const line of po.lines) if (positions.has(key(line.sku, po.locationCode))) positionAt(line.sku, po.locationCode).inbound += openLineQuantity(line);
      for (const t of openTransfers) {
        for (const line of t.lines) {
          // Units travelling for an order are that order's: they bring the destination nothing to spare.
          if (line.orderLineNumber === undefined && positions.has(key(line.sku, t.toLocationCode))) positionAt(line.sku, t.toLocationCode).inbound += line.quantity;
          // Stock that has left is out of ATP already, and so is stock a released transfer holds; what
          // a proposal would take is still in ATP, so it is counted as promised away.
          if (t.state !== 'in_transit' && line.reservationId === undefined && positions.has(key(line.sku, t.fromLocationCode))) positionAt(line.sku, t.fromLocationCode).outbound += line.quantity;
        }
      }
      for (const p of positions.values()) p.atp = deps.inventory.availability.atp(p.sku, p.locationCode);

      const plan = planReplenishment([...positions.values()], {
        supplierLeadTimeDays: (code) => suppliers.get(code)?.leadTimeDaysMean,
        transferLeadTimeDays: policy.document.transferLeadTimeDays,
      });
      const purchaseOrders = groupPurchaseOrders(plan.proposals, (sku) => items.get(sku)?.unitCostMinor ?? 0, (code) => suppliers.get(code)?.currency ?? 'USD', now);
      const transfers = groupTransfers(plan.proposals, now);
      await procurement.insertProposalsIn(tx, { purchaseOrders: purchaseOrders.map((g) => g.document), transfers: transfers.map((g) => g.document) });
      const decisions: NewDecision[] = [
        ...purchaseOrders.flatMap((g) => g.proposals.map((p) => decisionOf(p, { type: 'purchase_order', id: g.document.id }, nowIso))),
        ...transfers.flatMap((g) => g.proposals.map((p) => decisionOf(p, { type: 'transfer', id: g.document.id }, nowIso))),
      ];
      await deps.decisions.record(tx, decisions);
      const events: NewEvent[] = [...purchaseOrders.map((g) => purchaseOrderEvent(g.document, 'proposed', null)), ...transfers.map((g) => transferEvent(g.document, null))];
      await deps.outbox.appendMany(tx, events);
      return {
        evaluated: positions.size,
        purchaseOrders: purchaseOrders.map((g) => g.document),
        transfers: transfers.map((g) => g.document),
        unresolved: [...plan.unresolved, ...unresolved],
      };
    });
  }

  /** One purchase order per supplier and receiving location, one line per SKU. */
  function groupPurchaseOrders(proposals: readonly ReplenishmentProposal[], costOf: (sku: string) => number, currencyOf: (supplier: string) => string, nowMs: number) {
    return groupProposals(
      proposals.filter((p) => p.kind === 'purchase_order'),
      (p) => key(p.supplierCode, p.locationCode),
      (p): PurchaseOrder => {
        const id = ids.next();
        return {
          id,
          poNumber: poNumberFor(id),
          supplierCode: p.supplierCode,
          locationCode: p.locationCode,
          currency: currencyOf(p.supplierCode),
          state: 'proposed',
          lines: [],
          expectedDate: dateAfterDays(nowMs, p.leadTimeDays),
          origin: 'replenishment',
          receipts: [],
          createdAt: isoTime(nowMs),
          updatedAt: isoTime(nowMs),
          version: 1,
        };
      },
      (p, lineNumber) => ({ lineNumber, sku: p.sku, quantity: p.quantity, receivedQuantity: 0, unitCostMinor: costOf(p.sku) }),
    );
  }

  /** One transfer per origin and destination, one line per SKU. */
  function groupTransfers(proposals: readonly ReplenishmentProposal[], nowMs: number) {
    return groupProposals(
      proposals.filter((p) => p.kind === 'transfer'),
      (p) => key(p.fromLocationCode, p.locationCode),
      (p): Transfer => ({
        id: ids.next(),
        fromLocationCode: p.fromLocationCode,
        toLocationCode: p.locationCode,
        state: 'proposed',
        lines: [],
        expectedArrivalAt: isoTime(nowMs + p.leadTimeDays * dayMs),
        createdAt: isoTime(nowMs),
        updatedAt: isoTime(nowMs),
        version: 1,
      }),
      (p, lineNumber) => ({ lineNumber, sku: p.sku, quantity: p.quantity, receivedQuantity: 0 }),
    );
  }

  return { run };
}

export type Replenishment = ReturnType<typeof createReplenishment>;

/**
 * Gathers proposals into documents: the first proposal of each `keyOf` opens a new document, and every
 * proposal becomes the next line of its document. Each document's reason sums up its lines' reasons.
 */
function groupProposals<P extends ReplenishmentProposal, L, D extends { lines: L[]; reason?: string }>(
  proposals: readonly P[],
  keyOf: (p: P) => string,
  open: (p: P) => D,
  lineOf: (p: P, lineNumber: number) => L,
): Array<{ document: D; proposals: P[] }> {
  const groups = new Map<string, { document: D; proposals: P[] }>();
  for (const p of proposals) {
    const k = keyOf(p);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = { document: open(p), proposals: [] }));
    group.proposals.push(p);
    group.document.lines.push(lineOf(p, group.document.lines.length + 1));
  }
  for (const g of groups.values()) g.document.reason = summary(g.proposals);
  return [...groups.values()];
}

function parametersOf(p: ReplenishmentParameters): ReplenishmentPosition['parameters'] {
  return { method: p.method, reorderPoint: p.reorderPoint, reorderQuantity: p.reorderQuantity, min: p.min, max: p.max, supplierCode: p.supplierCode, version: p.version };
}

/** The document's one-line why: the deciding reason of each line. */
function summary(proposals: readonly ReplenishmentProposal[]): string {
  const text = proposals.map((p) => `${p.sku}: ${p.reasons[1]?.message ?? p.reasons[0]?.message ?? ''}`).join('; ');
  return text.length <= 500 ? text : `${text.slice(0, 497)}...`;
}

function decisionOf(p: ReplenishmentProposal, subject: NewDecision['subject'], nowIso: string): NewDecision {
  return {
    kind: 'replenishment',
    subject,
    outcome: p.kind,
    reasons: p.reasons.map((r) => ({ code: r.code, message: r.message.slice(0, 500) })),
    inputs: { ...p.inputs, quantity: p.quantity, ...(p.kind === 'transfer' ? { fromLocationCode: p.fromLocationCode } : { supplierCode: p.supplierCode }) },
    // The parameters of the SKU × location are the policy this decision applied; 0 when it had none.
    policyId: `replenishment-parameters:${p.sku}@${p.locationCode}`,
    policyVersion: p.parametersVersion,
    madeBy: 'rule',
    // A proposal waits for a person to send or release it.
    appliedAutomatically: false,
    madeAt: nowIso,
  };
}
