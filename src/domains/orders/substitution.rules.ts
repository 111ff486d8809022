import type { Hold, Order } from './orders.types.ts';

/** A substitute sourcing chose for a line; `hold` is set when a person must approve it first. */
export interface LineSubstitution {
  lineNumber: number;
  sku: string;
  hold?: Hold;
}

/**
 * Gross margin ratio of shipping a substitute at the line's price: (price − substitute cost) / price.
 * A line given away for nothing has no margin to protect, so it scores 0 and needs approval.
 */
export function substituteMarginRatio(linePriceMinor: number, substituteCostMinor: number): number {
  if (linePriceMinor <= 0) return 0;
  return Math.round(((linePriceMinor - substituteCostMinor) / linePriceMinor) * 10_000) / 10_000;
}

/**
 * Puts substitutes on their lines: the line now names the substitute's SKU and remembers the SKU the
 * customer ordered (the first one, should a line be substituted twice), and a substitution that needs
 * approval adds its hold. Pure; the caller saves the order in the transaction that reserves the stock.
 */
export function applySubstitutions(order: Order, substitutions: readonly LineSubstitution[]): Order {
  if (substitutions.length === 0) return order;
  const byLine = new Map(substitutions.map((s) => [s.lineNumber, s]));
  const lines = order.lines.map((line) => {
    const s = byLine.get(line.lineNumber);
    if (!s || s.sku === line.sku) return line;
    return { ...line, sku: s.sku, substituteForSku: line.substituteForSku ?? line.sku };
  });
  const holds = [...order.holds, ...substitutions.flatMap((s) => (s.hold ? [s.hold] : []))];
  return { ...order, lines, holds };
}

/**
 * Undoes a refused substitution on a line: it names the ordered SKU again and its allocation is
 * given back (the caller releases the substitute's reservations) so sourcing can try again.
 */
export function revertSubstitution(order: Order, lineNumber: number, releasedQuantity: number): Order {
  const lines = order.lines.map((line) => {
    if (line.lineNumber !== lineNumber || line.substituteForSku === undefined) return line;
    const { substituteForSku, ...rest } = line;
    return { ...rest, sku: substituteForSku, allocatedQuantity: line.allocatedQuantity - releasedQuantity };
  });
  return { ...order, lines };
}

/** Whether a person refused a substitute for this line: it is then never offered one again. */
export const substitutionRefused = (order: Order, lineNumber: number): boolean =>
  order.holds.some((h) => h.type === 'substitution' && h.lineNumber === lineNumber && h.resolution === 'rejected');

/** Lines waiting for a person to approve their substitute: their stock is not released to a warehouse. */
export const linesAwaitingApproval = (order: Order): Set<number> =>
  new Set(order.holds.filter((h) => h.type === 'substitution' && h.resolvedAt === undefined && h.lineNumber !== undefined).map((h) => h.lineNumber!));
