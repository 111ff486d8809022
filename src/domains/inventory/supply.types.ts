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

/**
 * References the hub writes itself for its purchase orders (`po:<poNumber>`) and transfers
 * (`transfer:<id>`); a sender's reference must not start with them, or the two would overwrite each other.
 */
const HUB_SUPPLY_PREFIXES = ['po:', 'transfer:'] as const;

/**
 * A purchase order or transfer number as the sender writes it, colons allowed (`PO:123:1`). In a path
 * it may be sent as is or percent-encoded (`PO%3A123%3A1`); either reads the same reference.
 */
const inboundSupplyReferenceSchema = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'use 1–128 letters, digits, dot, underscore, hyphen or colon')
  .regex(/^(?!\.{1,2}$)/, 'a reference cannot be "." or ".."');

/** Reading: any reference, the hub's own included. */
export const inboundSupplyParamsSchema = z.object({
  reference: inboundSupplyReferenceSchema.describe('The purchase order or transfer number; `po:<poNumber>` and `transfer:<id>` are the hub\'s own'),
});

/** Writing: the sender's own references only; the hub keeps `po:` and `transfer:` from its purchase orders and transfers. */
export const inboundSupplyWriteParamsSchema = z.object({
  reference: inboundSupplyReferenceSchema
    .refine((reference) => !HUB_SUPPLY_PREFIXES.some((prefix) => reference.startsWith(prefix)), {
      message: `references starting ${HUB_SUPPLY_PREFIXES.join(' or ')} are kept by the hub from its purchase orders and transfers`,
    })
    .describe('The purchase order or transfer number in the sending system'),
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
