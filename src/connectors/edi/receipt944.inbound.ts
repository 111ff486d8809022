import type { TradingPartner } from '../../domains/catalog/index.ts';
import { openLineQuantity, type PurchaseOrder, type Transfer } from '../../domains/procurement/index.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { Tx } from '../../platform/db/store.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { FileParseItem } from '../files/index.ts';
import type { X12TransactionSet } from '../x12/index.ts';
import { baseQuantityOf, loadItemLookup, skuOf } from './asn856.items.ts';
import { parseMessage, type SupplyHandlerDeps } from './asn856.support.ts';
import { JSON_TYPE, problem, type EdiInboundDeps, type InboundSet } from './inbound.support.ts';
import { mapReceipt944, type ReceiptAdvice } from './receipt944.mapper.ts';
import { depositorOrderNumber, requestIdOf } from './warehouse940.mapper.ts';

/** A warehouse's 944: goods received against our purchase order or transfer, posted as the receive API posts them. */
export const EDI_RECEIPT_ADVICE_MESSAGE = 'edi.receipt_advice';

export type ReceiptAdviceMessage = ReceiptAdvice & { partnerCode: string };

/**
 * A transfer's number as partners see it: its id written as the 940 writes our ids for a 3PL (its
 * 128 bits in base 62, 22 letters and digits), so it fits W1704 and turns back into the id without a
 * stored mapping, whatever state the transfer is in by then.
 */
export const transferNumberFor = (id: string) => depositorOrderNumber(id);

/** The transfer id a number names, or undefined when it cannot be one. */
export const transferIdOf = (number: string) => requestIdOf(number) ?? undefined;

export const receipt944: InboundSet = { document: '944', name: 'receipt advices', take: takeReceipt };

async function* takeReceipt(_deps: EdiInboundDeps, partner: TradingPartner, label: string, set: X12TransactionSet): AsyncGenerator<FileParseItem> {
  const mapped = mapReceipt944(set.segments);
  if (!mapped.ok) {
    for (const p of mapped.problems) yield problem({ ...(p.segmentPosition === null ? {} : { line: p.segmentPosition }), code: p.code, message: `${label}, set ${set.controlNumber}: ${p.message}` });
    return;
  }
  const { advice, w17Position, linePositions } = mapped;
  const message: ReceiptAdviceMessage = { partnerCode: partner.code, ...advice };
  yield {
    kind: 'message',
    message: {
      part: `receipt:${advice.reference}:${advice.receiptNumber}`,
      messageType: EDI_RECEIPT_ADVICE_MESSAGE,
      contentType: JSON_TYPE,
      payload: JSON.stringify(message),
      label: `944 receipt ${advice.receiptNumber} against ${advice.reference} (${label}, set ${set.controlNumber})`,
      locate: (path) => {
        const line = /^lines\.(\d+)/.exec(path ?? '');
        return { line: line ? (linePositions[Number(line[1])] ?? w17Position) : w17Position };
      },
    },
  };
}

/** Document lines able to take a SKU, with how much each still expects. */
type Slot = { lineNumber: number; sku: string; open: number };

/**
 * Units per document line: each W07's base units go to the lines of its SKU in line order, each up
 * to what it still expects, and what is left over to the SKU's last line (a warehouse's count is what
 * is on hand; the step decides whether more than expected may arrive).
 */
function allocateToLines(slots: readonly Slot[], received: ReadonlyArray<{ sku: string; quantity: number }>): Array<{ lineNumber: number; quantity: number }> {
  const open = new Map(slots.map((s) => [s.lineNumber, s.open]));
  const byLine = new Map<number, number>();
  for (const { sku, quantity } of received) {
    const lines = slots.filter((s) => s.sku === sku);
    let left = quantity;
    lines.forEach((slot, i) => {
      const take = i === lines.length - 1 ? left : Math.min(left, open.get(slot.lineNumber)!);
      if (take <= 0) return;
      byLine.set(slot.lineNumber, (byLine.get(slot.lineNumber) ?? 0) + take);
      open.set(slot.lineNumber, open.get(slot.lineNumber)! - take);
      left -= take;
    });
  }
  return [...byLine].filter(([, q]) => q > 0).sort(([a], [b]) => a - b).map(([lineNumber, quantity]) => ({ lineNumber, quantity }));
}

/**
 * Takes a receipt advice in, inside the inbox's transaction: W1704 is looked up as our PO number,
 * else as an open transfer's number; each W07 is resolved to a SKU on that document and converted to
 * base units; then the document's receive step runs in the same transaction, posting the receipt
 * movements at its location. The same receipt number again changes nothing.
 */
export function receiptAdviceHandler(deps: SupplyHandlerDeps) {
  return async (tx: Tx, message: { payload: string }, hooks: CommitHooks) => {
    const advice = parseMessage<ReceiptAdviceMessage>(message.payload);
    const po = await deps.procurement.findPurchaseOrderByNumber(advice.reference, tx);
    const transferId = po ? undefined : transferIdOf(advice.reference);
    const transfer = transferId === undefined ? undefined : await deps.procurement.lockTransfer(tx, transferId);
    const document: { kind: 'po'; po: PurchaseOrder } | { kind: 'transfer'; transfer: Transfer } | undefined = po ? { kind: 'po', po } : transfer ? { kind: 'transfer', transfer } : undefined;
    if (!document) {
      throw new AppError('unknown_reference', `no purchase order or transfer is numbered ${advice.reference}`, [
        { path: 'reference', code: 'unknown_document', message: `W1704: ${advice.reference} is neither one of our PO numbers nor a transfer's number` },
      ]);
    }
    const name = document.kind === 'po' ? `purchase order ${document.po.poNumber}` : `transfer ${advice.reference}`;
    const slots: Slot[] =
      document.kind === 'po'
        ? document.po.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, open: openLineQuantity(l) }))
        : document.transfer.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, open: l.quantity }));
    const partner = (await deps.catalog.tradingPartners.getMany([advice.partnerCode], tx)).get(advice.partnerCode);
    const lookup = await loadItemLookup(deps.catalog, partner ?? { itemCrossReferences: [], unitMappings: [] }, advice.lines.map((l) => l.ids), tx);
    const details: ErrorDetail[] = [];
    const received: Array<{ sku: string; quantity: number }> = [];
    advice.lines.forEach((line, i) => {
      const sku = skuOf(line.ids, lookup);
      if (sku !== undefined && !slots.some((s) => s.sku === sku)) return void details.push({ path: `lines.${i}`, code: 'item_not_on_order', message: `W07: item ${sku} is not on ${name}` });
      const base = baseQuantityOf(line.ids, line.quantity, line.unit, lookup);
      if (!base.ok) details.push({ path: `lines.${i}`, code: base.code, message: `W07: ${base.message}` });
      else received.push({ sku: base.sku, quantity: base.quantity });
    });
    if (details.length > 0) throw new AppError('unprocessable', `receipt ${advice.receiptNumber}: ${details[0]!.message}`, details);
    const lines = allocateToLines(slots, received);
    if (document.kind === 'po') {
      if (lines.length === 0) throw new AppError('unprocessable', `receipt ${advice.receiptNumber} receives nothing`, [{ path: 'lines', code: 'nothing_received', message: 'every W07 quantity is zero' }]);
      const answer = await deps.replenishment.supply.receivePurchaseOrderIn(tx, hooks, document.po.id, { receiptNumber: advice.receiptNumber, lines });
      return { purchaseOrder: document.po.poNumber, result: answer.result, state: answer.document.state };
    }
    const answer = await deps.replenishment.transfers.receiveIn(tx, hooks, document.transfer.id, { receiptNumber: advice.receiptNumber, lines });
    return { transfer: document.transfer.id, result: answer.result, state: answer.document.state };
  };
}
