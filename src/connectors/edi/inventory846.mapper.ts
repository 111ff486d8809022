import { component, element, type X12Segment } from '../x12/index.ts';
import { itemIdsOf, LIN_PAIRS, type ItemIds } from './asn856.items.ts';
import type { EdiProblem } from './po850.mapper.ts';
import { x12Instant, type X12InstantResult } from './x12-times.ts';

/**
 * The 846 inventory inquiry/advice read into counts per item and location: pure, given the set's
 * segments. The location of a count is, first, the N1 inside the item's LIN loop that its QTY follows
 * (N104); else the report's N1 with N101 WH, SN, ST or RL (N104); else the report's REF*WS (REF02).
 * Each must be our location code. The count is QTY01 17 (quantity on hand); an item without one
 * counts its QTY01 33 (quantity available for sale) as on hand; other quantities are not counts.
 * BIA04/BIA05 date the report: a wall-clock time in the partner's `x12.timezone`, else UTC (BIA has
 * no time code; x12-times.ts).
 */

export interface InventoryCount {
  ids: ItemIds;
  locationCode: string;
  quantity: number;
  /** QTY03-01, the partner's unit (EA when absent). */
  unit: string;
  /** The LIN's position in the set, for reports. */
  segmentPosition: number;
}

export interface InventoryAdvice {
  /** BIA03. */
  reportId: string;
  /** ISO timestamp of BIA04 (and BIA05). */
  asOf: string;
  counts: InventoryCount[];
}

export type Inventory846Result = { ok: true; advice: InventoryAdvice } | { ok: false; problems: EdiProblem[] };

const LOCATION_PARTIES = new Set(['WH', 'SN', 'ST', 'RL']);
const ON_HAND = '17';
const AVAILABLE_FOR_SALE = '33';

/** BIA04 CCYYMMDD and BIA05 HHMM[SS], the partner's wall-clock time, as an instant. */
export const reportTime = (date: string, time: string, partnerTimeZone?: string): X12InstantResult => x12Instant(date, time, '', partnerTimeZone);

/** A quantity with its unit: QTY02 and QTY03-01. */
const quantityOf = (qty: X12Segment) => ({ text: element(qty, 2), unit: component(qty, 3, 1) || 'EA' });

export function mapInventory846(segments: readonly X12Segment[], partnerTimeZone?: string): Inventory846Result {
  const bia = segments.find((s) => s.id === 'BIA');
  if (!bia) return { ok: false, problems: [{ segmentPosition: null, code: 'report_missing', message: 'the 846 has no BIA' }] };
  const problems: EdiProblem[] = [];
  const reported = reportTime(element(bia, 4), element(bia, 5), partnerTimeZone);
  if (!reported.ok) problems.push({ segmentPosition: bia.setPosition, code: 'date_invalid', message: `BIA04/BIA05: ${reported.message}` });
  const asOf = reported.ok ? reported.iso : undefined;

  const firstLin = segments.findIndex((s) => s.id === 'LIN');
  const header = firstLin < 0 ? segments : segments.slice(0, firstLin);
  const party = header.find((s) => s.id === 'N1' && LOCATION_PARTIES.has(element(s, 1)) && element(s, 4) !== '');
  const ref = header.find((s) => s.id === 'REF' && element(s, 1) === 'WS' && element(s, 2) !== '');
  const reportLocation = party ? element(party, 4) : ref ? element(ref, 2) : undefined;

  const counts: InventoryCount[] = [];
  // Each LIN loop: the QTYs before any N1 count at the report's location, those after an N1 at its N104.
  const loops: X12Segment[][] = [];
  for (const segment of firstLin < 0 ? [] : segments.slice(firstLin)) {
    if (segment.id === 'LIN') loops.push([segment]);
    else if (segment.id !== 'CTT' && segment.id !== 'SE') loops.at(-1)?.push(segment);
  }
  for (const [lin, ...rest] of loops) {
    const position = lin!.setPosition ?? 1;
    const ids = itemIdsOf(lin!, LIN_PAIRS);
    if (ids.gtin === undefined && ids.numbers.length === 0) {
      problems.push({ segmentPosition: position, code: 'item_missing', message: 'LIN names no item (LIN02/LIN03 …)' });
      continue;
    }
    const byLocation = new Map<string | undefined, { onHand?: X12Segment; forSale?: X12Segment }>();
    let location = reportLocation;
    for (const segment of rest) {
      if (segment.id === 'N1') location = element(segment, 4) || reportLocation;
      if (segment.id !== 'QTY') continue;
      const entry = byLocation.get(location) ?? {};
      if (element(segment, 1) === ON_HAND) entry.onHand ??= segment;
      else if (element(segment, 1) === AVAILABLE_FOR_SALE) entry.forSale ??= segment;
      byLocation.set(location, entry);
    }
    if (![...byLocation.values()].some((e) => e.onHand ?? e.forSale)) {
      problems.push({ segmentPosition: position, code: 'quantity_missing', message: `LIN at position ${position} has no QTY 17 (on hand) or QTY 33 (available for sale)` });
      continue;
    }
    for (const [locationCode, entry] of byLocation) {
      const qty = entry.onHand ?? entry.forSale;
      if (!qty) continue;
      if (locationCode === undefined) {
        problems.push({ segmentPosition: qty.setPosition, code: 'location_missing', message: 'no location for this count: give N1*WH with our location code in N104 (in the report or in the LIN loop), or REF*WS' });
        continue;
      }
      const { text, unit } = quantityOf(qty);
      if (!/^\d+(\.0*)?$/.test(text)) {
        problems.push({ segmentPosition: qty.setPosition, code: 'quantity_invalid', message: `QTY02 "${text}" is not a whole quantity of zero or more` });
        continue;
      }
      counts.push({ ids, locationCode, quantity: Number(text), unit, segmentPosition: position });
    }
  }
  if (counts.length === 0 && problems.length === 0) problems.push({ segmentPosition: bia.setPosition, code: 'lines_missing', message: 'the 846 reports no items (no LIN)' });
  if (problems.length > 0 || asOf === undefined) return { ok: false, problems };
  return { ok: true, advice: { reportId: element(bia, 3), asOf, counts } };
}
