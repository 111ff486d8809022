import { writeInterchange, type X12SegmentInput, type X12SetInput } from '../connectors/x12/index.ts';
import type { SimEdiPartner } from './master-data.generator.ts';

/**
 * A retail partner's purchase orders as one X12 interchange (pure), written with our own X12 writer
 * the way a partner's translator would: one functional group of 850 sets, items named by the
 * partner's buyer number (BP) when it has one for the SKU, else by our SKU (VN); quantities in
 * cases (`CS`, the partner's unit) when the order is in whole cases, else in eaches.
 */
export interface PurchaseOrder850 {
  poNumber: string;
  shipToCode: string;
  /** YYYY-MM-DD */
  requestedDate: string;
  lines: Array<{ sku: string; quantity: number; unit: 'CS' | 'EA'; unitPriceMinor: number }>;
}

const cents = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

export function build850Interchange(partner: SimEdiPartner, receiverId: string, controlNumber: number, at: Date, orders: readonly PurchaseOrder850[]): string {
  const sets: X12SetInput[] = orders.map((po, s) => {
    const segments: X12SegmentInput[] = [
      ['BEG', '00', 'SA', po.poNumber, '', at.toISOString().slice(0, 10).replaceAll('-', '')],
      ['DTM', '002', po.requestedDate.replaceAll('-', '')],
      ['N1', 'ST', `${partner.code} ${po.shipToCode}`, '92', po.shipToCode],
    ];
    po.lines.forEach((line, i) => {
      const buyer = partner.buyerItemBySku.get(line.sku);
      segments.push(['PO1', String(i + 1), String(line.quantity), line.unit, cents(line.unitPriceMinor), '', ...(buyer ? ['BP', buyer] : ['VN', line.sku])]);
    });
    segments.push(['CTT', String(po.lines.length)]);
    return { id: '850', controlNumber: s + 1, segments };
  });
  const written = writeInterchange({
    sender: { qualifier: 'ZZ', id: partner.interchangeId },
    receiver: { qualifier: 'ZZ', id: receiverId },
    controlNumber,
    at,
    groups: [{ functionalId: 'PO', senderCode: partner.interchangeId, receiverCode: receiverId, controlNumber, version: partner.version, sets }],
  });
  if (!written.ok) throw new Error(`the simulated 850 does not write: ${JSON.stringify(written.issues.slice(0, 3))}`);
  return written.text;
}
