import { endOfDateMs } from '../../platform/zoned-time.ts';
import type { SourcingPolicy } from './sourcing.policy.ts';
import type { SourcingCandidate, SourcingInput, SourcingReasonCode } from './sourcing.types.ts';

/**
 * Scoring and the state sourcing consumes as it goes: ATP per SKU × location and line capacity per
 * location are pools shared by every line of the order, so two lines never promise the same unit
 * and a location never takes more lines than it can pick today.
 */

export interface ScoredCandidate {
  locationCode: string;
  atp: number;
  /** What is left of the SKU × location pool when this line was decided. */
  available: number;
  confidence: number;
  distanceKm: number;
  shippingCostMinor: number;
  /** Lines the location can still take when this line was decided; null when nothing limits it. */
  capacityRemainingLines: number | null;
  region: string;
  score: number;
  components: { distance: number; shippingCost: number; confidence: number; capacity: number; region: number; splitPenalty: number };
  /** Why the candidate cannot be used for this line at all; absent when it can. */
  excluded?: SourcingReasonCode;
}

const key = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;
const whole = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export class SourcingState {
  private readonly atp = new Map<string, number>();
  private readonly capacity = new Map<string, number>();
  /** Distinct ship-from locations in the order first used. */
  readonly used: string[] = [];

  constructor(input: SourcingInput) {
    const lower = (map: Map<string, number>, k: string, v: number) => map.set(k, Math.min(map.get(k) ?? Infinity, whole(v)));
    for (const line of input.lines) {
      const lists = [{ sku: line.sku, candidates: line.candidates }, ...(line.substitutes ?? [])];
      for (const { sku, candidates } of lists) {
        for (const c of candidates) {
          lower(this.atp, key(sku, c.locationCode), c.atp);
          lower(this.capacity, c.locationCode, c.capacityRemainingLines);
        }
      }
    }
    // Transfer origins nobody lists as a candidate get their pool from the transfer options.
    const fromTransfers = new Map<string, number>();
    for (const line of input.lines) for (const t of line.transfers ?? []) if (!this.atp.has(key(line.sku, t.fromLocationCode))) lower(fromTransfers, key(line.sku, t.fromLocationCode), t.atp);
    for (const [k, v] of fromTransfers) this.atp.set(k, v);
    for (const code of input.shipsFrom ?? []) if (!this.used.includes(code)) this.used.push(code);
  }

  available(sku: string, locationCode: string): number {
    return this.atp.get(key(sku, locationCode)) ?? 0;
  }

  /** Lines the location can still take; a location no candidate describes is not limited. */
  capacityOf(locationCode: string): number {
    return this.capacity.get(locationCode) ?? Infinity;
  }

  isUsed(locationCode: string): boolean {
    return this.used.includes(locationCode);
  }

  take(sku: string, locationCode: string, quantity: number): void {
    const k = key(sku, locationCode);
    const left = (this.atp.get(k) ?? 0) - quantity;
    if (quantity <= 0 || left < 0) throw new Error(`sourcing invariant: taking ${quantity} of ${sku} at ${locationCode} leaves ${left}`);
    this.atp.set(k, left);
  }

  /** A line (or part of one) ships from the location: one line of its capacity, and a place in the order's shipments. */
  ship(locationCode: string): void {
    const cap = this.capacityOf(locationCode);
    if (cap < 1) throw new Error(`sourcing invariant: ${locationCode} has no line capacity left`);
    if (cap !== Infinity) this.capacity.set(locationCode, cap - 1);
    if (!this.used.includes(locationCode)) this.used.push(locationCode);
  }
}

/** Static exclusions that do not depend on the order so far: confidence and distance. */
export function staticExclusion(c: Pick<SourcingCandidate, 'confidence' | 'distanceKm'>, policy: SourcingPolicy): SourcingReasonCode | undefined {
  if (!(c.confidence >= policy.minConfidence)) return 'low_confidence_excluded';
  if (policy.maxDistanceKm !== undefined && !(c.distanceKm <= policy.maxDistanceKm)) return 'beyond_max_distance';
  return undefined;
}

/**
 * Score every candidate of one SKU for one line, best first (score descending, then location code).
 * Nearness, cost and capacity are normalised against the line's own candidates, so scores compare
 * candidates of a line, not lines with each other.
 */
export function scoreCandidates(
  sku: string,
  candidates: readonly SourcingCandidate[],
  state: SourcingState,
  policy: SourcingPolicy,
  shipToRegion: string | undefined,
): ScoredCandidate[] {
  // One entry per location: a location listed twice keeps its most cautious numbers.
  const byLocation = new Map<string, SourcingCandidate>();
  for (const c of candidates) {
    const seen = byLocation.get(c.locationCode);
    byLocation.set(
      c.locationCode,
      seen
        ? {
            ...seen,
            atp: Math.min(seen.atp, c.atp),
            confidence: Math.min(seen.confidence, c.confidence),
            distanceKm: Math.max(seen.distanceKm, c.distanceKm),
            shippingCostMinor: Math.max(seen.shippingCostMinor, c.shippingCostMinor),
            capacityRemainingLines: Math.min(seen.capacityRemainingLines, c.capacityRemainingLines),
          }
        : c,
    );
  }
  const list = [...byLocation.values()];
  const maxDistance = Math.max(0, ...list.map((c) => c.distanceKm));
  const maxCost = Math.max(0, ...list.map((c) => c.shippingCostMinor));
  const capacities = list.map((c) => state.capacityOf(c.locationCode)).filter((n) => Number.isFinite(n));
  const maxCapacity = Math.max(0, ...capacities);
  const w = policy.weights;
  const scored = list.map((c): ScoredCandidate => {
    const capacityLeft = state.capacityOf(c.locationCode);
    const available = state.available(sku, c.locationCode);
    const components = {
      distance: maxDistance > 0 ? 1 - c.distanceKm / maxDistance : 1,
      shippingCost: maxCost > 0 ? 1 - c.shippingCostMinor / maxCost : 1,
      confidence: Math.min(1, Math.max(0, c.confidence)),
      capacity: capacityLeft === Infinity ? 1 : maxCapacity > 0 ? capacityLeft / maxCapacity : 0,
      region: shipToRegion !== undefined && c.region === shipToRegion ? 1 : 0,
      splitPenalty: state.used.length > 0 && !state.isUsed(c.locationCode) ? 1 : 0,
    };
    const score = round6(
      w.distance * components.distance +
        w.shippingCost * components.shippingCost +
        w.confidence * components.confidence +
        w.capacity * components.capacity +
        w.region * components.region -
        w.splitPenalty * components.splitPenalty,
    );
    const excluded = staticExclusion(c, policy) ?? (capacityLeft < 1 ? 'capacity_exhausted' : available <= 0 ? 'no_stock' : undefined);
    return {
      locationCode: c.locationCode,
      atp: whole(c.atp),
      available,
      confidence: c.confidence,
      distanceKm: c.distanceKm,
      shippingCostMinor: c.shippingCostMinor,
      capacityRemainingLines: capacityLeft === Infinity ? null : capacityLeft,
      region: c.region,
      score,
      components: {
        distance: round6(components.distance),
        shippingCost: round6(components.shippingCost),
        confidence: components.confidence,
        capacity: round6(components.capacity),
        region: components.region,
        splitPenalty: components.splitPenalty,
      },
      ...(excluded ? { excluded } : {}),
    };
  });
  return scored.sort(byScore);
}

export function byScore(a: { score: number; locationCode: string }, b: { score: number; locationCode: string }): number {
  return b.score - a.score || (a.locationCode < b.locationCode ? -1 : a.locationCode > b.locationCode ? 1 : 0);
}

const dayMs = 86_400_000;

/**
 * The end of a promised day (`YYYY-MM-DD`) where the goods arrive, epoch ms (`endOfDateMs`: in
 * `timeZone`, else UTC); undefined for no date.
 */
export function endOfDayMs(date: string | undefined, timeZone?: string): number | undefined {
  if (date === undefined) return undefined;
  const end = endOfDateMs(date, timeZone);
  return Number.isNaN(end) ? undefined : end;
}

/**
 * Backorder priority, 0..100, higher first: tier points from policy (0–40), urgency of the promise
 * date (40 when due today or overdue, 2 points fewer per day further out, none without a date; the
 * day ends at midnight in `timeZone`, where the goods arrive, else UTC) and the order's age (1 point
 * per whole day since it was received, at most 20).
 */
export function backorderPriority(tier: string, promiseDate: string | undefined, orderReceivedAtMs: number, nowMs: number, policy: SourcingPolicy, timeZone?: string): number {
  const tierPoints = Math.min(40, Math.max(0, policy.backorder.tierPoints[tier] ?? 0));
  const due = endOfDayMs(promiseDate, timeZone);
  const daysLeft = due === undefined ? undefined : Math.floor((due - nowMs) / dayMs);
  const urgency = daysLeft === undefined ? 0 : Math.max(0, 40 - 2 * Math.max(0, daysLeft));
  const age = Math.min(20, Math.max(0, Math.floor((nowMs - orderReceivedAtMs) / dayMs)));
  return tierPoints + urgency + age;
}

export { dayMs };
