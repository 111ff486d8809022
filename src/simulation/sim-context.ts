import type { Clock } from '../platform/clock.ts';
import type { DemandModel } from './demand.rules.ts';
import type { HubClient, HubRequest, HubResponse } from './hub-client.ts';
import type { MasterData } from './master-data.generator.ts';
import type { SimRandom } from './sim-random.ts';

/**
 * What every actor of the simulated network shares: the clock (the hub's own), the one seeded random
 * stream, the HTTP client to the hub with the API key each simulated system was given, the master
 * data, the physical stock in the warehouses, and the counters the summary reports.
 */
export interface SimKeys {
  /** The operator's admin key (master data, set-up). */
  admin: string;
  wms: string;
  salesDesk: string;
  erp: string;
  carriers: string;
  procurement: string;
  /** Reads the event feed. */
  feed: string;
}

export interface SimFolders {
  /** The `in/` directory of each EDI partner's x12 folder, by partner code. */
  ediIn: Map<string, string>;
  /** The `in/` directory of the legacy WMS's snapshot folder. */
  legacySnapshotIn: string;
}

export interface SimStats {
  ordersSubmitted: Record<'EDI' | 'WEB' | 'SALES', number>;
  linesSubmitted: number;
  unitsOrdered: number;
  shipments: number;
  unitsShipped: number;
  shortShippedUnits: number;
  milestones: number;
  snapshotsWritten: number;
  inventoryEventsPosted: number;
  purchaseOrdersSent: number;
  purchaseOrdersReceived: number;
  creditUpdates: number;
  invoicesSeen: number;
  /** Answers a simulated system did not expect, by `status code`, for the summary. */
  refusals: Record<string, number>;
}

export const emptyStats = (): SimStats => ({
  ordersSubmitted: { EDI: 0, WEB: 0, SALES: 0 },
  linesSubmitted: 0,
  unitsOrdered: 0,
  shipments: 0,
  unitsShipped: 0,
  shortShippedUnits: 0,
  milestones: 0,
  snapshotsWritten: 0,
  inventoryEventsPosted: 0,
  purchaseOrdersSent: 0,
  purchaseOrdersReceived: 0,
  creditUpdates: 0,
  invoicesSeen: 0,
  refusals: {},
});

/** Units physically on the shelves, per location and SKU: what the warehouses count, not what the hub believes. */
export class PhysicalStock {
  private readonly units = new Map<string, Map<string, number>>();

  get(location: string, sku: string): number {
    return this.units.get(location)?.get(sku) ?? 0;
  }

  add(location: string, sku: string, delta: number): void {
    let at = this.units.get(location);
    if (!at) this.units.set(location, (at = new Map()));
    at.set(sku, Math.max(0, (at.get(sku) ?? 0) + delta));
  }

  /** Every SKU counted at a location, in SKU order (so a snapshot file is the same for the same stock). */
  counts(location: string): Array<[string, number]> {
    return [...(this.units.get(location) ?? new Map<string, number>())].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

export interface FeedEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  data: any;
}

export interface SimContext {
  clock: Clock;
  r: SimRandom;
  model: MasterData;
  demand: DemandModel;
  keys: SimKeys;
  folders: SimFolders;
  stock: PhysicalStock;
  stats: SimStats;
  /** The Shopify source's name and its signing secret. */
  webStore: { source: string; secret: string };
  /** Sends one request with a key; an unexpected answer is counted in `stats.refusals` and returned. */
  call(key: string, request: HubRequest, expected?: readonly number[]): Promise<HubResponse>;
  /** A line for the demo's console; silent in seeded runs. */
  say(line: string): void;
}

export function makeCall(hub: HubClient, stats: SimStats): SimContext['call'] {
  return async (key, request, expected = [200, 201]) => {
    const res = await hub.request({ ...request, headers: { authorization: `Bearer ${key}`, ...request.headers } });
    if (!expected.includes(res.status)) {
      let code = '';
      try {
        code = res.json<{ error?: { code?: string } }>().error?.code ?? '';
      } catch {
        code = 'unreadable';
      }
      const label = `${request.method} ${request.url.split('?')[0]!.replace(/\/[0-9a-f-]{36}/g, '/{id}')} ${res.status} ${code}`.trim();
      stats.refusals[label] = (stats.refusals[label] ?? 0) + 1;
    }
    return res;
  };
}

export const isoAt = (ms: number): string => new Date(ms).toISOString();

/** A simulated system. `step` does what falls due between the previous step and `nowMs`. */
export interface Actor {
  readonly name: string;
  step(ctx: SimContext, fromMs: number, nowMs: number): Promise<void>;
  /** Events from the hub's feed (`GET /v1/events`), in feed order. */
  onEvent?(ctx: SimContext, event: FeedEvent): void;
}

/** Share of all orders each channel brings. */
export const CHANNEL_SHARE = { EDI: 0.35, WEB: 0.25, SALES: 0.4 } as const;

/** The requested delivery date for an order placed now: 3–10 days out, as YYYY-MM-DD. */
export const requestedDate = (r: SimRandom, nowMs: number): string => isoAt(nowMs + r.int(3, 10) * 86_400_000).slice(0, 10);
