import type { CatalogService } from '../../domains/catalog/index.ts';
import { shipmentSchema } from '../../domains/fulfillment/index.ts';
import type { OrderStore } from '../../domains/orders/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { EdiOutbound } from './edi.outbound.ts';
import { shipNoticeFrom, shipNoticeSegments } from './shipNotice856.mapper.ts';

/**
 * A confirmed shipment of an order from a partner that enabled the 856 goes to it as a ship notice,
 * once per shipment (document key `856:<shipment id>`). A shipment of nothing (every line short) is
 * not a ship notice and is skipped, as are partners without an X12 folder.
 */

export interface ShipNotice856Deps {
  catalog: CatalogService;
  orders: OrderStore;
  outbox: OutboxService;
  outbound: EdiOutbound;
  hasFolder(partnerCode: string): boolean;
}

export function registerShipNotice856(deps: ShipNotice856Deps): void {
  deps.outbox.subscribe({
    name: 'edi.856',
    types: ['crossdock.shipment.confirmed'],
    deliver: async (event) => {
      const parsed = shipmentSchema.safeParse((event.data as { shipment?: unknown }).shipment);
      if (!parsed.success || parsed.data.lines.length === 0) return;
      const shipment = parsed.data;
      const order = await deps.orders.get(shipment.orderId);
      if (!order?.partnerCode || !deps.hasFolder(order.partnerCode)) return;
      const partner = (await deps.catalog.tradingPartners.getMany([order.partnerCode])).get(order.partnerCode);
      if (!partner?.x12.documents.includes('856')) return;
      const notice = shipNoticeFrom(shipment, order.customerPo ?? order.externalOrderNumber, partner);
      await deps.outbound.send(partner, [{ functionalId: 'SH', sets: [{ id: '856', controlNumber: 1, segments: shipNoticeSegments(notice) }] }], `856:${shipment.id}`);
    },
  });
}
