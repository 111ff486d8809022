import { isoTime } from '../../platform/clock.ts';
import type { Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { invoiceSchema, type Invoice, type InvoiceErpStatus } from './finance.types.ts';
import * as repo from './invoice-ack.repo.ts';
import { erpStatusOf, isStale, type ErpAck } from './invoice-ack.rules.ts';

export interface AckRecorded {
  /** applied: the invoice shows this answer now; stale: a newer one was applied before; duplicate: this ack id was taken already. */
  result: 'applied' | 'stale' | 'duplicate';
  invoice: Invoice;
  partnerCode: string | null;
}

const notFound = (id: string) => new AppError('not_found', `invoice ${id} does not exist`, [{ path: 'params.id', message: 'unknown invoice id' }]);

/** An invoice the ERP agrees with is `acknowledged`; one it disagrees with goes back to `issued`. */
const stateFor = (invoice: Invoice, erp: InvoiceErpStatus): Invoice['state'] =>
  erp.agrees ? (invoice.state === 'issued' || invoice.state === 'sent' ? 'acknowledged' : invoice.state) : invoice.state === 'acknowledged' ? 'issued' : invoice.state;

/**
 * The ERP's acknowledgements of the invoices Crossdock issued (docs/finance.md): each is kept once per
 * its id (I5) and the newest one is recorded on the invoice (`erp`), compared with our amount. What a
 * disagreement leads to (an exception) is orchestration's; this service only records the answer.
 */
export function createInvoiceAckService() {
  async function load(tx: Tx, invoiceId: string, partnerCode: string | null) {
    const row = await repo.lockInvoice(tx, invoiceId);
    if (!row || (partnerCode !== null && row.partner_code !== partnerCode)) throw notFound(invoiceId);
    return { row, invoice: invoiceSchema.parse(JSON.parse(row.document)) };
  }

  async function save(tx: Tx, invoice: Invoice): Promise<Invoice> {
    const checked = invoiceSchema.parse(invoice);
    await repo.saveInvoice(tx, checked.id, checked.state, JSON.stringify(checked));
    return checked;
  }

  return {
    /** Records an acknowledgement in the caller's transaction; `partnerCode` limits a scoped key to its partner's invoices. */
    async recordIn(tx: Tx, invoiceId: string, ack: ErpAck, nowMs: number, partnerCode: string | null = null): Promise<AckRecorded> {
      const seen = await repo.findAck(tx, ack.ackId);
      if (seen && seen.invoice_id !== invoiceId) {
        throw new AppError('conflict', `acknowledgement ${ack.ackId} was already received for invoice ${seen.invoice_id}`, [{ path: 'body.ackId', message: 'used for another invoice' }]);
      }
      const { row, invoice } = await load(tx, invoiceId, partnerCode);
      const fresh = await repo.insertAckIfNew(tx, {
        ack_id: ack.ackId,
        invoice_id: invoiceId,
        status: ack.status,
        erp_amount_minor: ack.erpAmountMinor ?? null,
        reason: ack.reason ?? null,
        received_at: nowMs,
        outcome: 'applied',
      });
      if (!fresh) return { result: 'duplicate', invoice, partnerCode: row.partner_code };
      if (isStale(invoice, ack)) {
        await repo.setAckOutcome(tx, ack.ackId, 'stale');
        return { result: 'stale', invoice, partnerCode: row.partner_code };
      }
      const erp = erpStatusOf(invoice, ack);
      return { result: 'applied', invoice: await save(tx, { ...invoice, erp, state: stateFor(invoice, erp) }), partnerCode: row.partner_code };
    },

    /**
     * A person accepts the amount the ERP booked as what the customer owes on this invoice. Only an
     * acceptance at another amount can be settled so; a rejection needs the invoice sent again.
     */
    async settleIn(tx: Tx, invoiceId: string, by: string, reason: string, nowMs: number): Promise<Invoice> {
      const { invoice } = await load(tx, invoiceId, null);
      const erp = invoice.erp;
      if (!erp || erp.status !== 'accepted' || erp.amountMinor === null) {
        const why = !erp ? 'the ERP has not acknowledged it' : erp.status === 'rejected' ? 'the ERP rejected it; send it again or resolve with a reason' : 'the ERP booked no other amount';
        throw new AppError('invalid_state', `invoice ${invoiceId} has no ERP amount to accept: ${why}`, [{ path: 'params.action', message: why }]);
      }
      if (erp.agrees) return invoice;
      const settled: InvoiceErpStatus = { ...erp, agrees: true, settlement: { amountMinor: erp.amountMinor, reason, by, at: isoTime(nowMs) } };
      return save(tx, { ...invoice, erp: settled, state: stateFor(invoice, settled) });
    },
  };
}

export type InvoiceAckService = ReturnType<typeof createInvoiceAckService>;
