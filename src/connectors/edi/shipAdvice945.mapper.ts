import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { ShipmentConfirmation } from '../../domains/fulfillment/index.ts';
import { element, type X12Segment, type X12SegmentInput } from '../x12/index.ts';
import type { EdiProblem } from './po850.mapper.ts';
import { depositorOrderNumber, requestIdOf } from './warehouse940.mapper.ts';
import { x12Instant } from './x12-times.ts';

/**
 * The 945 warehouse shipping advice, pure: a 3PL's answer to our 940 becomes the shipment
 * confirmation the API takes (`POST /v1/shipments`). W0602 is the depositor order number we sent in
 * W0502, so it names the fulfillment request; W0604 is the 3PL's shipment number (the dedupe key per
 * location; without one, the depositor order number stands in, so a request is confirmed once);
 * W0603, or a G62 shipped date and time (G6205 a time code), the ship date, a wall-clock time of the
 * partner's (x12-times.ts); W27 the carrier (SCAC, routing as service);
 * a header N9 `2I` (tracking), `CN` (carrier reference) or `BM` (bill of lading) the tracking number.
 * Each W12 is a line: N9 `LI` in its loop, else its LX, names our line number; W1203 the units
 * shipped, in W1205 units that must be, or map through the partner's unit mappings to, `EA`.
 *
 * `shipAdviceSegments` writes one, for tests and for simulating a 3PL.
 */

export interface ShipAdviceResult {
  ok: true;
  confirmation: ShipmentConfirmation;
  /** The W12 segment position of each confirmed line, for reports that name a line. */
  linePositions: number[];
}

const TRACKING_QUALIFIERS = ['2I', 'CN', 'BM'];

export function mapShipAdvice945(segments: readonly X12Segment[], partner: Pick<TradingPartner, 'unitMappings'> & { x12?: Pick<TradingPartner['x12'], 'timezone'> }): ShipAdviceResult | { ok: false; problems: EdiProblem[] } {
  const problems: EdiProblem[] = [];
  const fail = (segment: X12Segment | undefined, code: string, message: string) => problems.push({ segmentPosition: segment?.setPosition ?? null, code, message });
  const w06 = segments.find((s) => s.id === 'W06');
  if (!w06) return { ok: false, problems: [{ segmentPosition: null, code: 'segment_required_missing', message: 'the 945 has no W06' }] };
  const requestId = requestIdOf(element(w06, 2));
  if (requestId === null) fail(w06, 'unknown_depositor_order', `W0602 "${element(w06, 2)}" is not a depositor order number we sent in a 940`);

  const shipped = segments.find((s) => s.id === 'G62' && (element(s, 1) === '11' || element(s, 3) === '8'));
  const date = shipped && element(shipped, 2) !== '' ? element(shipped, 2) : element(w06, 3);
  // The partner's wall-clock time: G6205's time code, else its zone from master data, else UTC.
  const when = x12Instant(date, shipped ? element(shipped, 4) : '', shipped ? element(shipped, 5) : '', partner.x12?.timezone);
  if (!when.ok) fail(shipped && element(shipped, 2) !== '' ? shipped : w06, 'invalid_date', `the ship date: ${when.message}`);
  const shippedAt = when.ok ? when.iso : '';

  const lines: ShipmentConfirmation['lines'] = [];
  const linePositions: number[] = [];
  const seen = new Set<number>();
  let lx: number | null = null;
  let pending: { segment: X12Segment; quantity: number; lineNumber: number | null } | null = null;
  const finish = () => {
    if (!pending) return;
    const { segment, quantity } = pending;
    const lineNumber = pending.lineNumber ?? lx;
    pending = null;
    if (lineNumber === null || !Number.isSafeInteger(lineNumber) || lineNumber < 1) return fail(segment, 'line_number_missing', 'the W12 names no line of our 940 (N9 LI or LX)');
    if (seen.has(lineNumber)) return fail(segment, 'duplicate_line', `line ${lineNumber} is confirmed twice`);
    seen.add(lineNumber);
    if (quantity > 0) {
      lines.push({ lineNumber, quantity });
      linePositions.push(segment.setPosition ?? 1);
    }
  };
  for (const segment of segments) {
    if (segment.id === 'LX') {
      finish();
      lx = Number(element(segment, 1));
    } else if (segment.id === 'W12') {
      finish();
      const quantity = Number(element(segment, 3) || '0');
      const unit = element(segment, 5) || 'EA';
      const ours = partner.unitMappings.find((m) => m.partnerUnit === unit)?.unit ?? unit;
      if (!Number.isSafeInteger(quantity) || quantity < 0) fail(segment, 'invalid_quantity', `W1203 "${element(segment, 3)}" is not a whole number of units`);
      else if (ours !== 'EA') fail(segment, 'unit_not_supported', `W1205 "${unit}": shipped quantities are confirmed in eaches (EA), the unit our 940 asked in`);
      else pending = { segment, quantity, lineNumber: null };
    } else if (segment.id === 'N9' && element(segment, 1) === 'LI' && pending) {
      pending.lineNumber = Number(element(segment, 2));
    }
  }
  finish();
  if (problems.length > 0 || requestId === null) return { ok: false, problems };

  const w27 = segments.find((s) => s.id === 'W27');
  const scac = w27 ? element(w27, 2) : '';
  const routing = w27 ? element(w27, 3) : '';
  const tracking = TRACKING_QUALIFIERS.map((q) => segments.find((s) => s.id === 'N9' && element(s, 1) === q && (s.setPosition ?? 0) < firstLinePosition(segments))).find(Boolean);
  const confirmation: ShipmentConfirmation = {
    fulfillmentRequestId: requestId,
    shipmentNumber: element(w06, 4) || element(w06, 2),
    shippedAt,
    ...(/^[A-Z]{2,4}$/.test(scac) && { carrierScac: scac }),
    ...(routing !== '' && { serviceCode: routing.slice(0, 32) }),
    ...(tracking && { trackingNumber: element(tracking, 2) }),
    lines,
  };
  return { ok: true, confirmation, linePositions };
}

/** Header N9s come before the first LX or W12. */
function firstLinePosition(segments: readonly X12Segment[]): number {
  return segments.find((s) => s.id === 'LX' || s.id === 'W12')?.setPosition ?? Number.MAX_SAFE_INTEGER;
}

/** A 945 confirming a request as a 3PL would send it; quantities per line in eaches. */
export function shipAdviceSegments(advice: {
  fulfillmentRequestId: string;
  shipmentNumber: string;
  /** YYYY-MM-DD */
  shipDate: string;
  carrierScac?: string;
  trackingNumber?: string;
  lines: ReadonlyArray<{ lineNumber: number; sku: string; ordered: number; shipped: number }>;
}): X12SegmentInput[] {
  const segments: X12SegmentInput[] = [['W06', 'F', depositorOrderNumber(advice.fulfillmentRequestId), advice.shipDate.replaceAll('-', ''), advice.shipmentNumber]];
  if (advice.trackingNumber !== undefined) segments.push(['N9', '2I', advice.trackingNumber]);
  if (advice.carrierScac !== undefined) segments.push(['W27', 'M', advice.carrierScac]);
  for (const line of advice.lines) {
    const status = line.shipped === line.ordered ? 'CC' : line.shipped === 0 ? 'DE' : 'CP';
    segments.push(['LX', String(line.lineNumber)], ['W12', status, String(line.ordered), String(line.shipped), String(line.ordered - line.shipped), 'EA', '', 'VN', line.sku], ['N9', 'LI', String(line.lineNumber)]);
  }
  segments.push(['W03', String(advice.lines.reduce((sum, l) => sum + l.shipped, 0))]);
  return segments;
}
