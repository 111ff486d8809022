import { tryTransition, type Lifecycle } from '../orders/index.ts';
import { noContext, purchaseOrderLifecycle, transferLifecycle, type NoContext, type PurchaseOrderEvent, type TransferEvent } from './procurement.lifecycle.ts';
import type { AcknowledgeInput, PurchaseOrder, PurchaseOrderLine, PurchaseOrderState, ReceiveInput, Transfer, TransferReceiveInput, TransferState } from './procurement.types.ts';

/**
 * What each lifecycle step does to a purchase order or transfer document. Pure: (document, input,
 * now) → the next document and the event that moved it, or a refusal with a reason. A step that
 * changes nothing answers `unchanged`, so sending it again is harmless.
 */

export type StepOutcome<D, S extends string> =
  | { ok: true; changed: true; document: D; from: S; to: S }
  | { ok: true; changed: false; document: D }
  | { ok: false; reason: 'transition_not_allowed' | 'terminal_state' | 'unknown_line' | 'quantity_above_ordered'; message: string; path?: string };

/** Units a line is expected to bring: what the supplier confirmed, else what was ordered. */
export const expectedQuantity = (line: PurchaseOrderLine) => line.acknowledgedQuantity ?? line.quantity;
/** Units of a line still to arrive. */
export const openLineQuantity = (line: PurchaseOrderLine) => Math.max(0, expectedQuantity(line) - line.receivedQuantity);

/** States whose remaining quantity is on its way and feeds ATP by date. */
const onTheWay: readonly PurchaseOrderState[] = ['shipped', 'partially_received'];

/** The inbound supply a purchase order stands for: one entry per SKU, none unless it has shipped. */
export function inboundOf(po: PurchaseOrder): Array<{ sku: string; quantity: number }> {
  if (!onTheWay.includes(po.state)) return [];
  const bySku = new Map<string, number>();
  for (const line of po.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + openLineQuantity(line));
  return [...bySku].filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Moves a document through its lifecycle by `event` with `changes` applied, stamping the time and
 * raising the version. The tables have no guards, so any refusal is about the state alone.
 */
function move<D extends { state: S; version: number; updatedAt: string }, S extends string, E extends string>(
  lifecycle: Lifecycle<S, E, NoContext>,
  document: D,
  event: E,
  changes: Partial<D>,
  nowIso: string,
): StepOutcome<D, S> {
  const moved = tryTransition(lifecycle, document.state, event, noContext);
  if (!moved.ok) return { ok: false, reason: moved.reason === 'terminal_state' ? 'terminal_state' : 'transition_not_allowed', message: moved.message };
  return { ok: true, changed: true, from: moved.from, to: moved.to, document: { ...document, ...changes, state: moved.to, updatedAt: nowIso, version: document.version + 1 } };
}

const movePo = (po: PurchaseOrder, event: PurchaseOrderEvent, changes: Partial<PurchaseOrder>, nowIso: string) => move(purchaseOrderLifecycle, po, event, changes, nowIso);

/** Sending to the supplier; a sent order asked again is unchanged. */
export function sendPurchaseOrder(po: PurchaseOrder, nowIso: string): StepOutcome<PurchaseOrder, PurchaseOrderState> {
  if (po.state === 'sent') return { ok: true, changed: false, document: po };
  return movePo(po, 'send', {}, nowIso);
}

/** The supplier's confirmation (855): quantities it will supply per line and the date it promises. */
export function acknowledgePurchaseOrder(po: PurchaseOrder, input: AcknowledgeInput, nowIso: string): StepOutcome<PurchaseOrder, PurchaseOrderState> {
  const byLine = new Map((input.lines ?? []).map((l, i) => [l.lineNumber, { ...l, index: i }]));
  for (const [lineNumber, l] of byLine) {
    const line = po.lines.find((x) => x.lineNumber === lineNumber);
    if (!line) return { ok: false, reason: 'unknown_line', message: `line ${lineNumber} is not on purchase order ${po.poNumber}`, path: `body.lines.${l.index}.lineNumber` };
    if (l.quantity > line.quantity) {
      return { ok: false, reason: 'quantity_above_ordered', message: `line ${lineNumber}: ${l.quantity} confirmed, but only ${line.quantity} were ordered`, path: `body.lines.${l.index}.quantity` };
    }
  }
  const lines = po.lines.map((line) => {
    const confirmed = byLine.get(line.lineNumber)?.quantity ?? line.acknowledgedQuantity ?? line.quantity;
    return { ...line, acknowledgedQuantity: confirmed };
  });
  const expectedDate = input.expectedDate ?? po.expectedDate;
  if (po.state === 'acknowledged' && expectedDate === po.expectedDate && JSON.stringify(lines) === JSON.stringify(po.lines)) return { ok: true, changed: false, document: po };
  return movePo(po, 'acknowledge', { lines, expectedDate }, nowIso);
}

/** The supplier's ship notice (856): the goods are on their way and due on `expectedDate`. */
export function shipPurchaseOrder(po: PurchaseOrder, expectedDate: string, nowIso: string): StepOutcome<PurchaseOrder, PurchaseOrderState> {
  if (onTheWay.includes(po.state) && po.expectedDate === expectedDate) return { ok: true, changed: false, document: po };
  return movePo(po, 'ship', { expectedDate }, nowIso);
}

export function cancelPurchaseOrder(po: PurchaseOrder, reason: string | undefined, nowIso: string): StepOutcome<PurchaseOrder, PurchaseOrderState> {
  if (po.state === 'cancelled') return { ok: true, changed: false, document: po };
  return movePo(po, 'cancel', reason === undefined ? {} : { cancelReason: reason }, nowIso);
}

/**
 * A receipt: received quantities grow per line and the order becomes partially received or, once
 * every line has what was expected, received. A receipt number already taken is unchanged (I5).
 * More than expected may arrive — the warehouse's count is what is on hand — and is recorded as such.
 */
export function receivePurchaseOrder(po: PurchaseOrder, input: ReceiveInput, nowIso: string): StepOutcome<PurchaseOrder, PurchaseOrderState> {
  if (po.receipts.some((r) => r.receiptNumber === input.receiptNumber)) return { ok: true, changed: false, document: po };
  const byLine = new Map<number, number>();
  for (const [i, l] of input.lines.entries()) {
    if (!po.lines.some((x) => x.lineNumber === l.lineNumber)) {
      return { ok: false, reason: 'unknown_line', message: `line ${l.lineNumber} is not on purchase order ${po.poNumber}`, path: `body.lines.${i}.lineNumber` };
    }
    byLine.set(l.lineNumber, l.quantity);
  }
  const lines = po.lines.map((line) => ({ ...line, receivedQuantity: line.receivedQuantity + (byLine.get(line.lineNumber) ?? 0) }));
  const event = lines.every((l) => openLineQuantity(l) === 0) ? 'receive_completely' : 'receive_partially';
  const receipts = [...po.receipts, { receiptNumber: input.receiptNumber, receivedAt: nowIso, lines: input.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })) }];
  return movePo(po, event, { lines, receipts }, nowIso);
}

const moveTransfer = (t: Transfer, event: TransferEvent, changes: Partial<Transfer>, nowIso: string) => move(transferLifecycle, t, event, changes, nowIso);

export function releaseTransfer(t: Transfer, nowIso: string): StepOutcome<Transfer, TransferState> {
  if (t.state === 'released') return { ok: true, changed: false, document: t };
  return moveTransfer(t, 'release', {}, nowIso);
}

export function shipTransfer(t: Transfer, expectedArrivalAt: string | undefined, nowIso: string): StepOutcome<Transfer, TransferState> {
  if (t.state === 'in_transit') return { ok: true, changed: false, document: t };
  return moveTransfer(t, 'ship', expectedArrivalAt === undefined ? {} : { expectedArrivalAt }, nowIso);
}

export function cancelTransfer(t: Transfer, reason: string | undefined, nowIso: string): StepOutcome<Transfer, TransferState> {
  if (t.state === 'cancelled') return { ok: true, changed: false, document: t };
  return moveTransfer(t, 'cancel', reason === undefined ? {} : { cancelReason: reason }, nowIso);
}

/**
 * The receipt that closes a transfer. Without lines everything shipped arrived; with lines, what is
 * not listed did not arrive. The same receipt number again is unchanged.
 */
export function receiveTransfer(t: Transfer, input: TransferReceiveInput, nowIso: string): StepOutcome<Transfer, TransferState> {
  if (t.state === 'received' && t.receiptNumber === input.receiptNumber) return { ok: true, changed: false, document: t };
  const byLine = new Map<number, number>();
  for (const [i, l] of (input.lines ?? []).entries()) {
    const line = t.lines.find((x) => x.lineNumber === l.lineNumber);
    if (!line) return { ok: false, reason: 'unknown_line', message: `line ${l.lineNumber} is not on transfer ${t.id}`, path: `body.lines.${i}.lineNumber` };
    if (l.quantity > line.quantity) {
      return { ok: false, reason: 'quantity_above_ordered', message: `line ${l.lineNumber}: ${l.quantity} received, but only ${line.quantity} were shipped`, path: `body.lines.${i}.quantity` };
    }
    byLine.set(l.lineNumber, l.quantity);
  }
  const lines = t.lines.map((line) => ({ ...line, receivedQuantity: input.lines === undefined ? line.quantity : (byLine.get(line.lineNumber) ?? 0) }));
  return moveTransfer(t, 'receive', { lines, receiptNumber: input.receiptNumber }, nowIso);
}

/** Units per SKU on a transfer, for its ledger movements and supply (a SKU may sit on several lines). */
export function transferQuantities(t: Transfer, pick: 'quantity' | 'receivedQuantity'): Array<{ sku: string; quantity: number }> {
  const bySku = new Map<string, number>();
  for (const line of t.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line[pick]);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}
