import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { Invoice } from '../../domains/finance/index.ts';
import { element, formatScaled, type X12Segment, type X12SegmentInput } from '../x12/index.ts';
import { isoDate, priceMinor } from './po850.mapper.ts';

/**
 * The 810 invoice, both ways, pure: our issued invoice as segments (BIG, CUR, IT1 per line, TDS,
 * CTT), and an 810 read back into the same canonical object for the round trip. Quantities are the
 * shipped base units (EA) the invoice bills; TDS01 is the total in cents, as its N2 type says.
 */

export interface EdiInvoiceLine {
  lineNumber: number;
  quantity: number;
  unitPriceMinor: number;
  sku: string;
  partnerItem?: string;
}

export interface EdiInvoice {
  invoiceNumber: string;
  /** YYYY-MM-DD, BIG01. */
  date: string;
  /** The partner's PO number, BIG04. */
  poNumber: string;
  currency: string;
  lines: EdiInvoiceLine[];
  totalMinor: number;
}

export function ediInvoiceFrom(invoice: Pick<Invoice, 'invoiceNumber' | 'issuedAt' | 'currency' | 'lines' | 'totalMinor'>, poNumber: string, partner: Pick<TradingPartner, 'itemCrossReferences'>): EdiInvoice {
  return {
    invoiceNumber: invoice.invoiceNumber,
    date: invoice.issuedAt.slice(0, 10),
    poNumber,
    currency: invoice.currency,
    lines: invoice.lines.map((line) => {
      const partnerItem = partner.itemCrossReferences.find((x) => x.sku === line.sku && x.partnerItem !== undefined)?.partnerItem;
      return { lineNumber: line.lineNumber, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor, sku: line.sku, ...(partnerItem === undefined ? {} : { partnerItem }) };
    }),
    totalMinor: invoice.totalMinor,
  };
}

export function invoiceSegments(invoice: EdiInvoice): X12SegmentInput[] {
  const segments: X12SegmentInput[] = [['BIG', invoice.date.replaceAll('-', ''), invoice.invoiceNumber, '', invoice.poNumber], ['CUR', 'SE', invoice.currency]];
  for (const line of invoice.lines) {
    const ids = line.partnerItem === undefined ? ['VN', line.sku] : ['BP', line.partnerItem, 'VN', line.sku];
    segments.push(['IT1', String(line.lineNumber), String(line.quantity), 'EA', formatScaled(BigInt(line.unitPriceMinor), 2), '', ...ids]);
  }
  segments.push(['TDS', String(invoice.totalMinor)]);
  segments.push(['CTT', String(invoice.lines.length), String(invoice.lines.reduce((sum, l) => sum + l.quantity, 0))]);
  return segments;
}

/** An 810 read back; null when it has no BIG. */
export function readInvoice(segments: readonly X12Segment[]): EdiInvoice | null {
  const big = segments.find((s) => s.id === 'BIG');
  if (!big) return null;
  const cur = segments.find((s) => s.id === 'CUR');
  const tds = segments.find((s) => s.id === 'TDS');
  const lines = segments
    .filter((s) => s.id === 'IT1')
    .map((it1): EdiInvoiceLine => {
      const ids = new Map<string, string>();
      for (let i = 6; i + 1 < it1.elements.length; i += 2) ids.set(element(it1, i), element(it1, i + 1));
      return {
        lineNumber: Number(element(it1, 1)),
        quantity: Number(element(it1, 2)),
        unitPriceMinor: priceMinor(element(it1, 4)) ?? 0,
        sku: ids.get('VN') ?? '',
        ...(ids.has('BP') ? { partnerItem: ids.get('BP')! } : {}),
      };
    });
  return {
    invoiceNumber: element(big, 2),
    date: isoDate(element(big, 1)) ?? '',
    poNumber: element(big, 4),
    currency: cur ? element(cur, 2) : 'USD',
    lines,
    totalMinor: tds ? Number(element(tds, 1)) : 0,
  };
}
