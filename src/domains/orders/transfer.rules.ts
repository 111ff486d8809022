import { applyAllocation, unallocated } from './allocation.rules.ts';
import { lineQuantityProblem, lineStateOf } from './line.rules.ts';
import type { OrderState } from './order.lifecycle.ts';
import type { LineTransfer, Order } from './orders.types.ts';
import type { TransferOption } from './sourcing.types.ts';

/**
 * Transfers chosen by sourcing (DESIGN §5 step 3): which moves between our own locations allocation
 * offers, how a chosen one is recorded on its order line, and what happens to the line when the
 * transfer arrives or is cancelled. Pure; the orchestration reserves and moves the stock.
 */

/** A location as transfer options see it, for one SKU. */
export interface TransferSite {
  locationCode: string;
  /** ATP of the SKU there, as the order's channel sees it. */
  atp: number;
  confidence: number;
  /** Whether the location sends stock to other locations (a warehouse or a third party's). */
  canSend: boolean;
}

/**
 * The transfer options of each line: from every location that can send the line's whole quantity
 * to every location that may ship the order, never a location to itself. Lead times are left to the
 * sourcing policy's `transferLeadTimeDays` (there are no transfer lanes yet). A location that cannot
 * give the whole line is left out: sourcing only ever moves a line whole.
 */
export function transferOptions(
  lines: ReadonlyArray<{ lineNumber: number; sku: string; quantity: number }>,
  sitesBySku: ReadonlyMap<string, readonly TransferSite[]>,
  destinations: readonly string[],
): Map<number, TransferOption[]> {
  const options = new Map<number, TransferOption[]>();
  for (const line of lines) {
    const origins = (sitesBySku.get(line.sku) ?? []).filter((s) => s.canSend && s.atp >= line.quantity);
    options.set(
      line.lineNumber,
      origins.flatMap((o) =>
        destinations.filter((to) => to !== o.locationCode).map((to) => ({ fromLocationCode: o.locationCode, toLocationCode: to, atp: o.atp, confidence: o.confidence })),
      ),
    );
  }
  return options;
}

/** Lines with allocated units still on their way: their stock is not released to a warehouse yet. */
export const linesAwaitingTransfer = (order: Order): Set<number> => new Set(order.lines.filter((l) => (l.transfers?.length ?? 0) > 0).map((l) => l.lineNumber));

/** Records on their lines the transfers allocation created; the units are already counted as allocated. */
export function addLineTransfers(order: Order, transfers: ReadonlyArray<LineTransfer & { lineNumber: number }>): Order {
  if (transfers.length === 0) return order;
  const lines = order.lines.map((line) => {
    const mine = transfers.filter((t) => t.lineNumber === line.lineNumber).map(({ lineNumber: _n, ...t }) => t);
    return mine.length === 0 ? line : { ...line, transfers: [...(line.transfers ?? []), ...mine] };
  });
  return { ...order, lines };
}

/** What the order's lines wait for from one transfer: units, SKU and where they are to arrive. */
export function awaitedFrom(order: Order, transferId: string): Array<{ lineNumber: number; sku: string; locationCode: string; quantity: number }> {
  return order.lines.flatMap((line) =>
    (line.transfers ?? []).filter((t) => t.transferId === transferId).map((t) => ({ lineNumber: line.lineNumber, sku: line.sku, locationCode: t.toLocationCode, quantity: t.quantity })),
  );
}

export type TransferSettlement =
  | { changed: false }
  | {
      changed: true;
      order: Order;
      from: OrderState;
      to: OrderState;
      /** Per line: units now held at the destination, and units given back to sourcing. */
      lines: Array<{ lineNumber: number; reserved: number; returned: number }>;
    };

/**
 * A transfer the order's lines waited for has arrived (`reserved` says how many units of each line
 * the caller could hold for it at the destination) or was cancelled (nothing reserved). The lines
 * stop waiting for it; units that did not come are no longer allocated and wait for supply again, so
 * allocation sources them anew. The header moves as after any allocation that lost units; when a hold
 * keeps it where it is, only the lines change. Unchanged when no line waits for the transfer (already
 * settled, or the line was cancelled meanwhile).
 */
export function settleTransfer(order: Order, transferId: string, reserved: ReadonlyMap<number, number>, nowIso: string): TransferSettlement {
  const settled: Array<{ lineNumber: number; reserved: number; returned: number }> = [];
  const lines = order.lines.map((line) => {
    const mine = (line.transfers ?? []).filter((t) => t.transferId === transferId);
    if (mine.length === 0) return line;
    const awaited = mine.reduce((sum, t) => sum + t.quantity, 0);
    const held = Math.min(awaited, Math.max(0, reserved.get(line.lineNumber) ?? 0));
    const returned = awaited - held;
    settled.push({ lineNumber: line.lineNumber, reserved: held, returned });
    const others = (line.transfers ?? []).filter((t) => t.transferId !== transferId);
    const { transfers: _all, ...rest } = line;
    const next = { ...rest, ...(others.length > 0 && { transfers: others }), allocatedQuantity: line.allocatedQuantity - returned };
    const problem = lineQuantityProblem(next);
    if (problem) throw new Error(`invariant violated: order ${order.id} ${problem} after transfer ${transferId}`);
    return { ...next, state: lineStateOf(next) };
  });
  if (settled.length === 0) return { changed: false };
  const base: Order = { ...order, lines, updatedAt: nowIso, version: order.version + 1 };
  const shortLines = lines.filter((l) => settled.some((s) => s.lineNumber === l.lineNumber && s.returned > 0));
  if (shortLines.length === 0) return { changed: true, order: base, from: order.state, to: order.state, lines: settled };
  // What did not come waits for supply; allocation decides it again like any backorder.
  const applied = applyAllocation(
    base,
    shortLines.map((l) => ({ lineNumber: l.lineNumber, allocated: 0, backordered: unallocated(l) })),
    nowIso,
  );
  if (!applied.ok) {
    const backordered = base.lines.map((l) => (shortLines.some((s) => s.lineNumber === l.lineNumber) ? { ...l, backorderedQuantity: unallocated(l), state: lineStateOf({ ...l, backorderedQuantity: unallocated(l) }) } : l));
    return { changed: true, order: { ...base, lines: backordered }, from: order.state, to: order.state, lines: settled };
  }
  return { changed: true, order: { ...applied.order, version: order.version + 1 }, from: applied.from, to: applied.to, lines: settled };
}
