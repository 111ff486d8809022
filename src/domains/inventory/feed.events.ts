import { isoTime } from '../../platform/clock.ts';
import type { NewEvent } from '../../platform/outbox/index.ts';
import { atpAtLocation } from './atp.rules.ts';
import type { Buckets } from './ledger.rules.ts';
import type { PositionChange } from './position-changes.ts';

export const AVAILABILITY_CHANGED = 'crossdock.inventory.availability_changed';
/** One subject for all availability announcements, so subscribers receive them in commit order. */
export const AVAILABILITY_SUBJECT = 'inventory/availability';

/** The `data` of an availability_changed event (dataschemaversion 1). */
export interface AvailabilityChangedBatch {
  /** The highest ledger sequence the transaction wrote. */
  lastMovementSeq: number;
  skus: AvailabilityChangedData[];
  /**
   * For a batch of a source's own events (ingest): per source, how many movements it applied and how
   * long after they happened at the source the hub accepted them. The process log's sync-latency KPI
   * reads it; absent for the hub's own movements (reservations, shipments).
   */
  sources?: SourceSync[];
}

/** How late one source's movements in a batch reached the hub. */
export interface SourceSync {
  source: string;
  movements: number;
  /** Sum over the movements of (accepted − occurred at the source), in ms. */
  latencyMsTotal: number;
  latencyMsMax: number;
}

/** Per source, the sync figures of postings applied at `acceptedAtMs` (a movement from the future counts as 0 late). */
export function sourceSyncOf(postings: ReadonlyArray<{ source: string; occurredAt: number }>, applied: (index: number) => boolean, acceptedAtMs: number): SourceSync[] {
  const bySource = new Map<string, SourceSync>();
  postings.forEach((p, i) => {
    if (!applied(i)) return;
    const latency = Math.max(0, acceptedAtMs - p.occurredAt);
    const entry = bySource.get(p.source) ?? { source: p.source, movements: 0, latencyMsTotal: 0, latencyMsMax: 0 };
    entry.movements++;
    entry.latencyMsTotal += latency;
    entry.latencyMsMax = Math.max(entry.latencyMsMax, latency);
    bySource.set(p.source, entry);
  });
  return [...bySource.values()];
}

/** Adds a batch's sync figures to its availability announcement. */
export function withSourceSync(events: NewEvent[], sources: readonly SourceSync[]): NewEvent[] {
  if (sources.length === 0) return events;
  return events.map((e) => (e.type === AVAILABILITY_CHANGED ? { ...e, data: { ...(e.data as AvailabilityChangedBatch), sources: [...sources] } } : e));
}

/** One SKU's entry in an availability_changed event. */
export interface AvailabilityChangedData {
  sku: string;
  /** The positions of this SKU the transaction changed, each with its ATP. */
  locations: Array<{ locationCode: string; buckets: Buckets; atp: number }>;
  lastMovementSeq: number;
  /** When the hub accepted the earliest of the movements, for measuring delivery latency. */
  acceptedAt: string;
}

export interface AvailabilityEventOptions {
  /**
   * ATP of a changed position. The default is sellable on hand less reserved, which needs nothing
   * but the position; a writer that has the safety stock and protections at hand (the availability
   * service's `atpOf`) passes it so the event matches the availability API.
   */
  atpOf?: (change: PositionChange) => number;
}

/**
 * The outbox announcement of one transaction's position changes: a single event listing each SKU
 * once, with the latest state and ATP of every location of it the transaction touched (DESIGN §6:
 * coalesced per SKU). One row per transaction, however large the batch, keeps the ledger's write path
 * fast; consumers that follow one SKU read its entry. Pure: the writer appends it in its own
 * transaction, so it is committed with the change it announces (I8).
 */
export function availabilityEventsFor(changes: readonly PositionChange[], options: AvailabilityEventOptions = {}): NewEvent[] {
  if (changes.length === 0) return [];
  const atpOf = options.atpOf ?? ((change: PositionChange) => atpAtLocation(change.buckets));
  const bySku = new Map<string, PositionChange[]>();
  for (const change of changes) {
    const list = bySku.get(change.sku);
    if (list) list.push(change);
    else bySku.set(change.sku, [change]);
  }
  const skus: AvailabilityChangedData[] = [];
  for (const [sku, list] of bySku) {
    // The last change to a location in the list is its latest state.
    const latest = new Map(list.map((c) => [c.locationCode, c]));
    skus.push({
      sku,
      locations: [...latest.values()]
        .sort((a, b) => (a.locationCode < b.locationCode ? -1 : a.locationCode > b.locationCode ? 1 : 0))
        .map((c) => ({ locationCode: c.locationCode, buckets: { ...c.buckets }, atp: atpOf(c) })),
      lastMovementSeq: Math.max(...list.map((c) => c.lastMovementSeq)),
      acceptedAt: isoTime(Math.min(...list.map((c) => c.acceptedAtMs))),
    });
  }
  const data: AvailabilityChangedBatch = {
    lastMovementSeq: Math.max(...skus.map((s) => s.lastMovementSeq)),
    skus,
  };
  return [{ source: '/crossdock/inventory', type: AVAILABILITY_CHANGED, subject: AVAILABILITY_SUBJECT, data }];
}
