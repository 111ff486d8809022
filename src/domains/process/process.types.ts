import { z } from 'zod';
import { timestampSchema } from '../shared/index.ts';

/**
 * The process log's vocabulary. Every domain event becomes one logged event (OCEL 2.0: an event with
 * a type, a time and attributes, related to objects with qualifiers) and may change attributes of
 * its objects. Object ids are `<type>:<key>` so ids of different types never collide; an order line
 * is `order_line:<orderId>#<lineNumber>`. See docs/process.md.
 */
export const processObjectTypes = [
  'order',
  'order_line',
  'shipment',
  'invoice',
  'credit_memo',
  'return',
  'purchase_order',
  'transfer',
  'item',
  'location',
  'customer',
  'supplier',
  'channel',
  'exception',
  'message',
  'fulfillment_request',
  'reservation',
  'inventory_source',
] as const;
export type ProcessObjectType = (typeof processObjectTypes)[number];

/** An attribute value as the log keeps it. Names ending in `At` hold ISO 8601 times (OCEL type `time`). */
export type AttributeValue = string | number | boolean;

/**
 * What an event means for the KPIs: the fold (`facts.rules.ts`) reads this, never the event type, so
 * a new event type needs only a row in the mapping table to count. `none` is logged but folds nothing.
 */
export const eventKinds = [
  'none',
  'order_received',
  'hold_placed',
  'allocation',
  'release_requested',
  'order_released',
  'shipment_confirmed',
  'order_shipped',
  'order_cancelled',
  'lines_cancelled',
  'order_delivered',
  'promise_breached',
  'invoice_issued',
  'order_invoiced',
  'order_closed',
  'po_event',
  'po_sent',
  'po_acknowledged',
  'exception_raised',
  'exception_changed',
  'exception_closed',
  'inventory_synced',
] as const;
export type EventKind = (typeof eventKinds)[number];

/** Flags of a logged event: a person acted; an inbound message was taken in; an integration failed. */
export const EVENT_MANUAL = 1;
export const EVENT_EXCHANGE = 2;
export const EVENT_FAILURE = 4;

export interface Relation {
  objectId: string;
  objectType: string;
  qualifier: string;
  /** Units the relation is about (a line's shipped quantity); the KPIs read it, OCEL leaves it out. */
  quantity?: number | undefined;
}

export interface AttributeChange {
  objectId: string;
  objectType: string;
  name: string;
  value: AttributeValue;
}

export interface ObjectLink {
  objectId: string;
  objectType: string;
  targetId: string;
  targetType: string;
  qualifier: string;
}

/** One domain event as the process log keeps it; `id` and `seq` are the outbox event's. */
export interface LoggedEvent {
  id: string;
  seq: number;
  /** The CloudEvents type it came from. */
  type: string;
  /** The OCEL event type: the activity's name, e.g. `Order received`. */
  activity: string;
  kind: EventKind;
  timeMs: number;
  flags: number;
  /** For integration KPIs: the system the message came from or failed at, e.g. `channel:EDI`. */
  integrationSource: string | null;
  attributes: Record<string, AttributeValue>;
  relations: Relation[];
  changes: AttributeChange[];
  links: ObjectLink[];
}

// ---------------------------------------------------------------- KPIs

export const kpiNames = [
  'order_cycle_time',
  'order_to_release_time',
  'fill_rate_lines',
  'fill_rate_units',
  'perfect_order_rate',
  'touchless_rate',
  'exception_rate',
  'queue_aging',
  'backlog_aging',
  'sla_adherence',
  'inventory_sync_latency',
  'shipment_confirmation_timeliness',
  'invoice_latency',
  'integration_failure_rate',
  'integration_recovery_time',
  'supplier_response_latency',
  'backorder_aging',
  'split_shipment_frequency',
] as const;
export type KpiName = (typeof kpiNames)[number];

export const kpiDimensions = ['channel', 'segment', 'facility', 'stage', 'rootCause', 'owner', 'queue', 'source', 'supplier'] as const;
export type KpiDimension = (typeof kpiDimensions)[number];

export const kpiIntervals = ['day', 'hour'] as const;
export type KpiInterval = (typeof kpiIntervals)[number];

export interface KpiQuery {
  kpis: readonly KpiName[];
  fromMs: number;
  /** Exclusive end of the window. */
  toMs: number;
  /** When ages are measured at the window's end: `toMs` unless the window ends now (then now). */
  instantMs?: number | undefined;
  by?: KpiDimension | undefined;
  interval?: KpiInterval | undefined;
}

const kpiFiguresShape = {
  value: z.number().nullable().describe('The KPI: a share (0–1), a mean, or a rate; null when nothing counted'),
  count: z.number().int().describe('How many cases counted (orders, lines, shipments, exceptions, batches, events)'),
  numerator: z.number().optional().describe('For shares and rates: what counted as a success, or the sum averaged'),
  denominator: z.number().optional(),
  p50: z.number().nullable().optional().describe('For durations and ages: the median (nearest rank)'),
  p90: z.number().nullable().optional().describe('For durations and ages: the 90th percentile (nearest rank)'),
  max: z.number().nullable().optional(),
};
export const kpiFiguresSchema = z.object(kpiFiguresShape);
export type KpiFigures = z.infer<typeof kpiFiguresSchema>;

const kpiGroupSchema = z.object({ key: z.string(), ...kpiFiguresShape });
export const kpiResultSchema = z.object({
  kpi: z.enum(kpiNames),
  title: z.string(),
  unit: z.string().describe('hours, seconds, share (0–1) or per order'),
  ...kpiFiguresShape,
  groups: z.array(kpiGroupSchema).optional().describe('One entry per value of `by`, sorted by key'),
  series: z
    .array(z.object({ start: timestampSchema, end: timestampSchema, ...kpiFiguresShape, groups: z.array(kpiGroupSchema).optional() }))
    .optional()
    .describe('One entry per `interval` bucket (UTC) overlapping the window'),
});
export type KpiResult = z.infer<typeof kpiResultSchema>;

export const kpiQuerySchema = z
  .object({
    kpi: z.enum(kpiNames).optional().describe('One KPI; all of them when absent'),
    from: timestampSchema.optional().describe('Start of the window (inclusive); default: 30 days before `to`'),
    to: timestampSchema.optional().describe('End of the window (exclusive); default: now (events stamped now included)'),
    by: z.enum(kpiDimensions).optional().describe('Slice the KPI by this dimension; each KPI accepts only the dimensions it has (docs/kpis.md)'),
    interval: z.enum(kpiIntervals).optional().describe('Also return a time series with one bucket per UTC day or hour'),
  })
  .strict();

export const kpiAnswerSchema = z.object({
  from: timestampSchema,
  to: timestampSchema,
  by: z.enum(kpiDimensions).optional(),
  interval: z.enum(kpiIntervals).optional(),
  kpis: z.array(kpiResultSchema),
});
export type KpiAnswer = z.infer<typeof kpiAnswerSchema>;

// ---------------------------------------------------------------- process map

export const mapRanks = ['p90', 'total'] as const;

export const processMapQuerySchema = z
  .object({
    objectType: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'an object type such as order or order_line').default('order'),
    from: timestampSchema.optional().describe('Start of the window (inclusive); default: 30 days before `to`'),
    to: timestampSchema.optional().describe('End of the window (exclusive); default: now (events stamped now included)'),
    rank: z.enum(mapRanks).default('p90').describe('Rank bottlenecks by the 90th percentile or by the total of their waiting time'),
    limit: z.coerce.number().int().min(1).max(200).default(20).describe('How many bottlenecks and variants to return'),
  })
  .strict();

const waitShape = {
  medianWaitHours: z.number().describe('Median (nearest rank) of the waits between the two activities'),
  p90WaitHours: z.number(),
  meanWaitHours: z.number(),
  totalWaitHours: z.number(),
};
export const processMapSchema = z.object({
  objectType: z.string(),
  from: timestampSchema,
  to: timestampSchema,
  objects: z.number().int().describe('Objects of the type with at least one event in the window'),
  events: z.number().int(),
  activities: z.array(z.object({ name: z.string(), count: z.number().int(), starts: z.number().int(), ends: z.number().int() })),
  edges: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int(), ...waitShape })).describe('Directly-follows pairs, most frequent first'),
  bottlenecks: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int(), ...waitShape })),
  variants: z.array(z.object({ activities: z.array(z.string()), count: z.number().int(), share: z.number() })).describe('Most common activity sequences per object, most frequent first'),
});
export type ProcessMap = z.infer<typeof processMapSchema>;

// ---------------------------------------------------------------- OCEL export

export const ocelQuerySchema = z
  .object({
    from: timestampSchema.optional().describe('Start of the window (inclusive); default: the beginning of the log'),
    to: timestampSchema.optional().describe('End of the window (exclusive); default: now (events stamped now included)'),
    objectTypes: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}(,[a-z][a-z0-9_]{0,63})*$/, 'a comma-separated list of object types such as order,order_line')
      .optional()
      .describe('Only events related to objects of these types, and only those objects'),
  })
  .strict();

/** The shape of the export, for the API document; the body is streamed, not serialised from this. */
export const ocelDocumentSchema = z
  .object({
    events: z.array(z.object({ id: z.string(), type: z.string(), time: z.string(), attributes: z.array(z.object({ name: z.string(), value: z.string() })), relationships: z.array(z.object({ objectId: z.string(), qualifier: z.string() })) })),
    objects: z.array(z.object({ id: z.string(), type: z.string(), attributes: z.array(z.object({ name: z.string(), value: z.string(), time: z.string() })), relationships: z.array(z.object({ objectId: z.string(), qualifier: z.string() })) })),
    eventTypes: z.array(z.object({ name: z.string(), attributes: z.array(z.object({ name: z.string(), type: z.string() })) })),
    objectTypes: z.array(z.object({ name: z.string(), attributes: z.array(z.object({ name: z.string(), type: z.string() })) })),
  })
  .describe('An OCEL 2.0 JSON document (https://www.ocel-standard.org/2.0/ocel20-schema-json.json)');

export interface RecomputeReport {
  events: number;
  objects: number;
  facts: number;
  backfilled: number;
  lastSeq: number;
  elapsedMs: number;
  /** Where the time went: reading the log (its snapshot, then the database), folding it into facts, storing them. */
  readMs: number;
  foldMs: number;
  storeMs: number;
  /**
   * Fact memory the worker threads faulted in while the log was read, sized from its snapshot
   * (0 without one), and how much of it the fold took: less means the log's size was misjudged and
   * the fold waited on fresh memory (docs/process.md, Performance).
   */
  reservedBytes: number;
  reservedBytesTaken: number;
}
