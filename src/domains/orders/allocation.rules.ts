import { tryTransition, type TransitionResult } from './lifecycle.rules.ts';
import { orderLifecycle, type OrderState } from './order.lifecycle.ts';
import type { Order, OrderLine } from './orders.types.ts';
import { lineQuantityProblem, lineStateOf } from './line.rules.ts';

/** What allocation achieved for one line: units reserved now, units left waiting for supply. */
export interface LineAllocation {
  lineNumber: number;
  allocated: number;
  backordered: number;
}

/** Holds that stop allocation (see order.lifecycle.ts). */
export const openHoldTypes = (order: Order) => order.holds.filter((h) => h.resolvedAt === undefined).map((h) => h.type);

/** Units of a line still to allocate: ordered, less cancelled, less already allocated. */
export const unallocated = (line: OrderLine) => line.orderedQuantity - line.cancelledQuantity - line.allocatedQuantity;

/**
 * Applies what allocation achieved to the order: line quantities and states, and the header's move
 * through the lifecycle (allocate, allocate_partially or backorder). Pure; the guard's refusal (a
 * hold, nothing allocated) comes back as the lifecycle's reason.
 */
export function applyAllocation(
  order: Order,
  results: readonly LineAllocation[],
  nowIso: string,
): { ok: true; order: Order; event: 'allocate' | 'allocate_partially' | 'backorder'; from: OrderState; to: OrderState } | Extract<TransitionResult<OrderState>, { ok: false }> {
  const byLine = new Map(results.map((r) => [r.lineNumber, r]));
  const lines = order.lines.map((line) => {
    const r = byLine.get(line.lineNumber);
    if (!r) return line;
    const next = { ...line, allocatedQuantity: line.allocatedQuantity + r.allocated, backorderedQuantity: r.backordered };
    // I7: never allocate more than was ordered (less what was cancelled).
    const problem = lineQuantityProblem(next);
    if (problem) throw new Error(`invariant violated: order ${order.id} ${problem}`);
    return { ...next, state: lineStateOf(next) };
  });
  const fullyAllocated = lines.every((l) => l.allocatedQuantity >= l.orderedQuantity - l.cancelledQuantity);
  const anyAllocated = lines.some((l) => l.allocatedQuantity > 0);
  const event = fullyAllocated ? 'allocate' : anyAllocated ? 'allocate_partially' : 'backorder';
  const moved = tryTransition(orderLifecycle, order.state, event, { context: { lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return moved;
  return { ok: true, event, from: moved.from, to: moved.to, order: { ...order, lines, state: moved.to, updatedAt: nowIso, version: order.version + 1 } };
}

/** The event type announcing an allocation outcome, whatever state the header stays in. */
export const allocationEventType = { allocate: 'crossdock.order.allocated', allocate_partially: 'crossdock.order.partially_allocated', backorder: 'crossdock.order.backordered' } as const;

/**
 * Marks the lines handed to warehouses as released and moves the order to released. Pure; the
 * lifecycle's refusal (a hold, nothing allocated) comes back as its reason.
 */
export function applyRelease(order: Order, releasedLineNumbers: ReadonlySet<number>, nowIso: string): { ok: true; order: Order; from: OrderState; to: OrderState } | Extract<TransitionResult<OrderState>, { ok: false }> {
  const moved = tryTransition(orderLifecycle, order.state, 'release', { context: { lines: order.lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return moved;
  const lines = order.lines.map((l) => (releasedLineNumbers.has(l.lineNumber) ? { ...l, state: lineStateOf({ ...l, state: 'released' }) } : l));
  return { ok: true, from: moved.from, to: moved.to, order: { ...order, lines, state: moved.to, updatedAt: nowIso, version: order.version + 1 } };
}
