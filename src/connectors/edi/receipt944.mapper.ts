import { element, type X12Segment } from '../x12/index.ts';
import { itemIdsOf, type ItemIds } from './asn856.items.ts';
import { isoDate, type EdiProblem } from './po850.mapper.ts';

/**
 * The 944 warehouse stock transfer receipt advice read into a canonical receipt advice: pure, given
 * the set's segments. W17 names the receipt (W1703, the warehouse's receipt number, which makes a
 * receipt sent again change nothing) and what it receives against (W1704, the depositor's order
 * number: our PO number, or a transfer's number, its id in base 62); each W07 is an item
 * received, its GTIN from W0703 or a GTIN qualifier, its other numbers from W0704/05, W0706/07 and
 * W0710/11.
 */

export interface ReceiptAdviceLine {
  ids: ItemIds;
  /** W0701 in W0702's unit; zero means the item did not arrive. */
  quantity: number;
  unit: string;
}

export interface ReceiptAdvice {
  receiptNumber: string;
  /** Our PO number or a transfer's number. */
  reference: string;
  /** YYYY-MM-DD (W1702). */
  receivedDate?: string;
  lines: ReceiptAdviceLine[];
}

export type Receipt944Result = { ok: true; advice: ReceiptAdvice; w17Position: number; linePositions: number[] } | { ok: false; problems: EdiProblem[] };

const W07_PAIRS: ReadonlyArray<[number, number]> = [
  [4, 5],
  [6, 7],
  [10, 11],
];

export function mapReceipt944(segments: readonly X12Segment[]): Receipt944Result {
  const w17 = segments.find((s) => s.id === 'W17');
  if (!w17) return { ok: false, problems: [{ segmentPosition: null, code: 'receipt_missing', message: 'the 944 has no W17' }] };
  const problems: EdiProblem[] = [];
  const receiptNumber = element(w17, 3);
  const reference = element(w17, 4);
  if (receiptNumber === '') problems.push({ segmentPosition: w17.setPosition, code: 'receipt_number_missing', message: 'W1703 (the warehouse receipt number) is empty' });
  if (reference === '') problems.push({ segmentPosition: w17.setPosition, code: 'reference_missing', message: 'W1704 (our PO number or transfer number) is empty' });

  const lines: ReceiptAdviceLine[] = [];
  const linePositions: number[] = [];
  for (const w07 of segments.filter((s) => s.id === 'W07')) {
    const upc = element(w07, 3);
    const ids = itemIdsOf(w07, W07_PAIRS);
    // W0703 is a UPC case code: a GTIN whatever the qualifiers say.
    if (upc !== '' && ids.gtin === undefined && /^\d{12}$/.test(upc)) ids.gtin = upc;
    if (ids.gtin === undefined && ids.numbers.length === 0) {
      problems.push({ segmentPosition: w07.setPosition, code: 'item_missing', message: 'W07 names no item (W0703, W0705, W0707 or W0711)' });
      continue;
    }
    const quantityText = element(w07, 1);
    if (!/^\d+(\.0*)?$/.test(quantityText)) {
      problems.push({ segmentPosition: w07.setPosition, code: 'quantity_invalid', message: `W0701 "${quantityText}" is not a whole quantity` });
      continue;
    }
    lines.push({ ids, quantity: Number(quantityText), unit: element(w07, 2) || 'EA' });
    linePositions.push(w07.setPosition ?? 1);
  }
  if (lines.length === 0 && problems.length === 0) problems.push({ segmentPosition: w17.setPosition, code: 'lines_missing', message: 'the 944 receives no items (no W07)' });
  if (problems.length > 0) return { ok: false, problems };
  const receivedDate = isoDate(element(w17, 2));
  return { ok: true, advice: { receiptNumber, reference, ...(receivedDate && { receivedDate }), lines }, w17Position: w17.setPosition ?? 1, linePositions };
}
