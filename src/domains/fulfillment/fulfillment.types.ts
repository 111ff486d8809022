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

export const shipmentSchema = z
  .object({
    id: idSchema,
    orderId: idSchema,
    fulfillmentRequestId: idSchema.optional(),
    locationCode: codeSchema,
    carrierScac: z.string().regex(/^[A-Z]{2,4}$/).optional(),
    serviceCode: z.string().max(32).optional(),
    trackingNumber: z.string().max(64).optional(),
    shippedAt: timestampSchema,
    lines: z.array(fulfillmentLineSchema).min(1),
    milestones: z.array(
      z
        .object({
          type: z.enum(carrierMilestoneTypes),
          occurredAt: timestampSchema,
          detail: z.string().max(500).optional(),
          estimatedDeliveryAt: timestampSchema.optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type Shipment = z.infer<typeof shipmentSchema>;
