import { z } from 'zod';
import { codeSchema, idSchema, lineNumberSchema, positiveQuantitySchema, quantitySchema, skuSchema, timestampSchema } from '../shared/index.ts';

export const returnStates = ['authorized', 'received', 'inspected', 'disposed', 'credited', 'rejected', 'expired'] as const;
export const dispositions = ['restock', 'scrap', 'vendor_return'] as const;

/** An RMA: authorised within a window, received into quarantine, inspected, disposed, credited. */
export const returnAuthorizationSchema = z
  .object({
    id: idSchema,
    rmaNumber: z.string().min(1).max(32),
    orderId: idSchema,
    customerCode: codeSchema,
    locationCode: codeSchema.describe('Where the goods come back to'),
    state: z.enum(returnStates),
    lines: z
      .array(
        z
          .object({
            lineNumber: lineNumberSchema,
            sku: skuSchema,
            quantity: positiveQuantitySchema,
            reasonCode: z.string().min(1).max(64),
            receivedQuantity: quantitySchema,
            disposition: z.enum(dispositions).optional(),
          })
          .strict(),
      )
      .min(1),
    authorizedAt: timestampSchema,
    expiresAt: timestampSchema,
  })
  .strict();
export type ReturnAuthorization = z.infer<typeof returnAuthorizationSchema>;
