/**
 * The disconnected-baseline comparison, pure parts: the shape both sides are reduced to (one record
 * per order, one per exception), and the metrics computed from it. Each metric is defined once here
 * and applied identically to the disconnected model and to the hub's data, so a difference in the
 * table is a difference in how the orders were run, not in how they were counted.
 */
export const HOUR_MS = 3_600_000;

/** One order line as it ended: what was ordered, what was promised to a warehouse and what shipped. */
export interface OutcomeLine {
  sku: string;
  ordered: number;
  /** Units released to a warehouse as available, in releases the warehouse has shipped by the end (0 otherwise). */
  released: number;
  shipped: number;
}

export interface OrderOutcome {
  id: string;
  channel: string;
  receivedAtMs: number;
  /** The first release to a warehouse, null if never released. */
  releasedAtMs: number | null;
  /** The last shipment of the order, null if nothing shipped. */
  lastShippedAtMs: number | null;
  /** The last invoice (the one that bills the last shipment), null if not invoiced. */
  invoicedAtMs: number | null;
  /** An exception was raised about the order, or a person acted on it, before its first release. */
  touched: boolean;
  lines: OutcomeLine[];
}

export interface ExceptionOutcome {
  type: string;
  raisedAtMs: number;
  /** Resolved or dismissed; null while open. */
  closedAtMs: number | null;
}

export interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
}

export interface ComparisonMetrics {
  orders: number;
  /** Orders with at least one oversold line. */
  oversoldOrders: number;
  oversoldLines: number;
  oversoldUnits: number;
  fillRateLines: number | null;
  fillRateUnits: number | null;
  orderToReleaseHours: Distribution;
  invoiceLatencyHours: Distribution;
  touchlessRate: number | null;
  exceptions: number;
  exceptionAgingHours: Distribution;
}

/**
 * A shortfall of exactly one unit is what the warehouses' damage looks like (they damage one unit
 * on about 1% of lines, on both sides), so it is not counted as an oversell. This undercounts
 * one-unit oversells, identically on both sides.
 */
export const DAMAGE_ALLOWANCE = 1;

/** Units released to a warehouse that its shelf did not have: released − shipped, beyond the damage allowance. */
export function oversoldUnits(line: OutcomeLine): number {
  const short = line.released - line.shipped;
  return short > DAMAGE_ALLOWANCE ? short : 0;
}

/** Nearest rank: the value at rank ⌈p·n⌉ of the n sorted values (as the hub's KPIs do). */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return { count: sorted.length, p50: round(nearestRank(sorted, 0.5)), p90: round(nearestRank(sorted, 0.9)) };
}

const share = (num: number, den: number): number | null => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);

/**
 * The metrics of one side. `settledBeforeMs`: only orders received by then count for fill rate (an
 * order still in the warehouse is not a miss). `endMs`: open exceptions age until then.
 */
export function computeMetrics(orders: readonly OrderOutcome[], exceptions: readonly ExceptionOutcome[], settledBeforeMs: number, endMs: number): ComparisonMetrics {
  let oversoldOrders = 0;
  let oversoldLines = 0;
  let oversold = 0;
  let linesWanted = 0;
  let linesFilled = 0;
  let unitsWanted = 0;
  let unitsShipped = 0;
  const release: number[] = [];
  const invoice: number[] = [];
  let released = 0;
  let untouched = 0;
  for (const o of orders) {
    const overs = o.lines.map(oversoldUnits).filter((u) => u > 0);
    if (overs.length > 0) oversoldOrders++;
    oversoldLines += overs.length;
    oversold += overs.reduce((a, b) => a + b, 0);
    if (o.receivedAtMs <= settledBeforeMs) {
      for (const l of o.lines) {
        linesWanted++;
        if (l.shipped >= l.ordered) linesFilled++;
        unitsWanted += l.ordered;
        unitsShipped += Math.min(l.shipped, l.ordered);
      }
    }
    if (o.releasedAtMs !== null) {
      release.push((o.releasedAtMs - o.receivedAtMs) / HOUR_MS);
      released++;
      if (!o.touched) untouched++;
    }
    if (o.invoicedAtMs !== null && o.lastShippedAtMs !== null) invoice.push((o.invoicedAtMs - o.lastShippedAtMs) / HOUR_MS);
  }
  return {
    orders: orders.length,
    oversoldOrders,
    oversoldLines,
    oversoldUnits: oversold,
    fillRateLines: share(linesFilled, linesWanted),
    fillRateUnits: share(unitsShipped, unitsWanted),
    orderToReleaseHours: distribution(release),
    invoiceLatencyHours: distribution(invoice),
    touchlessRate: share(untouched, released),
    exceptions: exceptions.length,
    exceptionAgingHours: distribution(exceptions.map((e) => ((e.closedAtMs ?? endMs) - e.raisedAtMs) / HOUR_MS)),
  };
}

/** The next synchronisation at or after `atMs`, syncs running every `intervalMs` from `startMs`. */
export function nextSync(atMs: number, startMs: number, intervalMs: number): number {
  const k = Math.ceil((atMs - startMs) / intervalMs);
  return startMs + Math.max(0, k) * intervalMs;
}

/** Business hours: weekdays 08:00–18:00 (UTC read as local time, as the demand model does). */
export function inBusinessHours(atMs: number): boolean {
  const d = new Date(atMs);
  const day = d.getUTCDay();
  const hour = d.getUTCHours();
  return day >= 1 && day <= 5 && hour >= 8 && hour < 18;
}

/** The first moment at or after `atMs` inside business hours. */
export function nextBusinessMoment(atMs: number): number {
  let t = atMs;
  for (let i = 0; i < 24 * 8 && !inBusinessHours(t); i++) t = (Math.floor(t / HOUR_MS) + 1) * HOUR_MS;
  return t;
}

/** The first sync at or after `atMs` that falls inside business hours (the billing clerk's batch). */
export function nextBusinessSync(atMs: number, startMs: number, intervalMs: number): number {
  let t = nextSync(atMs, startMs, intervalMs);
  for (let i = 0; i < 200 && !inBusinessHours(t); i++) t += intervalMs;
  return t;
}

/** The table rows, in the order the report prints them. */
export function metricRows(m: ComparisonMetrics): Array<[string, string]> {
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const hours = (d: Distribution) => (d.count === 0 ? '—' : `${d.p50} h / ${d.p90} h (n=${d.count})`);
  return [
    ['orders', String(m.orders)],
    ['oversold orders (lines, units)', `${m.oversoldOrders} (${m.oversoldLines}, ${m.oversoldUnits})`],
    ['fill rate, lines', pct(m.fillRateLines)],
    ['fill rate, units', pct(m.fillRateUnits)],
    ['order-to-release p50 / p90', hours(m.orderToReleaseHours)],
    ['invoice latency (ship → invoice) p50 / p90', hours(m.invoiceLatencyHours)],
    ['touchless rate', pct(m.touchlessRate)],
    ['order exceptions raised', String(m.exceptions)],
    ['exception aging p50 / p90', hours(m.exceptionAgingHours)],
  ];
}
