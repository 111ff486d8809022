import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { invariant } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService, customerTiers } from '../domains/catalog/index.ts';
import type { ExceptionService, RaiseInput } from '../domains/exceptions/index.ts';
import { createInvoiceAckService, type ErpAck, type Invoice, type InvoiceService } from '../domains/finance/index.ts';
import { refuseTimeAhead } from '../domains/shared/index.ts';

export interface InvoiceAckDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  outbox: OutboxService;
  exceptions: ExceptionService;
  invoices: InvoiceService;
}

export interface AckAnswer {
  result: 'applied' | 'stale' | 'duplicate';
  invoice: Invoice;
  /** What the acknowledgement did to the invoice's mismatch exception, when anything. */
  exception: { id: string; result: 'raised' | 'updated' | 'unchanged' | 'resolved' } | null;
}

type CustomerTier = (typeof customerTiers)[number];

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
const subjectOf = (invoiceId: string) => ({ type: 'invoice' as const, id: invoiceId });

/** The ERP disagrees with an invoice we issued: finance owns finding out who is right. */
export function invoiceMismatchRaise(invoice: Invoice, tier: CustomerTier | undefined, partnerCode: string | null): RaiseInput {
  const erp = invoice.erp!;
  const rejected = erp.status === 'rejected';
  const theirs = erp.amountMinor === null ? 'no amount' : money(erp.amountMinor, invoice.currency);
  return {
    type: 'invoice_mismatch',
    subject: subjectOf(invoice.id),
    related: [
      { type: 'order', id: invoice.orderId },
      { type: 'customer', id: invoice.customerCode },
    ],
    facts: {
      invoiceId: invoice.id,
      invoiceNumber: invoice.invoiceNumber,
      orderId: invoice.orderId,
      customerCode: invoice.customerCode,
      currency: invoice.currency,
      ourAmountMinor: invoice.totalMinor,
      erpAmountMinor: erp.amountMinor,
      differenceMinor: erp.differenceMinor,
      erpStatus: erp.status,
      erpReason: erp.reason,
      ackId: erp.ackId,
    },
    rootCause: rejected
      ? { code: 'erp_rejected', message: `the ERP rejected invoice ${invoice.invoiceNumber} (${money(invoice.totalMinor, invoice.currency)}): ${erp.reason ?? 'no reason given'}` }
      : { code: 'erp_amount_differs', message: `the ERP booked invoice ${invoice.invoiceNumber} at ${theirs}; we billed ${money(invoice.totalMinor, invoice.currency)} (difference ${money(erp.differenceMinor, invoice.currency)})${erp.reason ? `: ${erp.reason}` : ''}` },
    headline: rejected ? `ERP rejected invoice ${invoice.invoiceNumber}` : `ERP booked invoice ${invoice.invoiceNumber} at ${theirs}, not ${money(invoice.totalMinor, invoice.currency)}`,
    priorityInputs: {
      ...(tier !== undefined && { customerTier: tier }),
      orderValue: { amountMinor: rejected ? invoice.totalMinor : Math.abs(erp.differenceMinor), currency: invoice.currency },
      risk: rejected ? 'high' : 'medium',
    },
    partnerCode,
    // Each acknowledgement is one occurrence: a later disagreement updates the live exception.
    dedupeKey: erp.ackId,
    correlationId: invoice.orderId,
    causationId: erp.ackId,
  };
}

/**
 * The ERP's acknowledgements of invoices (docs/finance.md): recorded on the invoice, a disagreement
 * raises `invoice_mismatch` and an agreement resolves it, in the transaction that records the answer.
 * The exception's actions send the invoice again or accept the ERP's amount.
 */
export function createInvoiceAck(deps: InvoiceAckDeps) {
  const acks = createInvoiceAckService();
  const { exceptions } = deps;

  async function acknowledge(invoiceId: string, input: Omit<ErpAck, 'acknowledgedAt'> & { acknowledgedAt?: string | undefined }, partnerCode: string | null): Promise<AckAnswer> {
    const now = deps.clock.now();
    const ack: ErpAck = { ...input, acknowledgedAt: input.acknowledgedAt ?? isoTime(now) };
    // The newest answer wins: one dated next year would outrank every real answer until then.
    refuseTimeAhead('the acknowledgement cannot be recorded', 'acknowledgedAt', ack.acknowledgedAt, now, 'body.acknowledgedAt');
    // Read outside the transaction (404 for another partner's invoice); the customer's tier sets priority.
    const before = await deps.invoices.get(invoiceId, partnerCode ?? undefined);
    const tier = (await deps.catalog.customers.getMany([before.customerCode])).get(before.customerCode)?.tier;
    return deps.db.transaction().execute(async (tx) => {
      const recorded = await acks.recordIn(tx, invoiceId, ack, now, partnerCode);
      if (recorded.result !== 'applied') return { result: recorded.result, invoice: recorded.invoice, exception: null };
      const invoice = recorded.invoice;
      const erp = invoice.erp!;
      const events: NewEvent[] = [
        {
          source: '/crossdock/finance',
          type: 'crossdock.invoice.erp_acknowledged',
          subject: `order:${invoice.orderId}`,
          data: { invoiceId: invoice.id, invoiceNumber: invoice.invoiceNumber, orderId: invoice.orderId, erp },
          correlationId: invoice.orderId,
        },
      ];
      let exception: AckAnswer['exception'] = null;
      if (erp.agrees) {
        const reason = `the ERP accepted invoice ${invoice.invoiceNumber} at ${erp.amountMinor === null ? 'our amount' : money(erp.amountMinor, invoice.currency)} (acknowledgement ${erp.ackId})`;
        const done = await exceptions.resolveIn(tx, { type: 'invoice_mismatch', subject: subjectOf(invoice.id) }, { reason, by: 'condition' }, { appendEvents: false });
        if (done.result === 'resolved') exception = { id: done.exceptions[0]!.id, result: 'resolved' };
        events.push(...done.events);
      } else {
        const done = await exceptions.raiseIn(tx, invoiceMismatchRaise(invoice, tier, recorded.partnerCode), { appendEvents: false });
        exception = { id: done.exception.id, result: done.result };
        events.push(...done.events);
      }
      // Outbox appends last (PostgreSQL lock order).
      await deps.outbox.appendMany(tx, events);
      return { result: 'applied' as const, invoice, exception };
    });
  }


  // The ERP may have lost or misread the invoice: it goes out again and the exception waits for the answer.
  exceptions.registerActionHandler(
    'resend_invoice',
    async ({ exception, reason, caller }) => {
      const invoice = await deps.invoices.get(exception.subject.id);
      await deps.db.transaction().execute((tx) =>
        deps.outbox.append(tx, {
          source: '/crossdock/finance',
          type: 'crossdock.invoice.resent',
          subject: `order:${invoice.orderId}`,
          data: { invoice, exceptionId: exception.id, by: `key:${caller.keyId}`, reason },
          correlationId: invoice.orderId,
        }),
      );
      return { outcome: 'resent', resolves: false, message: `invoice ${invoice.invoiceNumber} sent to the ERP again; its acknowledgement resolves this exception when it agrees` };
    },
  );

  // Finance agrees the ERP is right: its amount is recorded on the invoice as what the customer owes.
  exceptions.registerActionHandler(
    'accept_erp_amount',
    async ({ exception, reason, caller }) => {
      // accept_erp_amount declares its reason required (action-inputs.rules.ts): the framework refused a request without one.
      invariant(reason !== null, 'accept_erp_amount ran without its required reason');
      const now = deps.clock.now();
      const invoice = await deps.db.transaction().execute(async (tx) => {
        const settled = await acks.settleIn(tx, exception.subject.id, `key:${caller.keyId}`, reason, now);
        const erp = settled.erp!;
        await deps.outbox.append(tx, {
          source: '/crossdock/finance',
          type: 'crossdock.invoice.erp_amount_accepted',
          subject: `order:${settled.orderId}`,
          data: { invoiceId: settled.id, invoiceNumber: settled.invoiceNumber, orderId: settled.orderId, customerCode: settled.customerCode, ourAmountMinor: settled.totalMinor, erpAmountMinor: erp.amountMinor, differenceMinor: erp.differenceMinor, currency: settled.currency, reason },
          correlationId: settled.orderId,
        });
        return settled;
      });
      const erp = invoice.erp!;
      return { outcome: 'erp_amount_accepted', resolves: true, data: { invoiceId: invoice.id, ourAmountMinor: invoice.totalMinor, erpAmountMinor: erp.amountMinor, differenceMinor: erp.differenceMinor } };
    },
  );

  return { acknowledge };
}

export type InvoiceAck = ReturnType<typeof createInvoiceAck>;
