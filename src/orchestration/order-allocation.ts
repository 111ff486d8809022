import { isoTime, type Clock } from '../platform/clock.ts';
import { planAgainWhileChanged } from './plan-again.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { BasketEntry, InventoryModule } from '../domains/inventory/index.ts';
import {
  addLineTransfers,
  allocationEventType,
  applyAllocation,
  applySubstitutions,
  substituteMarginRatio,
  substitutionRefused,
  type Hold,
  type LineSubstitution,
  decideSourcing,
  deliveryTimeZone,
  linePromiseDate,
  openHoldTypes,
  promiseDateOf,
  sourcingPolicyKind,
  unallocated,
  type LineAllocation,
  type Order,
  type OrdersModule,
  type SourcingCandidate,
  type SourcingDecision,
  type SourcingInput,
  type SourcingPlan,
  type SourcingPolicy,
  type TransferOption,
  transferOptions,
} from '../domains/orders/index.ts';
import { transferEvent, type ProcurementService } from '../domains/procurement/index.ts';
import type { Location } from '../domains/catalog/index.ts';
import { orderTransferDocuments, transferSitesOf, type ChosenTransfer } from './order-transfers.ts';
import { holdsPolicy, type ActivePolicy, type PolicyKind, type PolicyService } from '../domains/policies/index.ts';
import type { Decision, DecisionService } from '../domains/decisions/index.ts';
import type { IdGenerator } from '../platform/ids.ts';
import { releasableHeld, releaseLocationsOf, type OrderRelease } from './order-release.ts';
import { createBatchAllocation } from './order-allocation-batch.ts';

export type AllocationResult =
  | { result: 'allocated' | 'partially_allocated' | 'backordered'; order: Order; decisions: SourcingDecision[] }
  | { result: 'skipped'; reason: string; order: Order; changed?: true };

export interface OrderAllocationDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  policies: PolicyService;
  inventory: InventoryModule;
  orders: OrdersModule;
  outbox: OutboxService;
  decisions: DecisionService;
  ids: IdGenerator;
  procurement: ProcurementService;
  /**
   * When given, an order allocated for the first time is released in the same transaction: the
   * touchless path commits once instead of twice and needs no second delivery to reach warehouses.
   */
  release?: Pick<OrderRelease, 'releaseLockedIn'>;
}

/**
 * How the allocation event names its decisions: by id, with the line and the outcome. The decisions
 * themselves, with their reasons, inputs and policy version, are stored in the same transaction and
 * read at `/v1/decisions`; copying them into the event too doubled the bytes each allocation wrote
 * (about 12 KB an order) and that every subscriber of the event read back and parsed again.
 */
const decisionRef = (d: Decision) => ({ id: d.id, subject: d.subject, outcome: d.outcome });

/** An order read and sourced, ready to be written. */
export interface Planned {
  order: Order;
  sourced: SourcingPlan;
  locations: Map<string, Location>;
  holdRouting: ActivePolicy<typeof holdsPolicy extends PolicyKind<infer T> ? T : never>;
  now: number;
}

export type InventoryChanges = Parameters<InventoryModule['inventoryChanges']['publish']>[0];

export type Applied = { applied: 'changed'; current: Order | undefined } | { applied: 'refused' } | { applied: 'written'; result: AllocationResult; changes: InventoryChanges };

const resultOf = { allocate: 'allocated', allocate_partially: 'partially_allocated', backorder: 'backordered' } as const;

/** States from which an order may (still) be allocated. */
const allocatable = new Set(['validated', 'backordered', 'partially_allocated', 'released', 'partially_shipped']);
const blockingHolds = new Set(['credit', 'pricing', 'compliance']);

/**
 * Allocation, the cross-domain step of order-to-cash: read ATP and confidence for the order's SKUs,
 * let the sourcing rules decide under the active sourcing policy, then in one transaction take the
 * reservations, move the order through its lifecycle and announce it. The reservations are the
 * authority: a planned allocation that the ledger refuses (someone took the stock a moment earlier)
 * is backordered instead. Running it twice is harmless — the order's version guards the write, and a
 * fully allocated order is skipped.
 */
export function createOrderAllocation(deps: OrderAllocationDeps) {
  /**
   * ATP as the order's channel sees it: its own protected allocation is usable, other channels' are
   * not. The entries and locations are kept for transfer options, which only some orders need.
   */
  async function candidatesFor(
    skus: string[],
    channelCode: string,
    alsoLocations: readonly string[],
  ): Promise<{ bySku: Map<string, SourcingCandidate[]>; entries: BasketEntry[]; locations: Map<string, Location> }> {
    const entries = await deps.inventory.availability.basket({ skus, channelCode });
    const locationCodes = new Set([...alsoLocations, ...entries.flatMap((e) => (e.found ? e.availability.locations.map((l) => l.locationCode) : []))]);
    const locations = await deps.catalog.locations.getMany([...locationCodes]);
    const bySku = new Map<string, SourcingCandidate[]>();
    for (const entry of entries) {
      if (!entry.found) continue;
      bySku.set(
        entry.sku,
        entry.availability.locations
          .filter((l) => l.sellable)
          .map((l) => ({
            locationCode: l.locationCode,
            atp: l.atpForChannel ?? l.atp,
            confidence: l.confidence,
            // Distances and freight rates are not in master data yet; every location scores alike on them.
            distanceKm: 0,
            shippingCostMinor: 0,
            capacityRemainingLines: locations.get(l.locationCode)?.dailyCapacityLines ?? Number.MAX_SAFE_INTEGER,
            region: locations.get(l.locationCode)?.region ?? '',
          })),
      );
    }
    return { bySku, entries, locations };
  }

  /**
   * Sourcing with transfers when it needs them. Transfers are considered only for a line that no
   * location (or set of locations) can serve whole, so a plan in which every line was served that way
   * is already the plan with transfers; only otherwise are the options built and the order decided
   * again with them. That keeps the common case from building options it cannot use.
   */
  function plan(input: SourcingInput, policyDocument: SourcingPolicy, policyRef: { id: string; version: number }, now: number, transfers: () => Map<number, TransferOption[]>): SourcingPlan {
    const first = decideSourcing(input, policyDocument, policyRef, now);
    const servedWhole = first.lines.every((l) => l.remainingQuantity === 0 && (l.outcome === 'allocate' || l.outcome === 'split'));
    if (servedWhole) return first;
    const options = transfers();
    return decideSourcing({ ...input, lines: input.lines.map((l) => ({ ...l, transfers: options.get(l.lineNumber) ?? [] })) }, policyDocument, policyRef, now);
  }

  /**
   * Where an order allocated before already ships from: its stock held or shipped there. Sourcing
   * it again counts those locations as chosen, so a customer who refuses splits is not sent a second
   * shipment from elsewhere. A first allocation has none and reads nothing.
   */
  async function shipsFromOf(order: Order): Promise<string[]> {
    if (order.state === 'validated') return [];
    const reservations = await deps.inventory.reservations.listByOrder(order.id);
    return [...new Set(reservations.filter((r) => r.state === 'pending' || r.state === 'committed').map((r) => r.locationCode))];
  }

  /**
   * Everything allocation decides before it writes: the order as read, and its sourcing plan; or the
   * answer at once when there is nothing to allocate.
   */
  async function planOf(orderId: string): Promise<{ done: AllocationResult } | { planned: Planned }> {
    const order = await deps.orders.store.get(orderId);
    if (!order) throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'orderId', message: 'unknown order id' }]);
    if (!allocatable.has(order.state)) return { done: { result: 'skipped', reason: `the order is ${order.state}`, order } };
    const holds = openHoldTypes(order).filter((h) => blockingHolds.has(h));
    if (holds.length > 0) return { done: { result: 'skipped', reason: `the order has open ${holds.join(', ')} hold(s)`, order } };
    const lines = order.lines.filter((l) => unallocated(l) > 0);
    if (lines.length === 0) return { done: { result: 'skipped', reason: 'every line is allocated', order } };

    const [customer, policy, holdRouting, items, shipsFrom] = await Promise.all([
      deps.catalog.customers.getMany([order.customerCode]).then((m) => m.get(order.customerCode)),
      deps.policies.activeOf(sourcingPolicyKind),
      deps.policies.activeOf(holdsPolicy),
      deps.catalog.items.getMany([...new Set(lines.map((l) => l.sku))]),
      shipsFromOf(order),
    ]);
    // Substitutes are offered only for a line nothing has been allocated to yet, that has not been
    // substituted before (a line ships one SKU) and whose substitute a person has not refused.
    const substitutable = (l: (typeof lines)[number]) => l.allocatedQuantity === 0 && l.substituteForSku === undefined && !substitutionRefused(order, l.lineNumber);
    const substituteSkus = [...new Set(lines.filter(substitutable).flatMap((l) => items.get(l.sku)?.substitutes ?? []))];
    const substituteItems = substituteSkus.length > 0 ? await deps.catalog.items.getMany(substituteSkus) : new Map();
    const shipTo = customer?.shipTos.find((s) => s.code === order.shipToCode);
    const preferred = shipTo?.locationPreference;
    const promiseDate = promiseDateOf(order);
    const promiseTimeZone = deliveryTimeZone(order, customer);
    const { bySku: candidates, entries, locations } = await candidatesFor([...new Set([...lines.map((l) => l.sku), ...substituteItems.keys()])], order.channel, preferred === undefined ? [] : [preferred]);
    const input: SourcingInput = {
      orderId: order.id,
      orderReceivedAtMs: Date.parse(order.receivedAt),
      shipComplete: false,
      ...(promiseDate !== undefined && { promiseDate }),
      ...(promiseTimeZone !== undefined && { promiseTimeZone }),
      ...(preferred !== undefined && { shipToRegion: locations.get(preferred)?.region }),
      ...(shipsFrom.length > 0 && { shipsFrom }),
      customer: {
        acceptsSplits: customer?.acceptsSplits ?? true,
        acceptsSubstitutions: customer?.acceptsSubstitutions ?? false,
        acceptsBackorders: customer?.acceptsBackorders ?? true,
        tier: customer?.tier ?? 'standard',
      },
      lines: lines.map((l) => ({
        lineNumber: l.lineNumber,
        sku: l.sku,
        quantity: unallocated(l),
        // A line's own date, where it differs from the order's.
        ...(linePromiseDate(order, l) !== promiseDate && { promiseDate: linePromiseDate(order, l) }),
        candidates: candidates.get(l.sku) ?? [],
        ...(substitutable(l) && {
          substitutes: (items.get(l.sku)?.substitutes ?? []).flatMap((sku) => {
            const item = substituteItems.get(sku);
            return item && item.status === 'active' ? [{ sku, marginRatio: substituteMarginRatio(l.unitPriceMinor, item.unitCostMinor), candidates: candidates.get(sku) ?? [] }] : [];
          }),
        }),
      })),
    };
    const now = deps.clock.now();
    const sourced = plan(input, policy.document, { id: 'sourcing', version: policy.version }, now, () => {
      const { sitesBySku, destinations } = transferSitesOf(entries, locations, preferred);
      return transferOptions(input.lines, sitesBySku, destinations);
    });
    return { planned: { order, sourced, locations, holdRouting, now } };
  }

  /**
   * Writes a plan in the caller's transaction: the reservations, the order through its lifecycle, its
   * decisions and events. Answers `changed` when the order moved on since it was read. Stock the
   * ledger refuses (someone took it a moment earlier) is backordered; or, with `give_back`, the plan
   * is answered `refused` so that the caller rolls it back and plans again on what is left.
   */
  async function applyPlan(tx: Tx, { order, sourced, locations, holdRouting, now }: Planned, onRefusal: 'backorder' | 'give_back'): Promise<Applied> {
    const current = await deps.orders.store.lockForUpdate(tx, order.id);
    if (!current || current.version !== order.version) return { applied: 'changed', current };
    const wanted = sourced.lines.flatMap((line) => line.allocations.map((a) => ({ line, allocation: a })));
    const reserved = await deps.inventory.reservations.reserveManyIn(
      tx,
      wanted.map(({ line, allocation }) => ({ orderId: order.id, lineNumber: line.lineNumber, sku: allocation.sku, locationCode: allocation.locationCode, quantity: allocation.quantity })),
    );
    if (onRefusal === 'give_back' && reserved.outcomes.some((o) => o.result !== 'reserved')) return { applied: 'refused' };
    const allocatedByLine = new Map<number, number>();
    const chosenTransfers: ChosenTransfer[] = [];
    reserved.outcomes.forEach((o, i) => {
      if (o.result !== 'reserved') return;
      const { line, allocation } = wanted[i]!;
      allocatedByLine.set(line.lineNumber, (allocatedByLine.get(line.lineNumber) ?? 0) + allocation.quantity);
      if (line.outcome === 'transfer' && line.transfer) chosenTransfers.push({ line: { ...line, transfer: line.transfer }, reservationId: o.reservation.id });
    });
    // A transfer goes ahead only when its origin's stock was held for the line; otherwise the line waits like any backorder.
    const created = orderTransferDocuments(current, chosenTransfers, deps.ids, now);
    await deps.procurement.insertTransfersIn(tx, created.transfers);
    const results: LineAllocation[] = sourced.lines.map((line) => {
      const allocated = allocatedByLine.get(line.lineNumber) ?? 0;
      // What the ledger refused joins what the plan already backordered.
      return { lineNumber: line.lineNumber, allocated, backordered: line.quantity - allocated - line.shortageQuantity };
    });
    // A substitute whose stock was reserved goes on its line; one below the margin floor waits for approval.
    const substitutions: LineSubstitution[] = sourced.lines.flatMap((line) => {
      if (line.outcome !== 'substitute' || !line.substitute || (allocatedByLine.get(line.lineNumber) ?? 0) === 0) return [];
      const hold: Hold | undefined = line.requiresApproval
        ? {
            id: deps.ids.next(),
            type: 'substitution',
            lineNumber: line.lineNumber,
            ownerRole: holdRouting.document.substitution.ownerRole,
            reasonCode: 'substitute_margin_below_threshold',
            reason: `line ${line.lineNumber}: ${line.substitute.sku} replaces ${line.sku} at a margin ratio of ${line.substitute.marginRatio}`,
            placedAt: isoTime(now),
            slaDueAt: isoTime(now + holdRouting.document.substitution.slaHours * 3_600_000),
          }
        : undefined;
      return [{ lineNumber: line.lineNumber, sku: line.substitute.sku, ...(hold && { hold }) }];
    });
    const applied = applyAllocation(applySubstitutions(current, substitutions), results, isoTime(now));
    if (!applied.ok) throw new Error(`invariant violated: allocation of order ${order.id} refused by the lifecycle: ${applied.message}`);
    const allocatedOrder = addLineTransfers(applied.order, created.lineTransfers);
    const released = current.state === 'validated' && deps.release ? await releaseAtOnce(tx, allocatedOrder, wanted, reserved.outcomes, locations, now) : undefined;
    const savedOrder = released?.order ?? allocatedOrder;
    if (!(await deps.orders.store.save(tx, current, savedOrder))) throw new Error(`invariant violated: order ${order.id} changed under its row lock`);
    // A transfer decision names the transfer it created, so one can be read from the other.
    const transferOf = new Map(created.lineTransfers.map((t) => [t.lineNumber, t.transferId]));
    const decisions = sourced.lines.map((l) => (transferOf.has(l.lineNumber) ? { ...l.decision, inputs: { ...l.decision.inputs, transferId: transferOf.get(l.lineNumber) } } : l.decision));
    const recorded = await deps.decisions.record(tx, decisions);
    const events: NewEvent[] = [
      ...reserved.events,
      ...substitutions.flatMap((sub) =>
        sub.hold ? [{ source: '/crossdock/orchestration', type: 'crossdock.order.hold_placed', subject: `order:${order.id}`, data: { orderId: order.id, hold: sub.hold } }] : [],
      ),
      ...created.transfers.map((t) => transferEvent(t, null)),
      {
        source: '/crossdock/orchestration',
        type: allocationEventType[applied.event],
        subject: `order:${order.id}`,
        data: { orderId: order.id, partnerCode: order.partnerCode ?? null, from: applied.from, to: applied.to, lines: results, decisions: recorded.map(decisionRef), ...(released && { released: true }) },
      },
      ...(released?.events ?? []),
    ];
    await deps.outbox.appendMany(tx, events);
    return { applied: 'written', result: { result: resultOf[applied.event], order: savedOrder, decisions }, changes: reserved.changes };
  }

  /** Releases what was just reserved, in the allocation's transaction; undefined when nothing can go yet. */
  async function releaseAtOnce(
    tx: Tx,
    allocated: Order,
    wanted: ReadonlyArray<{ line: { lineNumber: number }; allocation: { sku: string; locationCode: string; quantity: number } }>,
    outcomes: ReadonlyArray<{ result: string; reservation?: { id: string } }>,
    locations: ReadonlyMap<string, Location>,
    now: number,
  ) {
    const held = releasableHeld(
      allocated,
      outcomes.flatMap((o, i) => {
        const { line, allocation } = wanted[i]!;
        return o.result === 'reserved' && o.reservation ? [{ reservationId: o.reservation.id, lineNumber: line.lineNumber, sku: allocation.sku, locationCode: allocation.locationCode, quantity: allocation.quantity }] : [];
      }),
    );
    if (held.length === 0 || !deps.release) return undefined;
    const released = await deps.release.releaseLockedIn(tx, allocated, held, releaseLocationsOf(locations.values()), now);
    return released.ok ? released : undefined;
  }

  async function allocateOnce(orderId: string): Promise<AllocationResult> {
    const planning = await planOf(orderId);
    if ('done' in planning) return planning.done;
    const written = await deps.db.transaction().execute((tx) => applyPlan(tx, planning.planned, 'backorder'));
    if (written.applied === 'changed') return { result: 'skipped', reason: 'the order changed while it was being sourced; allocate again', order: written.current ?? planning.planned.order, changed: true };
    invariant(written.applied === 'written', 'an allocation on its own backorders what the ledger refuses');
    deps.inventory.inventoryChanges.publish(written.changes);
    return written.result;
  }

  /** Plans again when another flow changed the order meanwhile (see plan-again.ts). */
  const allocate = (orderId: string) => planAgainWhileChanged(() => allocateOnce(orderId));

  const allocateMany = createBatchAllocation({ db: deps.db, publish: (changes) => deps.inventory.inventoryChanges.publish(changes), planOf, applyPlan, allocate });

  return { allocate, allocateMany };
}

export type OrderAllocation = ReturnType<typeof createOrderAllocation>;
