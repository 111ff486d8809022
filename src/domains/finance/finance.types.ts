import { z } from 'zod';
import { amountMinorSchema, codeSchema, currencySchema, idSchema, lineNumberSchema, positiveQuantitySchema, skuSchema, timestampSchema } from '../shared/index.ts';

const invoiceLineSchema = z
  .object({
    lineNumber: lineNumberSchema,
    sku: skuSchema,
    quantity: positiveQuantitySchema.describe('Shipped base units: an invoice never bills what did not ship'),
    unitPriceMinor: amountMinorSchema.min(0),
    amountMinor: amountMinorSchema,
  })
  .strict();

export const invoiceSchema = z
  .object({
    id: idSchema,
    invoiceNumber: z.string().min(1).max(32),
    orderId: idSchema,
    shipmentIds: z.array(idSchema).min(1),
    customerCode: codeSchema,
    currency: currencySchema,
    lines: z.array(invoiceLineSchema).min(1),
    totalMinor: amountMinorSchema,
    issuedAt: timestampSchema,
    state: z.enum(['issued', 'sent', 'acknowledged', 'paid', 'void']),
  })
  .strict()
  .refine((i) => i.lines.every((l) => l.amountMinor === l.quantity * l.unitPriceMinor), {
    message: 'each line amount must equal quantity × unit price',
    path: ['lines'],
  })
  .refine((i) => i.totalMinor === i.lines.reduce((sum, l) => sum + l.amountMinor, 0), {
    message: 'total must equal the sum of line amounts',
    path: ['totalMinor'],
  });
export type Invoice = z.infer<typeof invoiceSchema>;

export const creditMemoSchema = z
  .object({
    id: idSchema,
    returnId: idSchema,
    invoiceId: idSchema.optional(),
    customerCode: codeSchema,
    currency: currencySchema,
    totalMinor: amountMinorSchema.min(0),
    issuedAt: timestampSchema,
  })
  .strict();
export type CreditMemo = z.infer<typeof creditMemoSchema>;
