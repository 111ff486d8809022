import type { OrderIntake } from '../../domains/orders/index.ts';
import { element, toScaled, type X12Segment } from '../x12/index.ts';

/**
 * The 850 purchase order as a canonical order: pure, given the set's segments and what the partner
 * set-up says (customer, channel, ship-tos). Item numbers are passed on as the partner sent them
 * (GTIN, the buyer's item number, or our own); intake resolves them with the partner's
 * cross-references and unit mappings, as it does for every channel.
 */

export interface Po850Context {
  partnerCode: string;
  customerCode: string;
  channel: string;
  /** The customer's ship-to codes: an N1*ST whose N104 names one is sent as that ship-to. */
  shipToCodes: readonly string[];
}

export interface EdiProblem {
  /** The segment's position in the set (ST is 1), as acknowledgements count. */
  segmentPosition: number | null;
  code: string;
  message: string;
}

export type Po850Result = { ok: true; poNumber: string; intake: OrderIntake } | { ok: false; poNumber: string | null; problems: EdiProblem[] };

/** PO1 product id qualifiers (element 235), strongest first: a GTIN names one item everywhere. */
const gtinQualifiers = new Set(['UP', 'UK', 'EN', 'UA', 'EO']);
const partnerItemQualifiers = new Set(['BP', 'IN', 'CB', 'PI']);
const ourItemQualifiers = new Set(['VN', 'VP', 'SK']);

/** CCYYMMDD as YYYY-MM-DD, or undefined when absent or malformed (level 2 validation reports those). */
export function isoDate(value: string): string | undefined {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : undefined;
}

/** A decimal price as minor units (cents); undefined when it has more than two decimals or is not a number. */
export function priceMinor(value: string): number | undefined {
  if (value === '') return undefined;
  const scaled = toScaled(value, 2);
  return scaled === null || scaled < 0n ? undefined : Number(scaled);
}

function itemOf(po1: X12Segment): { sku?: string; gtin?: string; partnerItem?: string } {
  const ids: Array<[string, string]> = [];
  for (let i = 6; i + 1 < po1.elements.length; i += 2) {
    const qualifier = element(po1, i);
    const id = element(po1, i + 1);
    if (qualifier !== '' && id !== '') ids.push([qualifier, id]);
  }
  const gtin = ids.find(([q, id]) => gtinQualifiers.has(q) && /^\d{8}$|^\d{12,14}$/.test(id));
  if (gtin) return { gtin: gtin[1] };
  const partnerItem = ids.find(([q]) => partnerItemQualifiers.has(q));
  if (partnerItem) return { partnerItem: partnerItem[1] };
  const ours = ids.find(([q]) => ourItemQualifiers.has(q));
  return ours ? { sku: ours[1] } : {};
}

export function mapPo850(segments: readonly X12Segment[], context: Po850Context): Po850Result {
  const problems: EdiProblem[] = [];
  const beg = segments.find((s) => s.id === 'BEG');
  const poNumber = beg ? element(beg, 3) : '';
  if (!beg || poNumber === '') {
    return { ok: false, poNumber: null, problems: [{ segmentPosition: beg?.setPosition ?? null, code: 'po_number_missing', message: 'the 850 has no purchase order number (BEG03)' }] };
  }
  if (poNumber.length > 64) problems.push({ segmentPosition: beg.setPosition, code: 'po_number_too_long', message: `BEG03 "${poNumber.slice(0, 20)}…" is longer than 64 characters` });

  const requested = segments.find((s) => s.id === 'DTM' && ['002', '010', '037', '106'].includes(element(s, 1)));
  const requestedDeliveryDate = requested ? isoDate(element(requested, 2)) : undefined;

  // The N1 loop with N101 = ST: the ship-to, by the customer's own code or by address.
  let shipToCode: string | undefined;
  let shipToAddress: OrderIntake['shipToAddress'];
  const stIndex = segments.findIndex((s) => s.id === 'N1' && element(s, 1) === 'ST');
  if (stIndex >= 0) {
    const n1 = segments[stIndex]!;
    const loop: X12Segment[] = [];
    for (let i = stIndex + 1; i < segments.length && ['N2', 'N3', 'N4', 'REF', 'PER', 'FOB', 'TD1', 'TD5'].includes(segments[i]!.id); i++) loop.push(segments[i]!);
    const code = element(n1, 4);
    if (code !== '' && context.shipToCodes.includes(code)) shipToCode = code;
    const n3 = loop.find((s) => s.id === 'N3');
    const n4 = loop.find((s) => s.id === 'N4');
    if (n3 && n4 && element(n3, 1) !== '' && element(n4, 1) !== '') {
      const country = element(n4, 4) || 'US';
      shipToAddress = {
        ...(element(n1, 2) ? { name: element(n1, 2) } : {}),
        line1: element(n3, 1),
        ...(element(n3, 2) ? { line2: element(n3, 2) } : {}),
        city: element(n4, 1),
        ...(element(n4, 2) ? { region: element(n4, 2) } : {}),
        ...(element(n4, 3) ? { postalCode: element(n4, 3) } : {}),
        country: country.length === 3 && country === 'USA' ? 'US' : country,
      };
    }
  }
  if (shipToCode === undefined && shipToAddress === undefined) {
    problems.push({ segmentPosition: beg.setPosition, code: 'ship_to_missing', message: 'the 850 names no ship-to: an N1*ST with a known location code or with N3 and N4' });
  }

  const po1s = segments.filter((s) => s.id === 'PO1');
  const numbered = po1s.map((s) => (/^\d{1,6}$/.test(element(s, 1)) ? Number(element(s, 1)) : NaN));
  // PO101 is an assigned identification, often but not always 1, 2, 3; when it is not a unique
  // positive number the lines are numbered in the order they were sent.
  const useSent = numbered.every((n) => n >= 1 && n <= 100_000) && new Set(numbered).size === numbered.length;
  const lines: OrderIntake['lines'] = [];
  po1s.forEach((po1, i) => {
    const quantityText = element(po1, 2);
    const quantity = /^\d+$/.test(quantityText) ? Number(quantityText) : NaN;
    if (!(quantity >= 1)) {
      problems.push({ segmentPosition: po1.setPosition, code: 'quantity_invalid', message: `PO102 "${quantityText}" is not a whole quantity of at least 1` });
      return;
    }
    const item = itemOf(po1);
    if (item.sku === undefined && item.gtin === undefined && item.partnerItem === undefined) {
      problems.push({ segmentPosition: po1.setPosition, code: 'item_missing', message: `PO1 line ${element(po1, 1) || i + 1} names no item (PO106/PO107 …)` });
      return;
    }
    const unitPriceMinor = priceMinor(element(po1, 4));
    lines.push({
      lineNumber: useSent ? numbered[i]! : i + 1,
      ...item,
      quantity,
      unit: element(po1, 3) || 'EA',
      ...(unitPriceMinor === undefined ? {} : { unitPriceMinor }),
    });
  });
  if (po1s.length === 0) problems.push({ segmentPosition: beg.setPosition, code: 'lines_missing', message: 'the 850 has no PO1 lines' });
  if (problems.length > 0) return { ok: false, poNumber, problems };

  const intake: OrderIntake = {
    channel: context.channel,
    partnerCode: context.partnerCode,
    externalOrderNumber: poNumber,
    customerCode: context.customerCode,
    customerPo: poNumber,
    ...(shipToCode === undefined ? {} : { shipToCode }),
    ...(shipToAddress === undefined ? {} : { shipToAddress }),
    currency: 'USD',
    ...(requestedDeliveryDate === undefined ? {} : { requestedDeliveryDate }),
    lines,
  };
  return { ok: true, poNumber, intake };
}
