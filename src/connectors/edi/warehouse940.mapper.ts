import type { TradingPartner } from '../../domains/catalog/index.ts';
import { element, type X12Segment, type X12SegmentInput } from '../x12/index.ts';

/**
 * The 940 warehouse shipping order, both ways, pure: a fulfillment request released to a location a
 * 3PL operates, as segments (W05, N1 ship-to loop, G62, W66, then LX / W01 / N9 LI per line, W76),
 * and a 940 read back into the same canonical object for the round trip.
 *
 * W0502, the depositor order number, names our fulfillment request so that the 3PL's 945 (W0602)
 * leads back to it. X12 gives it 22 characters and our ids are 36-character UUIDs, so the id is
 * written as its 128 bits in base 62: exactly 22 letters and digits, case-sensitive, and decoded
 * without any stored mapping.
 */

export type WarehouseOrderPurpose = 'original' | 'replace' | 'cancel';

export interface WarehouseOrderLine {
  lineNumber: number;
  sku: string;
  /** The 3PL's own item number, from the partner's cross-references. */
  partnerItem?: string;
  quantity: number;
  unit: string;
}

export interface WarehouseShipTo {
  /** Our ship-to code, N104 with qualifier 92. */
  code?: string;
  name: string;
  address?: { line1: string; line2?: string; city: string; region: string; postalCode: string; country: string };
}

export interface WarehouseOrder {
  purpose: WarehouseOrderPurpose;
  fulfillmentRequestId: string;
  /** The customer's purchase order number, W0503. */
  poNumber?: string;
  shipTo?: WarehouseShipTo;
  /** YYYY-MM-DD: ship no later than (G62 code 10). */
  shipBy?: string;
  lines: WarehouseOrderLine[];
}

/** W0501 order status codes. */
const STATUS_CODE: Record<WarehouseOrderPurpose, string> = { original: 'N', replace: 'R', cancel: 'C' };
const PURPOSE_OF = new Map(Object.entries(STATUS_CODE).map(([purpose, code]) => [code, purpose as WarehouseOrderPurpose]));

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our fulfillment request id as a W0502 depositor order number: 22 base-62 characters. */
export function depositorOrderNumber(requestId: string): string {
  if (!UUID.test(requestId)) throw new Error(`fulfillment request id ${requestId} is not a UUID`);
  let value = BigInt(`0x${requestId.replaceAll('-', '')}`);
  let text = '';
  for (let i = 0; i < 22; i++) {
    text = BASE62[Number(value % 62n)]! + text;
    value /= 62n;
  }
  return text;
}

/** The fulfillment request id a depositor order number names, or null when it is not one of ours. */
export function requestIdOf(depositorOrder: string): string | null {
  const text = depositorOrder.trim();
  if (UUID.test(text)) return text.toLowerCase();
  if (!/^[0-9A-Za-z]{22}$/.test(text)) return null;
  let value = 0n;
  for (const char of text) value = value * 62n + BigInt(BASE62.indexOf(char));
  if (value >= 1n << 128n) return null;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 3PL's item number for a SKU, when the partner cross-references one. */
export const partnerItemOf = (partner: Pick<TradingPartner, 'itemCrossReferences'>, sku: string) =>
  partner.itemCrossReferences.find((x) => x.sku === sku && x.partnerItem !== undefined)?.partnerItem;

/** The 940 for a fulfillment request: its lines in base units (EA), with the 3PL's item numbers. */
export function warehouseOrderFrom(
  purpose: WarehouseOrderPurpose,
  request: { id: string; lines: ReadonlyArray<{ lineNumber: number; sku: string; quantity: number }>; shipByAt?: string | undefined },
  order: { customerPo?: string | undefined; externalOrderNumber: string },
  shipTo: WarehouseShipTo | undefined,
  partner: Pick<TradingPartner, 'itemCrossReferences'>,
): WarehouseOrder {
  const poNumber = order.customerPo ?? order.externalOrderNumber;
  const result: WarehouseOrder = {
    purpose,
    fulfillmentRequestId: request.id,
    // W0503 holds 22 characters; a longer number (an API order's) is left out rather than cut.
    ...(poNumber.length <= 22 && { poNumber }),
    lines: request.lines.map((line) => {
      const partnerItem = partnerItemOf(partner, line.sku);
      return { lineNumber: line.lineNumber, sku: line.sku, ...(partnerItem === undefined ? {} : { partnerItem }), quantity: line.quantity, unit: 'EA' };
    }),
  };
  if (shipTo) result.shipTo = shipTo;
  if (request.shipByAt !== undefined) result.shipBy = request.shipByAt.slice(0, 10);
  return result;
}

export function warehouseOrderSegments(order: WarehouseOrder): X12SegmentInput[] {
  const w05: X12SegmentInput = ['W05', STATUS_CODE[order.purpose], depositorOrderNumber(order.fulfillmentRequestId), ...(order.poNumber === undefined ? [] : [order.poNumber])];
  const segments: X12SegmentInput[] = [w05];
  if (order.shipTo) segments.push(...partySegments('ST', order.shipTo));
  if (order.shipBy !== undefined) segments.push(['G62', '10', order.shipBy.replaceAll('-', '')]);
  // Routing is the 3PL's to choose: prepaid, by motor carrier, unless agreed otherwise.
  segments.push(['W66', 'PP', 'M']);
  for (const line of order.lines) {
    const ids = line.partnerItem === undefined ? ['VN', line.sku] : ['VN', line.sku, 'BP', line.partnerItem];
    segments.push(['LX', String(line.lineNumber)], ['W01', String(line.quantity), line.unit, '', ...ids], ['N9', 'LI', String(line.lineNumber)]);
  }
  segments.push(['W76', String(order.lines.reduce((sum, l) => sum + l.quantity, 0))]);
  return segments;
}

function partySegments(qualifier: string, party: WarehouseShipTo): X12SegmentInput[] {
  const n1: X12SegmentInput = party.code === undefined ? ['N1', qualifier, party.name] : ['N1', qualifier, party.name, '92', party.code];
  const out: X12SegmentInput[] = [n1];
  const a = party.address;
  if (a) {
    out.push(a.line2 === undefined ? ['N3', a.line1] : ['N3', a.line1, a.line2]);
    out.push(['N4', a.city, a.region, a.postalCode, a.country]);
  }
  return out;
}

/** A 940 read back; null when it has no W05 or its W0502 is not one of our depositor order numbers. */
export function readWarehouseOrder(segments: readonly X12Segment[]): WarehouseOrder | null {
  const w05 = segments.find((s) => s.id === 'W05');
  const requestId = w05 ? requestIdOf(element(w05, 2)) : null;
  if (!w05 || requestId === null) return null;
  const order: WarehouseOrder = { purpose: PURPOSE_OF.get(element(w05, 1)) ?? 'original', fulfillmentRequestId: requestId, lines: [] };
  if (element(w05, 3) !== '') order.poNumber = element(w05, 3);
  const shipTo = readParty(segments, 'ST');
  if (shipTo) order.shipTo = shipTo;
  const g62 = segments.find((s) => s.id === 'G62' && element(s, 1) === '10');
  if (g62) order.shipBy = `${element(g62, 2).slice(0, 4)}-${element(g62, 2).slice(4, 6)}-${element(g62, 2).slice(6, 8)}`;
  let current: WarehouseOrderLine | null = null;
  for (const segment of segments) {
    if (segment.id === 'W01') {
      const ids = new Map<string, string>();
      for (const at of [4, 6, 15]) if (element(segment, at) !== '') ids.set(element(segment, at), element(segment, at + 1));
      current = { lineNumber: order.lines.length + 1, sku: ids.get('VN') ?? ids.get('SK') ?? '', quantity: Number(element(segment, 1)), unit: element(segment, 2) };
      if (ids.has('BP')) current.partnerItem = ids.get('BP')!;
      order.lines.push(current);
    } else if (segment.id === 'N9' && element(segment, 1) === 'LI' && current) {
      current.lineNumber = Number(element(segment, 2));
    }
  }
  return order;
}

/** The N1 loop of a party: N1, then the N3 and N4 that follow it. */
export function readParty(segments: readonly X12Segment[], qualifier: string): WarehouseShipTo | undefined {
  const at = segments.findIndex((s) => s.id === 'N1' && element(s, 1) === qualifier);
  if (at < 0) return undefined;
  const n1 = segments[at]!;
  const party: WarehouseShipTo = { name: element(n1, 2) };
  if (element(n1, 3) === '92' && element(n1, 4) !== '') party.code = element(n1, 4);
  const n3 = segments[at + 1]?.id === 'N3' ? segments[at + 1] : undefined;
  const n4 = segments.slice(at + 1, at + 3).find((s) => s.id === 'N4');
  if (n3 && n4) {
    party.address = { line1: element(n3, 1), city: element(n4, 1), region: element(n4, 2), postalCode: element(n4, 3), country: element(n4, 4) };
    if (element(n3, 2) !== '') party.address = { ...party.address, line2: element(n3, 2) };
  }
  return party;
}
