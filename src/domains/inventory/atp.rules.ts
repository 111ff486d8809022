import { sellable, type Buckets } from './ledger.rules.ts';

/**
 * Available-to-promise, derived and never stored (DESIGN §4): sellable on hand − reserved − safety
 * stock − what other channels hold protected. Pure functions of positions and policy.
 */

export interface ChannelProtection {
  channelCode: string;
  /** Units held back for this channel at this SKU × location. */
  quantity: number;
}

export function atpAtLocation(position: Buckets, safetyStock = 0): number {
  return Math.max(0, sellable(position) - position.reserved - safetyStock);
}

/**
 * ATP for one channel: units protected for other channels are not offered to it, while its own
 * protection stays available to it. Without a channel, every protection is withheld.
 */
export function atpForChannel(position: Buckets, safetyStock: number, protections: readonly ChannelProtection[], channelCode?: string): number {
  const base = atpAtLocation(position, safetyStock);
  const heldForOthers = protections.filter((p) => p.channelCode !== channelCode).reduce((sum, p) => sum + Math.max(0, p.quantity), 0);
  return Math.max(0, base - heldForOthers);
}

export interface InboundSupply {
  locationCode: string;
  quantity: number;
  expectedAtMs: number;
}

/** ATP by a date: today's ATP plus supply expected to arrive by then. */
export function atpByDate(currentAtp: number, inbound: readonly InboundSupply[], byMs: number): number {
  return currentAtp + inbound.filter((s) => s.expectedAtMs <= byMs).reduce((sum, s) => sum + Math.max(0, s.quantity), 0);
}

export interface FreshnessPolicy {
  /** A realtime source that has said nothing for this long is treated as one interval old. */
  realtimeExpectedIntervalMs: number;
  /** Confidence falls linearly from 1 at one interval of age to 0 at this many intervals. */
  staleIntervalsToZero: number;
  /** Below this confidence, confidence-adjusted ATP applies the discount. */
  discountBelowConfidence: number;
}

export const defaultFreshnessPolicy: FreshnessPolicy = {
  realtimeExpectedIntervalMs: 5 * 60_000,
  staleIntervalsToZero: 4,
  discountBelowConfidence: 0.999,
};

export interface Freshness {
  lastReportAtMs: number | null;
  ageMs: number | null;
  expectedIntervalMs: number;
  /** Age in expected intervals; ≤ 1 is fresh. */
  staleRatio: number | null;
  state: 'fresh' | 'stale' | 'unknown';
}

export function freshness(lastReportAtMs: number | null, nowMs: number, expectedIntervalMs: number): Freshness {
  if (lastReportAtMs === null) return { lastReportAtMs, ageMs: null, expectedIntervalMs, staleRatio: null, state: 'unknown' };
  const ageMs = Math.max(0, nowMs - lastReportAtMs);
  const staleRatio = ageMs / expectedIntervalMs;
  return { lastReportAtMs, ageMs, expectedIntervalMs, staleRatio, state: staleRatio <= 1 ? 'fresh' : 'stale' };
}

/**
 * How far to trust a location's numbers, 0..1: full while the source reports on time, falling as it
 * goes stale, and reduced by recent drift (the share of units snapshots had to correct lately).
 * A source never heard from gets 0.5: the numbers exist but nothing vouches for them.
 */
export function confidence(f: Freshness, recentDriftRatio: number, policy: FreshnessPolicy = defaultFreshnessPolicy): number {
  const drift = Math.min(1, Math.max(0, recentDriftRatio));
  if (f.staleRatio === null) return round3(0.5 * (1 - drift));
  const span = Math.max(1e-9, policy.staleIntervalsToZero - 1);
  const staleness = f.staleRatio <= 1 ? 1 : Math.max(0, 1 - (f.staleRatio - 1) / span);
  return round3(staleness * (1 - drift));
}

/** ATP discounted by confidence when a policy asks for it; whole units, rounded down. */
export function confidenceAdjustedAtp(atp: number, conf: number, policy: FreshnessPolicy = defaultFreshnessPolicy): number {
  return conf >= policy.discountBelowConfidence ? atp : Math.floor(atp * conf);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
