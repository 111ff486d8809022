import { confidence, defaultFreshnessPolicy, freshness, type ChannelProtection, type Freshness, type FreshnessPolicy } from './atp.rules.ts';
import { isoTime } from '../../platform/clock.ts';
import { endOfDateMs } from '../../platform/zoned-time.ts';
import { sellable, type Buckets } from './ledger.rules.ts';

/**
 * Pure helpers between master data and the ATP rules of atp.rules.ts: how a channel's protected
 * allocations become units at one SKU × location, how a location's posting mode becomes an expected
 * interval, and how the sources reporting for a location become one confidence.
 */

/** A protected allocation as the catalog's channel document states it (see catalog.types.ts). */
export interface ProtectionRule {
  sku?: string | undefined;
  itemClass?: string | undefined;
  sharePercent?: number | undefined;
  quantity?: number | undefined;
}

interface ChannelRule {
  channelCode: string;
  rule: ProtectionRule;
}

/**
 * Every channel's protections indexed by SKU and by item class, built once per catalog refresh so a
 * read looks up two maps instead of scanning every channel.
 */
export interface CompiledProtections {
  bySku: ReadonlyMap<string, readonly ChannelRule[]>;
  byItemClass: ReadonlyMap<string, readonly ChannelRule[]>;
}

export const noProtections: CompiledProtections = { bySku: new Map(), byItemClass: new Map() };

export function compileProtections(channels: ReadonlyArray<{ code: string; protectedAllocations: readonly ProtectionRule[] }>): CompiledProtections {
  const bySku = new Map<string, ChannelRule[]>();
  const byItemClass = new Map<string, ChannelRule[]>();
  for (const channel of channels) {
    for (const rule of channel.protectedAllocations) {
      const [index, key] = rule.sku !== undefined ? [bySku, rule.sku] : [byItemClass, rule.itemClass];
      if (key === undefined) continue;
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push({ channelCode: channel.code, rule });
    }
  }
  return { bySku, byItemClass };
}

/**
 * Units one rule holds back at a position. A fixed quantity applies at every location, as the rule
 * names no location. A share is taken of the sellable units on hand (on hand less quarantined and
 * damaged), not of what is still free, so a protected channel's own reservations consume its
 * protection instead of shrinking it; partial units round up, because a protection is a promise to
 * the protected channel and rounding it to zero would break it for slow movers.
 */
export function protectedUnits(rule: ProtectionRule, position: Buckets): number {
  if (rule.quantity !== undefined) return Math.max(0, rule.quantity);
  const share = rule.sharePercent ?? 0;
  return Math.ceil((Math.max(0, sellable(position)) * share) / 100);
}

/**
 * The protections that apply to one SKU at one position, one per channel. A channel's rule for the
 * SKU itself wins over its rule for the SKU's item class: the more specific rule is the intended one.
 */
export function protectionsFor(compiled: CompiledProtections, sku: string, itemClass: string | undefined, position: Buckets): ChannelProtection[] {
  const out: ChannelProtection[] = [];
  const skuRules = compiled.bySku.get(sku);
  if (skuRules) for (const r of skuRules) out.push({ channelCode: r.channelCode, quantity: protectedUnits(r.rule, position) });
  const classRules = itemClass === undefined ? undefined : compiled.byItemClass.get(itemClass);
  if (classRules) {
    for (const r of classRules) {
      if (skuRules?.some((s) => s.channelCode === r.channelCode)) continue;
      out.push({ channelCode: r.channelCode, quantity: protectedUnits(r.rule, position) });
    }
  }
  return out;
}

/**
 * The units held for channels other than `channelCode` (every channel when it is undefined), without
 * building a list: the in-process read path calls this hundreds of thousands of times a second.
 * Equal to summing `protectionsFor` over the other channels.
 */
export function unitsHeldForOthers(compiled: CompiledProtections, sku: string, itemClass: string | undefined, position: Buckets, channelCode?: string): number {
  let held = 0;
  const skuRules = compiled.bySku.get(sku);
  if (skuRules) for (const r of skuRules) if (r.channelCode !== channelCode) held += protectedUnits(r.rule, position);
  const classRules = itemClass === undefined ? undefined : compiled.byItemClass.get(itemClass);
  if (classRules) {
    for (const r of classRules) {
      if (r.channelCode === channelCode) continue;
      if (skuRules?.some((s) => s.channelCode === r.channelCode)) continue;
      held += protectedUnits(r.rule, position);
    }
  }
  return held;
}

/** The policy from the `inventory` config section; `discountStaleAtp: false` never discounts. */
export function freshnessPolicyFrom(config: { freshnessRealtimeExpectedIntervalMs: number; staleIntervalsToZero: number; discountStaleAtp: boolean }): FreshnessPolicy {
  return {
    realtimeExpectedIntervalMs: config.freshnessRealtimeExpectedIntervalMs,
    staleIntervalsToZero: config.staleIntervalsToZero,
    // Confidence is never below zero, so a threshold of zero leaves every ATP as it is.
    discountBelowConfidence: config.discountStaleAtp ? defaultFreshnessPolicy.discountBelowConfidence : 0,
  };
}

/** A batch source is judged against its own posting interval; a realtime one against the policy's. */
export function expectedIntervalMs(location: { postingMode: 'realtime' | 'batch'; postingIntervalMinutes?: number | undefined } | undefined, policy: FreshnessPolicy): number {
  if (location?.postingMode === 'batch' && location.postingIntervalMinutes !== undefined) return location.postingIntervalMinutes * 60_000;
  return policy.realtimeExpectedIntervalMs;
}

/** What one source last said about a location (a row of inventory_freshness). */
export interface SourceReport {
  source: string;
  lastReportAtMs: number;
  /**
   * `lastReportAtMs` as ISO 8601, memoised when the report changes (see `setLastReportAt`) so reads do
   * not format a date per source per location; when absent or out of date it is formatted on read.
   */
  lastReportAt?: string | undefined;
  /** The `lastReportAtMs` that `lastReportAt` was formatted from. */
  lastReportAtIsoOfMs?: number | undefined;
  recentDriftUnits: number;
  recentCountedUnits: number;
}

/** Sets a report's time and its memoised ISO form together; `iso` may pass one already formatted. */
export function setLastReportAt(report: SourceReport, ms: number, iso?: string): void {
  report.lastReportAtMs = ms;
  report.lastReportAt = iso ?? isoTime(ms);
  report.lastReportAtIsoOfMs = ms;
}

/** The report's time as ISO 8601, from the memo when it is current. */
export const lastReportIso = (report: SourceReport): string =>
  report.lastReportAt !== undefined && report.lastReportAtIsoOfMs === report.lastReportAtMs ? report.lastReportAt : isoTime(report.lastReportAtMs);

/** One source's freshness as the availability API states it. */
export interface SourceFreshness extends Omit<Freshness, 'lastReportAtMs'> {
  source: string;
  /** Units recent snapshots corrected per unit counted: 0 is a source that matches the ledger. */
  driftRatio: number;
  confidence: number;
  lastReportAt: string | null;
}

export const driftRatio = (report: Pick<SourceReport, 'recentDriftUnits' | 'recentCountedUnits'>): number =>
  Math.max(0, report.recentDriftUnits) / Math.max(1, report.recentCountedUnits);

/**
 * Freshness per source reporting for a location, and the location's confidence: that of its weakest
 * source, because one stale feed is enough to make the location's numbers doubtful. A location no
 * source has reported for gets the rules' confidence for "never heard from".
 */
export function locationConfidence(
  reports: readonly SourceReport[],
  nowMs: number,
  intervalMs: number,
  policy: FreshnessPolicy,
): { sources: SourceFreshness[]; confidence: number } {
  if (reports.length === 0) return { sources: [], confidence: confidence(freshness(null, nowMs, intervalMs), 0, policy) };
  let weakest = 1;
  const sources = reports.map((report): SourceFreshness => {
    const f = freshness(report.lastReportAtMs, nowMs, intervalMs);
    const drift = driftRatio(report);
    const conf = confidence(f, drift, policy);
    weakest = Math.min(weakest, conf);
    // Key order as the API has always stated it.
    return {
      source: report.source,
      ageMs: f.ageMs,
      expectedIntervalMs: f.expectedIntervalMs,
      staleRatio: f.staleRatio,
      state: f.state,
      driftRatio: drift,
      confidence: conf,
      lastReportAt: lastReportIso(report),
    };
  });
  return { sources, confidence: weakest };
}

/**
 * What "available by" was asked as: a calendar date, which each location reads in its own time zone,
 * or an exact instant, the same everywhere.
 */
export type AvailableBy = { date: string } | { atMs: number };

/** Reads the `date` parameter: `YYYY-MM-DD` is a calendar date, anything else an instant. */
export function availableByOf(input: string): AvailableBy {
  return /^\d{4}-\d{2}-\d{2}$/.test(input) ? { date: input } : { atMs: Date.parse(input) };
}

/**
 * The instant "available by" means at a location: a calendar date through the end of that day in
 * the location's time zone (UTC when it has none), so supply expected at any time of that local day
 * counts; an instant as given.
 */
export function availableByMs(by: AvailableBy, timeZone?: string): number {
  return 'date' in by ? endOfDateMs(by.date, timeZone) : by.atMs;
}
