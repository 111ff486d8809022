import { tryTransition, type TransitionResult } from './lifecycle.rules.ts';
import { openHoldTypes } from './allocation.rules.ts';
import { lineStateOf, openQuantity } from './line.rules.ts';
import { orderLifecycle, type OrderState } from './order.lifecycle.ts';
import type { Order } from './orders.types.ts';

export type CancellationRefusal =
  | { ok: false; reason: 'unknown_line'; message: string; lineNumber: number }
  | { ok: false; reason: 'nothing_to_cancel'; message: string }
  | Extract<TransitionResult<OrderState>, { ok: false }>;

export interface Cancellation {
  ok: true;
  order: Order;
  from: OrderState;
  to: OrderState;
  /** Lines whose unshipped remainder was cancelled, with the units cancelled and the units that were held for them. */
  lines: Array<{ lineNumber: number; cancelledQuantity: number; releasedQuantity: number }>;
}

/**
 * Cancels what has not shipped of the chosen lines (every line when none are named). A line's
 * remainder is cancelled whole: the units held for it are given back (the caller releases their
 * reservations and withdraws them from warehouse requests) and its backorder ends. Shipped units stay
 * shipped; they are invoiced as usual. The header follows: cancelled when nothing was ever shipped
 * and nothing is left open, shipped when every remaining unit has shipped, otherwise where it was.
 */
export function applyCancellation(order: Order, lineNumbers: readonly number[] | 'all', nowIso: string): Cancellation | CancellationRefusal {
  const chosen = lineNumbers === 'all' ? new Set(order.lines.map((l) => l.lineNumber)) : new Set(lineNumbers);
  for (const n of chosen) {
    if (!order.lines.some((l) => l.lineNumber === n)) return { ok: false, reason: 'unknown_line', message: `order ${order.id} has no line ${n}`, lineNumber: n };
  }
  const changed: Cancellation['lines'] = [];
  const lines = order.lines.map((line) => {
    const remainder = openQuantity(line) - line.shippedQuantity;
    if (!chosen.has(line.lineNumber) || remainder <= 0) return line;
    changed.push({ lineNumber: line.lineNumber, cancelledQuantity: remainder, releasedQuantity: line.allocatedQuantity - line.shippedQuantity });
    // Units still on their way to the line's ship-from location no longer wait for it: the transfer
    // arrives as plain stock there.
    const { transfers: _inFlight, ...kept } = line;
    const next = { ...kept, cancelledQuantity: line.cancelledQuantity + remainder, allocatedQuantity: line.shippedQuantity, backorderedQuantity: 0 };
    return { ...next, state: lineStateOf(next) };
  });
  if (changed.length === 0) return { ok: false, reason: 'nothing_to_cancel', message: `nothing of the chosen lines of order ${order.id} is left to cancel` };

  const nothingShipped = lines.every((l) => l.shippedQuantity === 0);
  const nothingOpen = lines.every((l) => openQuantity(l) - l.shippedQuantity <= 0);
  const event = nothingShipped && nothingOpen ? 'cancel' : nothingOpen ? 'ship_completely' : null;
  if (event === null) return { ok: true, order: { ...order, lines, updatedAt: nowIso, version: order.version + 1 }, from: order.state, to: order.state, lines: changed };
  const moved = tryTransition(orderLifecycle, order.state, event, { context: { lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return moved;
  // A cancelled order's open holds have nothing left to block; they are closed with it.
  const holds = moved.to === 'cancelled' ? order.holds.map((h) => (h.resolvedAt === undefined ? { ...h, resolvedAt: nowIso, resolution: 'rejected' as const, resolvedBy: 'rule:order_cancelled' } : h)) : order.holds;
  return { ok: true, order: { ...order, lines, holds, state: moved.to, updatedAt: nowIso, version: order.version + 1 }, from: moved.from, to: moved.to, lines: changed };
}
