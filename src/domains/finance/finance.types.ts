import { z } from 'zod';
import { amountMinorSchema, codeSchema, currencySchema, idSchema, lineNumberSchema, positiveQuantitySchema, skuSchema, timestampSchema } from '../shared/index.ts';

/** The money of a billing document: priced lines and their total, in minor units. */
interface PricedLines {
  lines: ReadonlyArray<{ quantity: number; unitPriceMinor: number; amountMinor: number }>;
  totalMinor: number;
}

/**
 * The arithmetic invoices and credit memos both keep: each line's amount is its quantity at its unit
 * price, and the total is the sum of the line amounts. Both services parse a new document with its
 * schema before storing it, so one that does not add up fails rather than being written.
 */
const amountsAddUp = [
  z.refine<PricedLines>((d) => d.lines.every((l) => l.amountMinor === l.quantity * l.unitPriceMinor), {
    message: 'each line amount must equal quantity × unit price',
    path: ['lines'],
  }),
  z.refine<PricedLines>((d) => d.totalMinor === d.lines.reduce((sum, l) => sum + l.amountMinor, 0), {
    message: 'total must equal the sum of line amounts',
    path: ['totalMinor'],
  }),
];

const invoiceLineSchema = z
  .object({
    lineNumber: lineNumberSchema,
    sku: skuSchema,
    quantity: positiveQuantitySchema.describe('Shipped base units: an invoice never bills what did not ship'),
    unitPriceMinor: amountMinorSchema.min(0),
    amountMinor: amountMinorSchema,
  })
  .strict();

/**
 * What the ERP said about an invoice, its newest acknowledgement: whether it booked it and at what
 * amount, and whether that agrees with ours. `settlement` records a person accepting the ERP's amount.
 */
export const invoiceErpStatusSchema = z
  .object({
    status: z.enum(['accepted', 'rejected']).describe("The ERP's answer"),
    amountMinor: amountMinorSchema.nullable().describe('The amount the ERP booked; null when it did not say (an acceptance at our amount) or rejected'),
    differenceMinor: amountMinorSchema.describe("The ERP's amount minus ours; 0 when it agrees or did not say"),
    agrees: z.boolean().describe('Accepted at our amount'),
    reason: z.string().nullable(),
    ackId: z.string(),
    acknowledgedAt: timestampSchema,
    settlement: z
      .object({ amountMinor: amountMinorSchema, reason: z.string(), by: z.string(), at: timestampSchema })
      .strict()
      .nullable()
      .describe("A person accepted the ERP's amount as what the customer owes"),
  })
  .strict();
export type InvoiceErpStatus = z.infer<typeof invoiceErpStatusSchema>;

export const invoiceSchema = z
  .object({
    id: idSchema,
    invoiceNumber: z.string().min(1).max(32),
    orderId: idSchema,
    shipmentIds: z
      .array(idSchema)
      .describe('The shipments this invoice bills, as far as invoicing has been told of them; a manual run before their events arrive may name none'),
    customerCode: codeSchema,
    currency: currencySchema,
    lines: z.array(invoiceLineSchema).min(1),
    totalMinor: amountMinorSchema,
    issuedAt: timestampSchema,
    state: z.enum(['issued', 'sent', 'acknowledged', 'paid', 'void']),
    erp: invoiceErpStatusSchema.optional().describe("The ERP's newest acknowledgement; absent until one arrives"),
  })
  .strict()
  .check(...amountsAddUp);
export type Invoice = z.infer<typeof invoiceSchema>;

const creditMemoLineSchema = z
  .object({
    lineNumber: lineNumberSchema.describe('The order line the goods were shipped and returned on'),
    sku: skuSchema,
    quantity: positiveQuantitySchema.describe('Base units received back under the RMA'),
    unitPriceMinor: amountMinorSchema.min(0),
    amountMinor: amountMinorSchema,
  })
  .strict();

/** A credit for goods returned under one RMA: one per return, for what came back at the order's prices. */
export const creditMemoSchema = z
  .object({
    id: idSchema,
    returnId: idSchema,
    rmaNumber: z.string().min(1).max(32),
    orderId: idSchema,
    invoiceId: idSchema.optional(),
    customerCode: codeSchema,
    currency: currencySchema,
    lines: z.array(creditMemoLineSchema).min(1),
    totalMinor: amountMinorSchema.min(0),
    issuedAt: timestampSchema,
  })
  .strict()
  .check(...amountsAddUp);
export type CreditMemo = z.infer<typeof creditMemoSchema>;
