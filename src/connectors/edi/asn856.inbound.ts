import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { FileParseItem } from '../files/index.ts';
import type { X12TransactionSet } from '../x12/index.ts';
import { AppError } from '../../platform/errors.ts';
import { JSON_TYPE, problem, type EdiInboundDeps, type InboundSet } from './inbound.support.ts';
import { mapAsn856, type SupplierShipNotice } from './asn856.mapper.ts';
import { baseQuantityOf, loadItemLookup, skuOf } from './asn856.items.ts';
import { parseMessage, type SupplyHandlerDeps } from './asn856.support.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { Tx } from '../../platform/db/store.ts';

/** A supplier's 856 for a purchase order we sent: the order is shipped, its open quantity inbound supply by the expected date. */
export const EDI_SHIP_NOTICE_MESSAGE = 'edi.ship_notice';

export type ShipNoticeMessage = SupplierShipNotice & { partnerCode: string };

export const supplierShipNotice856: InboundSet = { document: '856', name: 'ship notices', take: takeShipNotice };

async function* takeShipNotice(_deps: EdiInboundDeps, partner: TradingPartner, label: string, set: X12TransactionSet): AsyncGenerator<FileParseItem> {
  const mapped = mapAsn856(set.segments);
  if (!mapped.ok) {
    for (const p of mapped.problems) yield problem({ ...(p.segmentPosition === null ? {} : { line: p.segmentPosition }), code: p.code, message: `${label}, set ${set.controlNumber}: ${p.message}` });
    return;
  }
  for (const { notice, orderPosition, linePositions } of mapped.notices) {
    const message: ShipNoticeMessage = { partnerCode: partner.code, ...notice };
    yield {
      kind: 'message',
      message: {
        // Shipment and PO name the message, so the same notice in the file again is the same message.
        part: `asn:${notice.shipmentId}:po:${notice.poNumber}`,
        messageType: EDI_SHIP_NOTICE_MESSAGE,
        contentType: JSON_TYPE,
        payload: JSON.stringify(message),
        label: `856 shipment ${notice.shipmentId} for PO ${notice.poNumber} (${label}, set ${set.controlNumber})`,
        locate: (path) => {
          const line = /^lines\.(\d+)/.exec(path ?? '');
          return { line: line ? (linePositions[Number(line[1])] ?? orderPosition) : orderPosition };
        },
      },
    };
  }
}

/**
 * Takes a ship notice in, inside the inbox's transaction: the PO must exist and be with a supplier
 * trading through the sending partner, and every item must be on it; then the PO's ship step runs in
 * the same transaction. A notice already taken (the order on its way with the same expected date)
 * changes nothing, so the same ASN in another file is one effect. Without DTM 017 the order keeps the
 * date it expected. The step ships the order as a whole: items and units are checked, quantities not split.
 */
export function shipNoticeHandler(deps: SupplyHandlerDeps) {
  return async (tx: Tx, message: { payload: string }, hooks: CommitHooks) => {
    const notice = parseMessage<ShipNoticeMessage>(message.payload);
    const po = await deps.procurement.findPurchaseOrderByNumber(notice.poNumber, tx);
    if (!po) throw new AppError('unknown_reference', `purchase order ${notice.poNumber} does not exist`, [{ path: 'poNumber', code: 'unknown_purchase_order', message: `PRF01: we sent no purchase order ${notice.poNumber}` }]);
    const [supplier, partner] = await Promise.all([
      deps.catalog.suppliers.getMany([po.supplierCode], tx).then((m) => m.get(po.supplierCode)),
      deps.catalog.tradingPartners.getMany([notice.partnerCode], tx).then((m) => m.get(notice.partnerCode)),
    ]);
    if (supplier?.tradingPartnerCode !== notice.partnerCode || !partner) {
      throw new AppError('unprocessable', `purchase order ${po.poNumber} is with supplier ${po.supplierCode}, which does not trade through ${notice.partnerCode}`, [
        { path: 'poNumber', code: 'partner_mismatch', message: `PRF01: purchase order ${po.poNumber} is with supplier ${po.supplierCode}, not a supplier trading through ${notice.partnerCode}` },
      ]);
    }
    const lookup = await loadItemLookup(deps.catalog, partner, notice.lines.map((l) => l.ids), tx);
    const onOrder = new Set(po.lines.map((l) => l.sku));
    const details = notice.lines.flatMap((line, i) => {
      const sku = skuOf(line.ids, lookup);
      if (sku !== undefined && !onOrder.has(sku)) return [{ path: `lines.${i}`, code: 'item_not_on_order', message: `LIN: item ${sku} is not on purchase order ${po.poNumber}` }];
      const base = baseQuantityOf(line.ids, line.quantity, line.unit, lookup);
      return base.ok ? [] : [{ path: `lines.${i}`, code: base.code, message: `LIN: ${base.message}` }];
    });
    if (details.length > 0) throw new AppError('unprocessable', `ship notice ${notice.shipmentId}: ${details[0]!.message}`, details);
    const answer = await deps.replenishment.supply.shipPurchaseOrderIn(tx, hooks, po.id, notice.expectedDate ?? po.expectedDate);
    return { purchaseOrder: po.poNumber, result: answer.result, state: answer.document.state, expectedDate: answer.document.expectedDate };
  };
}
