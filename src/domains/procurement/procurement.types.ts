import { z } from 'zod';
import { amountMinorSchema, codeSchema, currencySchema, dateSchema, idSchema, lineNumberSchema, positiveQuantitySchema, quantitySchema, skuSchema, timestampSchema } from '../shared/index.ts';

export const purchaseOrderStates = ['proposed', 'sent', 'acknowledged', 'shipped', 'partially_received', 'received', 'cancelled'] as const;

/** Inbound supply from a supplier; its expected date feeds ATP by date. */
export const purchaseOrderSchema = z
  .object({
    id: idSchema,
    poNumber: z.string().min(1).max(32),
    supplierCode: codeSchema,
    locationCode: codeSchema,
    currency: currencySchema,
    state: z.enum(purchaseOrderStates),
    lines: z
      .array(
        z
          .object({
            lineNumber: lineNumberSchema,
            sku: skuSchema,
            quantity: positiveQuantitySchema,
            receivedQuantity: quantitySchema,
            unitCostMinor: amountMinorSchema.min(0),
          })
          .strict(),
      )
      .min(1),
    expectedDate: dateSchema,
    createdAt: timestampSchema,
    reason: z.string().max(500).optional().describe('Why it was proposed: backorders, reorder point, min/max'),
  })
  .strict();
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;

export const transferStates = ['proposed', 'released', 'in_transit', 'received', 'cancelled'] as const;

/** Stock moved between our own locations; in transit it is supply for the destination by date. */
export const transferSchema = z
  .object({
    id: idSchema,
    fromLocationCode: codeSchema,
    toLocationCode: codeSchema,
    state: z.enum(transferStates),
    lines: z
      .array(
        z
          .object({ lineNumber: lineNumberSchema, sku: skuSchema, quantity: positiveQuantitySchema, receivedQuantity: quantitySchema })
          .strict(),
      )
      .min(1),
    expectedArrivalAt: timestampSchema,
    createdAt: timestampSchema,
  })
  .strict()
  .refine((t) => t.fromLocationCode !== t.toLocationCode, { message: 'a transfer needs two different locations', path: ['toLocationCode'] });
export type Transfer = z.infer<typeof transferSchema>;
