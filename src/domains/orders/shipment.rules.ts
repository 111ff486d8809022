import { tryTransition, type LifecycleReason } from './lifecycle.rules.ts';
import { orderLifecycle, type OrderState } from './order.lifecycle.ts';
import type { Order, OrderLine } from './orders.types.ts';
import { lineQuantityProblem, lineStateOf, openQuantity } from './line.rules.ts';
import { openHoldTypes } from './allocation.rules.ts';

/** What the short-ship policy does with released units a warehouse did not ship. */
export type ShortShipHandling = 'resource' | 'backorder' | 'cancel';

/** One line of a fulfillment request as confirmed: units shipped out of the units released. */
export interface ShippedLine {
  lineNumber: number;
  quantity: number;
  /** Units the request released for this line; the confirmation may not exceed it. */
  releasedQuantity: number;
}

export interface ShortShippedLine {
  lineNumber: number;
  quantity: number;
  handling: ShortShipHandling;
}

export type ShipmentHeaderEvent = 'ship_partially' | 'ship_completely' | 'cancel';

export type ShipmentApplied = {
  ok: true;
  order: Order;
  shortShipped: ShortShippedLine[];
  /** The header's move, or null when nothing shipped and part of the order is still open elsewhere. */
  event: ShipmentHeaderEvent | null;
  from: OrderState;
  to: OrderState;
};

export type ShipmentRefusal = {
  ok: false;
  reason: 'over_shipment' | 'unknown_line' | LifecycleReason;
  message: string;
  /** The offending line, when the refusal is about one. */
  lineNumber?: number;
};

/**
 * Applies a warehouse's shipment confirmation to an order: shipped units are added to each line, and
 * the released units it did not ship are handled as the short-ship policy says — `cancel` cancels
 * them, `backorder` leaves them waiting for supply, `resource` gives them back to allocation, which
 * sources them again and backorders what it cannot find. In every case they stop counting as
 * allocated, because the reservations behind them are used up by the confirmation.
 *
 * Pure. Shipping more than the request released for a line, or a line the order does not have, is a
 * returned refusal and nothing is applied; the lifecycle's refusal (a cancelled order) comes back the
 * same way. A result that would break I7 (shipped ≤ allocated ≤ ordered) is a bug and throws.
 */
export function applyShipment(order: Order, shipped: readonly ShippedLine[], remainderPolicy: ShortShipHandling, nowIso: string): ShipmentApplied | ShipmentRefusal {
  const byLine = new Map<number, ShippedLine>();
  for (const s of shipped) {
    if (!order.lines.some((l) => l.lineNumber === s.lineNumber)) {
      return { ok: false, reason: 'unknown_line', lineNumber: s.lineNumber, message: `order ${order.id} has no line ${s.lineNumber}` };
    }
    if (s.quantity < 0 || s.quantity > s.releasedQuantity || byLine.has(s.lineNumber)) {
      return {
        ok: false,
        reason: 'over_shipment',
        lineNumber: s.lineNumber,
        message: `line ${s.lineNumber}: ${s.quantity} shipped but ${s.releasedQuantity} released${byLine.has(s.lineNumber) ? ' (the line is confirmed twice)' : ''}`,
      };
    }
    byLine.set(s.lineNumber, s);
  }

  const shortShipped: ShortShippedLine[] = [];
  const lines = order.lines.map((line): OrderLine => {
    const s = byLine.get(line.lineNumber);
    if (!s) return line;
    const remainder = s.releasedQuantity - s.quantity;
    const next = { ...line, shippedQuantity: line.shippedQuantity + s.quantity, allocatedQuantity: line.allocatedQuantity - remainder };
    if (remainder > 0) {
      shortShipped.push({ lineNumber: line.lineNumber, quantity: remainder, handling: remainderPolicy });
      if (remainderPolicy === 'cancel') next.cancelledQuantity += remainder;
      if (remainderPolicy === 'backorder') next.backorderedQuantity += remainder;
    }
    const problem = lineQuantityProblem(next);
    if (problem) throw new Error(`invariant violated: shipment on order ${order.id}: ${problem}`);
    return { ...next, state: lineStateOf(next) };
  });

  const event = headerEvent(lines);
  if (event === null) {
    return { ok: true, order: { ...order, lines, updatedAt: nowIso, version: order.version + 1 }, shortShipped, event, from: order.state, to: order.state };
  }
  const moved = tryTransition(orderLifecycle, order.state, event, { context: { lines }, openHolds: openHoldTypes(order) });
  if (!moved.ok) return { ok: false, reason: moved.reason, message: moved.message };
  return { ok: true, order: { ...order, lines, state: moved.to, updatedAt: nowIso, version: order.version + 1 }, shortShipped, event, from: moved.from, to: moved.to };
}

/**
 * The header's move after a confirmation: complete when every line has shipped what is still wanted,
 * partial when anything has shipped, cancelled when nothing ever shipped and nothing is wanted any
 * more; otherwise (nothing shipped yet, the rest still open at other warehouses) it stays put.
 */
function headerEvent(lines: readonly OrderLine[]): ShipmentHeaderEvent | null {
  const anyShipped = lines.some((l) => l.shippedQuantity > 0);
  if (!anyShipped) return lines.every((l) => openQuantity(l) === 0) ? 'cancel' : null;
  return lines.every((l) => l.shippedQuantity >= openQuantity(l)) ? 'ship_completely' : 'ship_partially';
}

/** The event type announcing the header's move after a shipment. */
export const shipmentEventType = {
  ship_partially: 'crossdock.order.partially_shipped',
  ship_completely: 'crossdock.order.shipped',
  cancel: 'crossdock.order.cancelled',
} as const satisfies Record<ShipmentHeaderEvent, string>;
