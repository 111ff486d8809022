import type { SourcingPolicy } from './sourcing.policy.ts';
import type { ScoredCandidate, SourcingState } from './sourcing.scoring.ts';
import type { SourcingAllocation, SourcingInput, SourcingReason, SourcingReasonCode } from './sourcing.types.ts';

/** Helpers of the per-line steps in `sourcing.rules.ts`: the order's shipment budget, exclusions, greedy parts. */

export interface LineContext {
  input: SourcingInput;
  policy: SourcingPolicy;
  policyRef: { id: string; version: number };
  nowMs: number;
  state: SourcingState;
  maxLocations: number;
  budgetCode: SourcingReasonCode;
  completeNotPossible: boolean;
}

export const withinBudget = (ctx: LineContext, locationCode: string, newSoFar = 0) =>
  ctx.state.isUsed(locationCode) || ctx.state.used.length + newSoFar < ctx.maxLocations;

/** Reason codes noted while deciding, once each, in the order first seen. */
export class Notes {
  readonly list: SourcingReason[] = [];
  add(code: SourcingReasonCode, message: string): void {
    if (!this.list.some((r) => r.code === code)) this.list.push({ code, message });
  }
}

export function exclusionMessage(code: SourcingReasonCode, locations: string[], ctx: LineContext): string {
  const at = locations.join(', ');
  switch (code) {
    case 'low_confidence_excluded':
      return `${at}: ATP confidence below ${ctx.policy.minConfidence}; not promised`;
    case 'beyond_max_distance':
      return `${at}: farther than ${ctx.policy.maxDistanceKm} km from the ship-to`;
    case 'capacity_exhausted':
      return `${at}: no line capacity left today`;
    case 'no_stock':
      return `${at}: no ATP left for this SKU`;
    case 'ship_complete_requested':
      return `${at}: would add a second shipment to an order the customer wants shipped complete`;
    case 'split_not_accepted':
      return `${at}: would add a shipment; the customer does not accept split shipments`;
    case 'max_splits_reached':
      return `${at}: would exceed ${ctx.policy.maxSplitsPerOrder} split(s) per order`;
    default:
      return `${at}: ${code}`;
  }
}

/** Marks candidates that would break the order's shipment budget, and notes every exclusion. */
export function usableCandidates(scored: ScoredCandidate[], ctx: LineContext, notes: Notes): ScoredCandidate[] {
  for (const c of scored) if (!c.excluded && !withinBudget(ctx, c.locationCode)) c.excluded = ctx.budgetCode;
  const byCode = new Map<SourcingReasonCode, string[]>();
  for (const c of scored) if (c.excluded) byCode.set(c.excluded, [...(byCode.get(c.excluded) ?? []), c.locationCode]);
  for (const [code, locations] of byCode) notes.add(code, exclusionMessage(code, locations, ctx));
  return scored.filter((c) => !c.excluded);
}

/** Best-scored first, taking what each can give, without exceeding the shipment budget. */
export function greedyParts(sku: string, quantity: number, usable: ScoredCandidate[], ctx: LineContext): { parts: SourcingAllocation[]; cutByBudget: boolean } {
  const parts: SourcingAllocation[] = [];
  let left = quantity;
  let fresh = 0;
  let cutByBudget = false;
  for (const c of usable) {
    if (left === 0) break;
    const isNew = !ctx.state.isUsed(c.locationCode);
    if (isNew && !withinBudget(ctx, c.locationCode, fresh)) {
      cutByBudget = true;
      continue;
    }
    const q = Math.min(left, c.available);
    if (q <= 0) continue;
    parts.push({ sku, locationCode: c.locationCode, quantity: q });
    if (isNew) fresh += 1;
    left -= q;
  }
  return { parts, cutByBudget };
}

