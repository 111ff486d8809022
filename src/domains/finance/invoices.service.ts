import { isoTime } from '../../platform/clock.ts';
import type { Executor, Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';
import { invoiceSchema, type Invoice } from './finance.types.ts';
import * as repo from './invoices.repo.ts';

/** What the caller bills: shipped base units per order line at the line's price. */
export interface IssueInvoiceInput {
  orderId: string;
  customerCode: string;
  /** The order's trading partner, when it came through one. */
  partnerCode: string | undefined;
  currency: string;
  shipmentIds: readonly string[];
  lines: ReadonlyArray<{ lineNumber: number; sku: string; quantity: number; unitPriceMinor: number }>;
  issuedAtMs: number;
}

export interface InvoiceListQuery {
  orderId?: string | undefined;
  customerCode?: string | undefined;
  /** Set for keys scoped to a trading partner: only that partner's invoices. */
  partnerCode?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** `INV-2026-000042`: the year keeps numbers short, six digits last a year of a large distributor. */
const invoiceNumberOf = (year: number, n: number) => `INV-${year}-${String(n).padStart(6, '0')}`;

const toInvoice = (row: { document: string }) => JSON.parse(row.document) as Invoice;

/**
 * Invoices: issued inside the caller's transaction (the one that moves the order's invoiced
 * quantities), numbered without gaps per year, read by id, order or customer. What may be billed is
 * the order's business (its shipped quantities); this service only records the bill.
 */
export function createInvoiceService(deps: { db: Executor; ids: IdGenerator }) {
  const notFound = (id: string) => new AppError('not_found', `invoice ${id} does not exist`, [{ path: 'params.id', message: 'unknown invoice id' }]);

  return {
    async issueIn(tx: Tx, input: IssueInvoiceInput): Promise<Invoice> {
      const year = new Date(input.issuedAtMs).getUTCFullYear();
      const lines = input.lines.map((l) => ({ ...l, amountMinor: l.quantity * l.unitPriceMinor }));
      const invoice = invoiceSchema.parse({
        id: deps.ids.next(),
        invoiceNumber: invoiceNumberOf(year, await repo.nextInvoiceNumber(tx, year)),
        orderId: input.orderId,
        shipmentIds: [...input.shipmentIds],
        customerCode: input.customerCode,
        currency: input.currency,
        lines,
        totalMinor: lines.reduce((sum, l) => sum + l.amountMinor, 0),
        issuedAt: isoTime(input.issuedAtMs),
        state: 'issued',
      });
      await repo.insertInvoice(tx, {
        id: invoice.id,
        invoice_number: invoice.invoiceNumber,
        order_id: invoice.orderId,
        customer_code: invoice.customerCode,
        partner_code: input.partnerCode ?? null,
        total_minor: invoice.totalMinor,
        currency: invoice.currency,
        state: invoice.state,
        issued_at: input.issuedAtMs,
        document: JSON.stringify(invoice),
      });
      await repo.markShipmentsBilled(tx, invoice.shipmentIds, invoice.id);
      return invoice;
    },

    /**
     * Records that a shipment of the order was confirmed, once. Answers whether an invoice has
     * billed it already: that is how a redelivered shipment event is told apart from a new one.
     */
    async noteShipmentIn(tx: Tx, orderId: string, shipmentId: string, nowMs: number): Promise<{ billedBy: string | null }> {
      const row = await repo.noteShipment(tx, { shipment_id: shipmentId, order_id: orderId, invoice_id: null, noted_at: nowMs });
      return { billedBy: row.invoice_id };
    },

    /** Shipments of the order seen and not yet billed, oldest first. */
    unbilledShipmentIdsIn: (tx: Tx, orderId: string) => repo.unbilledShipmentIds(tx, orderId),

    /** A key scoped to a trading partner sees another partner's invoice as absent. */
    async get(id: string, partnerCode?: string): Promise<Invoice> {
      const row = await repo.findInvoice(deps.db, id);
      if (!row || (partnerCode !== undefined && row.partner_code !== partnerCode)) throw notFound(id);
      return toInvoice(row);
    },

    async list(query: InvoiceListQuery): Promise<Page<Invoice>> {
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.listInvoices(deps.db, { orderId: query.orderId, customerCode: query.customerCode, partnerCode: query.partnerCode, beforeId, limit: query.limit });
      return toPage(rows, query.limit, toInvoice, (r) => [r.id]);
    },
  };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
