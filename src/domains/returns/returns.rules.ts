import { tryTransition, type Lifecycle } from '../orders/index.ts';
import type { Disposition, ReturnAuthorization, ReturnDispositionInput, ReturnLine, ReturnReceiptInput, ReturnState } from './returns.types.ts';

/**
 * The pure rules of returns (DESIGN §5 step 6): the RMA lifecycle as a table, what may be authorised
 * against what shipped, and what a receipt and a disposition do to an RMA. No I/O and no clock: the
 * orchestration reads the order, its shipments and the policy, asks these rules, and writes the answer.
 */

export type ReturnEvent = 'receive' | 'inspect' | 'dispose' | 'credit' | 'expire';

/**
 * The RMA lifecycle. Which event applies is decided from quantities by the functions below (a
 * disposition that leaves received units undecided is `inspect`, one that decides the last of them
 * is `dispose`), the way allocation picks between allocate and allocate_partially; so the rows carry
 * no guards, whose reason codes belong to the order lifecycle. `credited` and `expired` are final.
 */
export const returnLifecycle: Lifecycle<ReturnState, ReturnEvent, null> = {
  name: 'return',
  states: ['authorized', 'received', 'inspected', 'disposed', 'credited', 'expired'],
  initial: 'authorized',
  terminal: ['credited', 'expired'],
  transitions: [
    { from: 'authorized', event: 'receive', to: 'received' },
    // Only an RMA nothing came back for expires; once goods are in, they are dealt with.
    { from: 'authorized', event: 'expire', to: 'expired' },
    { from: 'received', event: 'inspect', to: 'inspected' },
    { from: 'received', event: 'dispose', to: 'disposed' },
    { from: 'inspected', event: 'inspect', to: 'inspected' },
    { from: 'inspected', event: 'dispose', to: 'disposed' },
    { from: 'disposed', event: 'credit', to: 'credited' },
  ],
};

export type ReturnRefusalCode =
  | 'invalid_state'
  | 'unknown_line'
  | 'unknown_reason_code'
  | 'not_shipped'
  | 'outside_return_window'
  | 'exceeds_returnable'
  | 'exceeds_authorized'
  | 'exceeds_received';

export interface ReturnProblem {
  /** Index of the request line the problem is about, when it is about one. */
  index?: number;
  lineNumber?: number;
  code: ReturnRefusalCode;
  message: string;
}

export interface ReturnRefusal {
  ok: false;
  /** The first problem's code; problems come in request-line order, checks in a fixed order. */
  code: ReturnRefusalCode;
  message: string;
  problems: ReturnProblem[];
}

const refuse = (problems: ReturnProblem[]): ReturnRefusal => ({ ok: false, code: problems[0]!.code, message: problems.map((p) => p.message).join('; '), problems });

const DAY_MS = 86_400_000;

/** Moves an RMA through its lifecycle, or says why it cannot. */
function move(rma: ReturnAuthorization, event: ReturnEvent): { ok: true; to: ReturnState } | ReturnRefusal {
  const moved = tryTransition(returnLifecycle, rma.state, event, { context: null, openHolds: [] });
  if (!moved.ok) return refuse([{ code: 'invalid_state', message: `RMA ${rma.rmaNumber} is ${rma.state}; it cannot take ${event}` }]);
  return { ok: true, to: moved.to };
}

/** A shipment as returns see it: where and when each order line left, and when it arrived if known. */
export interface ShipmentFacts {
  locationCode: string;
  shippedAt: string;
  lines: ReadonlyArray<{ lineNumber: number }>;
  milestones?: ReadonlyArray<{ type: string; occurredAt: string }>;
}

/**
 * When the return window of an order line opens: delivery of the latest shipment that carried it
 * when the carrier reported it, else that shipment's departure. Undefined when the line never shipped.
 */
export function windowOpenedAtMs(shipments: readonly ShipmentFacts[], lineNumber: number): number | undefined {
  let latest: number | undefined;
  for (const s of shipments) {
    if (!s.lines.some((l) => l.lineNumber === lineNumber)) continue;
    const delivered = (s.milestones ?? []).filter((m) => m.type === 'delivered').map((m) => Date.parse(m.occurredAt));
    const at = delivered.length > 0 ? Math.max(...delivered) : Date.parse(s.shippedAt);
    latest = latest === undefined ? at : Math.max(latest, at);
  }
  return latest;
}

/**
 * Units of an order line an RMA holds on to: all it authorised until the receipt, then what came
 * back (the rest will not come under this RMA); nothing once it expired.
 */
export function claimedQuantity(rma: Pick<ReturnAuthorization, 'state' | 'lines'>, lineNumber: number): number {
  const line = rma.lines.find((l) => l.lineNumber === lineNumber);
  if (!line || rma.state === 'expired') return 0;
  return rma.state === 'authorized' ? line.quantity : line.receivedQuantity;
}

export interface AuthorizationInput {
  order: { lines: ReadonlyArray<{ lineNumber: number; sku: string; shippedQuantity: number; unitPriceMinor: number }> };
  shipments: readonly ShipmentFacts[];
  /** The order's other RMAs, in any state. */
  existing: ReadonlyArray<Pick<ReturnAuthorization, 'state' | 'lines'>>;
  policy: { windowDays: number; reasonCodes: readonly string[] };
  lines: ReadonlyArray<{ lineNumber: number; quantity: number; reasonCode: string }>;
  nowMs: number;
}

/**
 * Whether an RMA may be granted: each line on the order, with a reason code of the policy, shipped,
 * asked within `windowDays` of its delivery (or shipment), and for no more than shipped less what
 * other RMAs hold on to. Every problem is reported, in request-line order. The default return
 * location is the one that shipped the most recent of the lines.
 */
export function checkAuthorization(input: AuthorizationInput): { ok: true; lines: ReturnLine[]; defaultLocationCode: string } | ReturnRefusal {
  const problems: ReturnProblem[] = [];
  const lines: ReturnLine[] = [];
  input.lines.forEach((asked, index) => {
    const n = asked.lineNumber;
    const line = input.order.lines.find((l) => l.lineNumber === n);
    if (!line) return problems.push({ index, lineNumber: n, code: 'unknown_line', message: `the order has no line ${n}` });
    if (!input.policy.reasonCodes.includes(asked.reasonCode)) {
      return problems.push({ index, lineNumber: n, code: 'unknown_reason_code', message: `line ${n}: reason ${asked.reasonCode} is not one of the returns policy's (${input.policy.reasonCodes.join(', ')})` });
    }
    const openedAtMs = windowOpenedAtMs(input.shipments, n);
    if (line.shippedQuantity === 0 || openedAtMs === undefined) return problems.push({ index, lineNumber: n, code: 'not_shipped', message: `line ${n} has not shipped; nothing on it can be returned` });
    const closesAtMs = openedAtMs + input.policy.windowDays * DAY_MS;
    if (input.nowMs > closesAtMs) {
      return problems.push({ index, lineNumber: n, code: 'outside_return_window', message: `line ${n}: the ${input.policy.windowDays}-day return window closed at ${new Date(closesAtMs).toISOString()}` });
    }
    const claimed = input.existing.reduce((sum, rma) => sum + claimedQuantity(rma, n), 0);
    const returnable = line.shippedQuantity - claimed;
    if (asked.quantity > returnable) {
      return problems.push({ index, lineNumber: n, code: 'exceeds_returnable', message: `line ${n}: ${asked.quantity} asked, ${returnable} returnable (${line.shippedQuantity} shipped, ${claimed} on other RMAs)` });
    }
    lines.push({ lineNumber: n, sku: line.sku, quantity: asked.quantity, reasonCode: asked.reasonCode, unitPriceMinor: line.unitPriceMinor, receivedQuantity: 0, dispositions: [] });
  });
  if (problems.length > 0) return refuse(problems);
  const asked = new Set(input.lines.map((l) => l.lineNumber));
  const latest = input.shipments
    .filter((s) => s.lines.some((l) => asked.has(l.lineNumber)))
    .reduce<ShipmentFacts | undefined>((a, s) => (a === undefined || Date.parse(s.shippedAt) >= Date.parse(a.shippedAt) ? s : a), undefined);
  return { ok: true, lines, defaultLocationCode: latest!.locationCode };
}

/** An RMA stays open for the policy's window counted from authorisation, and at least a day. */
export const expiresAtMsOf = (authorizedAtMs: number, windowDays: number) => authorizedAtMs + Math.max(1, windowDays) * DAY_MS;

/** A readable RMA number from the id's random tail: unique in practice, and the column is unique besides. */
export const rmaNumberOf = (id: string) => `RMA-${id.replace(/-/g, '').slice(-16).toUpperCase()}`;

/**
 * The receipt: what came back per line, never more than authorised. One receipt per RMA, and not
 * after it expired (even if the expiry timer has not run yet).
 */
export function applyReceipt(rma: ReturnAuthorization, receipt: ReturnReceiptInput, nowIso: string): { ok: true; rma: ReturnAuthorization } | ReturnRefusal {
  const moved = move(rma, 'receive');
  if (!moved.ok) return moved;
  if (Date.parse(nowIso) >= Date.parse(rma.expiresAt)) {
    return refuse([{ code: 'invalid_state', message: `RMA ${rma.rmaNumber} expired at ${rma.expiresAt}; nothing can be received against it` }]);
  }
  const problems: ReturnProblem[] = [];
  const received = new Map<number, number>();
  receipt.lines.forEach((r, index) => {
    const line = rma.lines.find((l) => l.lineNumber === r.lineNumber);
    if (!line) return problems.push({ index, lineNumber: r.lineNumber, code: 'unknown_line', message: `RMA ${rma.rmaNumber} has no line ${r.lineNumber}` });
    if (r.quantity > line.quantity) {
      return problems.push({ index, lineNumber: r.lineNumber, code: 'exceeds_authorized', message: `line ${r.lineNumber}: ${r.quantity} received, ${line.quantity} authorised` });
    }
    received.set(r.lineNumber, r.quantity);
  });
  if (problems.length > 0) return refuse(problems);
  const lines = rma.lines.map((l) => ({ ...l, receivedQuantity: received.get(l.lineNumber) ?? 0 }));
  return {
    ok: true,
    rma: { ...rma, state: moved.to, lines, receiptNumber: receipt.receiptNumber, receivedAt: nowIso, updatedAt: nowIso, version: rma.version + 1 },
  };
}

/** Received units of a line not yet given a disposition. */
export const undisposed = (line: ReturnLine) => line.receivedQuantity - line.dispositions.reduce((sum, d) => sum + d.quantity, 0);

export interface AppliedDisposition {
  lineNumber: number;
  sku: string;
  disposition: Disposition;
  quantity: number;
}

/**
 * Decides what happens to received units. Each entry takes the quantity given, or every undecided
 * received unit of its line; a line may be split (some restocked, some scrapped). When no received
 * unit is left undecided the RMA is disposed, otherwise inspected (inspection under way).
 */
export function applyDisposition(
  rma: ReturnAuthorization,
  input: ReturnDispositionInput,
  nowIso: string,
): { ok: true; rma: ReturnAuthorization; applied: AppliedDisposition[]; complete: boolean } | ReturnRefusal {
  if (rma.state !== 'received' && rma.state !== 'inspected') {
    return refuse([{ code: 'invalid_state', message: `RMA ${rma.rmaNumber} is ${rma.state}; dispositions are given to received goods` }]);
  }
  const problems: ReturnProblem[] = [];
  const left = new Map(rma.lines.map((l) => [l.lineNumber, undisposed(l)]));
  const applied: AppliedDisposition[] = [];
  input.lines.forEach((d, index) => {
    const line = rma.lines.find((l) => l.lineNumber === d.lineNumber);
    if (!line) return problems.push({ index, lineNumber: d.lineNumber, code: 'unknown_line', message: `RMA ${rma.rmaNumber} has no line ${d.lineNumber}` });
    const remaining = left.get(d.lineNumber)!;
    const quantity = d.quantity ?? remaining;
    if (quantity === 0 || quantity > remaining) {
      return problems.push({ index, lineNumber: d.lineNumber, code: 'exceeds_received', message: `line ${d.lineNumber}: ${d.quantity ?? 'the rest'} to ${d.disposition}, ${remaining} received and undecided` });
    }
    left.set(d.lineNumber, remaining - quantity);
    applied.push({ lineNumber: d.lineNumber, sku: line.sku, disposition: d.disposition, quantity });
  });
  if (problems.length > 0) return refuse(problems);
  const lines = rma.lines.map((l) => ({
    ...l,
    dispositions: [...l.dispositions, ...applied.filter((a) => a.lineNumber === l.lineNumber).map((a) => ({ disposition: a.disposition, quantity: a.quantity, disposedAt: nowIso }))],
  }));
  const complete = lines.every((l) => undisposed(l) === 0);
  const moved = move(rma, complete ? 'dispose' : 'inspect');
  if (!moved.ok) return moved;
  return {
    ok: true,
    applied,
    complete,
    rma: { ...rma, state: moved.to, lines, ...(complete && { disposedAt: nowIso }), updatedAt: nowIso, version: rma.version + 1 },
  };
}

/**
 * Every received unit of an inspection-free RMA goes back to stock at receipt; the receipt disposes it.
 */
export const restockEverything = (rma: ReturnAuthorization): ReturnDispositionInput => ({
  lines: rma.lines.filter((l) => undisposed(l) > 0).map((l) => ({ lineNumber: l.lineNumber, disposition: 'restock' as const })),
});

/** Bucket changes of one disposition of quarantined units; on hand already counts them (see ledger.rules.ts). */
export function dispositionDeltas(disposition: Disposition, quantity: number): { quarantined: number; onHand?: number } {
  // Restocked units stay on hand and become sellable; scrapped and vendor-returned units leave stock.
  return disposition === 'restock' ? { quarantined: -quantity } : { quarantined: -quantity, onHand: -quantity };
}

/** Bucket changes of a return receipt: into quarantine when inspection is required, else straight into stock. */
export const receiptDeltas = (inspectionRequired: boolean, quantity: number) =>
  inspectionRequired ? { onHand: quantity, quarantined: quantity } : { onHand: quantity };

export interface CreditLine {
  lineNumber: number;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
}

/**
 * What a return is credited: every unit that came back at the order line's price, whatever its
 * disposition (a scrapped unit was still returned under an authorised RMA). Lines nothing came back
 * on are left out.
 */
export function creditFor(rma: ReturnAuthorization): { lines: CreditLine[]; totalMinor: number } {
  const lines = rma.lines
    .filter((l) => l.receivedQuantity > 0)
    .map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.receivedQuantity, unitPriceMinor: l.unitPriceMinor, amountMinor: l.receivedQuantity * l.unitPriceMinor }));
  return { lines, totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0) };
}

/** The RMA once its credit memo is issued. */
export function applyCredit(rma: ReturnAuthorization, creditMemoId: string, nowIso: string): { ok: true; rma: ReturnAuthorization } | ReturnRefusal {
  const moved = move(rma, 'credit');
  if (!moved.ok) return moved;
  return { ok: true, rma: { ...rma, state: moved.to, creditMemoId, creditedAt: nowIso, updatedAt: nowIso, version: rma.version + 1 } };
}

/** Expiry by the timer: only an RMA still waiting for goods, and never before its time. */
export function applyExpiry(rma: ReturnAuthorization, nowMs: number): { ok: true; rma: ReturnAuthorization } | { ok: false; reason: 'not_due' | 'not_waiting' } {
  if (rma.state !== 'authorized') return { ok: false, reason: 'not_waiting' };
  if (nowMs < Date.parse(rma.expiresAt)) return { ok: false, reason: 'not_due' };
  const moved = move(rma, 'expire');
  if (!moved.ok) return { ok: false, reason: 'not_waiting' };
  const nowIso = new Date(nowMs).toISOString();
  return { ok: true, rma: { ...rma, state: moved.to, expiredAt: nowIso, updatedAt: nowIso, version: rma.version + 1 } };
}
