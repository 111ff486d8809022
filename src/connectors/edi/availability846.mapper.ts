import type { TradingPartner } from '../../domains/catalog/index.ts';
import { element, type X12Segment, type X12SegmentInput } from '../x12/index.ts';

/**
 * The 846 we send partners, both ways, pure: what we can promise them per item (ATP for their
 * channel, in base units) as segments, and an 846 read back into the same canonical object, which is
 * how the round trip is checked. Each item is named by our SKU (VN), the partner's own number (BP)
 * and the GTIN the partner knows it by (UP, EN or UK by length) when the cross-reference has them;
 * QTY 33 is the quantity available for sale.
 */

export interface AvailabilityLine {
  sku: string;
  partnerItem?: string;
  gtin?: string;
  /** Units available for sale, in base units (EA). */
  quantity: number;
}

export interface AvailabilityAdvice {
  /** BIA03: names the report; a report sent again under the same id is not written twice. */
  reportId: string;
  /** YYYY-MM-DD and HHMM (UTC) of the figures. */
  date: string;
  time: string;
  lines: AvailabilityLine[];
}

const gtinQualifier = (gtin: string) => (gtin.length === 12 ? 'UP' : gtin.length === 13 ? 'EN' : gtin.length === 14 ? 'UK' : undefined);

/** The partner's cross-referenced items with their ATP; one line per SKU, in SKU order. */
export function availabilityFrom(partner: Pick<TradingPartner, 'itemCrossReferences'>, atpOf: (sku: string) => number, reportId: string, atIso: string): AvailabilityAdvice {
  const bySku = new Map<string, AvailabilityLine>();
  for (const ref of partner.itemCrossReferences) {
    const line = bySku.get(ref.sku) ?? { sku: ref.sku, quantity: 0 };
    // The first partner number and GTIN of a SKU name it, as the 855 and 810 do.
    if (line.partnerItem === undefined && ref.partnerItem !== undefined) line.partnerItem = ref.partnerItem;
    if (line.gtin === undefined && ref.gtin !== undefined && gtinQualifier(ref.gtin) !== undefined) line.gtin = ref.gtin;
    bySku.set(ref.sku, line);
  }
  const lines = [...bySku.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map((l) => ({ ...l, quantity: Math.max(0, atpOf(l.sku)) }));
  return { reportId, date: atIso.slice(0, 10), time: atIso.slice(11, 13) + atIso.slice(14, 16), lines };
}

/** The 846 body, ST and SE left to the writer. */
export function availabilitySegments(advice: AvailabilityAdvice): X12SegmentInput[] {
  const segments: X12SegmentInput[] = [['BIA', '00', 'DD', advice.reportId, advice.date.replaceAll('-', ''), advice.time]];
  for (const line of advice.lines) {
    const ids = ['VN', line.sku, ...(line.partnerItem === undefined ? [] : ['BP', line.partnerItem]), ...(line.gtin === undefined ? [] : [gtinQualifier(line.gtin)!, line.gtin])];
    segments.push(['LIN', '', ...ids], ['QTY', '33', String(line.quantity), 'EA']);
  }
  segments.push(['CTT', String(advice.lines.length)]);
  return segments;
}

/** An 846 of ours read back into the canonical advice; null when it has no BIA. */
export function readAvailability(segments: readonly X12Segment[]): AvailabilityAdvice | null {
  const bia = segments.find((s) => s.id === 'BIA');
  if (!bia) return null;
  const lines: AvailabilityLine[] = [];
  for (const segment of segments) {
    if (segment.id === 'LIN') {
      const ids = new Map<string, string>();
      for (let i = 2; i + 1 < segment.elements.length; i += 2) ids.set(element(segment, i), element(segment, i + 1));
      const gtin = ids.get('UP') ?? ids.get('EN') ?? ids.get('UK');
      lines.push({ sku: ids.get('VN') ?? '', ...(ids.has('BP') ? { partnerItem: ids.get('BP')! } : {}), ...(gtin === undefined ? {} : { gtin }), quantity: 0 });
    } else if (segment.id === 'QTY' && element(segment, 1) === '33' && lines.length > 0) {
      lines.at(-1)!.quantity = Number(element(segment, 2));
    }
  }
  const date = element(bia, 4);
  return { reportId: element(bia, 3), date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, time: element(bia, 5), lines };
}
