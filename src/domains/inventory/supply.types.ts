import { z } from 'zod';
import { keySchema } from '../catalog/index.ts';
import { positiveQuantitySchema, quantitySchema, timestampSchema } from '../shared/index.ts';

/** The planner's inputs to ATP: safety stock per SKU × location, and inbound supply by expected date. */

export const INBOUND_LINES_MAX = 10_000;

export const safetyStockParamsSchema = z.object({
  sku: keySchema.describe('The SKU'),
  locationCode: keySchema.describe('The location code'),
});

export const safetyStockBodySchema = z.object({ quantity: quantitySchema.describe('Units kept back from ATP at this location') }).strict();

export const safetyStockSchema = z.object({
  sku: z.string(),
  locationCode: z.string(),
  quantity: z.number().int(),
  updatedAt: z.string(),
});
export type SafetyStock = z.infer<typeof safetyStockSchema>;

export const inboundSupplyKinds = ['purchase_order', 'transfer'] as const;

export const inboundSupplyParamsSchema = z.object({
  reference: keySchema.describe('The purchase order or transfer number'),
});

export const inboundSupplyLineSchema = z
  .object({
    sku: keySchema,
    locationCode: keySchema.describe('Where the units will arrive'),
    quantity: positiveQuantitySchema,
    expectedAt: timestampSchema.describe('When the units are expected to be on hand'),
  })
  .strict();

export const inboundSupplyBodySchema = z
  .object({
    kind: z.enum(inboundSupplyKinds),
    lines: z.array(inboundSupplyLineSchema).max(INBOUND_LINES_MAX).describe('Every open line; an empty list removes the reference'),
  })
  .strict();
export type InboundSupplyInput = z.infer<typeof inboundSupplyBodySchema>;

export const inboundSupplySchema = z.object({
  reference: z.string(),
  kind: z.enum(inboundSupplyKinds),
  lines: z.array(inboundSupplyLineSchema),
  updatedAt: z.string().nullable().describe('Null when the reference was removed'),
});
export type InboundSupply = z.infer<typeof inboundSupplySchema>;
