import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { Order } from '../../domains/orders/index.ts';
import { element, formatScaled, type X12Segment, type X12SegmentInput } from '../x12/index.ts';
import { isoDate, priceMinor } from './po850.mapper.ts';

/**
 * The 855 purchase order acknowledgement, both ways, pure: our allocation decisions on an order as
 * line-level accept (IA), backorder (IB) and reject (IR), written as segments; and an 855 read back
 * into the same canonical acknowledgement, which is how the round trip is checked.
 */

export interface PoAckLine {
  lineNumber: number;
  /** Ordered quantity, in `unit`. */
  quantity: number;
  unit: string;
  unitPriceMinor: number;
  /** Our SKU (VN) and the partner's own item number (BP) when it has one for the SKU. */
  sku: string;
  partnerItem?: string;
  accepted: number;
  backordered: number;
  rejected: number;
  /** YYYY-MM-DD: when the backordered units are expected to ship (ACK04 `068`, current schedule ship), when the hub can estimate it. */
  backorderShipDate?: string;
}

export interface PoAcknowledgement {
  poNumber: string;
  /** YYYY-MM-DD, the date of the acknowledgement (BAK04). */
  date: string;
  /** BAK02: AD accepted as ordered, AC accepted with changes (some backordered or rejected), RJ rejected. */
  type: 'AD' | 'AC' | 'RJ';
  lines: PoAckLine[];
}

type OrderForAck = Pick<Order, 'externalOrderNumber' | 'customerPo' | 'lines'>;
type PartnerForAck = Pick<TradingPartner, 'itemCrossReferences' | 'unitMappings'>;

/**
 * Our decisions as the partner's acknowledgement. Quantities are stated in the unit the partner
 * ordered when every quantity of the line is a whole number of it, else in base units (EA): an 855
 * must never round what we promise. Accepted is what is allocated or shipped, rejected what was
 * cancelled, backordered the rest. `backorderShipDates` (by line number) dates the backordered units
 * where the hub can estimate when they come.
 */
export function poAckFromOrder(order: OrderForAck, partner: PartnerForAck, date: string, backorderShipDates: ReadonlyMap<number, string> = new Map()): PoAcknowledgement {
  const partnerUnitOf = new Map(partner.unitMappings.map((m) => [m.unit, m.partnerUnit]));
  const lines = order.lines.map((line): PoAckLine => {
    const accepted = line.allocatedQuantity + line.shippedQuantity;
    const rejected = line.cancelledQuantity;
    const backordered = Math.max(0, line.orderedQuantity - accepted - rejected);
    const factor = line.orderedQuantity / line.orderedUnitQuantity;
    const inOrderedUnit = Number.isInteger(factor) && [accepted, rejected, backordered].every((q) => q % factor === 0);
    const scale = inOrderedUnit ? factor : 1;
    const partnerItem = partner.itemCrossReferences.find((x) => x.sku === line.sku && x.partnerItem !== undefined)?.partnerItem;
    return {
      lineNumber: line.lineNumber,
      quantity: line.orderedQuantity / scale,
      unit: inOrderedUnit ? (partnerUnitOf.get(line.orderedUnit) ?? line.orderedUnit) : 'EA',
      unitPriceMinor: line.unitPriceMinor * scale,
      sku: line.sku,
      ...(partnerItem === undefined ? {} : { partnerItem }),
      accepted: accepted / scale,
      backordered: backordered / scale,
      rejected: rejected / scale,
      ...(backordered > 0 && backorderShipDates.has(line.lineNumber) && { backorderShipDate: backorderShipDates.get(line.lineNumber)! }),
    };
  });
  const total = (key: 'accepted' | 'rejected') => lines.reduce((sum, l) => sum + l[key], 0);
  const ordered = lines.reduce((sum, l) => sum + l.quantity, 0);
  const type = total('rejected') === ordered ? 'RJ' : total('accepted') === ordered ? 'AD' : 'AC';
  return { poNumber: order.customerPo ?? order.externalOrderNumber, date, type, lines };
}

const compact = (date: string) => date.replaceAll('-', '');

/** The 855 body, ST and SE left to the writer. */
export function poAckSegments(ack: PoAcknowledgement): X12SegmentInput[] {
  const segments: X12SegmentInput[] = [['BAK', '00', ack.type, ack.poNumber, compact(ack.date)]];
  for (const line of ack.lines) {
    const ids = line.partnerItem === undefined ? ['VN', line.sku] : ['BP', line.partnerItem, 'VN', line.sku];
    segments.push(['PO1', String(line.lineNumber), String(line.quantity), line.unit, formatScaled(BigInt(line.unitPriceMinor), 2), '', ...ids]);
    const statuses: Array<[string, number]> = [['IA', line.accepted], ['IB', line.backordered], ['IR', line.rejected]];
    for (const [code, quantity] of statuses) {
      if (quantity === 0) continue;
      // ACK04 068 (current schedule ship) with ACK05 dates the backordered units when we can.
      const dated = code === 'IB' && line.backorderShipDate !== undefined ? ['068', compact(line.backorderShipDate)] : [];
      segments.push(['ACK', code, String(quantity), line.unit, ...dated]);
    }
  }
  segments.push(['CTT', String(ack.lines.length), String(ack.lines.reduce((sum, l) => sum + l.quantity, 0))]);
  return segments;
}

/** An 855 read back into the canonical acknowledgement; null when it has no BAK. */
export function readPoAck(segments: readonly X12Segment[]): PoAcknowledgement | null {
  const bak = segments.find((s) => s.id === 'BAK');
  if (!bak) return null;
  const lines: PoAckLine[] = [];
  let current: PoAckLine | null = null;
  for (const segment of segments) {
    if (segment.id === 'PO1') {
      const ids = new Map<string, string>();
      for (let i = 6; i + 1 < segment.elements.length; i += 2) ids.set(element(segment, i), element(segment, i + 1));
      current = {
        lineNumber: Number(element(segment, 1)),
        quantity: Number(element(segment, 2)),
        unit: element(segment, 3),
        unitPriceMinor: priceMinor(element(segment, 4)) ?? 0,
        sku: ids.get('VN') ?? '',
        ...(ids.has('BP') ? { partnerItem: ids.get('BP')! } : {}),
        accepted: 0,
        backordered: 0,
        rejected: 0,
      };
      lines.push(current);
    } else if (segment.id === 'ACK' && current) {
      const quantity = Number(element(segment, 2) || '0');
      const code = element(segment, 1);
      if (code === 'IA') current.accepted += quantity;
      else if (code === 'IB') {
        current.backordered += quantity;
        const shipDate = element(segment, 4) === '068' ? isoDate(element(segment, 5)) : undefined;
        if (shipDate) current.backorderShipDate = shipDate;
      } else if (code === 'IR') current.rejected += quantity;
    }
  }
  const type = element(bak, 2);
  return { poNumber: element(bak, 3), date: isoDate(element(bak, 4)) ?? '', type: type === 'AD' || type === 'RJ' ? type : 'AC', lines };
}
