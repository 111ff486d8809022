import { tryTransition } from './lifecycle.rules.ts';
import { lineQuantityProblem, lineStateOf } from './line.rules.ts';
import { orderLifecycle, type OrderState } from './order.lifecycle.ts';
import { openHoldTypes } from './allocation.rules.ts';
import type { Order, OrderLine } from './orders.types.ts';

/** Units of a line shipped and not yet billed. */
export const uninvoiced = (line: Pick<OrderLine, 'shippedQuantity' | 'invoicedQuantity'>) => line.shippedQuantity - line.invoicedQuantity;

export type InvoiceRefusal = 'nothing_to_invoice' | 'unknown_line' | 'exceeds_shipped';

export type InvoiceApplication =
  | { ok: true; order: Order; moved: { from: OrderState; to: OrderState } | null }
  | { ok: false; reason: InvoiceRefusal; message: string };

/**
 * Bills shipped units on an order (I7: invoiced = shipped, never more): each line's invoiced quantity
 * grows by what is billed, and the header moves shipped → invoiced once everything shipped is billed.
 * A line billed beyond what it shipped is refused whole, nothing applied. Pure; the caller issues the
 * invoice and saves the order in one transaction.
 */
export function applyInvoice(order: Order, billed: ReadonlyArray<{ lineNumber: number; quantity: number }>, nowIso: string): InvoiceApplication {
  const byLine = new Map<number, number>();
  for (const b of billed) {
    if (!Number.isInteger(b.quantity) || b.quantity <= 0) return { ok: false, reason: 'nothing_to_invoice', message: `line ${b.lineNumber}: ${b.quantity} is not a quantity to invoice` };
    byLine.set(b.lineNumber, (byLine.get(b.lineNumber) ?? 0) + b.quantity);
  }
  if (byLine.size === 0) return { ok: false, reason: 'nothing_to_invoice', message: `order ${order.id}: no line to invoice` };
  for (const [lineNumber, quantity] of byLine) {
    const line = order.lines.find((l) => l.lineNumber === lineNumber);
    if (!line) return { ok: false, reason: 'unknown_line', message: `order ${order.id} has no line ${lineNumber}` };
    if (quantity > uninvoiced(line)) {
      return { ok: false, reason: 'exceeds_shipped', message: `line ${lineNumber}: invoicing ${quantity} would exceed what shipped and is not yet invoiced (${uninvoiced(line)})` };
    }
  }
  const lines = order.lines.map((line) => {
    const quantity = byLine.get(line.lineNumber);
    if (quantity === undefined) return line;
    const next = { ...line, invoicedQuantity: line.invoicedQuantity + quantity };
    const problem = lineQuantityProblem(next);
    if (problem) throw new Error(`invariant violated: order ${order.id} ${problem}`);
    return { ...next, state: lineStateOf(next) };
  });
  const updated: Order = { ...order, lines, updatedAt: nowIso, version: order.version + 1 };
  // Only a fully shipped order can become invoiced; a partial invoice leaves the header where it is.
  if (order.state !== 'shipped') return { ok: true, order: updated, moved: null };
  const moved = tryTransition(orderLifecycle, order.state, 'invoice', { context: { lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return { ok: true, order: updated, moved: null };
  return { ok: true, order: { ...updated, state: moved.to }, moved: { from: moved.from, to: moved.to } };
}

/**
 * A shipped order whose every shipped unit is billed already (the rest of it was cancelled after its
 * shipments were invoiced one by one) is invoiced without a new invoice. Null when it is not.
 */
export function applyInvoicedInFull(order: Order, nowIso: string): { order: Order; from: OrderState; to: OrderState } | null {
  if (order.state !== 'shipped') return null;
  const moved = tryTransition(orderLifecycle, order.state, 'invoice', { context: { lines: order.lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return null;
  const lines = order.lines.map((l) => ({ ...l, state: lineStateOf(l) }));
  return { order: { ...order, lines, state: moved.to, updatedAt: nowIso, version: order.version + 1 }, from: moved.from, to: moved.to };
}

/**
 * Closes an invoiced order once its returns window has passed: the header moves invoiced → closed and
 * its billed lines are closed with it. Null when the lifecycle refuses (the order is not invoiced).
 */
export function applyClose(order: Order, nowIso: string): { order: Order; from: OrderState; to: OrderState } | null {
  const moved = tryTransition(orderLifecycle, order.state, 'close', { context: { lines: order.lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return null;
  const lines = order.lines.map((l) => (l.state === 'invoiced' ? { ...l, state: 'closed' as const } : l));
  return { order: { ...order, lines, state: moved.to, updatedAt: nowIso, version: order.version + 1 }, from: moved.from, to: moved.to };
}
