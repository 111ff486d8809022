import type { TradingPartner } from '../../domains/catalog/index.ts';
import { ORDER_INTAKE_MESSAGE } from '../../domains/orders/index.ts';
import type { FileParseItem } from '../files/index.ts';
import type { X12TransactionSet } from '../x12/index.ts';
import { JSON_TYPE, problem, type EdiInboundDeps, type InboundSet } from './inbound.support.ts';
import { mapPo850 } from './po850.mapper.ts';

/** An 850 purchase order becomes an order-intake inbox message of the partner's customer. */
export const purchaseOrder850: InboundSet = { document: '850', name: 'purchase orders', take: takePurchaseOrder };

async function* takePurchaseOrder(deps: EdiInboundDeps, partner: TradingPartner, label: string, set: X12TransactionSet): AsyncGenerator<FileParseItem> {
  const customers = await deps.catalog.customers.list({ filters: { tradingPartnerCode: partner.code }, limit: 2 });
  const customer = customers.items[0];
  if (!customer) {
    yield problem({ code: 'unknown_customer', message: `${label}, set ${set.controlNumber}: no customer has trading partner ${partner.code}` });
    return;
  }
  const channels = await deps.catalog.channels.getMany(customer.channels);
  const channel = customer.channels.find((code) => channels.get(code)?.type === 'edi') ?? customer.channels[0]!;
  const mapped = mapPo850(set.segments, { partnerCode: partner.code, customerCode: customer.code, channel, shipToCodes: customer.shipTos.map((s) => s.code) });
  if (!mapped.ok) {
    for (const p of mapped.problems) yield problem({ ...(p.segmentPosition === null ? {} : { line: p.segmentPosition }), code: p.code, message: `${label}, set ${set.controlNumber}: ${p.message}` });
    return;
  }
  const po1Positions = set.segments.filter((s) => s.id === 'PO1').map((s) => s.setPosition ?? 1);
  yield {
    kind: 'message',
    message: {
      // The part names the purchase order, so the same PO sent again is the same inbox message.
      part: `po:${mapped.poNumber}`,
      messageType: ORDER_INTAKE_MESSAGE,
      contentType: JSON_TYPE,
      payload: JSON.stringify(mapped.intake),
      label: `850 PO ${mapped.poNumber} (${label}, set ${set.controlNumber})`,
      locate: (path) => {
        const line = /^lines\.(\d+)/.exec(path ?? '');
        return { line: line ? (po1Positions[Number(line[1])] ?? 1) : 1 };
      },
    },
  };
}
