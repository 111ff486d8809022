import { singleFlight } from '../../platform/poller.ts';
import type { CatalogRecord, CatalogService, Channel, EntityService, Location } from '../catalog/index.ts';
import { compileProtections, noProtections, type CompiledProtections } from './availability.rules.ts';

/**
 * The master data ATP needs, held in memory because it changes rarely and reads must not wait for
 * the database: which SKUs exist and their item class, each location's posting mode, time zone and
 * whether it is sellable, and the channels' protected allocations. Misses (a SKU, channel or location created since
 * the last refresh) are looked up at once; changes to records already held arrive with the periodic
 * refreshes: locations and channels (small tables) every projection tick, item classes less often.
 */

export type LocationInfo = Pick<Location, 'code' | 'sellable' | 'postingMode' | 'postingIntervalMinutes' | 'timezone'>;

/** Records per page when reading a whole master-data list. */
const PAGE_ROWS = 1_000;
/**
 * A location missing from master data is looked for again at most this often: a position at a
 * location nobody created would otherwise cost a catalog read on every request for its SKU.
 */
const LOCATION_MISS_RETRY_MS = 1_000;

async function listAll<K extends 'location' | 'channel'>(service: EntityService<K>): Promise<CatalogRecord<K>[]> {
  const all: CatalogRecord<K>[] = [];
  let cursor: string | undefined;
  do {
    const page = await service.list({ limit: PAGE_ROWS, ...(cursor !== undefined && { cursor }) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

export function createMasterDataCache(catalog: CatalogService) {
  let locations = new Map<string, LocationInfo>();
  let channels = new Map<string, Channel>();
  let protections: CompiledProtections = noProtections;
  /** SKU → item class, for every SKU known to exist. Items are never deleted, so presence is final. */
  const itemClassBySku = new Map<string, string>();

  const refreshLocations = singleFlight(async () => {
    const records = await listAll(catalog.locations);
    locations = new Map(records.map((l) => [l.code, { code: l.code, sellable: l.sellable, postingMode: l.postingMode, postingIntervalMinutes: l.postingIntervalMinutes, timezone: l.timezone }]));
  });

  const refreshChannels = singleFlight(async () => {
    const records = await listAll(catalog.channels);
    channels = new Map(records.map((c) => [c.code, c]));
    protections = compileProtections(records);
  });

  let lastLocationMissAt = -Infinity;

  async function loadItems(skus: readonly string[]): Promise<void> {
    if (skus.length === 0) return;
    const found = await catalog.items.getMany(skus);
    for (const [sku, item] of found) itemClassBySku.set(sku, item.itemClass);
  }

  return {
    /** Re-reads locations and channels: small tables, cheap to read whole. */
    async refreshLocationsAndChannels(): Promise<void> {
      await Promise.all([refreshLocations(), refreshChannels()]);
    },

    /**
     * Re-reads locations and channels, and looks up `warmSkus` not held yet. Item classes matter only
     * to protections given per item class, so the classes held are re-read only while such a
     * protection exists: a catalog of 100,000 items is not parsed every refresh for nothing.
     */
    async refresh(warmSkus: Iterable<string> = []): Promise<void> {
      await Promise.all([refreshLocations(), refreshChannels()]);
      const held = protections.byItemClass.size > 0 ? [...itemClassBySku.keys()] : [];
      const fresh = [...warmSkus].filter((sku) => !itemClassBySku.has(sku));
      await loadItems([...held, ...fresh]);
    },

    /** Re-reads the locations once if any of `codes` is not held, so a new location counts at once. */
    async ensureLocations(codes: Iterable<string>): Promise<void> {
      for (const code of codes) {
        if (locations.has(code)) continue;
        const nowMs = performance.now();
        if (nowMs - lastLocationMissAt < LOCATION_MISS_RETRY_MS) return;
        lastLocationMissAt = nowMs;
        await refreshLocations();
        return;
      }
    },

    /** Looks up the SKUs not held yet; resolves to those that do not exist. One query for all. */
    async ensureItems(skus: readonly string[]): Promise<Set<string>> {
      const missing = skus.filter((sku) => !itemClassBySku.has(sku));
      await loadItems(missing);
      return new Set(missing.filter((sku) => !itemClassBySku.has(sku)));
    },

    /** True when the channel exists, re-reading the channels once if it is not held. */
    async ensureChannel(code: string): Promise<boolean> {
      if (!channels.has(code)) await refreshChannels();
      return channels.has(code);
    },

    async ensureLocation(code: string): Promise<boolean> {
      if (!locations.has(code)) await refreshLocations();
      return locations.has(code);
    },

    hasItem: (sku: string): boolean => itemClassBySku.has(sku),
    itemClass: (sku: string): string | undefined => itemClassBySku.get(sku),
    location: (code: string): LocationInfo | undefined => locations.get(code),
    hasChannel: (code: string): boolean => channels.has(code),
    protections: (): CompiledProtections => protections,
  };
}

export type MasterDataCache = ReturnType<typeof createMasterDataCache>;
