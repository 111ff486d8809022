import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { Shipment } from '../../domains/fulfillment/index.ts';
import { element, type X12Segment, type X12SegmentInput } from '../x12/index.ts';
import { partnerItemOf } from './warehouse940.mapper.ts';

/**
 * The 856 ship notice we send a customer, both ways, pure: a confirmed shipment as a shipment /
 * order / item hierarchy (BSN05 `0004`). The shipment level carries the ship date (DTM 011), the
 * carrier (TD5, SCAC and service) and the tracking number (REF CN); the order level the customer's
 * PO (PRF01); one item level per shipped line with LIN (LIN01 our line number, the partner's item as
 * BP when cross-referenced, our SKU as VN) and SN1 (units shipped, EA). CTT01 counts the HLs and
 * CTT02 sums SN102. `readShipNotice` reads it back into the same object for the round trip.
 */

export interface ShipNoticeLine {
  lineNumber: number;
  sku: string;
  partnerItem?: string;
  quantity: number;
}

export interface ShipNotice {
  /** BSN02: the warehouse's shipment number, or our shipment id when that does not fit. */
  shipmentId: string;
  /** YYYY-MM-DD and HH:MM (UTC): when the goods left, BSN03/04 and DTM 011. */
  date: string;
  time: string;
  poNumber: string;
  carrierScac?: string;
  serviceCode?: string;
  trackingNumber?: string;
  lines: ShipNoticeLine[];
}

export function shipNoticeFrom(shipment: Pick<Shipment, 'id' | 'shipmentNumber' | 'shippedAt' | 'carrierScac' | 'serviceCode' | 'trackingNumber' | 'lines'>, poNumber: string, partner: Pick<TradingPartner, 'itemCrossReferences'>): ShipNotice {
  // BSN02 holds 2–30 characters; a warehouse number outside that is replaced by our own id, never cut.
  const fits = shipment.shipmentNumber.length >= 2 && shipment.shipmentNumber.length <= 30 && /^[ -~]+$/.test(shipment.shipmentNumber);
  const notice: ShipNotice = {
    shipmentId: fits ? shipment.shipmentNumber : shipment.id.replaceAll('-', '').slice(0, 30),
    date: shipment.shippedAt.slice(0, 10),
    time: shipment.shippedAt.slice(11, 16),
    poNumber,
    lines: shipment.lines.map((line) => {
      const partnerItem = partnerItemOf(partner, line.sku);
      return { lineNumber: line.lineNumber, sku: line.sku, ...(partnerItem === undefined ? {} : { partnerItem }), quantity: line.quantity };
    }),
  };
  if (shipment.carrierScac !== undefined) notice.carrierScac = shipment.carrierScac;
  if (shipment.serviceCode !== undefined && shipment.serviceCode !== '') notice.serviceCode = shipment.serviceCode;
  // REF02 holds 30 characters in 004010; a longer tracking number is left out rather than cut.
  if (shipment.trackingNumber !== undefined && shipment.trackingNumber !== '' && shipment.trackingNumber.length <= 30) notice.trackingNumber = shipment.trackingNumber;
  return notice;
}

export function shipNoticeSegments(notice: ShipNotice): X12SegmentInput[] {
  const date = notice.date.replaceAll('-', '');
  const time = notice.time.replace(':', '');
  const segments: X12SegmentInput[] = [['BSN', '00', notice.shipmentId, date, time, '0004'], ['HL', '1', '', 'S', '1']];
  if (notice.carrierScac !== undefined) {
    // The service goes in TD505 (routing, free text): TD512 is a two-letter code list.
    segments.push(notice.serviceCode === undefined ? ['TD5', '', '2', notice.carrierScac] : ['TD5', '', '2', notice.carrierScac, '', notice.serviceCode]);
  }
  if (notice.trackingNumber !== undefined) segments.push(['REF', 'CN', notice.trackingNumber]);
  // DTM04 `UT`: our times are UTC, and a partner reading its own zone into a bare time would shift it.
  segments.push(['DTM', '011', date, time, 'UT']);
  segments.push(['HL', '2', '1', 'O', notice.lines.length > 0 ? '1' : '0'], ['PRF', notice.poNumber]);
  notice.lines.forEach((line, i) => {
    const ids = line.partnerItem === undefined ? ['VN', line.sku] : ['BP', line.partnerItem, 'VN', line.sku];
    segments.push(['HL', String(i + 3), '2', 'I', '0'], ['LIN', String(line.lineNumber), ...ids], ['SN1', '', String(line.quantity), 'EA']);
  });
  segments.push(['CTT', String(notice.lines.length + 2), String(notice.lines.reduce((sum, l) => sum + l.quantity, 0))]);
  return segments;
}

/** An 856 read back; null when it has no BSN. */
export function readShipNotice(segments: readonly X12Segment[]): ShipNotice | null {
  const bsn = segments.find((s) => s.id === 'BSN');
  if (!bsn) return null;
  const date = element(bsn, 3);
  const time = element(bsn, 4);
  const notice: ShipNotice = {
    shipmentId: element(bsn, 2),
    date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
    time: `${time.slice(0, 2)}:${time.slice(2, 4)}`,
    poNumber: '',
    lines: [],
  };
  const td5 = segments.find((s) => s.id === 'TD5');
  if (td5 && element(td5, 3) !== '') notice.carrierScac = element(td5, 3);
  if (td5 && element(td5, 5) !== '') notice.serviceCode = element(td5, 5);
  const ref = segments.find((s) => s.id === 'REF' && (element(s, 1) === 'CN' || element(s, 1) === '2I'));
  if (ref) notice.trackingNumber = element(ref, 2);
  const prf = segments.find((s) => s.id === 'PRF');
  if (prf) notice.poNumber = element(prf, 1);
  let current: ShipNoticeLine | null = null;
  for (const segment of segments) {
    if (segment.id === 'LIN') {
      const ids = new Map<string, string>();
      for (let i = 2; i + 1 < segment.elements.length; i += 2) ids.set(element(segment, i), element(segment, i + 1));
      current = { lineNumber: Number(element(segment, 1)), sku: ids.get('VN') ?? '', quantity: 0 };
      if (ids.has('BP')) current.partnerItem = ids.get('BP')!;
      notice.lines.push(current);
    } else if (segment.id === 'SN1' && current) {
      current.quantity = Number(element(segment, 2));
    }
  }
  return notice;
}
