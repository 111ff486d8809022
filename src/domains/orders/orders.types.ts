import { z } from 'zod';
import { roleSchema } from '../../platform/auth/roles.ts';
import {
  amountMinorSchema,
  codeSchema,
  currencySchema,
  dateSchema,
  idSchema,
  lineNumberSchema,
  positiveQuantitySchema,
  quantitySchema,
  skuSchema,
  timeZoneSchema,
  timestampSchema,
  unitCodeSchema,
} from '../shared/index.ts';

/** Header states of DESIGN §5; the transitions table between them comes with the lifecycle. */
export const orderStates = [
  'received',
  'validated',
  'allocated',
  'partially_allocated',
  'backordered',
  'released',
  'partially_shipped',
  'shipped',
  'invoiced',
  'closed',
  'cancelled',
] as const;
export const orderStateSchema = z.enum(orderStates);

export const lineStates = [
  'open',
  'allocated',
  'partially_allocated',
  'backordered',
  'released',
  'partially_shipped',
  'shipped',
  'invoiced',
  'closed',
  'cancelled',
] as const;
export const lineStateSchema = z.enum(lineStates);

export const holdTypes = ['credit', 'substitution', 'pricing', 'compliance'] as const;
export const holdTypeSchema = z.enum(holdTypes);
export type HoldType = (typeof holdTypes)[number];

/** A hold is a state with an owner and a clock, not a flag: it resolves once, by a person or a rule. */
export const holdSchema = z
  .object({
    id: idSchema,
    type: holdTypeSchema,
    lineNumber: lineNumberSchema.optional().describe('Absent when the hold is on the whole order'),
    ownerRole: roleSchema,
    reasonCode: z.string().min(1),
    reason: z.string(),
    placedAt: timestampSchema,
    slaDueAt: timestampSchema,
    resolvedAt: timestampSchema.optional(),
    resolution: z.enum(['released', 'rejected', 'expired']).optional(),
    resolvedBy: z.string().optional(),
  })
  .strict();
export type Hold = z.infer<typeof holdSchema>;

/** Where the order should go: a customer ship-to code, or a one-off address. */
export const addressSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    line1: z.string().min(1).max(200),
    line2: z.string().max(200).optional(),
    city: z.string().min(1).max(100),
    region: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US'),
    timezone: timeZoneSchema.optional().describe('IANA time zone of the address, such as America/Los_Angeles: its promise date ends at midnight there'),
  })
  .strict();

/**
 * A line as a channel sends it: the item may be named by our SKU, a GTIN or the partner's own item
 * number, in any unit the item knows. Intake resolves it to a SKU and base units.
 */
export const orderIntakeLineSchema = z
  .object({
    lineNumber: lineNumberSchema,
    sku: skuSchema.optional(),
    gtin: z.string().regex(/^\d{8}$|^\d{12,14}$/, 'a GTIN of 8, 12, 13 or 14 digits').optional(),
    partnerItem: z.string().min(1).max(64).optional(),
    quantity: positiveQuantitySchema.describe('In the unit given by `unit`'),
    unit: unitCodeSchema.default('EA'),
    unitPriceMinor: amountMinorSchema.min(0).optional().describe('The price the customer expects, checked against contract'),
    requestedDate: dateSchema.optional(),
  })
  .strict()
  .refine((l) => l.sku !== undefined || l.gtin !== undefined || l.partnerItem !== undefined, {
    message: 'a line needs one of sku, gtin or partnerItem',
    path: ['sku'],
  });

/** The canonical inbound order, the same for EDI 850, CSV, REST and webhooks. */
export const orderIntakeSchema = z
  .object({
    channel: codeSchema,
    partnerCode: codeSchema.optional(),
    externalOrderNumber: z.string().trim().min(1).max(64).describe('The sender’s order number; dedupe key with channel or partner'),
    customerCode: codeSchema,
    customerPo: z.string().trim().max(64).optional(),
    shipToCode: codeSchema.optional(),
    shipToAddress: addressSchema.optional(),
    currency: currencySchema.default('USD'),
    requestedDeliveryDate: dateSchema.optional(),
    shipComplete: z.boolean().optional(),
    notes: z.string().max(2000).optional(),
    lines: z.array(orderIntakeLineSchema).min(1).max(5000),
  })
  .strict()
  .refine((o) => o.shipToCode !== undefined || o.shipToAddress !== undefined, {
    message: 'an order needs shipToCode or shipToAddress',
    path: ['shipToCode'],
  })
  .refine((o) => new Set(o.lines.map((l) => l.lineNumber)).size === o.lines.length, {
    message: 'line numbers must be unique',
    path: ['lines'],
  });
export type OrderIntake = z.infer<typeof orderIntakeSchema>;

/**
 * Units of a line on their way between our locations (a transfer sourcing chose): they count as
 * allocated, but the line is not released from `toLocationCode` until they arrive there.
 */
export const lineTransferSchema = z
  .object({
    transferId: idSchema,
    fromLocationCode: codeSchema,
    toLocationCode: codeSchema,
    quantity: positiveQuantitySchema,
  })
  .strict();
export type LineTransfer = z.infer<typeof lineTransferSchema>;

/** Quantities per line keep I7 checkable: shipped ≤ allocated ≤ ordered, invoiced = shipped. */
export const orderLineSchema = z
  .object({
    lineNumber: lineNumberSchema,
    sku: skuSchema,
    orderedUnit: unitCodeSchema,
    orderedUnitQuantity: positiveQuantitySchema,
    orderedQuantity: positiveQuantitySchema.describe('Base units'),
    allocatedQuantity: quantitySchema,
    backorderedQuantity: quantitySchema,
    shippedQuantity: quantitySchema,
    invoicedQuantity: quantitySchema,
    cancelledQuantity: quantitySchema,
    unitPriceMinor: amountMinorSchema.min(0),
    state: lineStateSchema,
    substituteForSku: skuSchema.optional(),
    requestedDate: dateSchema.optional(),
    promiseDate: dateSchema.optional(),
    transfers: z.array(lineTransferSchema).optional().describe('Allocated units still on their way to the location the line ships from'),
  })
  .strict();
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderSchema = z
  .object({
    id: idSchema,
    channel: codeSchema,
    partnerCode: codeSchema.optional(),
    externalOrderNumber: z.string(),
    customerCode: codeSchema,
    customerPo: z.string().optional(),
    shipToCode: codeSchema.optional(),
    shipToAddress: addressSchema.optional(),
    currency: currencySchema,
    state: orderStateSchema,
    lines: z.array(orderLineSchema).min(1),
    holds: z.array(holdSchema),
    requestedDeliveryDate: dateSchema.optional(),
    promiseDate: dateSchema.optional(),
    receivedAt: timestampSchema,
    updatedAt: timestampSchema,
    version: z.number().int().min(1),
  })
  .strict();
export type Order = z.infer<typeof orderSchema>;
