import type { Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import { AVAILABILITY_CHANGED, type AvailabilityChangedBatch, type InventoryModule } from '../domains/inventory/index.ts';
import { estimateBackorderAvailability, rankBackorders, sourcingPolicyKind, waitingLines, waitingLinesOf, waitingSkus, type BackorderEstimate, type Order, type RankedBackorder } from '../domains/orders/index.ts';
import type { PolicyService } from '../domains/policies/index.ts';
import type { OrderAllocation } from './order-allocation.ts';

export interface BackorderDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  policies: PolicyService;
  inventory: InventoryModule;
  outbox: OutboxService;
  allocation: Pick<OrderAllocation, 'allocate'>;
}

export interface BackorderAttempt {
  sku: string;
  orderId: string;
  lineNumber: number;
  priority: number;
  result: 'allocated' | 'partially_allocated' | 'backordered' | 'skipped';
  reason?: string;
}

/** Waiting lines read per SKU at most; a SKU with more waits for the next supply to reach the rest. */
const WAITING_LINES_PER_SKU_MAX = 5_000;
const SKUS_PER_QUERY = 500;

/**
 * Backorders in priority order (DESIGN §4 "backorder", §5 step 7): when stock a SKU's waiting order
 * lines could use appears — a receipt, a transfer arriving, a count, a cancelled reservation — the
 * orders waiting for it are allocated one by one, highest priority first (customer tier, promise
 * date, age), until the usable ATP is gone. The outbox hands every `availability_changed` event to
 * it at least once; running it again is harmless, since allocation itself is (a fully allocated line
 * no longer waits, and an order's version guards its write).
 */
export function createBackorderAllocation(deps: BackorderDeps) {
  const { db, clock, catalog, policies, inventory, allocation } = deps;

  /** Waiting lines of the SKUs (every SKU when none are given), best first. */
  async function waiting(skus: readonly string[] | undefined, limit = WAITING_LINES_PER_SKU_MAX): Promise<RankedBackorder[]> {
    const rows = await waitingLines(db, { skus, limit });
    const orders = new Map<string, Order>();
    for (const row of rows) if (!orders.has(row.order_id)) orders.set(row.order_id, JSON.parse(row.document) as Order);
    if (orders.size === 0) return [];
    const skuSet = skus === undefined ? undefined : new Set(skus);
    const [customers, policy] = await Promise.all([catalog.customers.getMany([...new Set([...orders.values()].map((o) => o.customerCode))]), policies.activeOf(sourcingPolicyKind)]);
    // The customer's ship-to gives the zone the promise date ends in.
    const lines = [...orders.values()].flatMap((o) => waitingLinesOf(o, skuSet, customers.get(o.customerCode)));
    if (lines.length === 0) return [];
    return rankBackorders(lines, (code) => customers.get(code)?.tier ?? 'standard', clock.now(), policy.document);
  }

  /**
   * ATP allocation could use for the SKU: sellable locations trusted enough for the sourcing policy
   * (`minConfidence`). Stock that sourcing would pass over does not start an allocation that cannot
   * take it.
   */
  async function usableAtp(sku: string, channelCode: string | undefined, minConfidence: number): Promise<number> {
    // As the waiting order's channel sees it: its own protected allocation is usable, others' are not.
    // Without a channel, every channel's protection is withheld.
    const [entry] = await inventory.availability.basket({ skus: [sku], channelCode });
    if (!entry?.found) return 0;
    return entry.availability.locations.filter((l) => l.sellable && l.confidence >= minConfidence).reduce((sum, l) => sum + (l.atpForChannel ?? l.atp), 0);
  }

  /** The SKUs among these that some order line waits for, in code order: one query per few hundred SKUs. */
  async function skusWaiting(skus: readonly string[]): Promise<string[]> {
    const unique = [...new Set(skus)];
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += SKUS_PER_QUERY) {
      for (const row of await waitingSkus(db, unique.slice(i, i + SKUS_PER_QUERY))) found.add(row);
    }
    return [...found].sort();
  }

  async function allocateFor(skus: readonly string[]): Promise<BackorderAttempt[]> {
    const attempts: BackorderAttempt[] = [];
    const { document: policy } = await policies.activeOf(sourcingPolicyKind);
    for (const sku of await skusWaiting(skus)) {
      // Usable stock differs by channel (protected allocations); each channel's is read when needed.
      const atpByChannel = new Map<string, number>();
      const atpFor = async (channel: string) => {
        if (!atpByChannel.has(channel)) atpByChannel.set(channel, await usableAtp(sku, channel, policy.minConfidence));
        return atpByChannel.get(channel)!;
      };
      const tried = new Set<string>();
      for (const line of await waiting([sku])) {
        const atp = await atpFor(line.channel);
        if (atp <= 0) continue;
        // An order with two waiting lines of the SKU is allocated once: allocation takes all its lines.
        if (tried.has(line.orderId)) continue;
        tried.add(line.orderId);
        // Partly allocated orders are on their way to release, which lets them take more stock afterwards.
        if (line.orderState === 'partially_allocated') {
          attempts.push({ sku, orderId: line.orderId, lineNumber: line.lineNumber, priority: line.priority, result: 'skipped', reason: 'the order waits for the release of what it has' });
          continue;
        }
        const outcome = await allocation.allocate(line.orderId);
        attempts.push({
          sku,
          orderId: line.orderId,
          lineNumber: line.lineNumber,
          priority: line.priority,
          result: outcome.result,
          ...(outcome.result === 'skipped' && { reason: outcome.reason }),
        });
        // Stock taken by one channel's order changes what every channel may still use.
        atpByChannel.clear();
        const left = await atpFor(line.channel);
        // An allocation that took nothing says the stock left cannot serve these orders (a location
        // sourcing excludes, say); trying every other order would only repeat that answer.
        if (outcome.result !== 'skipped' && left >= atp) break;
      }
    }
    return attempts;
  }

  deps.outbox.subscribe({
    name: 'orchestration.backorders',
    types: [AVAILABILITY_CHANGED],
    deliver: async (event) => {
      const batch = event.data as AvailabilityChangedBatch;
      // Only SKUs with unreserved stock somewhere can serve a backorder; a position that fell to zero
      // cannot. The event's ATP holds back every channel's protection, a waiting order's own included,
      // so the buckets are the test here and each order's channel is asked in full afterwards.
      const skus = batch.skus.filter((s) => s.locations.some((l) => l.atp > 0 || l.buckets.onHand - l.buckets.reserved > 0)).map((s) => s.sku);
      if (skus.length > 0) await allocateFor(skus);
    },
  });

  /**
   * Waiting lines, best first, each with when it can expect its units (`estimateBackorderAvailability`).
   * Per SKU the lines draw first on what sellable locations trusted enough for the sourcing policy have
   * now, with every channel's protection withheld (so the estimate errs late, never early), then on
   * the SKU's inbound supply at sellable locations in time order.
   */
  async function waitingWithEstimates(skus: readonly string[] | undefined): Promise<Array<RankedBackorder & BackorderEstimate>> {
    const ranked = await waiting(skus);
    if (ranked.length === 0) return [];
    const { document: policy } = await policies.activeOf(sourcingPolicyKind);
    const nowMs = clock.now();
    const bySku = new Map<string, RankedBackorder[]>();
    for (const line of ranked) {
      const lines = bySku.get(line.sku);
      if (lines) lines.push(line);
      else bySku.set(line.sku, [line]);
    }
    const estimates = new Map<RankedBackorder, BackorderEstimate>();
    for (const [sku, lines] of bySku) {
      const arrivals = inventory.availability.inboundAtSellable(sku).map((s) => ({ atMs: s.expectedAtMs, quantity: s.quantity, reference: s.reference }));
      const supply = { availableNow: await usableAtp(sku, undefined, policy.minConfidence), arrivals };
      estimateBackorderAvailability(lines, supply, nowMs).forEach((estimate, i) => estimates.set(lines[i]!, estimate));
    }
    return ranked.map((line) => ({ ...line, ...estimates.get(line)! }));
  }

  return { waiting, waitingWithEstimates, allocateFor };
}

export type BackorderAllocation = ReturnType<typeof createBackorderAllocation>;
