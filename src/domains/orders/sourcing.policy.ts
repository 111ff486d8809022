import { z } from 'zod';

/**
 * The sourcing policy (DESIGN §2.5, §5 step 3): data, versioned by the policy registry, read by the
 * pure rules in `sourcing.rules.ts`. Every field has a default, so `{}` is a valid policy and a
 * stored version only needs to say what it changes.
 */

const weightsSchema = z
  .object({
    distance: z.number().min(0).max(10).default(0.3).describe('Weight of nearness: 1 for the nearest candidate of a line, 0 for the farthest'),
    shippingCost: z.number().min(0).max(10).default(0.25).describe('Weight of cheapness: 1 for the cheapest per-unit shipping cost of a line, 0 for the dearest'),
    confidence: z.number().min(0).max(10).default(0.2).describe('Weight of the location’s ATP confidence (0..1, from source freshness and drift)'),
    capacity: z.number().min(0).max(10).default(0.1).describe('Weight of remaining daily line capacity, relative to the roomiest candidate'),
    region: z.number().min(0).max(10).default(0.15).describe('Bonus when the location is in the ship-to region'),
    splitPenalty: z.number().min(0).max(10).default(0.3).describe('Subtracted when a location would add a shipment to an order that already has one'),
  })
  .strict();

export const sourcingPolicySchema = z
  .object({
    preferShipComplete: z
      .boolean()
      .default(true)
      .describe('Serve the whole order from one location when one can, even if other locations score better line by line'),
    maxSplitsPerOrder: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(2)
      .describe('Most extra shipments per order: an order may ship from at most this many + 1 distinct locations'),
    minLineQuantityToSplit: z
      .number()
      .int()
      .min(2)
      .default(2)
      .describe('A line below this quantity (base units) is never split across locations'),
    weights: weightsSchema.prefault({}).describe('How candidate locations are scored; higher wins, ties go to the lower location code'),
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('A location whose ATP confidence is below this is not promised from at all'),
    maxDistanceKm: z.number().positive().optional().describe('When set, locations farther than this from the ship-to are not used'),
    allowTransfers: z.boolean().default(true).describe('Whether a line may be served by moving stock between locations'),
    transferLeadTimeDays: z
      .number()
      .int()
      .min(0)
      .max(365)
      .default(2)
      .describe('Lead time assumed for a transfer option that does not state its own'),
    substitution: z
      .object({
        enabled: z.boolean().default(true).describe('Whether substitutes may be offered at all'),
        approvalBelowMarginRatio: z
          .number()
          .min(0)
          .max(1)
          .default(0.2)
          .describe('A substitute whose margin ratio is below this needs a person’s approval (a substitution hold)'),
      })
      .strict()
      .prefault({})
      .describe('Offering an item’s listed substitutes when the item itself cannot be served'),
    backorder: z
      .object({
        enabled: z.boolean().default(true).describe('Whether quantity without stock may wait for supply as a backorder'),
        tierPoints: z
          .record(z.string(), z.number().int().min(0).max(40))
          .default({ strategic: 40, key: 30, standard: 20, occasional: 10 })
          .describe('Backorder priority points by customer tier (0–40); an unlisted tier scores 0'),
      })
      .strict()
      .prefault({})
      .describe('Backorders and their priority'),
  })
  .strict();

export type SourcingPolicy = z.output<typeof sourcingPolicySchema>;
export type SourcingPolicyInput = z.input<typeof sourcingPolicySchema>;

export const defaultSourcingPolicy: SourcingPolicy = sourcingPolicySchema.parse({});
