/**
 * The inventory answers the dashboard reads (availability, items, ledger movements, reservations),
 * written from src/domains/inventory/*.types.ts and the catalog's records. Only the fields the
 * screens use are listed; the API may send more.
 */

export interface SourceFreshness {
  source: string;
  lastReportAt: string | null;
  /** Computed by the hub at `asOf`: never compared with the browser's clock (the demo's clock runs fast). */
  ageMs: number | null;
  expectedIntervalMs: number;
  staleRatio: number | null;
  state: 'fresh' | 'stale' | 'unknown';
  driftRatio: number;
  confidence: number;
}

export interface LocationAvailability {
  locationCode: string;
  sellable: boolean;
  buckets: { onHand: number; reserved: number; quarantined: number; damaged: number; inTransit: number };
  safetyStock: number;
  protections: Array<{ channelCode: string; quantity: number }>;
  atp: number;
  atpForChannel?: number;
  atpByDate?: number;
  /** For a "by" date: the instant this location counted inbound supply up to (the end of that day in its zone). */
  byDateThrough?: string;
  freshness: SourceFreshness[];
  confidence: number;
  confidenceAdjustedAtp: number;
  lastMovementSeq: number;
}

export interface SkuAvailability {
  sku: string;
  itemClass: string | null;
  channelCode: string | null;
  /** A date (`YYYY-MM-DD`, read at each location in its own zone) or an ISO instant, as asked. */
  byDate: string | null;
  locations: LocationAvailability[];
  network: { atp: number; atpForChannel?: number; atpByDate?: number; confidenceAdjustedAtp: number; sellableLocations: number };
  asOf: string;
  watermark: number;
}

export interface Item {
  sku: string;
  gtin?: string;
  description: string;
  baseUnit: string;
  packSizes: Array<{ unit: string; quantity: number }>;
  itemClass?: string;
  status: string;
  unitCostMinor?: number;
  listPriceMinor?: number;
  currency?: string;
  weightKg?: number;
  substitutes?: Array<string | { sku: string }>;
  version: number;
  updatedAt: string;
}

export interface LocationRecord {
  code: string;
  name: string;
  type: string;
  postingMode?: string;
  sellable?: boolean;
}

export interface ChannelRecord {
  code: string;
  name: string;
  type: string;
}

/** One ledger row (`GET /v1/inventory/movements`), newest first. */
export interface Movement {
  id: string;
  sku: string;
  locationCode: string;
  kind: string;
  quantity: number;
  onHandAfter: number | null;
  source: string | null;
  reference: string | null;
  occurredAt: string;
  recordedAt: string;
}

export interface Reservation {
  id: string;
  orderId: string;
  lineNumber: number;
  sku: string;
  locationCode: string;
  quantity: number;
  state: 'pending' | 'committed' | 'released' | 'expired';
  createdAt: string;
  expiresAt?: string;
  resolvedAt?: string;
}
