import type { SimRandom } from './sim-random.ts';
import { zipfSampler } from './sim-random.ts';

/**
 * Demand, pure: how many orders arrive in a step and what is on them. Skewed SKU popularity
 * (Zipf-like over the popularity ranks), weekly seasonality (weekdays busy, weekends quiet), a
 * business-hours curve, and promotions that lift a handful of SKUs for a few days.
 */
export interface Promotion {
  skus: string[];
  startMs: number;
  endMs: number;
  /** Extra chance that a line picks a promoted SKU while the promotion runs. */
  share: number;
}

export interface DemandModel {
  ordersPerDay: number;
  skusByPopularity: readonly string[];
  promotions: Promotion[];
  rank: (u: number) => number;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

// Sunday first, as Date.getUTCDay() numbers days; the weights average to 1 over a week.
const WEEKDAY = [0.25, 1.2, 1.25, 1.2, 1.2, 1.15, 0.45] as const;

export function createDemandModel(r: SimRandom, options: { ordersPerDay: number; skusByPopularity: readonly string[]; startMs: number; days: number }): DemandModel {
  const promotions: Promotion[] = [];
  // A promotion starts on about one day in four, lifting 3–8 mid-popularity SKUs for 2–4 days.
  const mid = options.skusByPopularity.slice(20, 400);
  for (let d = 0; d < options.days; d++) {
    if (mid.length === 0 || !r.chance(0.25)) continue;
    const startMs = options.startMs + d * DAY_MS + r.int(0, 23) * HOUR_MS;
    const skus = Array.from({ length: r.int(3, 8) }, () => r.pick(mid));
    promotions.push({ skus: [...new Set(skus)], startMs, endMs: startMs + r.int(2, 4) * DAY_MS, share: 0.15 + r.next() * 0.2 });
  }
  return { ordersPerDay: options.ordersPerDay, skusByPopularity: options.skusByPopularity, promotions, rank: zipfSampler(options.skusByPopularity.length) };
}

/** Orders per hour at this moment: the daily rate shaped by weekday and hour of day (UTC as local time). */
export function ordersPerHour(model: DemandModel, atMs: number): number {
  const date = new Date(atMs);
  const hour = date.getUTCHours();
  const daytime = hour >= 7 && hour < 19 ? 1.7 : 0.3;
  return (model.ordersPerDay / 24) * WEEKDAY[date.getUTCDay()]! * daytime;
}

/** A Poisson draw (Knuth's method; the rates per step are small). */
export function poisson(r: SimRandom, mean: number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let k = 0;
  let p = r.next();
  while (p > limit) {
    k++;
    p *= r.next();
  }
  return k;
}

export interface DemandLine {
  sku: string;
  quantity: number;
}

/** One order's lines: 1–8 (fewer more likely), distinct SKUs, quantities by channel size. */
export function drawLines(r: SimRandom, model: DemandModel, atMs: number, size: 'retail' | 'business' | 'consumer'): DemandLine[] {
  const count = size === 'consumer' ? r.int(1, 3) : Math.min(8, 1 + Math.floor(-Math.log(1 - r.next()) * (size === 'retail' ? 3 : 1.6)));
  const active = model.promotions.filter((p) => p.startMs <= atMs && atMs < p.endMs);
  const chosen = new Map<string, number>();
  for (let i = 0; i < count * 2 && chosen.size < count; i++) {
    const promo = active.length > 0 && r.chance(active[0]!.share) ? r.pick(active) : null;
    const sku = promo ? r.pick(promo.skus) : model.skusByPopularity[model.rank(r.next())]!;
    if (chosen.has(sku)) continue;
    const quantity = size === 'retail' ? r.int(1, 6) * 6 : size === 'business' ? r.int(1, 24) : r.int(1, 4);
    chosen.set(sku, quantity);
  }
  return [...chosen].map(([sku, quantity]) => ({ sku, quantity }));
}
