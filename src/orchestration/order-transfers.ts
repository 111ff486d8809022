import { isoTime } from '../platform/clock.ts';
import type { Location } from '../domains/catalog/index.ts';
import type { BasketEntry } from '../domains/inventory/index.ts';
import type { LineTransfer, Order, SourcingLinePlan, TransferSite } from '../domains/orders/index.ts';
import type { Transfer } from '../domains/procurement/index.ts';
import type { IdGenerator } from '../platform/ids.ts';

/**
 * Transfers chosen by sourcing, as allocation needs them: which locations may send and receive, and
 * the transfer documents for the lines sourcing sent through one. The pure rules are in the orders
 * domain (`transfer.rules.ts`); the transfer's own steps are in `replenishment-transfers.ts`.
 */

/** Location types whose stock may be moved to another location for an order. */
const sendingTypes = new Set<Location['type']>(['warehouse', 'third_party']);

/**
 * For each SKU, every location holding it as the order's channel sees it, and whether it may send
 * stock; and the locations that may ship the order: sellable ones holding any of its SKUs, and the
 * ship-to's preferred location. An unsellable warehouse (a reserve site that never ships to
 * customers) still sends: its stock reaches the customer through a location that may ship.
 */
export function transferSitesOf(
  entries: readonly BasketEntry[],
  locations: ReadonlyMap<string, Location>,
  preferredLocationCode: string | undefined,
): { sitesBySku: Map<string, TransferSite[]>; destinations: string[] } {
  const sitesBySku = new Map<string, TransferSite[]>();
  const destinations = new Set<string>();
  const mayShip = (code: string) => {
    const location = locations.get(code);
    return location !== undefined && location.sellable && location.type !== 'in_transit';
  };
  for (const entry of entries) {
    if (!entry.found) continue;
    const sites: TransferSite[] = [];
    for (const l of entry.availability.locations) {
      const location = locations.get(l.locationCode);
      sites.push({ locationCode: l.locationCode, atp: l.atpForChannel ?? l.atp, confidence: l.confidence, canSend: location !== undefined && sendingTypes.has(location.type) });
      if (mayShip(l.locationCode)) destinations.add(l.locationCode);
    }
    sitesBySku.set(entry.sku, sites);
  }
  if (preferredLocationCode !== undefined && mayShip(preferredLocationCode)) destinations.add(preferredLocationCode);
  return { sitesBySku, destinations: [...destinations].sort() };
}

/** A line sourcing sent through a transfer, with the reservation that holds its units at the origin. */
export interface ChosenTransfer {
  line: SourcingLinePlan & { transfer: NonNullable<SourcingLinePlan['transfer']> };
  reservationId: string;
}

/**
 * One transfer per origin and destination for the order, released at once: the allocation is the
 * decision, and the origin's stock is already held for the lines (their reservations ride along on
 * the transfer's lines, to be committed when it ships). Each line names the order line it serves.
 */
export function orderTransferDocuments(order: Order, chosen: readonly ChosenTransfer[], ids: IdGenerator, nowMs: number): { transfers: Transfer[]; lineTransfers: Array<LineTransfer & { lineNumber: number }> } {
  const groups = new Map<string, ChosenTransfer[]>();
  for (const c of chosen) {
    const key = `${c.line.transfer.fromLocationCode}\u0000${c.line.transfer.toLocationCode}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const transfers: Transfer[] = [];
  const lineTransfers: Array<LineTransfer & { lineNumber: number }> = [];
  for (const group of groups.values()) {
    const { fromLocationCode, toLocationCode } = group[0]!.line.transfer;
    const id = ids.next();
    const reason = `order ${order.externalOrderNumber}: ${group.map((c) => `line ${c.line.lineNumber} ${c.line.decision.reasons[0]?.message ?? ''}`).join('; ')}`;
    transfers.push({
      id,
      fromLocationCode,
      toLocationCode,
      state: 'released',
      orderId: order.id,
      lines: group.map((c, i) => ({ lineNumber: i + 1, sku: c.line.sku, quantity: c.line.allocatedQuantity, receivedQuantity: 0, orderLineNumber: c.line.lineNumber, reservationId: c.reservationId })),
      expectedArrivalAt: isoTime(Math.max(...group.map((c) => c.line.transfer.arrivesAtMs))),
      reason: reason.length <= 500 ? reason : `${reason.slice(0, 497)}...`,
      createdAt: isoTime(nowMs),
      updatedAt: isoTime(nowMs),
      version: 1,
    });
    for (const c of group) lineTransfers.push({ lineNumber: c.line.lineNumber, transferId: id, fromLocationCode, toLocationCode, quantity: c.line.allocatedQuantity });
  }
  return { transfers, lineTransfers };
}
