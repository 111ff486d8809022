import type { CatalogService, TradingPartner } from '../../domains/catalog/index.ts';
import { invoiceSchema } from '../../domains/finance/index.ts';
import type { Order, OrderStore } from '../../domains/orders/index.ts';
import { isoTime, type Clock } from '../../platform/clock.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import { localDate } from '../../platform/zoned-time.ts';
import type { EdiOutbound } from './edi.outbound.ts';
import { ediInvoiceFrom, invoiceSegments } from './invoice810.mapper.ts';
import { poAckFromOrder, poAckSegments } from './poack855.mapper.ts';

/**
 * Outbound documents on our events. Each event sends at most one document (its id is the document
 * key), only to partners that enabled the set and have an X12 folder; a partner without one is
 * skipped rather than retried, since retrying cannot create the folder.
 */

export interface EdiDocumentDeps {
  clock: Clock;
  catalog: CatalogService;
  orders: OrderStore;
  outbox: OutboxService;
  outbound: EdiOutbound;
  hasFolder(partnerCode: string): boolean;
  /** When waiting lines of these SKUs can expect their units (`GET /v1/backorders`' estimates); the 855 dates backorders with it. */
  backorderEstimates?: BackorderEstimates;
}

/** Waiting lines of some SKUs with their estimates, as the orchestration's backorder allocation gives them. */
export type BackorderEstimates = (skus: readonly string[]) => Promise<ReadonlyArray<{ orderId: string; lineNumber: number; expectedAvailableAtMs: number | null }>>;

export const PO_ACK_EVENTS = ['crossdock.order.allocated', 'crossdock.order.partially_allocated', 'crossdock.order.backordered'] as const;

export function registerEdiDocuments(deps: EdiDocumentDeps): void {
  /** The order's partner when it takes this document by EDI, else undefined. */
  async function partnerFor(partnerCode: string | undefined, document: '855' | '810'): Promise<TradingPartner | undefined> {
    if (partnerCode === undefined || !deps.hasFolder(partnerCode)) return undefined;
    const partner = (await deps.catalog.tradingPartners.getMany([partnerCode])).get(partnerCode);
    return partner?.x12.documents.includes(document) ? partner : undefined;
  }

  /**
   * The date each backordered line of the order can expect its units, as the partner's calendar
   * reads it (its `x12.timezone`, else UTC); lines the hub cannot estimate are left undated.
   */
  async function backorderShipDates(order: Order, partner: TradingPartner): Promise<Map<number, string>> {
    const waiting = order.lines.filter((l) => l.backorderedQuantity > 0);
    if (deps.backorderEstimates === undefined || waiting.length === 0) return new Map();
    const estimates = await deps.backorderEstimates([...new Set(waiting.map((l) => l.sku))]);
    return new Map(estimates.filter((e) => e.orderId === order.id && e.expectedAvailableAtMs !== null).map((e) => [e.lineNumber, localDate(e.expectedAvailableAtMs!, partner.x12.timezone)]));
  }

  deps.outbox.subscribe({
    name: 'edi.855',
    types: PO_ACK_EVENTS,
    // An allocation event names the order's partner (null: none, as for a web or REST order), so an
    // order no partner placed takes no delivery; events from before the field was added read the order.
    accepts: (event) => (event.data as { partnerCode?: string | null }).partnerCode !== null,
    deliver: async (event) => {
      const data = event.data as { orderId: string; partnerCode?: string | null };
      if (data.partnerCode === null || (data.partnerCode !== undefined && !deps.hasFolder(data.partnerCode))) return;
      const order = await deps.orders.get(data.orderId);
      const partner = order && (await partnerFor(order.partnerCode, '855'));
      if (!order || !partner) return;
      const ack = poAckFromOrder(order, partner, isoTime(deps.clock.now()).slice(0, 10), await backorderShipDates(order, partner));
      await deps.outbound.send(partner, [{ functionalId: 'PR', sets: [{ id: '855', controlNumber: 1, segments: poAckSegments(ack) }] }], `855:${event.id}`);
    },
  });
}

/** An issued invoice goes to the partner as an 810, once per invoice. */
export function registerEdiInvoices(deps: EdiDocumentDeps): void {
  deps.outbox.subscribe({
    name: 'edi.810',
    types: ['crossdock.invoice.issued'],
    deliver: async (event) => {
      const parsed = invoiceSchema.safeParse((event.data as { invoice?: unknown }).invoice);
      if (!parsed.success) return;
      const invoice = parsed.data;
      const order = await deps.orders.get(invoice.orderId);
      if (!order?.partnerCode || !deps.hasFolder(order.partnerCode)) return;
      const partner = (await deps.catalog.tradingPartners.getMany([order.partnerCode])).get(order.partnerCode);
      if (!partner?.x12.documents.includes('810')) return;
      const edi = ediInvoiceFrom(invoice, order.customerPo ?? order.externalOrderNumber, partner);
      await deps.outbound.send(partner, [{ functionalId: 'IN', sets: [{ id: '810', controlNumber: 1, segments: invoiceSegments(edi) }] }], `810:${invoice.id}`);
    },
  });
}
