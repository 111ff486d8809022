import { unallocated } from './allocation.rules.ts';
import type { Customer } from '../catalog/index.ts';
import type { Order } from './orders.types.ts';
import { deliveryTimeZone, linePromiseDate } from './promise.rules.ts';
import type { SourcingPolicy } from './sourcing.policy.ts';
import { backorderPriority } from './sourcing.scoring.ts';

/** One order line waiting for supply, as backorder allocation and planners see it. */
export interface WaitingBackorder {
  orderId: string;
  externalOrderNumber: string;
  customerCode: string;
  /** The order's channel: the stock it may use includes that channel's protected allocations. */
  channel: string;
  orderState: Order['state'];
  lineNumber: number;
  sku: string;
  /** Units backordered and still unallocated. */
  waitingQuantity: number;
  promiseDate: string | null;
  /** Where the goods arrive (`deliveryTimeZone`): the promise date ends at midnight there; UTC when absent. */
  timeZone?: string;
  receivedAt: string;
}

export interface RankedBackorder extends WaitingBackorder {
  tier: string;
  /** 0..100 from `backorderPriority`: tier, urgency of the promise date, age. Higher goes first. */
  priority: number;
}

/** The lines of an order that wait for supply: backordered units not yet allocated. */
export function waitingLinesOf(order: Order, skus?: ReadonlySet<string>, customer?: Pick<Customer, 'shipTos'>): WaitingBackorder[] {
  const timeZone = deliveryTimeZone(order, customer);
  return order.lines
    .filter((line) => (skus === undefined || skus.has(line.sku)) && line.backorderedQuantity > 0 && unallocated(line) > 0)
    .map((line) => ({
      orderId: order.id,
      externalOrderNumber: order.externalOrderNumber,
      customerCode: order.customerCode,
      channel: order.channel,
      orderState: order.state,
      lineNumber: line.lineNumber,
      sku: line.sku,
      waitingQuantity: Math.min(line.backorderedQuantity, unallocated(line)),
      // The same promise date and zone sourcing uses.
      promiseDate: linePromiseDate(order, line) ?? null,
      ...(timeZone !== undefined && { timeZone }),
      receivedAt: order.receivedAt,
    }));
}

/**
 * Waiting lines in the order supply should serve them (DESIGN §5 step 7): highest priority first —
 * customer tier, then how near the promise date is, then age — and among equals the older order,
 * then the lower order id and line number, so every node ranks the same lines the same way.
 */
export function rankBackorders(waiting: readonly WaitingBackorder[], tierOf: (customerCode: string) => string, nowMs: number, policy: SourcingPolicy): RankedBackorder[] {
  return waiting
    .map((w) => {
      const tier = tierOf(w.customerCode);
      return { ...w, tier, priority: backorderPriority(tier, w.promiseDate ?? undefined, Date.parse(w.receivedAt), nowMs, policy, w.timeZone) };
    })
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
        (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0) ||
        a.lineNumber - b.lineNumber,
    );
}

/** Supply one SKU's waiting lines may draw on: units usable now, and inbound supply, earliest first. */
export interface BackorderSupply {
  availableNow: number;
  arrivals: ReadonlyArray<{ atMs: number; quantity: number; reference: string }>;
}

/** When a waiting line can expect its units, and what completes them. */
export interface BackorderEstimate {
  /** Epoch ms: now when usable stock covers the line, else the arrival that completes it; null when known supply runs out first. */
  expectedAvailableAtMs: number | null;
  /** `stock` (usable now), the inbound supply reference that completes the line (`po:…`, `transfer:…`), or null. */
  coveredBy: string | null;
}

/**
 * When each of one SKU's waiting lines (in rank order) can expect its units: the lines are served in
 * turn from the units usable now, then from each arrival of inbound supply in time order, as
 * backorder allocation serves them when supply comes. It is an estimate, not a promise: it assumes
 * the lines ahead take what they wait for and nothing else claims the supply (a new order may).
 * Supply that is late (expected before now, not yet received) keeps its expected time, so the
 * estimate shows it is overdue rather than hiding it as "now".
 */
export function estimateBackorderAvailability(ranked: readonly Pick<WaitingBackorder, 'waitingQuantity'>[], supply: BackorderSupply, nowMs: number): BackorderEstimate[] {
  const quantityOf = (arrival: number) => Math.max(0, supply.arrivals[arrival]?.quantity ?? 0);
  let stock = Math.max(0, supply.availableNow);
  let arrival = 0;
  let arrivalLeft = quantityOf(0);
  return ranked.map((line) => {
    let need = line.waitingQuantity;
    const fromStock = Math.min(stock, need);
    stock -= fromStock;
    need -= fromStock;
    if (need === 0) return { expectedAvailableAtMs: nowMs, coveredBy: 'stock' };
    while (arrival < supply.arrivals.length) {
      const taken = Math.min(arrivalLeft, need);
      arrivalLeft -= taken;
      need -= taken;
      if (need === 0) {
        const completing = supply.arrivals[arrival]!;
        return { expectedAvailableAtMs: completing.atMs, coveredBy: completing.reference };
      }
      arrival += 1;
      arrivalLeft = quantityOf(arrival);
    }
    return { expectedAvailableAtMs: null, coveredBy: null };
  });
}
