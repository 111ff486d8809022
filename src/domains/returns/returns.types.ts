import { z } from 'zod';
import {
  amountMinorSchema,
  codeSchema,
  currencySchema,
  idSchema,
  lineNumberSchema,
  positiveQuantitySchema,
  quantitySchema,
  skuSchema,
  timestampSchema,
  uniqueLineNumbers,
} from '../shared/index.ts';
import type { CreditMemo } from '../finance/index.ts';

/**
 * RMA states (DESIGN §5 step 6). A refused request never becomes an RMA, so there is no `rejected`
 * state: the caller gets the refusal as an answer and nothing is stored.
 */
export const returnStates = ['authorized', 'received', 'inspected', 'disposed', 'credited', 'expired'] as const;
export const returnStateSchema = z.enum(returnStates);
export type ReturnState = (typeof returnStates)[number];

/** Where inspected units go: back to sellable stock, destroyed, or back to the supplier. */
export const dispositions = ['restock', 'scrap', 'vendor_return'] as const;
export const dispositionSchema = z.enum(dispositions);
export type Disposition = (typeof dispositions)[number];

/** The reason code format of the returns policy (upper-case, such as DAMAGED). */
export const returnReasonCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case code such as DAMAGED');

const returnDispositionSchema = z
  .object({ disposition: dispositionSchema, quantity: positiveQuantitySchema, disposedAt: timestampSchema })
  .strict();

export const returnLineSchema = z
  .object({
    lineNumber: lineNumberSchema.describe('The order line the goods were shipped on'),
    sku: skuSchema,
    quantity: positiveQuantitySchema.describe('Base units authorised to come back'),
    reasonCode: returnReasonCodeSchema,
    unitPriceMinor: amountMinorSchema.min(0).describe("The order line's price per base unit, credited per unit received"),
    receivedQuantity: quantitySchema,
    dispositions: z.array(returnDispositionSchema).describe('What was decided for the received units, in the order it was decided'),
  })
  .strict();
export type ReturnLine = z.infer<typeof returnLineSchema>;

/** An RMA: authorised within a window, received (into quarantine when inspection is required), disposed, credited. */
export const returnAuthorizationSchema = z
  .object({
    id: idSchema,
    rmaNumber: z.string().min(1).max(32),
    orderId: idSchema,
    partnerCode: codeSchema.optional(),
    customerCode: codeSchema,
    currency: currencySchema,
    locationCode: codeSchema.describe('Where the goods come back to'),
    state: returnStateSchema,
    inspectionRequired: z.boolean().describe('From the returns policy at authorisation: received units wait in quarantine for a disposition'),
    policyVersion: z.number().int().min(0).describe('Version of the returns policy the RMA was authorised under'),
    lines: z.array(returnLineSchema).min(1),
    receiptNumber: z.string().min(1).max(64).optional().describe("The warehouse's receipt number; one receipt per RMA"),
    creditMemoId: idSchema.optional(),
    authorizedAt: timestampSchema,
    expiresAt: timestampSchema.describe('Unless goods are received by then, the RMA expires'),
    receivedAt: timestampSchema.optional(),
    disposedAt: timestampSchema.optional(),
    creditedAt: timestampSchema.optional(),
    expiredAt: timestampSchema.optional(),
    updatedAt: timestampSchema,
    version: z.number().int().min(1),
  })
  .strict();
export type ReturnAuthorization = z.infer<typeof returnAuthorizationSchema>;

/** `POST /v1/returns`: which shipped order lines come back, how many and why. */
export const authorizeReturnSchema = z
  .object({
    orderId: idSchema,
    locationCode: codeSchema.optional().describe('Where the goods come back to; by default the location that shipped the most recent of these lines'),
    lines: z
      .array(z.object({ lineNumber: lineNumberSchema, quantity: positiveQuantitySchema, reasonCode: returnReasonCodeSchema }).strict())
      .min(1)
      .max(5000)
      .refine(uniqueLineNumbers, 'line numbers must be unique'),
  })
  .strict();
export type AuthorizeReturnInput = z.infer<typeof authorizeReturnSchema>;

/** `POST /v1/returns/:id/receipt`: what the warehouse counted in; lines left out came back with nothing. */
export const returnReceiptSchema = z
  .object({
    receiptNumber: z.string().trim().min(1).max(64).describe("The warehouse's receipt number; the same number again answers exists"),
    lines: z
      .array(z.object({ lineNumber: lineNumberSchema, quantity: positiveQuantitySchema }).strict())
      .min(1)
      .max(5000)
      .refine(uniqueLineNumbers, 'line numbers must be unique'),
  })
  .strict();
export type ReturnReceiptInput = z.infer<typeof returnReceiptSchema>;

/** `POST /v1/returns/:id/disposition`: what happens to received units; a line may be split over dispositions. */
export const returnDispositionInputSchema = z
  .object({
    lines: z
      .array(
        z
          .object({
            lineNumber: lineNumberSchema,
            disposition: dispositionSchema,
            quantity: positiveQuantitySchema.optional().describe('By default every received unit of the line not yet disposed'),
          })
          .strict(),
      )
      .min(1)
      .max(5000),
  })
  .strict();
export type ReturnDispositionInput = z.infer<typeof returnDispositionInputSchema>;

/** Timer kind that expires an RMA nothing was received for. */
export const RETURN_EXPIRY_TIMER = 'return.expiry';
export const returnExpiryTimerKey = (returnId: string) => `return-expiry:${returnId}`;

/** What the returns commands answer: the RMA as it now is, and its credit memo once issued. */
export interface ReturnCommandResult {
  result: 'authorized' | 'received' | 'exists' | 'inspected' | 'credited';
  return: ReturnAuthorization;
  creditMemo?: CreditMemo;
}

export const returnExpiryTimerPayloadSchema = z.object({ returnId: idSchema }).strict();
