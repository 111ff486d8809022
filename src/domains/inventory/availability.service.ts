import type { Config } from '../../config.ts';
import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { startPoller, type Poller } from '../../platform/poller.ts';
import type { CatalogService } from '../catalog/index.ts';
import { atpAtLocation, atpByDate, atpForChannel, confidenceAdjustedAtp } from './atp.rules.ts';
import { createMasterDataCache } from './availability.master-data.ts';
import { createAvailabilityProjection, type InboundLine } from './availability.projection.ts';
import { availableByMs, expectedIntervalMs, freshnessPolicyFrom, locationConfidence, protectionsFor, unitsHeldForOthers, type AvailableBy } from './availability.rules.ts';
import type { BasketEntry, LocationAvailability, SkuAvailability } from './availability.types.ts';
import { createAvailabilityFeed, type FeedSnapshot } from './feed.sse.ts';
import { emptyBuckets, type Buckets } from './ledger.rules.ts';
import type { PositionChange, PositionChangeBus } from './position-changes.ts';

export interface AvailabilityQuery {
  sku: string;
  locationCode?: string | undefined;
  channelCode?: string | undefined;
  /** Count inbound supply expected by this date (at each location, in its zone) or instant. */
  by?: AvailableBy | undefined;
}

export interface AvailabilityDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  catalog: CatalogService;
  changes: PositionChangeBus;
  config: Config['inventory'];
  onLoopError?: (error: unknown) => void;
}

/**
 * On PostgreSQL, transactions take ledger sequences when they insert but commit in any order, so a
 * position at sequence 990 can become visible after the watermark has passed 1,000. The catch-up
 * re-reads this many sequences behind the watermark; newer-wins makes the overlap harmless. SQLite has
 * one writer and commits in sequence order.
 */
const CATCH_UP_LOOKBACK_MOVEMENTS = 1_000;
/** How often item classes (and, on PostgreSQL, other nodes' supply inputs) are re-read. */
const SLOW_REFRESH_MS = 30_000;

/**
 * Availability to promise (DESIGN §4, §6): per SKU × location, per channel, by date, with freshness and
 * confidence, and network totals over sellable locations. Reads come from the in-memory projection;
 * only master-data misses touch the database.
 */
export function createAvailabilityService(deps: AvailabilityDeps) {
  const { clock, config } = deps;
  const policy = freshnessPolicyFrom(config);
  const projection = createAvailabilityProjection({ db: deps.db, ...(deps.onLoopError && { onListenerError: deps.onLoopError }) });
  const master = createMasterDataCache(deps.catalog);
  const unsubscribe = deps.changes.subscribe((changes) => projection.apply(changes));
  let poller: Poller | null = null;
  /** `asOf` of the last answer: answers within the same millisecond share one formatted time. */
  let asOfMs = Number.NaN;
  let asOf = '';

  /** The whole answer for one SKU; synchronous, from memory. */
  function compute(sku: string, query: Omit<AvailabilityQuery, 'sku'>): SkuAvailability {
    const nowMs = clock.now();
    if (nowMs !== asOfMs) {
      asOfMs = nowMs;
      asOf = isoTime(nowMs);
    }
    const itemClass = master.itemClass(sku);
    const protectionRules = master.protections();
    const { channelCode, by } = query;
    const codes = new Set(projection.locationsOf(sku).keys());
    for (const code of projection.inboundLocationsOf(sku)) codes.add(code);
    if (query.locationCode !== undefined) codes.add(query.locationCode);

    const locations: LocationAvailability[] = [];
    const network = { atp: 0, atpForChannel: 0, atpByDate: 0, confidenceAdjustedAtp: 0, sellableLocations: 0 };
    for (const code of [...codes].sort()) {
      const entry = projection.position(sku, code);
      const buckets = entry?.buckets ?? emptyBuckets();
      const safetyStock = projection.safetyStock(sku, code);
      const protections = protectionsFor(protectionRules, sku, itemClass, buckets);
      const atp = atpForChannel(buckets, safetyStock, protections);
      const forChannel = channelCode === undefined ? undefined : atpForChannel(buckets, safetyStock, protections, channelCode);
      const headline = forChannel ?? atp;
      const location = master.location(code);
      const byMs = by === undefined ? undefined : availableByMs(by, location?.timezone);
      const byDate = byMs === undefined ? undefined : { atpByDate: atpByDate(headline, projection.inbound(sku, code), byMs), byDateThrough: isoTime(byMs) };
      const { sources, confidence } = locationConfidence(projection.sourcesAt(code), nowMs, expectedIntervalMs(location, policy), policy);
      const adjusted = confidenceAdjustedAtp(headline, confidence, policy);
      const sellable = location?.sellable ?? false;
      if (sellable) {
        network.atp += atp;
        network.atpForChannel += forChannel ?? 0;
        network.atpByDate += byDate?.atpByDate ?? 0;
        network.confidenceAdjustedAtp += adjusted;
        network.sellableLocations += 1;
      }
      if (query.locationCode !== undefined && code !== query.locationCode) continue;
      locations.push({
        locationCode: code,
        sellable,
        buckets: { ...buckets },
        safetyStock,
        protections,
        atp,
        ...(forChannel !== undefined && { atpForChannel: forChannel }),
        ...byDate,
        freshness: sources,
        confidence,
        confidenceAdjustedAtp: adjusted,
        lastMovementSeq: entry?.lastMovementSeq ?? 0,
      });
    }
    return {
      sku,
      itemClass: itemClass ?? null,
      channelCode: channelCode ?? null,
      byDate: by === undefined ? null : 'date' in by ? by.date : isoTime(by.atMs),
      locations,
      network: {
        atp: network.atp,
        ...(channelCode !== undefined && { atpForChannel: network.atpForChannel }),
        ...(by !== undefined && { atpByDate: network.atpByDate }),
        confidenceAdjustedAtp: network.confidenceAdjustedAtp,
        sellableLocations: network.sellableLocations,
      },
      asOf,
      watermark: projection.watermark(),
    };
  }

  /**
   * Location and channel are checked in this order, so the same bad query always gives the same
   * error. The SKUs' own locations are looked up when not held, so a location created since the
   * last refresh already counts in the network totals.
   */
  async function checkScope(query: Omit<AvailabilityQuery, 'sku'>, skus: readonly string[]): Promise<void> {
    await master.ensureLocations(skus.flatMap((sku) => [...projection.locationsOf(sku).keys()]));
    if (query.locationCode !== undefined && !(await master.ensureLocation(query.locationCode))) {
      throw new AppError('not_found', `location ${query.locationCode} does not exist`, [{ path: 'location', message: 'no location with this code' }]);
    }
    if (query.channelCode !== undefined && !(await master.ensureChannel(query.channelCode))) {
      throw new AppError('not_found', `channel ${query.channelCode} does not exist`, [{ path: 'channel', message: 'no channel with this code' }]);
    }
  }

  /**
   * True when the SKU, its positions' locations and the queried location and channel are all held in
   * master data: then `checkScope` would find nothing to look up and nothing to reject, and the
   * answer needs no await at all.
   */
  function scopeInMemory(query: AvailabilityQuery): boolean {
    if (!master.hasItem(query.sku)) return false;
    if (query.locationCode !== undefined && master.location(query.locationCode) === undefined) return false;
    if (query.channelCode !== undefined && !master.hasChannel(query.channelCode)) return false;
    for (const code of projection.locationsOf(query.sku).keys()) if (master.location(code) === undefined) return false;
    return true;
  }

  const unknownSku = (sku: string) => `item ${sku} does not exist`;

  /** ATP of one position from its buckets, with safety stock and every channel's protection withheld. */
  function atpOfPosition(sku: string, locationCode: string, buckets: Buckets, channelCode?: string): number {
    const free = atpAtLocation(buckets, projection.safetyStock(sku, locationCode));
    return Math.max(0, free - unitsHeldForOthers(master.protections(), sku, master.itemClass(sku), buckets, channelCode));
  }

  function feedSnapshot(sku: string): FeedSnapshot {
    const answer = compute(sku, {});
    return {
      sku,
      lastMovementSeq: projection.skuWatermark(sku),
      locations: answer.locations.map((l) => ({ locationCode: l.locationCode, atp: l.atp, confidence: l.confidence, confidenceAdjustedAtp: l.confidenceAdjustedAtp })),
      network: { atp: answer.network.atp, confidenceAdjustedAtp: answer.network.confidenceAdjustedAtp },
    };
  }

  const feed = createAvailabilityFeed({ projection, snapshot: feedSnapshot, clock, coalesceMs: config.feedCoalesceMs });

  let ticks = 0;
  const slowEvery = Math.max(1, Math.round(SLOW_REFRESH_MS / config.projectionRefreshMs));
  async function tick(): Promise<void> {
    const lookback = deps.kind === 'postgres' ? CATCH_UP_LOOKBACK_MOVEMENTS : 0;
    await Promise.all([
      projection.refreshSince(Math.max(0, projection.watermark() - lookback)),
      projection.refreshSources(),
      master.refreshLocationsAndChannels(),
    ]);
    if (++ticks % slowEvery === 0) {
      await master.refresh();
      if (deps.kind === 'postgres') await projection.refreshSupply();
    }
  }

  return {
    projection,
    feed,

    /** Loads the projection and master data; run before serving reads. */
    async load(): Promise<void> {
      await projection.load();
      await master.refresh(projection.skus());
    },

    /** Availability of one SKU; 404 not_found for an unknown SKU, location or channel. */
    async availability(query: AvailabilityQuery): Promise<SkuAvailability> {
      // Fast path: everything is in memory, so answer without awaiting (no microtask hops).
      if (scopeInMemory(query)) return compute(query.sku, query);
      if (!master.hasItem(query.sku) && (await master.ensureItems([query.sku])).size > 0) {
        throw new AppError('not_found', unknownSku(query.sku), [{ path: 'sku', message: 'no item with this SKU' }]);
      }
      await checkScope(query, [query.sku]);
      return compute(query.sku, query);
    },

    /** Availability of many SKUs at once; an unknown SKU is reported in its entry, not as a failure. */
    async basket(query: Omit<AvailabilityQuery, 'sku'> & { skus: readonly string[] }): Promise<BasketEntry[]> {
      const unknown = await master.ensureItems(query.skus);
      await checkScope(query, query.skus);
      return query.skus.map((sku) =>
        unknown.has(sku)
          ? { sku, found: false as const, error: { code: 'not_found' as const, message: unknownSku(sku) } }
          : { sku, found: true as const, availability: compute(sku, query) },
      );
    },

    /**
     * The in-process read path (sourcing, benchmarks): ATP at one location, or over sellable locations
     * when none is given, for a channel or with every protection withheld. Synchronous and free of
     * allocation; it trusts the caller to have validated the SKU, location and channel.
     */
    atp(sku: string, locationCode?: string, channelCode?: string): number {
      if (locationCode !== undefined) {
        const entry = projection.position(sku, locationCode);
        return entry ? atpOfPosition(sku, locationCode, entry.buckets, channelCode) : 0;
      }
      let total = 0;
      for (const entry of projection.locationsOf(sku).values()) {
        if (master.location(entry.locationCode)?.sellable) total += atpOfPosition(sku, entry.locationCode, entry.buckets, channelCode);
      }
      return total;
    },

    /**
     * The in-process read of a SKU's inbound supply at sellable locations, earliest first (then by
     * location and reference, so every node lists it the same way). Synchronous, from memory.
     */
    inboundAtSellable(sku: string): InboundLine[] {
      const lines: InboundLine[] = [];
      for (const code of projection.inboundLocationsOf(sku)) if (master.location(code)?.sellable) lines.push(...projection.inbound(sku, code));
      return lines.sort((a, b) => a.expectedAtMs - b.expectedAtMs || (a.locationCode < b.locationCode ? -1 : a.locationCode > b.locationCode ? 1 : 0) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
    },

    /** For `availabilityEventsFor(changes, { atpOf })`: ATP of a changed position as the API states it. */
    atpOf: (change: PositionChange): number => atpOfPosition(change.sku, change.locationCode, change.buckets),

    /** Re-reads master data now (after a bulk catalog import, say) instead of at the next refresh. */
    refreshMasterData: (): Promise<void> => master.refresh(),

    /** One catch-up tick: other nodes' positions, sources' freshness, master data. */
    tick,

    start(): void {
      poller ??= startPoller({ intervalMs: config.projectionRefreshMs, tick, onError: deps.onLoopError ?? (() => undefined) });
    },

    async stop(): Promise<void> {
      await poller?.stop();
      poller = null;
    },

    /** Ends the change feed's streams and stops following the bus; the app runs it before closing. */
    close(): void {
      feed.close();
      unsubscribe();
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
