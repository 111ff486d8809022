import { z } from 'zod';
import { codeSchema, idSchema, lineNumberSchema, positiveQuantitySchema, skuSchema, timestampSchema } from '../shared/index.ts';

const fulfillmentLineSchema = z
  .object({ lineNumber: lineNumberSchema, sku: skuSchema, quantity: positiveQuantitySchema })
  .strict();

/** A release: allocated lines sent to one warehouse for picking (a 940 or an API call). */
export const fulfillmentRequestSchema = z
  .object({
    id: idSchema,
    orderId: idSchema,
    locationCode: codeSchema,
    state: z.enum(['pending', 'sent', 'acknowledged', 'shipped', 'cancelled']),
    lines: z.array(fulfillmentLineSchema).min(1),
    releasedAt: timestampSchema,
    shipByAt: timestampSchema.optional(),
  })
  .strict();
export type FulfillmentRequest = z.infer<typeof fulfillmentRequestSchema>;

export const carrierMilestoneTypes = ['departed', 'in_transit', 'delivered', 'delayed', 'exception'] as const;
export type CarrierMilestoneType = (typeof carrierMilestoneTypes)[number];

export const carrierMilestoneSchema = z
  .object({
    type: z.enum(carrierMilestoneTypes),
    occurredAt: timestampSchema,
    detail: z.string().max(500).optional(),
    estimatedDeliveryAt: timestampSchema.optional().describe("The carrier's new delivery estimate, with a delay"),
  })
  .strict();
export type CarrierMilestone = z.infer<typeof carrierMilestoneSchema>;

export const shortShipHandlings = ['resource', 'backorder', 'cancel'] as const;

/** A confirmed shipment from one warehouse, against one fulfillment request (a 945, an 856 or an API call). */
export const shipmentSchema = z
  .object({
    id: idSchema,
    orderId: idSchema,
    fulfillmentRequestId: idSchema.optional(),
    locationCode: codeSchema,
    shipmentNumber: z.string().trim().min(1).max(64).describe("The warehouse's own shipment number; unique per location, the dedupe key"),
    carrierScac: z.string().regex(/^[A-Z]{2,4}$/).optional(),
    serviceCode: z.string().max(32).optional(),
    trackingNumber: z.string().max(64).optional(),
    shippedAt: timestampSchema,
    confirmedAt: timestampSchema.describe('When the hub recorded the confirmation'),
    lines: z.array(fulfillmentLineSchema).describe('Units shipped per line; empty when the warehouse shipped nothing of the request'),
    shortShipped: z
      .array(
        z
          .object({ lineNumber: lineNumberSchema, sku: skuSchema, quantity: positiveQuantitySchema, handling: z.enum(shortShipHandlings) })
          .strict(),
      )
      .describe('Released units the warehouse did not ship, and what the short-ship policy did with them'),
    milestones: z.array(carrierMilestoneSchema),
  })
  .strict();
export type Shipment = z.infer<typeof shipmentSchema>;

/**
 * A warehouse's confirmation of one fulfillment request, as the API and connectors deliver it: the
 * units shipped per line. Lines left out shipped nothing, so an empty list says the warehouse could
 * ship none of the request.
 */
export const shipmentConfirmationSchema = z
  .object({
    fulfillmentRequestId: idSchema,
    shipmentNumber: z.string().trim().min(1).max(64).describe("The warehouse's own shipment number; the same number again at the same location answers exists"),
    shippedAt: timestampSchema,
    carrierScac: z.string().regex(/^[A-Z]{2,4}$/, 'a SCAC of 2–4 capital letters').optional(),
    serviceCode: z.string().max(32).optional(),
    trackingNumber: z.string().max(64).optional(),
    lines: z
      .array(z.object({ lineNumber: lineNumberSchema, quantity: positiveQuantitySchema.describe('Base units shipped; at most what the request released for the line') }).strict())
      .max(5000)
      .describe('Lines shipped; a line left out shipped nothing'),
  })
  .strict()
  .refine((c) => new Set(c.lines.map((l) => l.lineNumber)).size === c.lines.length, { message: 'line numbers must be unique', path: ['lines'] });
export type ShipmentConfirmation = z.infer<typeof shipmentConfirmationSchema>;
