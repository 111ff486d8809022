import { faultIn } from './columns.ts';
import type { CompactLog } from './compact-log.ts';
import { kindCode } from './compact-log.ts';
import { columns, type FactStore, type FactTable, type FactType } from './facts.rules.ts';
import { EVENT_EXCHANGE, EVENT_FAILURE, type KpiDimension, type KpiFigures, type KpiInterval, type KpiName, type KpiQuery, type KpiResult } from './process.types.ts';
import { selectMedianAndP90 } from './stats.rules.ts';

/**
 * The KPIs of docs/kpis.md, each defined once here as a pure function of the facts (and, for the two
 * counted per event, of the events in the window). A KPI either counts cases at an anchor time (an
 * order's cycle time counts when it shipped) or measures what is open at an instant (ages). Slicing
 * and time series are the same for all: a case falls in the bucket of its anchor time; an age is
 * measured at the end of each bucket and of the window.
 */
export interface KpiInput {
  facts: FactStore;
  /** The events in the window that event-counted KPIs read (sync batches, integration messages). */
  events: CompactLog;
}

/** A case: when it counts, its group under `by` (null: counts in every group's denominator), x and weight. */
type Emit = (atMs: number, group: string | null, x: number, w: number, peak?: number) => void;
type GroupOf = (row: number) => string | null;

type Statistic = 'share' | 'mean' | 'ratio';

interface KpiDefinition {
  name: KpiName;
  title: string;
  unit: string;
  /** share: Σx/Σw of 0/1 cases; mean: mean, p50, p90, max of x; ratio: Σx/Σw of weighted amounts. */
  statistic: Statistic;
  dimensions: readonly KpiDimension[];
  cases?(input: KpiInput, by: KpiDimension | undefined, emit: Emit): void;
  openAt?(input: KpiInput, atMs: number, by: KpiDimension | undefined, emit: Emit): void;
  /** An order KPI's case of one order row (see `orderCase`), so that such KPIs share one scan. */
  perOrder?: OrderCase;
}

interface OrderCase {
  /** The milestone column the case counts at. */
  column: number;
  x: (O: FactTable<'order'>, row: number) => number;
  w: ((O: FactTable<'order'>, row: number) => number) | undefined;
}

const HOUR_MS = 3_600_000;
const OC = columns.order;
const LC = columns.order_line;
const SC = columns.shipment;
const IC = columns.invoice;
const PC = columns.purchase_order;
const XC = columns.exception;
const isSet = (v: number | undefined): v is number => v !== undefined && !Number.isNaN(v);
const orZero = (v: number) => (Number.isNaN(v) ? 0 : v);
const NONE = '(none)';
const orderDimensions = ['channel', 'segment', 'facility'] as const satisfies readonly KpiDimension[];

/** Groups by an order's channel, segment or facility; `row` is a row of the order facts (or -1). */
function orderGroups(input: KpiInput, by: KpiDimension | undefined): (orderRow: number) => string | null {
  const { facts } = input;
  const O = facts.tables.order;
  const column = by === 'channel' ? OC.channel : by === 'segment' ? OC.segment : by === 'facility' ? OC.facility : undefined;
  if (column === undefined) return () => NONE;
  return (row) => (row < 0 ? NONE : (facts.text(O.get(row, column)) ?? NONE));
}

/** The order row a fact names (its `order` reference), or -1. */
const orderRowOf = (ref: number): number => (Number.isNaN(ref) ? -1 : ref);

/** Groups of facts that name their order (lines, shipments, invoices, exceptions) by that order's dimension. */
function viaOrder(input: KpiInput, by: KpiDimension | undefined, table: FactTable, orderColumn: number): GroupOf {
  if (by === undefined || !(orderDimensions as readonly string[]).includes(by)) return () => NONE;
  const group = orderGroups(input, by);
  return (row) => group(orderRowOf(table.get(row, orderColumn)));
}

function exceptionGroups(input: KpiInput, by: KpiDimension | undefined): GroupOf {
  const { facts } = input;
  const X = facts.tables.exception;
  const own: Partial<Record<KpiDimension, number>> = { stage: XC.stage, rootCause: XC.rootCause, owner: XC.owner, queue: XC.queue, source: XC.source };
  const column = by ? own[by] : undefined;
  if (column !== undefined) return (row) => facts.text(X.get(row, column)) ?? NONE;
  const order = viaOrder(input, by, X, XC.order);
  if (by === 'facility') return (row) => facts.text(X.get(row, XC.facility)) ?? order(row);
  return order;
}

/**
 * An order KPI counted at one of the order's milestones: x of each order, weighted by w (1 unless
 * given). `computeKpis` runs the order KPIs of a query in one scan of the order facts (`scanOrders`);
 * `cases` runs one alone.
 */
function orderCase(
  milestone: 'shippedAt' | 'releasedAt' | 'invoicedAt',
  x: (O: FactTable<'order'>, row: number) => number,
  w?: (O: FactTable<'order'>, row: number) => number,
): Pick<KpiDefinition, 'cases' | 'perOrder'> {
  const perOrder: OrderCase = { column: OC[milestone], x, w };
  return { perOrder, cases: (input, by, emit) => scanOrders(input, by, [perOrder], [emit]) };
}

/**
 * One scan of the order facts for several order KPIs: each order row's columns are read once for
 * all of them, where a scan per KPI would read every row (144 bytes) once per KPI. Each KPI sees its
 * cases in row order, as a scan of its own would give them.
 */
function scanOrders(input: KpiInput, by: KpiDimension | undefined, cases: readonly OrderCase[], emits: readonly Emit[]): void {
  const O = input.facts.tables.order;
  const group = orderGroups(input, by);
  for (let row = 0; row < O.rows; row++) {
    if (!isSet(O.get(row, OC.receivedAt))) continue;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[k]!;
      const at = O.get(row, c.column);
      if (!isSet(at)) continue;
      emits[k]!(at, group(row), c.x(O, row), c.w ? c.w(O, row) : 1);
    }
  }
}

export const kpiDefinitions: readonly KpiDefinition[] = [
  {
    name: 'order_cycle_time',
    title: 'Order cycle time: received to fully shipped',
    unit: 'hours',
    statistic: 'mean',
    dimensions: orderDimensions,
    ...orderCase('shippedAt', (O, row) => (O.get(row, OC.shippedAt) - O.get(row, OC.receivedAt)) / HOUR_MS),
  },
  {
    name: 'order_to_release_time',
    title: 'Order to release: received to first released to a warehouse',
    unit: 'hours',
    statistic: 'mean',
    dimensions: orderDimensions,
    ...orderCase('releasedAt', (O, row) => (O.get(row, OC.releasedAt) - O.get(row, OC.receivedAt)) / HOUR_MS),
  },
  {
    name: 'fill_rate_lines',
    title: 'Fill rate (lines): lines shipped in full, of the lines of orders that shipped',
    unit: 'share',
    statistic: 'share',
    dimensions: orderDimensions,
    ...orderCase('shippedAt', (O, row) => orZero(O.get(row, OC.linesFilled)), (O, row) => orZero(O.get(row, OC.lines))),
  },
  {
    name: 'fill_rate_units',
    title: 'Fill rate (units): units shipped, of the units ordered on orders that shipped',
    unit: 'share',
    statistic: 'share',
    dimensions: orderDimensions,
    ...orderCase('shippedAt', (O, row) => orZero(O.get(row, OC.unitsShipped)), (O, row) => orZero(O.get(row, OC.units))),
  },
  {
    name: 'perfect_order_rate',
    title: 'Perfect order rate: on time, in full, no exception, invoiced as shipped',
    unit: 'share',
    statistic: 'share',
    dimensions: orderDimensions,
    ...orderCase('invoicedAt', (O, row) => {
      const perfect =
        !isSet(O.get(row, OC.breachedAt)) &&
        orZero(O.get(row, OC.linesFilled)) === orZero(O.get(row, OC.lines)) &&
        orZero(O.get(row, OC.exceptions)) === 0 &&
        orZero(O.get(row, OC.unitsInvoiced)) === orZero(O.get(row, OC.unitsShipped)) &&
        orZero(O.get(row, OC.invoiceMismatches)) === 0;
      return perfect ? 1 : 0;
    }),
  },
  {
    name: 'touchless_rate',
    title: 'Touchless rate: orders released with no hold, no exception and no person acting before',
    unit: 'share',
    statistic: 'share',
    dimensions: orderDimensions,
    ...orderCase('releasedAt', (O, row) => (isSet(O.get(row, OC.touchedAt)) && O.get(row, OC.touchedAt) <= O.get(row, OC.releasedAt) ? 0 : 1)),
  },
  {
    name: 'exception_rate',
    title: 'Exception rate: exceptions raised per order received',
    unit: 'per order',
    statistic: 'ratio',
    dimensions: ['stage', 'rootCause', 'owner', 'channel', 'segment', 'facility'],
    cases(input, by, emit) {
      const X = input.facts.tables.exception;
      const group = exceptionGroups(input, by);
      for (let row = 0; row < X.rows; row++) if (isSet(X.get(row, XC.raisedAt))) emit(X.get(row, XC.raisedAt), group(row), 1, 0);
      const O = input.facts.tables.order;
      // Orders carry no stage, root cause or owner: they count in the denominator of every such group.
      const orderGroup = by === undefined || (orderDimensions as readonly string[]).includes(by) ? orderGroups(input, by) : () => null;
      for (let row = 0; row < O.rows; row++) if (isSet(O.get(row, OC.receivedAt))) emit(O.get(row, OC.receivedAt), orderGroup(row), 0, 1);
    },
  },
  {
    name: 'queue_aging',
    title: 'Queue aging: age of the exceptions open in the queues',
    unit: 'hours',
    statistic: 'mean',
    dimensions: ['queue', 'owner', 'stage', 'rootCause', 'facility', 'channel', 'segment'],
    openAt(input, atMs, by, emit) {
      const X = input.facts.tables.exception;
      const group = exceptionGroups(input, by);
      for (let row = 0; row < X.rows; row++) {
        const raised = X.get(row, XC.raisedAt);
        const closed = X.get(row, XC.closedAt);
        if (isSet(raised) && raised <= atMs && !(isSet(closed) && closed <= atMs)) emit(atMs, group(row), (atMs - raised) / HOUR_MS, 1);
      }
    },
  },
  {
    name: 'backlog_aging',
    title: 'Backlog aging: age of the orders received and not yet shipped or cancelled',
    unit: 'hours',
    statistic: 'mean',
    dimensions: orderDimensions,
    openAt(input, atMs, by, emit) {
      const O = input.facts.tables.order;
      const group = orderGroups(input, by);
      for (let row = 0; row < O.rows; row++) {
        const received = O.get(row, OC.receivedAt);
        if (!isSet(received) || received > atMs) continue;
        const shipped = O.get(row, OC.shippedAt);
        const cancelled = O.get(row, OC.cancelledAt);
        if ((isSet(shipped) && shipped <= atMs) || (isSet(cancelled) && cancelled <= atMs)) continue;
        emit(atMs, group(row), (atMs - received) / HOUR_MS, 1);
      }
    },
  },
  {
    name: 'sla_adherence',
    title: 'SLA adherence: exceptions closed within their SLA, of those closed',
    unit: 'share',
    statistic: 'share',
    dimensions: ['queue', 'owner', 'stage', 'rootCause', 'facility', 'channel', 'segment'],
    cases(input, by, emit) {
      const X = input.facts.tables.exception;
      const group = exceptionGroups(input, by);
      for (let row = 0; row < X.rows; row++) {
        const closed = X.get(row, XC.closedAt);
        if (!isSet(closed) || !isSet(X.get(row, XC.raisedAt))) continue;
        const due = X.get(row, XC.slaDueAt);
        const breached = X.get(row, XC.breachedAt);
        const met = !(isSet(breached) && breached <= closed) && !(isSet(due) && closed > due);
        emit(closed, group(row), met ? 1 : 0, 1);
      }
    },
  },
  {
    name: 'inventory_sync_latency',
    title: 'Inventory sync latency: movement at the source to accepted by the hub, per movement',
    unit: 'seconds',
    statistic: 'ratio',
    dimensions: ['source'],
    cases(input, _by, emit) {
      const log = input.events;
      const s = log.strings;
      const synced = kindCode.inventory_synced;
      const movements = s.find('lastBatchMovements');
      const mean = s.find('lastBatchLatencyMsMean');
      const max = s.find('lastBatchLatencyMsMax');
      for (let e = 0; e < log.events; e++) {
        if (log.kind[e] !== synced) continue;
        // Each source's three figures of the batch arrive as attribute changes of its object.
        const bySource = new Map<number, { n: number; mean: number; max: number }>();
        for (let c = log.chgStart[e]!, end = log.chgStart[e + 1]!; c < end; c++) {
          const name = log.chgName[c]!;
          if (name !== movements && name !== mean && name !== max) continue;
          const obj = log.chgObject[c]!;
          const entry = bySource.get(obj) ?? { n: 0, mean: 0, max: 0 };
          if (name === movements) entry.n = log.chgNumber[c]!;
          else if (name === mean) entry.mean = log.chgNumber[c]!;
          else entry.max = log.chgNumber[c]!;
          bySource.set(obj, entry);
        }
        for (const [obj, f] of bySource) if (f.n > 0) emit(log.time[e]!, log.keyOf(obj), (f.mean * f.n) / 1000, f.n, f.max / 1000);
      }
    },
  },
  {
    name: 'shipment_confirmation_timeliness',
    title: 'Shipment confirmation timeliness: confirmations in by the request’s ship-by time',
    unit: 'share',
    statistic: 'share',
    dimensions: orderDimensions,
    cases(input, by, emit) {
      const S = input.facts.tables.shipment;
      const viaTheOrder = viaOrder(input, by, S, SC.order);
      const group: GroupOf = by === 'facility' ? (row) => input.facts.text(S.get(row, SC.facility)) ?? NONE : viaTheOrder;
      for (let row = 0; row < S.rows; row++) {
        const confirmed = S.get(row, SC.confirmedAt);
        const due = S.get(row, SC.shipByAt);
        if (isSet(confirmed) && isSet(due)) emit(confirmed, group(row), confirmed <= due ? 1 : 0, 1);
      }
    },
  },
  {
    name: 'invoice_latency',
    title: 'Invoice latency: last billed shipment confirmed to invoice issued',
    unit: 'hours',
    statistic: 'mean',
    dimensions: orderDimensions,
    cases(input, by, emit) {
      const I = input.facts.tables.invoice;
      const group = viaOrder(input, by, I, IC.order);
      for (let row = 0; row < I.rows; row++) {
        const issued = I.get(row, IC.issuedAt);
        const shipped = I.get(row, IC.shipmentConfirmedAt);
        if (isSet(issued) && isSet(shipped)) emit(issued, group(row), (issued - shipped) / HOUR_MS, 1);
      }
    },
  },
  {
    name: 'integration_failure_rate',
    title: 'Integration failure rate: failed messages, of the messages taken in or failed',
    unit: 'share',
    statistic: 'share',
    dimensions: ['source'],
    cases(input, _by, emit) {
      const log = input.events;
      for (let e = 0; e < log.events; e++) {
        const flags = log.flags[e]!;
        if ((flags & (EVENT_EXCHANGE | EVENT_FAILURE)) === 0) continue;
        const source = log.source[e]!;
        emit(log.time[e]!, source < 0 ? NONE : log.strings.values[source]!, flags & EVENT_FAILURE ? 1 : 0, 1);
      }
    },
  },
  {
    name: 'integration_recovery_time',
    title: 'Integration recovery time: integration failure raised to resolved',
    unit: 'hours',
    statistic: 'mean',
    dimensions: ['source', 'owner', 'queue', 'rootCause'],
    cases(input, by, emit) {
      const X = input.facts.tables.exception;
      const group = exceptionGroups(input, by);
      const integration = input.facts.texts.find('integration_failure');
      for (let row = 0; row < X.rows; row++) {
        const raised = X.get(row, XC.raisedAt);
        const closed = X.get(row, XC.closedAt);
        if (X.get(row, XC.type) === integration && isSet(raised) && isSet(closed)) emit(closed, group(row), (closed - raised) / HOUR_MS, 1);
      }
    },
  },
  {
    name: 'supplier_response_latency',
    title: 'Supplier response latency: purchase order sent to acknowledged',
    unit: 'hours',
    statistic: 'mean',
    dimensions: ['supplier', 'facility'],
    cases(input, by, emit) {
      const P = input.facts.tables.purchase_order;
      const column = by === 'facility' ? PC.facility : PC.supplier;
      for (let row = 0; row < P.rows; row++) {
        const sent = P.get(row, PC.sentAt);
        const acknowledged = P.get(row, PC.acknowledgedAt);
        if (isSet(sent) && isSet(acknowledged)) emit(acknowledged, input.facts.text(P.get(row, column)) ?? NONE, (acknowledged - sent) / HOUR_MS, 1);
      }
    },
  },
  {
    name: 'backorder_aging',
    title: 'Backorder aging: age of the order lines waiting on backorder',
    unit: 'hours',
    statistic: 'mean',
    dimensions: orderDimensions,
    openAt(input, atMs, by, emit) {
      const L = input.facts.tables.order_line;
      const group = orderGroups(input, by);
      const O = input.facts.tables.order;
      for (let row = 0; row < L.rows; row++) {
        const since = L.get(row, LC.backorderSince);
        if (!isSet(since) || since > atMs) continue;
        const ended = L.get(row, LC.backorderEnded);
        if (isSet(ended) && ended <= atMs) continue;
        const order = orderRowOf(L.get(row, LC.order));
        // A cancelled order's lines wait for nothing any more.
        const cancelledAt = order >= 0 ? O.get(order, OC.cancelledAt) : Number.NaN;
        if (isSet(cancelledAt) && cancelledAt <= atMs) continue;
        emit(atMs, group(order), (atMs - since) / HOUR_MS, 1);
      }
    },
  },
  {
    name: 'split_shipment_frequency',
    title: 'Split-shipment frequency: orders shipped in more than one shipment, of those shipped',
    unit: 'share',
    statistic: 'share',
    dimensions: orderDimensions,
    ...orderCase('shippedAt', (O, row) => (orZero(O.get(row, OC.shipments)) > 1 ? 1 : 0)),
  },
];

export const kpiByName: ReadonlyMap<KpiName, KpiDefinition> = new Map(kpiDefinitions.map((k) => [k.name, k]));

/** Which KPIs read events (not only facts), so a caller loads the window's events only when needed. */
export const eventKpis: ReadonlySet<KpiName> = new Set(['inventory_sync_latency', 'integration_failure_rate']);

/** The facts each KPI reads, so a caller loads only those. */
export const kpiFactTypes: Readonly<Record<KpiName, readonly FactType[]>> = {
  order_cycle_time: ['order'],
  order_to_release_time: ['order'],
  fill_rate_lines: ['order'],
  fill_rate_units: ['order'],
  perfect_order_rate: ['order'],
  touchless_rate: ['order'],
  exception_rate: ['exception', 'order'],
  queue_aging: ['exception', 'order'],
  backlog_aging: ['order'],
  sla_adherence: ['exception', 'order'],
  inventory_sync_latency: [],
  shipment_confirmation_timeliness: ['shipment', 'order'],
  invoice_latency: ['invoice', 'order'],
  integration_failure_rate: [],
  integration_recovery_time: ['exception', 'order'],
  supplier_response_latency: ['purchase_order'],
  backorder_aging: ['order_line', 'order'],
  split_shipment_frequency: ['order'],
};

export const intervalMs: Record<KpiInterval, number> = { day: 86_400_000, hour: HOUR_MS };

/** The buckets of a series: whole UTC days or hours overlapping [from, to). */
export function bucketsOf(fromMs: number, toMs: number, interval: KpiInterval): number[] {
  const size = intervalMs[interval];
  const starts: number[] = [];
  for (let start = Math.floor(fromMs / size) * size; start < toMs; start += size) starts.push(start);
  return starts;
}

/** What a KPI's query is refused for: a dimension it does not have. Null when the query is fine. */
export function unsupportedDimension(kpi: KpiName, by: KpiDimension | undefined): string | null {
  if (by === undefined) return null;
  const definition = kpiByName.get(kpi)!;
  return definition.dimensions.includes(by) ? null : `${kpi} cannot be sliced by ${by}; it can by ${definition.dimensions.join(', ')}`;
}

/**
 * The values' memory of finished queries, for the next query's accumulators. A recompute at ten
 * million events keeps about 2.4 million values (three KPIs of about 800,000 cases each); new typed
 * arrays each time would be fresh pages and garbage to collect. Only large arrays are kept, at most
 * `SPARE_VALUES_MAX` (about 32 MB at ten million events).
 */
const spareValues: Float64Array[] = [];
const SPARE_VALUES_MAX = 4;
const SPARE_VALUES_MIN_LENGTH = 65_536;

/** The smallest spare that holds `length` values, or a new array. */
function takeValues(length: number): Float64Array {
  let best = -1;
  for (let i = 0; i < spareValues.length; i++) if (spareValues[i]!.length >= length && (best < 0 || spareValues[i]!.length < spareValues[best]!.length)) best = i;
  return best < 0 ? new Float64Array(length) : spareValues.splice(best, 1)[0]!;
}

/** Keeps a large array for the next query, the largest `SPARE_VALUES_MAX` of them. */
function giveBackValues(values: Float64Array): void {
  if (values.length < SPARE_VALUES_MIN_LENGTH) return;
  spareValues.push(values);
  spareValues.sort((a, b) => b.length - a.length);
  spareValues.length = Math.min(spareValues.length, SPARE_VALUES_MAX);
}

/**
 * Makes the values' memory of queries over about `cases` cases each now, every page written once so
 * that it is faulted in, and keeps it as spares (a recompute that prepares while it reads its log).
 * The arrays are as long as an accumulator's doubling reaches for that many cases, so one serves a
 * KPI's cases without growing.
 */
export function reserveKpiMemory(cases: number): void {
  if (cases < SPARE_VALUES_MIN_LENGTH) return;
  let length = 64;
  while (length < cases) length *= 2;
  while (spareValues.filter((values) => values.length >= length).length < SPARE_VALUES_MAX) {
    const values = new Float64Array(length);
    faultIn(values.buffer);
    giveBackValues(values);
  }
}

class Accumulator {
  x = 0;
  w = 0;
  n = 0;
  /** The largest peak given (a batch's slowest movement), when cases carry one. */
  peak = Number.NEGATIVE_INFINITY;
  /** Every x, for percentiles: a typed array, so a million cases are one allocation for the collector, not a million numbers. */
  private values: Float64Array = new Float64Array(0);
  private kept = 0;
  constructor(private readonly keepValues: boolean) {}

  add(x: number, w: number, peak?: number): void {
    this.x += x;
    this.w += w;
    if (w > 0) this.n++;
    if (peak !== undefined && peak > this.peak) this.peak = peak;
    if (this.keepValues) {
      if (this.kept === this.values.length) {
        const next = takeValues(Math.max(64, this.kept * 2));
        next.set(this.values);
        giveBackValues(this.values);
        this.values = next;
      }
      this.values[this.kept++] = x;
    }
  }

  /** Gives the values' memory back for the next query; the accumulator must not be used afterwards. */
  release(): void {
    giveBackValues(this.values);
    this.values = new Float64Array(0);
    this.kept = 0;
  }

  figures(statistic: Statistic, shared?: Accumulator): KpiFigures {
    const w = this.w + (shared?.w ?? 0);
    const n = this.n + (shared?.n ?? 0);
    if (statistic === 'mean') {
      if (n === 0) return { value: null, count: 0, p50: null, p90: null, max: null };
      // Selection, not sorting: a million cycle times take a few milliseconds. It reorders the
      // values in place, which changes no figure asked for again.
      const { median: p50, p90, max } = selectMedianAndP90(this.values, 0, this.kept);
      return { value: this.x / n, count: n, p50, p90, max };
    }
    const figures: KpiFigures = { value: w === 0 ? null : this.x / w, count: n, numerator: this.x, denominator: w };
    if (this.peak > Number.NEGATIVE_INFINITY) figures.max = this.peak;
    return figures;
  }
}

/** Per group (and `null`, the share of every group): the accumulators of one bucket or of the window. */
class Grouped {
  readonly all: Accumulator;
  readonly groups = new Map<string | null, Accumulator>();
  constructor(private readonly keepValues: boolean) {
    this.all = new Accumulator(keepValues);
  }

  add(group: string | null, x: number, w: number, peak: number | undefined, sliced: boolean): void {
    this.all.add(x, w, peak);
    if (!sliced) return;
    let acc = this.groups.get(group);
    if (!acc) this.groups.set(group, (acc = new Accumulator(this.keepValues)));
    acc.add(x, w, peak);
  }

  release(): void {
    this.all.release();
    for (const acc of this.groups.values()) acc.release();
  }

  groupFigures(statistic: Statistic): Array<{ key: string } & KpiFigures> {
    const shared = this.groups.get(null);
    return [...this.groups.entries()]
      .filter((entry): entry is [string, Accumulator] => entry[0] !== null)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key, acc]) => ({ key, ...acc.figures(statistic, shared) }));
  }
}

/** Computes the KPIs asked for, over the facts and events given. Dimensions must have been checked. */
export function computeKpis(input: KpiInput, query: KpiQuery): KpiResult[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const buckets = query.interval ? bucketsOf(query.fromMs, query.toMs, query.interval) : [];
  const size = query.interval ? intervalMs[query.interval] : 0;
  const sliced = query.by !== undefined;
  const runs = query.kpis.map((name) => {
    const definition = kpiByName.get(name)!;
    const keepValues = definition.statistic === 'mean';
    const window = new Grouped(keepValues);
    const series = buckets.map(() => new Grouped(keepValues));
    const emit: Emit = (at, group, x, w, peak) => {
      if (at < query.fromMs || at >= query.toMs) return;
      window.add(group, x, w, peak, sliced);
      if (size > 0) series[Math.floor((at - buckets[0]!) / size)]!.add(group, x, w, peak, sliced);
    };
    return { name, definition, window, series, emit };
  });
  // The order KPIs asked for share one scan of the order facts.
  const perOrder = runs.filter((run) => run.definition.perOrder !== undefined);
  if (perOrder.length > 0) scanOrders(input, query.by, perOrder.map((run) => run.definition.perOrder!), perOrder.map((run) => run.emit));
  for (const { definition, window, series, emit } of runs) {
    if (definition.perOrder) continue;
    if (definition.cases) definition.cases(input, query.by, emit);
    else {
      // An age is taken at the end of the window, and of each bucket for the series.
      const endMs = query.instantMs ?? query.toMs;
      definition.openAt!(input, endMs, query.by, (_at, group, x, w, peak) => window.add(group, x, w, peak, sliced));
      buckets.forEach((start, i) => {
        const atMs = Math.min(start + size, endMs);
        definition.openAt!(input, atMs, query.by, (_at, group, x, w, peak) => series[i]!.add(group, x, w, peak, sliced));
      });
    }
  }
  const results = runs.map(({ name, definition, window, series }) => {
    const result: KpiResult = { kpi: name, title: definition.title, unit: definition.unit, ...window.all.figures(definition.statistic, undefined) };
    if (sliced) result.groups = window.groupFigures(definition.statistic);
    if (query.interval) {
      result.series = series.map((bucket, i) => ({
        start: iso(buckets[i]!),
        end: iso(buckets[i]! + size),
        ...bucket.all.figures(definition.statistic, undefined),
        ...(sliced && { groups: bucket.groupFigures(definition.statistic) }),
      }));
    }
    return result;
  });
  // The figures are taken: the values' memory serves the next query.
  for (const { window, series } of runs) for (const grouped of [window, ...series]) grouped.release();
  return results;
}
