import type { OrderLine } from './orders.types.ts';

/** Units of a line still wanted: ordered less cancelled. */
export const openQuantity = (line: Pick<OrderLine, 'orderedQuantity' | 'cancelledQuantity'>) => line.orderedQuantity - line.cancelledQuantity;

/**
 * What an order still stands to bill: units neither cancelled nor invoiced, at their line prices.
 * Credit exposure counts open orders at this value, because an invoiced part already counts as a
 * receivable and a cancelled part will never be billed.
 */
export const unbilledValueMinor = (lines: ReadonlyArray<Pick<OrderLine, 'orderedQuantity' | 'cancelledQuantity' | 'invoicedQuantity' | 'unitPriceMinor'>>) =>
  lines.reduce((sum, l) => sum + Math.max(0, l.orderedQuantity - l.cancelledQuantity - l.invoicedQuantity) * l.unitPriceMinor, 0);

/** Order states whose orders no longer count as open orders for credit. */
export const creditClosedStates = ['invoiced', 'closed', 'cancelled'] as const;

/** What an order in `state` adds to its customer's open orders for credit: its unbilled value while it is open. */
export const creditOpenValueMinor = (state: string, unbilledMinor: number) => ((creditClosedStates as readonly string[]).includes(state) ? 0 : unbilledMinor);

/**
 * A line's state follows from its quantities, so every flow that changes them (allocation, release,
 * shipment, invoicing, cancellation) derives it the same way. `released` is the one state quantities
 * cannot show: it is kept while the line has allocated stock and nothing has shipped yet.
 *
 * `allocatedQuantity` counts units shipped plus units still held for the line, so a short ship gives
 * the unshipped part back to allocation and I7 (shipped ≤ allocated ≤ ordered) stays checkable.
 */
export function lineStateOf(line: OrderLine): OrderLine['state'] {
  const open = openQuantity(line);
  if (open === 0 && line.shippedQuantity === 0) return 'cancelled';
  if (line.shippedQuantity > 0) {
    if (line.shippedQuantity < open) return 'partially_shipped';
    return line.invoicedQuantity >= line.shippedQuantity ? 'invoiced' : 'shipped';
  }
  if (line.state === 'released' && line.allocatedQuantity > 0) return 'released';
  if (line.allocatedQuantity >= open) return 'allocated';
  if (line.allocatedQuantity > 0) return 'partially_allocated';
  if (line.backorderedQuantity > 0) return 'backordered';
  return 'open';
}

/** I7 for one line: shipped ≤ allocated ≤ ordered − cancelled, invoiced ≤ shipped. Null when it holds. */
export function lineQuantityProblem(line: OrderLine): string | null {
  if (line.allocatedQuantity > openQuantity(line)) return `line ${line.lineNumber}: allocated ${line.allocatedQuantity} exceeds open ${openQuantity(line)}`;
  if (line.shippedQuantity > line.allocatedQuantity) return `line ${line.lineNumber}: shipped ${line.shippedQuantity} exceeds allocated ${line.allocatedQuantity}`;
  if (line.invoicedQuantity > line.shippedQuantity) return `line ${line.lineNumber}: invoiced ${line.invoicedQuantity} exceeds shipped ${line.shippedQuantity}`;
  for (const q of [line.allocatedQuantity, line.backorderedQuantity, line.shippedQuantity, line.invoicedQuantity, line.cancelledQuantity]) {
    if (q < 0 || !Number.isInteger(q)) return `line ${line.lineNumber}: quantities must be whole and not negative`;
  }
  return null;
}
