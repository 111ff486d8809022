import type { CatalogService, TradingPartner } from '../../domains/catalog/index.ts';
import { fulfillmentRequestSchema, type FulfillmentService } from '../../domains/fulfillment/index.ts';
import type { Order, OrderStore } from '../../domains/orders/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { EdiOutbound } from './edi.outbound.ts';
import { warehouseOrderFrom, warehouseOrderSegments, type WarehouseOrderPurpose, type WarehouseShipTo } from './warehouse940.mapper.ts';

/**
 * Releases to a location a 3PL operates go to the 3PL as 940s: one per fulfillment request
 * (document key `940:<request id>`), and one per cancellation that withdrew lines from it (`C` when
 * nothing is left of the request, else `R`, the request as it now stands; key `940:<event id>`).
 * Locations without a trading partner, and partners without an X12 folder or the 940 enabled, are
 * someone else's business (a WMS over the API) and are skipped.
 */

export interface Warehouse940Deps {
  catalog: CatalogService;
  orders: OrderStore;
  outbox: OutboxService;
  outbound: EdiOutbound;
  fulfillment: Pick<FulfillmentService, 'getRequest'>;
  hasFolder(partnerCode: string): boolean;
}

export const RELEASE_EVENT = 'crossdock.fulfillment.release_requested';
export const CANCEL_EVENT = 'crossdock.fulfillment.cancel_requested';

export function registerWarehouse940(deps: Warehouse940Deps): void {
  /** The 3PL operating a location, when it takes 940s by EDI. */
  async function operatorOf(locationCode: string): Promise<TradingPartner | undefined> {
    const code = (await deps.catalog.locations.getMany([locationCode])).get(locationCode)?.tradingPartnerCode;
    if (code === undefined || !deps.hasFolder(code)) return undefined;
    const partner = (await deps.catalog.tradingPartners.getMany([code])).get(code);
    return partner?.x12.documents.includes('940') ? partner : undefined;
  }

  async function shipToOf(order: Order): Promise<WarehouseShipTo | undefined> {
    const customer = (await deps.catalog.customers.getMany([order.customerCode])).get(order.customerCode);
    const shipTo = customer?.shipTos.find((s) => s.code === order.shipToCode);
    if (shipTo) return partyOf(shipTo.name, shipTo.address, shipTo.code);
    if (order.shipToAddress) return partyOf(order.shipToAddress.name ?? customer?.name ?? order.customerCode, order.shipToAddress, undefined);
    return order.shipToCode === undefined ? undefined : { name: customer?.name.slice(0, 60) ?? order.customerCode, code: order.shipToCode };
  }

  async function send(purpose: WarehouseOrderPurpose, request: Parameters<typeof warehouseOrderFrom>[1] & { orderId: string; locationCode: string }, documentKey: string) {
    const partner = await operatorOf(request.locationCode);
    const order = partner && (await deps.orders.get(request.orderId));
    if (!partner || !order) return;
    const document = warehouseOrderFrom(purpose, request, order, await shipToOf(order), partner);
    await deps.outbound.send(partner, [{ functionalId: 'OW', sets: [{ id: '940', controlNumber: 1, segments: warehouseOrderSegments(document) }] }], documentKey);
  }

  deps.outbox.subscribe({
    name: 'edi.940',
    types: [RELEASE_EVENT, CANCEL_EVENT],
    deliver: async (event) => {
      if (event.type === RELEASE_EVENT) {
        const request = fulfillmentRequestSchema.safeParse((event.data as { request?: unknown }).request);
        if (request.success) await send('original', request.data, `940:${request.data.id}`);
        return;
      }
      const request = await deps.fulfillment.getRequest((event.data as { fulfillmentRequestId: string }).fulfillmentRequestId);
      if (request) await send(request.state === 'cancelled' ? 'cancel' : 'replace', request, `940:${event.id}`);
    },
  });
}

/**
 * A ship-to as N1/N3/N4. N102 holds 60 characters, so a longer name is shortened (a name is not a
 * key); an address whose parts do not fit N3/N4 (a region that is not a two-letter code, say) is
 * left out and the ship-to code stands alone, rather than failing the document.
 */
type AnyAddress = { line1: string; line2?: string | undefined; city: string; region?: string | undefined; postalCode?: string | undefined; country: string };

function partyOf(name: string, address: AnyAddress, code: string | undefined): WarehouseShipTo {
  const party: WarehouseShipTo = { name: name.slice(0, 60), ...(code === undefined ? {} : { code }) };
  const fits =
    address.line1.length <= 55 &&
    (address.line2 ?? '').length <= 55 &&
    address.city.length >= 2 &&
    address.city.length <= 30 &&
    /^[A-Z]{2}$/.test(address.region ?? '') &&
    /^[ -~]{3,15}$/.test(address.postalCode ?? '') &&
    /^[A-Z]{2,3}$/.test(address.country);
  if (fits) party.address = { line1: address.line1, ...(address.line2 === undefined ? {} : { line2: address.line2 }), city: address.city, region: address.region!, postalCode: address.postalCode!, country: address.country };
  return party;
}
