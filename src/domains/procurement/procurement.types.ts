import { z } from 'zod';
import { amountMinorSchema, codeSchema, currencySchema, dateSchema, idSchema, lineNumberSchema, positiveQuantitySchema, quantitySchema, skuSchema, timestampSchema, uniqueLineNumbers } from '../shared/index.ts';

export const purchaseOrderStates = ['proposed', 'sent', 'acknowledged', 'shipped', 'partially_received', 'received', 'cancelled'] as const;
export type PurchaseOrderState = (typeof purchaseOrderStates)[number];
/** States in which a purchase order still brings supply: it counts as inbound for replenishment. */
export const openPurchaseOrderStates = ['proposed', 'sent', 'acknowledged', 'shipped', 'partially_received'] as const satisfies readonly PurchaseOrderState[];

export const poNumberSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9._-]+$/, 'use 1–32 letters, digits, dot, underscore or hyphen');

/** One receipt against a purchase order; its number takes effect once (a warehouse's 944 or a receiving screen). */
export const receiptSchema = z
  .object({
    receiptNumber: z.string().min(1).max(64),
    receivedAt: timestampSchema,
    lines: z.array(z.object({ lineNumber: lineNumberSchema, quantity: positiveQuantitySchema }).strict()),
  })
  .strict();

export const purchaseOrderLineSchema = z
  .object({
    lineNumber: lineNumberSchema,
    sku: skuSchema,
    quantity: positiveQuantitySchema.describe('Units ordered'),
    acknowledgedQuantity: quantitySchema.optional().describe('Units the supplier confirmed (855); when set, what is expected instead of quantity'),
    receivedQuantity: quantitySchema,
    unitCostMinor: amountMinorSchema.min(0),
  })
  .strict();
export type PurchaseOrderLine = z.infer<typeof purchaseOrderLineSchema>;

/** Inbound supply from a supplier; once shipped, its expected date feeds ATP by date. */
export const purchaseOrderSchema = z
  .object({
    id: idSchema,
    poNumber: poNumberSchema,
    supplierCode: codeSchema,
    locationCode: codeSchema.describe('Where the goods will be received'),
    currency: currencySchema,
    state: z.enum(purchaseOrderStates),
    lines: z.array(purchaseOrderLineSchema).min(1).refine(uniqueLineNumbers, 'line numbers must be unique'),
    expectedDate: dateSchema.describe('When the goods are expected at the location'),
    origin: z.enum(['replenishment', 'manual']).describe('Proposed by a replenishment run, or entered by a person or system'),
    reason: z.string().max(500).optional().describe('Why it was proposed: backorders, reorder point, min/max'),
    receipts: z.array(receiptSchema).describe('Receipts taken so far, oldest first'),
    cancelReason: z.string().max(500).optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    version: z.number().int().min(1),
  })
  .strict();
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;

export const transferStates = ['proposed', 'released', 'in_transit', 'received', 'cancelled'] as const;
export type TransferState = (typeof transferStates)[number];
export const openTransferStates = ['proposed', 'released', 'in_transit'] as const satisfies readonly TransferState[];

/** Stock moved between our own locations; in transit it is supply for the destination by date. */
export const transferSchema = z
  .object({
    id: idSchema,
    fromLocationCode: codeSchema,
    toLocationCode: codeSchema,
    state: z.enum(transferStates),
    orderId: idSchema.optional().describe('The customer order sourcing chose this transfer for; absent when replenishment proposed it'),
    lines: z
      .array(
        z
          .object({
            lineNumber: lineNumberSchema,
            sku: skuSchema,
            quantity: positiveQuantitySchema,
            receivedQuantity: quantitySchema,
            orderLineNumber: lineNumberSchema.optional().describe("The order's line the units are for, when the transfer serves an order"),
            reservationId: idSchema.optional().describe('The reservation holding the units at the origin from release until they leave'),
          })
          .strict(),
      )
      .min(1)
      .refine(uniqueLineNumbers, 'line numbers must be unique'),
    expectedArrivalAt: timestampSchema,
    reason: z.string().max(500).optional(),
    receiptNumber: z.string().min(1).max(64).optional().describe('The receipt that closed the transfer'),
    cancelReason: z.string().max(500).optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    version: z.number().int().min(1),
  })
  .strict()
  .refine((t) => t.fromLocationCode !== t.toLocationCode, { message: 'a transfer needs two different locations', path: ['toLocationCode'] });
export type Transfer = z.infer<typeof transferSchema>;

// ---------------------------------------------------------------- replenishment parameters

export const replenishmentMethods = ['reorder_point', 'min_max'] as const;

const supplierCodeField = codeSchema.optional().describe('Who a purchase order for this SKU at this location goes to');

/** What a planner sets per SKU × location; the run compares projected stock against it. */
export const replenishmentParametersBodySchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('reorder_point'),
      reorderPoint: quantitySchema.describe('Order when projected stock falls to this or below'),
      reorderQuantity: positiveQuantitySchema.describe('Units ordered each time (more when that would not lift projected stock above the point)'),
      supplierCode: supplierCodeField,
    })
    .strict(),
  z
    .object({
      method: z.literal('min_max'),
      min: quantitySchema.describe('Order when projected stock falls below this'),
      max: positiveQuantitySchema.describe('Order up to this'),
      supplierCode: supplierCodeField,
    })
    .strict()
    .refine((p) => p.min <= p.max, { message: 'min must not exceed max', path: ['min'] }),
]);
export type ReplenishmentParametersInput = z.infer<typeof replenishmentParametersBodySchema>;

export const replenishmentParametersSchema = z.object({
  sku: z.string(),
  locationCode: z.string(),
  method: z.enum(replenishmentMethods),
  reorderPoint: z.number().int().nullable(),
  reorderQuantity: z.number().int().nullable(),
  min: z.number().int().nullable(),
  max: z.number().int().nullable(),
  supplierCode: z.string().nullable(),
  version: z.number().int().min(1).describe('Grows by one with every change; decisions record it'),
  updatedAt: z.string(),
});
export type ReplenishmentParameters = z.infer<typeof replenishmentParametersSchema>;

export const parametersParamsSchema = z.object({ sku: codeSchema, locationCode: codeSchema });

export const parametersQuerySchema = z
  .object({
    sku: codeSchema.optional(),
    locationCode: codeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();

// ---------------------------------------------------------------- commands

export const idParamsSchema = z.object({ id: idSchema });

export const createPurchaseOrderBodySchema = z
  .object({
    poNumber: poNumberSchema.optional().describe('The number the ERP gave it; one is made when absent. The same number again answers exists'),
    supplierCode: codeSchema,
    locationCode: codeSchema,
    currency: currencySchema.optional().describe("Defaults to the supplier's currency"),
    expectedDate: dateSchema.optional().describe("Defaults to today plus the supplier's mean lead time"),
    reason: z.string().max(500).optional(),
    lines: z
      .array(
        z
          .object({
            lineNumber: lineNumberSchema,
            sku: skuSchema,
            quantity: positiveQuantitySchema,
            unitCostMinor: amountMinorSchema.min(0).optional().describe("Defaults to the item's cost"),
          })
          .strict(),
      )
      .min(1)
      .max(1_000)
      .refine(uniqueLineNumbers, 'line numbers must be unique'),
  })
  .strict();
export type CreatePurchaseOrderInput = z.infer<typeof createPurchaseOrderBodySchema>;

const lineQuantitiesSchema = (what: string) =>
  z
    .array(z.object({ lineNumber: lineNumberSchema, quantity: quantitySchema }).strict())
    .min(1)
    .max(1_000)
    .refine(uniqueLineNumbers, 'line numbers must be unique')
    .describe(what);

export const acknowledgeBodySchema = z
  .object({
    expectedDate: dateSchema.optional().describe('The date the supplier confirms'),
    lines: lineQuantitiesSchema('Quantities the supplier confirms per line; lines not listed are confirmed as ordered').optional(),
  })
  .strict();
export type AcknowledgeInput = z.infer<typeof acknowledgeBodySchema>;

export const shipBodySchema = z.object({ expectedDate: dateSchema.describe('When the shipment is expected at the location (an 856)') }).strict();

export const receiveBodySchema = z
  .object({
    receiptNumber: z.string().trim().min(1).max(64).describe('The receipt’s own number; the same number again changes nothing'),
    lines: z
      .array(z.object({ lineNumber: lineNumberSchema, quantity: positiveQuantitySchema }).strict())
      .min(1)
      .max(1_000)
      .refine(uniqueLineNumbers, 'line numbers must be unique'),
  })
  .strict();
export type ReceiveInput = z.infer<typeof receiveBodySchema>;

export const cancelBodySchema = z.object({ reason: z.string().max(500).optional() }).strict();

export const transferShipBodySchema = z.object({ expectedArrivalAt: timestampSchema.optional().describe('Defaults to the arrival planned when it was proposed') }).strict();

export const transferReceiveBodySchema = z
  .object({
    receiptNumber: z.string().trim().min(1).max(64),
    lines: lineQuantitiesSchema('Units that arrived per line; without it everything shipped arrived. What is not listed did not arrive').optional(),
  })
  .strict();
export type TransferReceiveInput = z.infer<typeof transferReceiveBodySchema>;

export const purchaseOrderQuerySchema = z
  .object({
    state: z.enum(purchaseOrderStates).optional(),
    supplierCode: codeSchema.optional(),
    locationCode: codeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type PurchaseOrderQuery = z.infer<typeof purchaseOrderQuerySchema>;

export const transferQuerySchema = z
  .object({
    state: z.enum(transferStates).optional(),
    fromLocationCode: codeSchema.optional(),
    toLocationCode: codeSchema.optional(),
    orderId: idSchema.optional().describe('Only transfers sourcing chose for this order'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type TransferQuery = z.infer<typeof transferQuerySchema>;

/** A lifecycle step's answer: `unchanged` when the step had already been taken (a repeat is harmless). */
export const stepResults = ['changed', 'unchanged'] as const;
