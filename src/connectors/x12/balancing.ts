import { formatScaled, impliedToScaled, toScaled } from './datatypes.ts';
import { x12Issue, type X12IssueCode } from './issues.ts';
import { element } from './segment.ts';
import type { X12Issue, X12Segment, X12TransactionSet } from './x12.types.ts';

/**
 * Validation level 3: totals that must agree with the lines they summarise, and the 856 HL tree.
 * Quantities and amounts are compared as exact scaled integers. A value that is not a number was
 * already reported at level 2, so a rule that meets one quietly skips.
 *
 * - 850: CTT01 = number of PO1; CTT02, when sent, = sum of PO102; AMT in the summary: qualifier `1`
 *   (line item total) = sum of PO102 × PO104, qualifier `TT` (total transaction amount) = that sum
 *   plus charges less allowances (SAC05).
 * - 855: CTT01 = number of PO1; CTT02 = sum of PO102 or of ACK02 (both conventions are in use).
 * - 856: HL01 runs 1, 2, 3 …; HL02 names an earlier HL; levels nest in the order shipment (S),
 *   order (O), tare (T), pack (P), item (I) under one shipment; HL04 agrees with whether children
 *   follow; CTT01 = number of HL or of item-level HL (both conventions are in use); CTT02 = sum of SN102.
 * - 810: TDS01 (two implied decimals) = sum of IT102 × IT104 plus charges less allowances (SAC05 of
 *   lines and summary), with or without the summary taxes (TXI02); CTT01 = number of IT1, CTT02 = sum of IT102.
 * - 846: CTT01 = number of LIN.
 * - 940: W7601 = sum of W0101. 945: W0301 = sum of W1203. 944: W1401 = sum of W0701.
 */
export function balanceSet(set: X12TransactionSet): X12Issue[] {
  const issues: X12Issue[] = [];
  const segments = set.segments;
  const all = (id: string) => segments.filter((segment) => segment.id === id);
  const ctt = all('CTT')[0];
  switch (set.id) {
    case '850': {
      const lines = all('PO1');
      if (ctt) checkTotals(ctt, lines.length, 'PO1', [sumOf(lines, 2)], issues);
      checkOrderAmounts(segments, lines, issues);
      break;
    }
    case '855': {
      const lines = all('PO1');
      if (ctt) checkTotals(ctt, lines.length, 'PO1', [sumOf(lines, 2), sumOf(all('ACK'), 2)], issues);
      break;
    }
    case '856': {
      const hls = all('HL');
      checkHierarchy(hls, issues);
      if (ctt) {
        const items = hls.filter((hl) => element(hl, 3) === 'I').length;
        checkTotals(ctt, [hls.length, items], 'HL (or item-level HL)', [sumOf(all('SN1'), 2)], issues);
      }
      break;
    }
    case '810': {
      const lines = all('IT1');
      if (ctt) checkTotals(ctt, lines.length, 'IT1', [sumOf(lines, 2)], issues);
      checkInvoiceTotal(segments, lines, issues);
      break;
    }
    case '846':
      if (ctt) checkTotals(ctt, all('LIN').length, 'LIN', [], issues);
      break;
    case '940':
      checkQuantityTotal(all('W76')[0], 1, all('W01'), 1, 'W01', issues);
      break;
    case '945':
      checkQuantityTotal(all('W03')[0], 1, all('W12'), 3, 'W12', issues);
      break;
    case '944':
      checkQuantityTotal(all('W14')[0], 1, all('W07'), 1, 'W07', issues);
      break;
  }
  return issues;
}

/** Quantities and amounts are compared at six decimals; products of two such values at twelve. */
const SCALE = 6;

function fail(issues: X12Issue[], code: X12IssueCode, segment: X12Segment, position: number, message: string): void {
  issues.push(x12Issue(code, message, { segment, elementPosition: position, value: element(segment, position) }));
}

/** The sum of one numeric element over segments, skipping absent values; null if one is not a number. */
function sumOf(segments: readonly X12Segment[], position: number): bigint | null {
  let sum = 0n;
  for (const segment of segments) {
    const raw = element(segment, position);
    if (raw === '') continue;
    const value = toScaled(raw, SCALE);
    if (value === null) return null;
    sum += value;
  }
  return sum;
}

/**
 * A hash total keeps only its rightmost digits when the sum outgrows the element (CTT02 holds ten),
 * so a sum that long also agrees when its last ten whole digits do.
 */
function hashAgrees(declared: bigint, sum: bigint): boolean {
  if (declared === sum) return true;
  const whole = (value: bigint) => (value < 0n ? -value : value) / 10n ** BigInt(SCALE);
  const limit = 10n ** 10n;
  return whole(sum) >= limit && declared % 10n ** BigInt(SCALE) === 0n && whole(declared) === whole(sum) % limit;
}

/** CTT01 against the line count(s) it may mean, and CTT02 against the hash total(s) it may mean. */
function checkTotals(ctt: X12Segment, counts: number | number[], what: string, hashes: Array<bigint | null>, issues: X12Issue[]): void {
  const expected = Array.isArray(counts) ? counts : [counts];
  const declared = element(ctt, 1);
  if (/^\d+$/.test(declared) && !expected.includes(Number(declared))) {
    fail(issues, 'balance_line_count', ctt, 1, `CTT01 says ${declared} line items; the set has ${expected.join(' ')} ${what}`);
  }
  const hash = element(ctt, 2);
  const declaredHash = hash === '' ? null : toScaled(hash, SCALE);
  const sums = hashes.filter((sum): sum is bigint => sum !== null);
  if (declaredHash !== null && sums.length > 0 && !sums.some((sum) => hashAgrees(declaredHash, sum))) {
    fail(issues, 'balance_hash_total', ctt, 2, `CTT02 hash total ${hash} does not match the sum of the line quantities, ${sums.map((sum) => formatScaled(sum, SCALE).replace(/\.?0+$/, '')).join(' or ')}`);
  }
}

/** Sum of quantity × price over lines, at twelve decimals; null when a value is not a number. */
function extendedTotal(lines: readonly X12Segment[], quantityAt: number, priceAt: number): { exact: bigint; roundedLines: bigint } | null {
  let exact = 0n;
  let roundedLines = 0n;
  for (const line of lines) {
    const quantity = toScaled(element(line, quantityAt) || '0', SCALE);
    const price = toScaled(element(line, priceAt) || '0', SCALE);
    if (quantity === null || price === null) return null;
    const amount = quantity * price;
    exact += amount;
    roundedLines += roundTo(amount, 2 * SCALE, 2);
  }
  return { exact, roundedLines };
}

/** Rounds a value scaled by 10^from to `decimals` places (half away from zero), keeping the scale. */
function roundTo(value: bigint, from: number, decimals: number): bigint {
  const unit = 10n ** BigInt(from - decimals);
  const half = unit / 2n;
  const magnitude = value < 0n ? -value : value;
  const rounded = ((magnitude + half) / unit) * unit;
  return value < 0n ? -rounded : rounded;
}

/** A declared amount agrees with an exact total, the total rounded to cents, or the sum of rounded lines. */
function amountAgrees(declared: bigint, total: { exact: bigint; roundedLines: bigint }, adjustment: bigint): boolean {
  const candidates = [total.exact, roundTo(total.exact, 2 * SCALE, 2), total.roundedLines].map((value) => value + adjustment);
  return candidates.includes(declared);
}

/** Charges (SAC01 `C`) add and allowances (`A`) subtract their SAC05 amount (two implied decimals). */
function chargesLessAllowances(segments: readonly X12Segment[]): bigint | null {
  let sum = 0n;
  for (const sac of segments) {
    if (sac.id !== 'SAC' || element(sac, 5) === '') continue;
    const amount = impliedToScaled(element(sac, 5), 2, 2 * SCALE);
    if (amount === null) return null;
    if (element(sac, 1) === 'C') sum += amount;
    else if (element(sac, 1) === 'A') sum -= amount;
  }
  return sum;
}

function checkOrderAmounts(segments: readonly X12Segment[], lines: readonly X12Segment[], issues: X12Issue[]): void {
  const cttAt = segments.findIndex((segment) => segment.id === 'CTT');
  if (cttAt < 0) return;
  const total = extendedTotal(lines, 2, 4);
  const adjustment = chargesLessAllowances(segments);
  if (total === null || adjustment === null) return;
  for (const amt of segments.slice(cttAt).filter((segment) => segment.id === 'AMT')) {
    const qualifier = element(amt, 1);
    if (qualifier !== '1' && qualifier !== 'TT') continue;
    const declared = toScaled(element(amt, 2), 2 * SCALE);
    if (declared === null) continue;
    const withCharges = qualifier === 'TT' ? adjustment : 0n;
    if (!amountAgrees(declared, total, withCharges)) {
      const expected = formatScaled(roundTo(total.exact + withCharges, 2 * SCALE, 2) / 10n ** BigInt(2 * SCALE - 2), 2);
      fail(issues, 'balance_amount', amt, 2, `AMT02 ${element(amt, 2)} (${qualifier === '1' ? 'line item total' : 'total transaction amount'}) does not match the PO1 lines, which come to ${expected}${qualifier === 'TT' ? ' with charges and allowances' : ''}`);
    }
  }
}

function checkInvoiceTotal(segments: readonly X12Segment[], lines: readonly X12Segment[], issues: X12Issue[]): void {
  const tdsAt = segments.findIndex((segment) => segment.id === 'TDS');
  const tds = segments[tdsAt];
  if (!tds) return;
  const declared = impliedToScaled(element(tds, 1), 2, 2 * SCALE);
  const total = extendedTotal(lines, 2, 4);
  const adjustment = chargesLessAllowances(segments);
  if (declared === null || total === null || adjustment === null) return;
  let taxes = 0n;
  for (const txi of segments.slice(tdsAt).filter((segment) => segment.id === 'TXI' && element(segment, 2) !== '')) {
    const amount = toScaled(element(txi, 2), 2 * SCALE);
    if (amount === null) return;
    taxes += amount;
  }
  if (!amountAgrees(declared, total, adjustment) && !amountAgrees(declared, total, adjustment + taxes)) {
    const expected = formatScaled(roundTo(total.exact + adjustment, 2 * SCALE, 2) / 10n ** BigInt(2 * SCALE - 2), 2);
    fail(issues, 'balance_amount', tds, 1, `TDS01 ${element(tds, 1)} (${formatScaled(declared / 10n ** BigInt(2 * SCALE - 2), 2)} with two implied decimals) does not match the IT1 lines with charges and allowances, ${expected}${taxes !== 0n ? ' before taxes' : ''}`);
  }
}

function checkQuantityTotal(total: X12Segment | undefined, totalAt: number, lines: readonly X12Segment[], quantityAt: number, what: string, issues: X12Issue[]): void {
  if (!total || lines.every((line) => element(line, quantityAt) === '')) return;
  const declared = toScaled(element(total, totalAt), SCALE);
  const sum = sumOf(lines, quantityAt);
  if (declared === null || sum === null || declared === sum) return;
  const name = `${total.id}${String(totalAt).padStart(2, '0')}`;
  const lineName = `${what}${String(quantityAt).padStart(2, '0')}`;
  fail(issues, 'balance_quantity', total, totalAt, `${name} ${element(total, totalAt)} does not match the sum of ${lineName}, ${formatScaled(sum, SCALE).replace(/\.?0+$/, '')}`);
}

/** 856 levels in nesting order; a child sits deeper than its parent (levels may be skipped). */
const LEVEL_RANK: Readonly<Record<string, number>> = { S: 0, O: 1, T: 2, P: 3, I: 4 };
const LEVEL_NAME: Readonly<Record<string, string>> = { S: 'shipment', O: 'order', T: 'tare', P: 'pack', I: 'item' };

function checkHierarchy(hls: readonly X12Segment[], issues: X12Issue[]): void {
  const known = new Map<string, { level: string; children: number; segment: X12Segment }>();
  let expected = 1;
  hls.forEach((hl, index) => {
    const id = element(hl, 1);
    const parent = element(hl, 2);
    const level = element(hl, 3);
    if (id !== String(expected)) fail(issues, 'hl_sequence', hl, 1, `HL01 is ${JSON.stringify(id)}; HL numbers run 1, 2, 3 … in order, so this one must be ${expected}`);
    expected = /^\d+$/.test(id) ? Number(id) + 1 : expected + 1;
    const rank = LEVEL_RANK[level];
    if (rank === undefined) fail(issues, 'hl_level', hl, 3, `HL03 ${JSON.stringify(level)} is not a level of the 856 we read (S shipment, O order, T tare, P pack, I item)`);
    if (index === 0) {
      if (parent !== '') fail(issues, 'hl_parent', hl, 2, `the first HL has no parent, but HL02 is ${JSON.stringify(parent)}`);
      if (level !== 'S') fail(issues, 'hl_level', hl, 3, `the first HL must be the shipment level (S), not ${JSON.stringify(level)}`);
    } else if (parent === '') {
      fail(issues, 'hl_parent', hl, 2, `HL ${id} has no parent (HL02); only the shipment level has none`);
    } else {
      const found = known.get(parent);
      if (!found) fail(issues, 'hl_parent', hl, 2, `HL ${id} names parent ${JSON.stringify(parent)}, which is not an earlier HL`);
      else {
        found.children += 1;
        const parentRank = LEVEL_RANK[found.level];
        if (rank !== undefined && parentRank !== undefined && rank <= parentRank) {
          fail(issues, 'hl_level', hl, 3, `HL ${id} is a${level === 'O' || level === 'I' ? 'n' : ''} ${LEVEL_NAME[level]} level (${level}) under ${LEVEL_NAME[found.level]} level HL ${parent} (${found.level}); levels nest shipment, order, tare, pack, item`);
        }
      }
      if (level === 'S') fail(issues, 'hl_level', hl, 3, `HL ${id} is a second shipment level; an 856 describes one shipment`);
    }
    if (id !== '' && !known.has(id)) known.set(id, { level, children: 0, segment: hl });
  });
  for (const [id, node] of known) {
    const childCode = element(node.segment, 4);
    if (childCode === '1' && node.children === 0) fail(issues, 'hl_child_code', node.segment, 4, `HL ${id} says children follow (HL04 1), but no HL names it as parent`);
    if (childCode === '0' && node.children > 0) fail(issues, 'hl_child_code', node.segment, 4, `HL ${id} says it has no children (HL04 0), but ${node.children} HL name it as parent`);
  }
}
