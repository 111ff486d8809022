import { element, type X12Segment } from '../x12/index.ts';
import { itemIdsOf, LIN_PAIRS, type ItemIds } from './asn856.items.ts';
import { isoDate, type EdiProblem } from './po850.mapper.ts';

/**
 * The supplier's 856 ship notice read into canonical ship notices, one per purchase order it ships:
 * pure, given the set's segments. The HL tree is walked as the validator checked it (shipment,
 * order, tare, pack, item); each item level (an HL with LIN and SN1, whatever its HL03) belongs to
 * the order level above it, whose PRF01 is our PO number; a notice without order levels names its
 * PO at the shipment level. Dates: DTM 011 shipped and DTM 017 estimated delivery, at the order
 * level first, else at the shipment level or before the first HL.
 */

export interface SupplierShipNoticeLine {
  ids: ItemIds;
  /** SN102 in SN103's unit. */
  quantity: number;
  unit: string;
}

export interface SupplierShipNotice {
  /** BSN02, the supplier's shipment id. */
  shipmentId: string;
  poNumber: string;
  /** YYYY-MM-DD (DTM 011). */
  shippedDate?: string;
  /** YYYY-MM-DD (DTM 017): when the goods are due at our location. */
  expectedDate?: string;
  lines: SupplierShipNoticeLine[];
}

/** A notice and where its parts are in the set: its PRF and each line's LIN, as ST-relative positions. */
export interface LocatedSupplierShipNotice {
  notice: SupplierShipNotice;
  orderPosition: number;
  linePositions: number[];
}

export type Asn856Result = { ok: true; notices: LocatedSupplierShipNotice[] } | { ok: false; problems: EdiProblem[] };

interface Level {
  id: string;
  parent: string;
  code: string;
  segments: X12Segment[];
}

function levelsOf(segments: readonly X12Segment[]): { header: X12Segment[]; levels: Level[] } {
  const header: X12Segment[] = [];
  const levels: Level[] = [];
  for (const segment of segments) {
    if (segment.id === 'HL') levels.push({ id: element(segment, 1), parent: element(segment, 2), code: element(segment, 3), segments: [segment] });
    else if (segment.id === 'CTT' || segment.id === 'SE') break;
    else (levels.at(-1)?.segments ?? header).push(segment);
  }
  return { header, levels };
}

const dateOf = (segments: readonly X12Segment[], qualifier: string) => {
  const dtm = segments.find((s) => s.id === 'DTM' && element(s, 1) === qualifier);
  return dtm ? isoDate(element(dtm, 2)) : undefined;
};

export function mapAsn856(segments: readonly X12Segment[]): Asn856Result {
  const problems: EdiProblem[] = [];
  const bsn = segments.find((s) => s.id === 'BSN');
  const shipmentId = bsn ? element(bsn, 2) : '';
  if (!bsn || shipmentId === '') return { ok: false, problems: [{ segmentPosition: bsn?.setPosition ?? null, code: 'shipment_id_missing', message: 'the 856 has no shipment id (BSN02)' }] };

  const { header, levels } = levelsOf(segments);
  const byId = new Map(levels.map((l) => [l.id, l]));
  const shipment = levels.find((l) => l.code === 'S');
  const shipmentSegments = [...header, ...(shipment?.segments ?? [])];
  /** The nearest order level at or above a level, else the shipment level. */
  const orderOf = (level: Level): Level | undefined => {
    const seen = new Set<string>();
    for (let at: Level | undefined = level; at && !seen.has(at.id); at = byId.get(at.parent)) {
      seen.add(at.id);
      if (at.code === 'O') return at;
    }
    return shipment;
  };

  const orders = new Map<Level, LocatedSupplierShipNotice>();
  for (const level of levels) {
    const lin = level.segments.find((s) => s.id === 'LIN');
    const sn1 = level.segments.find((s) => s.id === 'SN1');
    if (!lin && !sn1) continue;
    const position = (lin ?? sn1)!.setPosition ?? null;
    if (!lin || !sn1) {
      problems.push({ segmentPosition: position, code: 'item_incomplete', message: `HL ${level.id} has ${lin ? 'LIN but no SN1 (shipped quantity)' : 'SN1 but no LIN (which item)'}` });
      continue;
    }
    const order = orderOf(level);
    const prf = order?.segments.find((s) => s.id === 'PRF');
    const poNumber = prf ? element(prf, 1) : '';
    if (!order || !prf || poNumber === '') {
      problems.push({ segmentPosition: position, code: 'po_number_missing', message: `HL ${level.id}: no order level above it names our purchase order (PRF01)` });
      continue;
    }
    const ids = itemIdsOf(lin, LIN_PAIRS);
    if (ids.gtin === undefined && ids.numbers.length === 0) {
      problems.push({ segmentPosition: lin.setPosition, code: 'item_missing', message: `HL ${level.id}: LIN names no item (LIN02/LIN03 …)` });
      continue;
    }
    const quantityText = element(sn1, 2);
    if (!/^\d+(\.0*)?$/.test(quantityText) || Number(quantityText) < 1) {
      problems.push({ segmentPosition: sn1.setPosition, code: 'quantity_invalid', message: `HL ${level.id}: SN102 "${quantityText}" is not a whole quantity of at least 1` });
      continue;
    }
    let located = orders.get(order);
    if (!located) {
      const shippedDate = dateOf(order.segments, '011') ?? dateOf(shipmentSegments, '011') ?? (bsn ? isoDate(element(bsn, 3)) : undefined);
      const expectedDate = dateOf(order.segments, '017') ?? dateOf(shipmentSegments, '017');
      const notice: SupplierShipNotice = { shipmentId, poNumber, ...(shippedDate && { shippedDate }), ...(expectedDate && { expectedDate }), lines: [] };
      located = { notice, orderPosition: prf.setPosition ?? 1, linePositions: [] };
      orders.set(order, located);
    }
    located.notice.lines.push({ ids, quantity: Number(quantityText), unit: element(sn1, 3) || 'EA' });
    located.linePositions.push(lin.setPosition ?? 1);
  }
  if (problems.length > 0) return { ok: false, problems };
  if (orders.size === 0) return { ok: false, problems: [{ segmentPosition: bsn.setPosition, code: 'lines_missing', message: 'the 856 ships no items (no HL with LIN and SN1)' }] };
  const notices = [...orders.values()];
  const numbers = notices.map((n) => n.notice.poNumber);
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated !== undefined) {
    return { ok: false, problems: [{ segmentPosition: notices.filter((n) => n.notice.poNumber === repeated)[1]!.orderPosition, code: 'po_repeated', message: `purchase order ${repeated} has two order levels; ship it under one` }] };
  }
  return { ok: true, notices };
}
