import type { Decision } from '../decisions/index.ts';

/**
 * What sourcing reads and what it answers (DESIGN §5 step 3). Quantities are whole base units;
 * money is integer minor units. The caller gathers the facts (ATP, confidence, distances, costs,
 * capacity) and the rules in `sourcing.rules.ts` decide, without touching storage.
 */

/** One location that could serve a SKU. */
export interface SourcingCandidate {
  locationCode: string;
  /** ATP of this SKU at this location now. When the same SKU × location is listed more than once, the smallest value is used. */
  atp: number;
  /** How far the location's numbers are trusted, 0..1 (see `confidence` in inventory/atp.rules.ts). */
  confidence: number;
  /** Distance from the location to the order's ship-to. */
  distanceKm: number;
  /** Shipping cost per base unit from this location to the ship-to, minor units. */
  shippingCostMinor: number;
  /** Order lines the location can still pick today. Consumed by every line (or part of a split line) it serves; the smallest value listed for a location is used. */
  capacityRemainingLines: number;
  region: string;
}

export interface SourcingSubstitute {
  sku: string;
  /** (price − cost) / price of the substitute at the line's price; below the policy threshold it needs approval. */
  marginRatio: number;
  candidates: readonly SourcingCandidate[];
}

/** Stock that can be moved from one location to another, which then ships the line. */
export interface TransferOption {
  fromLocationCode: string;
  toLocationCode: string;
  /** Units of the line's SKU at the origin that may be transferred. */
  atp: number;
  /** Confidence of the origin's numbers, 0..1. */
  confidence: number;
  /** When absent, the policy's `transferLeadTimeDays`. */
  leadTimeDays?: number;
}

export interface SourcingLineInput {
  lineNumber: number;
  sku: string;
  /** Base units, at least 1. */
  quantity: number;
  candidates: readonly SourcingCandidate[];
  /** In preference order; the first that can serve the whole line is offered. */
  substitutes?: readonly SourcingSubstitute[];
  transfers?: readonly TransferOption[];
  /** YYYY-MM-DD; overrides the order's promise date for this line. */
  promiseDate?: string;
}

export interface CustomerSourcingRules {
  acceptsSplits: boolean;
  acceptsSubstitutions: boolean;
  acceptsBackorders: boolean;
  /** Customer tier (strategic, key, standard, occasional); scored by `policy.backorder.tierPoints`. */
  tier: string;
}

export interface SourcingInput {
  orderId: string;
  /** When the order was received, epoch ms; its age raises backorder priority. */
  orderReceivedAtMs: number;
  /** The customer asks for one shipment: every line from one location. */
  shipComplete: boolean;
  /** YYYY-MM-DD; a promise date is met when the goods can leave by the end of that day where they arrive. */
  promiseDate?: string;
  /** Where the goods arrive (IANA), so the promised day ends at midnight there; UTC when absent. */
  promiseTimeZone?: string;
  shipToRegion?: string;
  /**
   * Locations the order already ships from (earlier allocations). More lines from them add no
   * shipment, and a new location counts against the order's splits as if chosen in this run.
   */
  shipsFrom?: readonly string[];
  customer: CustomerSourcingRules;
  lines: readonly SourcingLineInput[];
}

export const sourcingOutcomes = ['allocate', 'split', 'substitute', 'transfer', 'backorder', 'shortage'] as const;
export type SourcingOutcome = (typeof sourcingOutcomes)[number];

/** Reason codes, stable and snake_case; docs/sourcing.md says what each means. */
export const sourcingReasonCodes = [
  'ship_complete_preferred',
  'ship_complete_requested',
  'ship_complete_not_possible',
  'nearest_with_stock',
  'best_scored_with_stock',
  'split_across_locations',
  'split_not_accepted',
  'below_min_split_quantity',
  'max_splits_reached',
  'low_confidence_excluded',
  'beyond_max_distance',
  'capacity_exhausted',
  'no_stock',
  'insufficient_stock',
  'transfer_meets_promise',
  'transfer_misses_promise',
  'transfers_disabled',
  'substitute_available',
  'substitute_margin_below_threshold',
  'substitution_not_accepted',
  'substitution_disabled',
  'partial_stock',
  'backordered',
  'backorder_not_accepted',
  'backorder_disabled',
  'shortage',
] as const;
export type SourcingReasonCode = (typeof sourcingReasonCodes)[number];

export interface SourcingReason {
  code: SourcingReasonCode;
  message: string;
}

/** Units reserved for a line at a location; `sku` differs from the line's for a substitute. */
export interface SourcingAllocation {
  sku: string;
  /** Where the stock is reserved (for a transfer: the origin). */
  locationCode: string;
  quantity: number;
}

/** A decision as `decisionSchema` describes it, less the id the service assigns when it stores it. */
export type SourcingDecision = Omit<Decision, 'id' | 'reasons'> & { reasons: SourcingReason[] };

export interface SourcingLinePlan {
  lineNumber: number;
  sku: string;
  quantity: number;
  outcome: SourcingOutcome;
  allocations: SourcingAllocation[];
  /** The location(s) the line ships from (for a transfer: the destination). */
  shipFrom: string[];
  allocatedQuantity: number;
  /** Waits for supply; present with `allocate`/`split` when only part could be served. */
  backorderQuantity: number;
  /** Neither served nor backordered: the caller raises a stock-shortage exception for it. */
  shortageQuantity: number;
  /** backorderQuantity + shortageQuantity. */
  remainingQuantity: number;
  /** 0..100, higher first; set when backorderQuantity > 0. */
  backorderPriority?: number;
  substitute?: { sku: string; marginRatio: number };
  transfer?: { fromLocationCode: string; toLocationCode: string; leadTimeDays: number; arrivesAtMs: number };
  /** The caller places a substitution hold; the allocation stands but is not released until approved. */
  requiresApproval: boolean;
  decision: SourcingDecision;
}

export interface SourcingPlan {
  orderId: string;
  lines: SourcingLinePlan[];
  /** Distinct locations the order ships from, in the order first used. */
  shipFrom: string[];
  /** shipFrom.length − 1, never above policy.maxSplitsPerOrder. */
  splits: number;
  shipComplete: { requested: boolean; preferred: boolean; locationCode: string | null };
}
