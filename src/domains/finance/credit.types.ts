import { z } from 'zod';
import { amountMinorSchema, timestampSchema } from '../shared/index.ts';

/**
 * A customer's credit position as the ERP (or finance) reports it: open receivables are absolute
 * figures as of `asOf`, so the newest report wins and an older one arriving late is stale.
 */
export const creditUpdateSchema = z
  .object({
    openReceivablesMinor: amountMinorSchema.describe('Open receivables as of asOf, in minor units; negative when the customer has unapplied credit'),
    creditLimitMinor: amountMinorSchema.min(0).optional().describe('A new credit limit, when it changed'),
    erpCreditHold: z.boolean().optional().describe("The ERP's own credit hold flag, when the sender keeps one"),
    asOf: timestampSchema.describe('When these figures were true in the sending system; an update older than the newest applied is stale'),
    reference: z.string().trim().min(1).max(128).describe('The payment or update id in the sending system; a reference takes effect once'),
  })
  .strict();
export type CreditUpdate = z.infer<typeof creditUpdateSchema>;

/**
 * How one of Crossdock's own documents moves a customer's open receivables: an invoice raises them
 * by its total, a credit memo lowers them by its total. The ERP's next figure replaces the sum once
 * it is as of a time after the document was issued.
 */
export interface ReceivableAdjustment {
  documentType: 'invoice' | 'credit_memo';
  documentId: string;
  customerCode: string;
  /** Signed minor units: positive for an invoice, negative for a credit memo. */
  amountMinor: number;
  currency: string;
  /** When the document was issued, on the hub's clock. */
  occurredAtMs: number;
}
