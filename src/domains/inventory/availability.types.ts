import { z } from 'zod';
import { codeSchema, dateSchema, skuSchema, timestampSchema } from '../shared/index.ts';

/** The availability API's answers, one schema each for validation, types and OpenAPI. */

export const BASKET_SKUS_MAX = 500;

const units = z.number().int();

export const sourceFreshnessSchema = z.object({
  source: z.string(),
  lastReportAt: z.string().nullable().describe('When the source last reported for this location'),
  ageMs: z.number().nullable(),
  expectedIntervalMs: z.number().describe("The location's posting interval (batch) or the policy's realtime interval"),
  staleRatio: z.number().nullable().describe('Age in expected intervals; up to 1 is fresh'),
  state: z.enum(['fresh', 'stale', 'unknown']),
  driftRatio: z.number().describe('Units recent snapshots corrected per unit counted'),
  confidence: z.number().min(0).max(1),
});

export const channelProtectionSchema = z.object({ channelCode: z.string(), quantity: units });

export const locationAvailabilitySchema = z.object({
  locationCode: z.string(),
  /** False for locations master data marks unsellable, or does not know. */
  sellable: z.boolean(),
  buckets: z.object({ onHand: units, reserved: units, quarantined: units, damaged: units, inTransit: units }),
  safetyStock: units,
  protections: z.array(channelProtectionSchema).describe('Units each channel holds protected here'),
  atp: units.describe('Sellable on hand − reserved − safety stock − every channel protection'),
  atpForChannel: units.optional().describe("For the channel asked about: its own protection stays available to it"),
  atpByDate: units.optional().describe('The channel ATP (or ATP) plus inbound supply expected by the date'),
  byDateThrough: z.string().optional().describe('The instant this location counted inbound supply up to, ISO 8601 UTC: for a date, the end of that day in the location\'s time zone'),
  freshness: z.array(sourceFreshnessSchema),
  confidence: z.number().min(0).max(1).describe("The weakest source's confidence"),
  confidenceAdjustedAtp: units.describe('The channel ATP (or ATP), discounted by confidence when the policy says so'),
  lastMovementSeq: units,
});
export type LocationAvailability = z.infer<typeof locationAvailabilitySchema>;

export const networkAvailabilitySchema = z.object({
  atp: units,
  atpForChannel: units.optional(),
  atpByDate: units.optional(),
  confidenceAdjustedAtp: units,
  sellableLocations: units,
});

export const skuAvailabilitySchema = z.object({
  sku: z.string(),
  itemClass: z.string().nullable(),
  channelCode: z.string().nullable(),
  byDate: z
    .string()
    .nullable()
    .describe('"By" as asked: a date (`YYYY-MM-DD`, which each location reads through the end of that day in its own time zone, UTC where master data gives none) or an instant (ISO 8601 UTC)'),
  locations: z.array(locationAvailabilitySchema),
  network: networkAvailabilitySchema.describe('Totals over sellable locations'),
  asOf: z.string(),
  watermark: units.describe('The ledger sequence the answer reflects'),
});
export type SkuAvailability = z.infer<typeof skuAvailabilitySchema>;

export const basketEntrySchema = z.discriminatedUnion('found', [
  z.object({ sku: z.string(), found: z.literal(true), availability: skuAvailabilitySchema }),
  z.object({ sku: z.string(), found: z.literal(false), error: z.object({ code: z.literal('not_found'), message: z.string() }) }),
]);
export type BasketEntry = z.infer<typeof basketEntrySchema>;

export const basketResponseSchema = z.object({ items: z.array(basketEntrySchema) });

/** "By" as a calendar date (through the end of that day at each location) or an exact time. */
export const byDateInputSchema = z
  .union([dateSchema, timestampSchema])
  .describe("YYYY-MM-DD (through the end of that day in each location's time zone, UTC where it has none) or an ISO 8601 time");

export const availabilityQuerySchema = z
  .object({
    location: codeSchema.optional().describe('Only this location (network totals still cover every sellable location)'),
    channel: codeSchema.optional().describe('Answer for this channel: its protections stay available to it'),
    date: byDateInputSchema.optional(),
  })
  .strict();

export const basketBodySchema = z
  .object({
    skus: z.array(skuSchema).min(1).max(BASKET_SKUS_MAX).describe(`1–${BASKET_SKUS_MAX} SKUs; unknown ones are reported per entry`),
    location: codeSchema.optional(),
    channel: codeSchema.optional(),
    date: byDateInputSchema.optional(),
  })
  .strict();

export const feedQuerySchema = z
  .object({
    skus: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$/, 'a comma-separated list of SKUs')
      .max(50_000)
      .optional()
      .describe('Only these SKUs, comma-separated'),
  })
  .strict();
