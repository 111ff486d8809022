import { cutoffInstant } from './cutoff.rules.ts';

/** A reservation held for a line at a location: what a release hands to that warehouse. */
export interface HeldStock {
  reservationId: string;
  lineNumber: number;
  sku: string;
  locationCode: string;
  quantity: number;
}

export interface ReleaseLocation {
  code: string;
  cutoffLocalTime: string;
  timezone: string;
  /** Order lines the location can pick per day; absent means no limit. */
  dailyCapacityLines?: number | undefined;
}

export interface PlannedRequest {
  locationCode: string;
  lines: Array<{ lineNumber: number; sku: string; quantity: number; reservationIds: string[] }>;
  shipByAtMs: number;
  /** Days the request was pushed back because the location's capacity for the day was spent. */
  deferredDays: number;
}

/**
 * Plans a release: one fulfillment request per location holding stock for the order, due at the
 * location's next cutoff — or a later day's when the lines already due at that cutoff fill the
 * location's daily capacity. Pure: `linesDue(location, shipByAtMs)` says what is already booked.
 */
export function planRelease(held: readonly HeldStock[], locations: ReadonlyMap<string, ReleaseLocation>, linesDue: (locationCode: string, shipByAtMs: number) => number, nowMs: number): PlannedRequest[] {
  const byLocation = new Map<string, HeldStock[]>();
  for (const h of held) byLocation.set(h.locationCode, [...(byLocation.get(h.locationCode) ?? []), h]);
  const plans: PlannedRequest[] = [];
  for (const [locationCode, stock] of [...byLocation].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const location = locations.get(locationCode);
    if (!location) throw new Error(`invariant violated: stock held at unknown location ${locationCode}`);
    const lines = new Map<number, PlannedRequest['lines'][number]>();
    for (const h of stock) {
      const line = lines.get(h.lineNumber) ?? { lineNumber: h.lineNumber, sku: h.sku, quantity: 0, reservationIds: [] };
      line.quantity += h.quantity;
      line.reservationIds.push(h.reservationId);
      lines.set(h.lineNumber, line);
    }
    let deferredDays = 0;
    let shipByAtMs = cutoffInstant(nowMs, location.cutoffLocalTime, location.timezone);
    // A request is never split across days; a location with no room for a whole order ships it on
    // the first day that has room (within a fortnight, then it goes out anyway and is late).
    while (location.dailyCapacityLines !== undefined && deferredDays < 14 && linesDue(locationCode, shipByAtMs) + lines.size > location.dailyCapacityLines) {
      deferredDays++;
      shipByAtMs = cutoffInstant(nowMs, location.cutoffLocalTime, location.timezone, deferredDays);
    }
    plans.push({ locationCode, lines: [...lines.values()].sort((a, b) => a.lineNumber - b.lineNumber), shipByAtMs, deferredDays });
  }
  return plans;
}
