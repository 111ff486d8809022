import { seededRandom } from '../platform/random.ts';
import { HOUR_MS, nextBusinessMoment, nextBusinessSync, nextSync, type ExceptionOutcome, type OrderOutcome, type OutcomeLine } from './baseline.rules.ts';
import { simRandom, type SimRandom } from './sim-random.ts';

/**
 * The disconnected distributor: the same orders, the same opening stock and the same supplier
 * receipts as a hub run, worked without the hub, as a discrete-event model. Each assumption is
 * listed in docs/simulator.md ("Disconnected baseline"); in short:
 *
 * - Warehouse stock and shipment data reach the order desk only at a sync every `syncIntervalMs`
 *   (2 h): between syncs the desk sees the stock as it was at the last sync.
 * - The desk promises a line when that stale picture shows enough units at the chosen warehouse. It
 *   reserves nothing, so two orders can promise the same units; the warehouse finds out when it picks.
 * - Orders are released to the warehouses in a batch at the first sync after they are clear.
 * - Exceptions (stock shortage against the picture, a credit review, a pricing mismatch, a short
 *   shipment) go to a queue of clerks who work business hours and take minutes to hours each.
 * - Shipments are known at the next sync; invoices are raised by the billing batch at the first
 *   sync in business hours after the shipment.
 *
 * The warehouses behave as the simulated ones do: pick 10–90 min after the release, ship 30–180 min
 * after the pick, ship what is on the shelf, and damage one unit on about 1% of lines.
 */
export interface BaselineOrder {
  id: string;
  channel: string;
  receivedAtMs: number;
  lines: Array<{ sku: string; quantity: number }>;
}

export interface BaselineInput {
  seed: number;
  startMs: number;
  endMs: number;
  locations: readonly string[];
  openingStock: ReadonlyArray<{ location: string; sku: string; quantity: number }>;
  receipts: ReadonlyArray<{ atMs: number; location: string; sku: string; quantity: number }>;
  orders: readonly BaselineOrder[];
}

export interface BaselineAssumptions {
  syncIntervalMs: number;
  clerks: number;
  /** Minutes a clerk spends on one exception, drawn uniformly. */
  handlingMinutes: [number, number];
  /** Share of inside-sales orders sent to a manual credit review. */
  creditReviewRate: number;
  /** Share of EDI orders whose prices do not match and need a clerk. */
  pricingReviewRate: number;
  damageRate: number;
}

export const defaultAssumptions: BaselineAssumptions = {
  syncIntervalMs: 2 * HOUR_MS,
  clerks: 2,
  handlingMinutes: [15, 120],
  creditReviewRate: 0.04,
  pricingReviewRate: 0.03,
  damageRate: 0.01,
};

export interface BaselineResult {
  orders: OrderOutcome[];
  exceptions: ExceptionOutcome[];
}

type Event =
  | { kind: 'receipt'; atMs: number; location: string; sku: string; quantity: number }
  | { kind: 'sync'; atMs: number }
  | { kind: 'pick'; atMs: number; order: Working }
  | { kind: 'ship'; atMs: number; order: Working }
  | { kind: 'order'; atMs: number; order: Working }
  | { kind: 'resolve'; atMs: number; order: Working | null; exception: ExceptionOutcome };

// At one instant: stock arrives, then the sync takes its picture and releases, then warehouses work, then the desk.
const PRIORITY: Record<Event['kind'], number> = { receipt: 0, sync: 1, pick: 2, ship: 3, order: 4, resolve: 5 };

interface Working {
  outcome: OrderOutcome;
  location: string;
  openExceptions: number;
  /** Lines short in the picture at intake, settled by the clerk who resolves the shortage. */
  shortLines: Set<number>;
  /** Units promised per line; they count as released in the outcome once the warehouse has shipped. */
  promised: number[];
  picked: number[];
}

export function runBaseline(input: BaselineInput, assumptions: BaselineAssumptions = defaultAssumptions): BaselineResult {
  const r: SimRandom = simRandom(seededRandom(Math.imul(input.seed ^ 0xba5e, 0x85ebca6b)));
  const shelf = new Map<string, number>();
  const key = (location: string, sku: string) => `${location}\u0000${sku}`;
  for (const s of input.openingStock) shelf.set(key(s.location, s.sku), (shelf.get(key(s.location, s.sku)) ?? 0) + s.quantity);
  let picture = new Map(shelf);
  const seen = (location: string, sku: string) => picture.get(key(location, sku)) ?? 0;

  const queue: Array<Event & { seq: number }> = [];
  let seq = 0;
  const push = (e: Event) => {
    if (e.atMs > input.endMs) return;
    queue.push({ ...e, seq: seq++ });
  };
  for (const receipt of input.receipts) push({ kind: 'receipt', ...receipt });
  for (let t = input.startMs + assumptions.syncIntervalMs; t <= input.endMs; t += assumptions.syncIntervalMs) push({ kind: 'sync', atMs: t });

  const orders: OrderOutcome[] = [];
  const exceptions: ExceptionOutcome[] = [];
  const clerkFreeAt = Array.from({ length: assumptions.clerks }, () => input.startMs);
  let awaitingRelease: Working[] = [];

  for (const o of input.orders) {
    const outcome: OrderOutcome = { id: o.id, channel: o.channel, receivedAtMs: o.receivedAtMs, releasedAtMs: null, lastShippedAtMs: null, invoicedAtMs: null, touched: false, lines: o.lines.map((l) => ({ sku: l.sku, ordered: l.quantity, released: 0, shipped: 0 })) };
    orders.push(outcome);
    push({ kind: 'order', atMs: o.receivedAtMs, order: { outcome, location: input.locations[0]!, openExceptions: 0, shortLines: new Set(), promised: o.lines.map(() => 0), picked: [] } });
  }

  /** A clerk takes the exception: the first free clerk, from the later of raising and being free, in business hours. */
  function raise(type: string, atMs: number, order: Working | null) {
    const exception: ExceptionOutcome = { type, raisedAtMs: atMs, closedAtMs: null };
    exceptions.push(exception);
    const clerk = clerkFreeAt.indexOf(Math.min(...clerkFreeAt));
    const start = nextBusinessMoment(Math.max(atMs, clerkFreeAt[clerk]!));
    const done = start + r.int(assumptions.handlingMinutes[0], assumptions.handlingMinutes[1]) * 60_000;
    clerkFreeAt[clerk] = done;
    if (order) {
      order.openExceptions++;
      order.outcome.touched = true;
    }
    push({ kind: 'resolve', atMs: done, order, exception });
  }

  function intake(w: Working, atMs: number) {
    const lines = w.outcome.lines;
    // The warehouse whose (stale) picture covers the most units of the order.
    let best = input.locations[0]!;
    let bestUnits = -1;
    for (const location of input.locations) {
      const units = lines.reduce((s, l) => s + Math.min(l.ordered, seen(location, l.sku)), 0);
      if (units > bestUnits) [best, bestUnits] = [location, units];
    }
    w.location = best;
    lines.forEach((l, i) => {
      if (seen(best, l.sku) >= l.ordered) w.promised[i] = l.ordered;
      else w.shortLines.add(i);
    });
    if (w.shortLines.size > 0) raise('stock_shortage', atMs, w);
    if (w.outcome.channel === 'SALES' && r.chance(assumptions.creditReviewRate)) raise('credit_hold', atMs, w);
    if (w.outcome.channel === 'EDI' && r.chance(assumptions.pricingReviewRate)) raise('pricing_variance', atMs, w);
    if (w.openExceptions === 0) awaitingRelease.push(w);
  }

  function resolve(w: Working | null, exception: ExceptionOutcome, atMs: number) {
    exception.closedAtMs = atMs;
    if (!w) return;
    if (exception.type === 'stock_shortage') {
      // The clerk promises what the latest picture shows (still without reserving it); the rest is cancelled.
      for (const i of w.shortLines) {
        const l = w.outcome.lines[i]!;
        w.promised[i] = Math.min(l.ordered, seen(w.location, l.sku));
      }
    }
    if (--w.openExceptions === 0) awaitingRelease.push(w);
  }

  function release(atMs: number) {
    const batch = awaitingRelease;
    awaitingRelease = [];
    for (const w of batch) {
      if (w.promised.every((q) => q === 0)) continue;
      w.outcome.releasedAtMs = atMs;
      push({ kind: 'pick', atMs: atMs + r.int(10, 90) * 60_000, order: w });
    }
  }

  function pick(w: Working, atMs: number) {
    w.picked = w.outcome.lines.map((l, i) => {
      const promised = w.promised[i]!;
      if (promised === 0) return 0;
      const damaged = r.chance(assumptions.damageRate) ? 1 : 0;
      const have = shelf.get(key(w.location, l.sku)) ?? 0;
      const take = Math.max(0, Math.min(promised - damaged, have));
      shelf.set(key(w.location, l.sku), have - take);
      return take;
    });
    push({ kind: 'ship', atMs: atMs + r.int(30, 180) * 60_000, order: w });
  }

  function ship(w: Working, atMs: number) {
    w.outcome.lines.forEach((l, i) => {
      l.released = w.promised[i]!;
      l.shipped = w.picked[i]!;
    });
    const any = w.picked.some((q) => q > 0);
    if (any) {
      w.outcome.lastShippedAtMs = atMs;
      const invoiceAt = nextBusinessSync(atMs + 1, input.startMs, assumptions.syncIntervalMs);
      if (invoiceAt <= input.endMs) w.outcome.invoicedAtMs = invoiceAt;
    }
    // The short shipment is noticed when the shipment data is synced, and a clerk looks into it.
    if (w.outcome.lines.some((l: OutcomeLine) => l.shipped < l.released)) raise('short_shipment', nextSync(atMs + 1, input.startMs, assumptions.syncIntervalMs), null);
  }

  for (;;) {
    if (queue.length === 0) break;
    let at = 0;
    for (let i = 1; i < queue.length; i++) {
      const a = queue[i]!;
      const b = queue[at]!;
      if (a.atMs < b.atMs || (a.atMs === b.atMs && (PRIORITY[a.kind] < PRIORITY[b.kind] || (PRIORITY[a.kind] === PRIORITY[b.kind] && a.seq < b.seq)))) at = i;
    }
    const e = queue.splice(at, 1)[0]!;
    if (e.kind === 'receipt') shelf.set(key(e.location, e.sku), (shelf.get(key(e.location, e.sku)) ?? 0) + e.quantity);
    else if (e.kind === 'sync') {
      picture = new Map(shelf);
      release(e.atMs);
    } else if (e.kind === 'order') intake(e.order, e.atMs);
    else if (e.kind === 'resolve') resolve(e.order, e.exception, e.atMs);
    else if (e.kind === 'pick') pick(e.order, e.atMs);
    else ship(e.order, e.atMs);
  }
  return { orders, exceptions };
}
