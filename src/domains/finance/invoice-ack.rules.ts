import type { Invoice, InvoiceErpStatus } from './finance.types.ts';

/** What the ERP sent about one invoice (see invoice-ack.types.ts for the wire shape). */
export interface ErpAck {
  ackId: string;
  status: 'accepted' | 'rejected';
  erpAmountMinor?: number | undefined;
  reason?: string | undefined;
  acknowledgedAt: string;
}

/**
 * Compares the ERP's answer with our invoice, pure. An acceptance that names no amount, or names
 * ours, agrees; a rejection, or an acceptance at another amount, does not. An amount a person has
 * already accepted (`settlement`) agrees too, so the ERP confirming it again settles the exception.
 */
export function erpStatusOf(invoice: Invoice, ack: ErpAck): InvoiceErpStatus {
  const settlement = invoice.erp?.settlement ?? null;
  const amountMinor = ack.erpAmountMinor ?? null;
  const agreedAmounts = [invoice.totalMinor, ...(settlement ? [settlement.amountMinor] : [])];
  const agrees = ack.status === 'accepted' && (amountMinor === null || agreedAmounts.includes(amountMinor));
  return {
    status: ack.status,
    amountMinor,
    differenceMinor: amountMinor === null ? 0 : amountMinor - invoice.totalMinor,
    agrees,
    reason: ack.reason ?? null,
    ackId: ack.ackId,
    acknowledgedAt: ack.acknowledgedAt,
    settlement,
  };
}

/** An acknowledgement older than the one the invoice shows changes nothing: the newest answer wins. */
export const isStale = (invoice: Invoice, ack: ErpAck): boolean =>
  invoice.erp !== undefined && Date.parse(ack.acknowledgedAt) < Date.parse(invoice.erp.acknowledgedAt);
