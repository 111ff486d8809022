import type { Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { CreditMemo, Invoice, ReceivableAdjustment, ReceivablesService } from '../domains/finance/index.ts';

export interface CustomerReceivablesDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  outbox: OutboxService;
  receivables: ReceivablesService;
}

export type AdjustmentOutcome =
  /** The customer's open receivables moved by the document's amount. */
  | 'counted'
  /** A credit update as of a later time already includes the document: the figure stays. */
  | 'covered'
  /** The document was counted before (a redelivered event). */
  | 'duplicate';

export const RECEIVABLES_ADJUSTED = 'crossdock.customer.receivables_adjusted';
const VERSION_RETRIES = 5;

export const adjustmentOfInvoice = (invoice: Invoice): ReceivableAdjustment => ({
  documentType: 'invoice',
  documentId: invoice.id,
  customerCode: invoice.customerCode,
  amountMinor: invoice.totalMinor,
  currency: invoice.currency,
  occurredAtMs: Date.parse(invoice.issuedAt),
});

export const adjustmentOfCreditMemo = (memo: CreditMemo): ReceivableAdjustment => ({
  documentType: 'credit_memo',
  documentId: memo.id,
  customerCode: memo.customerCode,
  amountMinor: -memo.totalMinor,
  currency: memo.currency,
  occurredAtMs: Date.parse(memo.issuedAt),
});

/**
 * Issued invoices raise, and credit memos lower, a customer's open receivables in master data, so
 * intake's credit check and the credit review see them before the ERP reports again (DESIGN §5.2).
 * Each document counts once; the change and its announcement commit together, and the announcement
 * sends the customer's credit holds to review — a memo can make room for a held order.
 */
export function createCustomerReceivables(deps: CustomerReceivablesDeps) {
  async function adjust(adjustment: ReceivableAdjustment): Promise<AdjustmentOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.db.transaction().execute(async (tx): Promise<AdjustmentOutcome> => {
          // The customer first: a credit update written after this read changes its version, so the
          // write below fails and the attempt starts again instead of adding to the ERP's new figure.
          const customer = (await deps.catalog.customers.getMany([adjustment.customerCode], tx)).get(adjustment.customerCode);
          invariant(customer, `${adjustment.documentType} ${adjustment.documentId} names customer ${adjustment.customerCode}, which does not exist`);
          const recorded = await deps.receivables.recordIn(tx, adjustment, deps.clock.now());
          if (recorded.result === 'duplicate') return 'duplicate';
          if (!recorded.counted) return 'covered';
          const { version, createdAt: _createdAt, updatedAt: _updatedAt, ...document } = customer;
          const openReceivablesMinor = customer.openReceivablesMinor + adjustment.amountMinor;
          await deps.catalog.customers.update(adjustment.customerCode, { ...document, openReceivablesMinor }, { expectedVersion: version, executor: tx });
          await deps.outbox.append(tx, {
            source: '/crossdock/finance',
            type: RECEIVABLES_ADJUSTED,
            subject: `customer:${adjustment.customerCode}`,
            data: { customerCode: adjustment.customerCode, documentType: adjustment.documentType, documentId: adjustment.documentId, amountMinor: adjustment.amountMinor, currency: adjustment.currency, openReceivablesMinor },
          });
          return 'counted';
        });
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'version_conflict') || attempt >= VERSION_RETRIES) throw error;
      }
    }
  }

  return { adjust };
}

export type CustomerReceivables = ReturnType<typeof createCustomerReceivables>;
