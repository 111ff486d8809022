/**
 * The process screen's shapes and vocabulary: the process map answer (`GET /v1/process/map`, see
 * src/domains/process/process.types.ts) and, per KPI, the definition and the slices docs/kpis.md
 * gives it, so the screen offers only dimensions the hub accepts and explains the number it shows.
 */

export interface ProcessWait {
  count: number;
  medianWaitHours: number;
  p90WaitHours: number;
  meanWaitHours: number;
  totalWaitHours: number;
}

export interface ProcessEdge extends ProcessWait {
  from: string;
  to: string;
}

export interface ProcessActivity {
  name: string;
  count: number;
  starts: number;
  ends: number;
}

export interface ProcessVariant {
  activities: string[];
  count: number;
  share: number;
}

export interface ProcessMap {
  objectType: string;
  from: string;
  to: string;
  objects: number;
  events: number;
  activities: ProcessActivity[];
  edges: ProcessEdge[];
  bottlenecks: ProcessEdge[];
  variants: ProcessVariant[];
}

/** Object types of the process log a map can be drawn for (process.types.ts `processObjectTypes`). */
export const mapObjectTypes = [
  'order',
  'order_line',
  'shipment',
  'invoice',
  'exception',
  'purchase_order',
  'transfer',
  'return',
  'fulfillment_request',
  'message',
] as const;

export type KpiDimension = 'channel' | 'segment' | 'facility' | 'stage' | 'rootCause' | 'owner' | 'queue' | 'source' | 'supplier';

export interface KpiDefinition {
  kpi: string;
  label: string;
  formula: string;
  counts: string;
  dimensions: KpiDimension[];
}

const orderSlices: KpiDimension[] = ['channel', 'segment', 'facility'];
const exceptionSlices: KpiDimension[] = ['queue', 'owner', 'stage', 'rootCause', 'facility', 'channel', 'segment'];

/** docs/kpis.md, table "The KPIs": one row per KPI, in the document's order. */
export const kpiDefinitions: KpiDefinition[] = [
  { kpi: 'order_cycle_time', label: 'Order cycle time', formula: 'shipped − received (hours, mean)', counts: 'orders that shipped in full in the window', dimensions: orderSlices },
  { kpi: 'order_to_release_time', label: 'Order to release', formula: 'first release − received (hours, mean)', counts: 'orders first released to a warehouse in the window', dimensions: orderSlices },
  { kpi: 'fill_rate_lines', label: 'Fill rate (lines)', formula: 'lines shipped in full ÷ lines ordered', counts: 'orders that shipped in the window; a line is in full when shipped ≥ ordered (cancelled units count as not filled)', dimensions: orderSlices },
  { kpi: 'fill_rate_units', label: 'Fill rate (units)', formula: 'units shipped ÷ units ordered', counts: 'orders that shipped in the window', dimensions: orderSlices },
  { kpi: 'perfect_order_rate', label: 'Perfect order rate', formula: 'perfect orders ÷ orders', counts: 'orders invoiced in the window; perfect = on time, every line in full, no exception about the order, units invoiced = units shipped and no invoice mismatch', dimensions: orderSlices },
  { kpi: 'touchless_rate', label: 'Touchless rate', formula: 'untouched orders ÷ orders', counts: 'orders first released in the window; touched = a hold, an exception about it, or a person acting on it at or before the release', dimensions: orderSlices },
  { kpi: 'exception_rate', label: 'Exception rate', formula: 'exceptions raised ÷ orders received (per order)', counts: 'exceptions raised in the window, over orders received in the window', dimensions: ['stage', 'rootCause', 'owner', 'channel', 'segment', 'facility'] },
  { kpi: 'queue_aging', label: 'Queue aging', formula: 'instant − raised (hours, mean)', counts: 'exceptions open (raised, not resolved or dismissed) at the end of the window', dimensions: exceptionSlices },
  { kpi: 'backlog_aging', label: 'Backlog aging', formula: 'instant − received (hours, mean)', counts: 'orders received and neither shipped in full nor cancelled at the end of the window', dimensions: orderSlices },
  { kpi: 'sla_adherence', label: 'SLA adherence', formula: 'exceptions closed within SLA ÷ exceptions closed', counts: 'exceptions resolved or dismissed in the window; within SLA = closed by its due time and never breached before closing', dimensions: exceptionSlices },
  { kpi: 'inventory_sync_latency', label: 'Inventory sync latency', formula: 'Σ (accepted − occurred) ÷ movements (seconds)', counts: 'movements applied by inventory batches in the window', dimensions: ['source'] },
  { kpi: 'shipment_confirmation_timeliness', label: 'Shipment confirmation timeliness', formula: 'confirmations in time ÷ confirmations', counts: 'shipments confirmed in the window whose fulfillment request had a ship-by time', dimensions: ['facility', 'channel', 'segment'] },
  { kpi: 'invoice_latency', label: 'Invoice latency', formula: 'issued − confirmation of the last shipment it bills (hours, mean)', counts: 'invoices issued in the window that name their shipments', dimensions: orderSlices },
  { kpi: 'integration_failure_rate', label: 'Integration failure rate', formula: 'failures ÷ (messages taken in + failures)', counts: 'inbound messages and integration failures in the window', dimensions: ['source'] },
  { kpi: 'integration_recovery_time', label: 'Integration recovery time', formula: 'resolved − raised (hours, mean)', counts: 'integration_failure exceptions closed in the window', dimensions: ['source', 'owner', 'queue', 'rootCause'] },
  { kpi: 'supplier_response_latency', label: 'Supplier response latency', formula: 'acknowledged − sent (hours, mean)', counts: 'purchase orders acknowledged in the window', dimensions: ['supplier', 'facility'] },
  { kpi: 'backorder_aging', label: 'Backorder aging', formula: 'instant − backordered since (hours, mean)', counts: 'order lines waiting on backorder at the end of the window', dimensions: orderSlices },
  { kpi: 'split_shipment_frequency', label: 'Split shipment frequency', formula: 'orders in more than one shipment ÷ orders', counts: 'orders that shipped in full in the window', dimensions: orderSlices },
];

/** The windows the screen offers, measured back from the hub's own "now" (the answer's `to`). */
export const processWindows = [
  { key: '24h', label: 'Last 24 h', hours: 24, interval: 'hour' },
  { key: '7d', label: 'Last 7 d', hours: 24 * 7, interval: 'hour' },
  { key: '30d', label: 'Last 30 d', hours: 24 * 30, interval: 'day' },
] as const;
export type ProcessWindowKey = (typeof processWindows)[number]['key'];
