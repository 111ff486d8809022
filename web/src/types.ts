/**
 * The shapes of the API answers the dashboard reads, written from the OpenAPI document
 * (`/openapi.json`). Only the fields the screens use are listed; the API may send more.
 */
import type { Role } from './api.ts';

export interface OrderLine {
  lineNumber: number;
  sku: string;
  orderedUnit: string;
  orderedUnitQuantity: number;
  orderedQuantity: number;
  allocatedQuantity: number;
  backorderedQuantity: number;
  shippedQuantity: number;
  invoicedQuantity: number;
  cancelledQuantity: number;
  unitPriceMinor: number;
  state: string;
  substituteForSku?: string;
  requestedDate?: string;
  promiseDate?: string;
  transfers?: Array<{ transferId: string; fromLocationCode: string; toLocationCode: string; quantity: number }>;
}

export interface Hold {
  id: string;
  type: string;
  lineNumber?: number;
  ownerRole: Role;
  reasonCode: string;
  reason: string;
  placedAt: string;
  slaDueAt: string;
  resolvedAt?: string;
  resolution?: 'released' | 'rejected' | 'expired';
  resolvedBy?: string;
}

export interface Order {
  id: string;
  channel: string;
  partnerCode?: string;
  externalOrderNumber: string;
  customerCode: string;
  customerPo?: string;
  shipToCode?: string;
  currency: string;
  state: string;
  lines: OrderLine[];
  holds: Hold[];
  requestedDeliveryDate?: string;
  promiseDate?: string;
  receivedAt: string;
  updatedAt: string;
  version: number;
}

/** What a list of orders shows; the same document as one order. */
export type OrderSummary = Order & { createdAt?: string };

export interface KpiFigures {
  value: number | null;
  count: number;
  numerator?: number;
  denominator?: number;
  p50?: number | null;
  p90?: number | null;
  max?: number | null;
}

export interface KpiResult extends KpiFigures {
  kpi: string;
  title: string;
  unit: string;
  groups?: Array<KpiFigures & { key: string }>;
  series?: Array<KpiFigures & { start: string; end: string; groups?: Array<KpiFigures & { key: string }> }>;
}

export interface KpiAnswer {
  from: string;
  to: string;
  by?: string;
  interval?: string;
  kpis: KpiResult[];
}

export type ConnectorStatus = 'healthy' | 'degraded' | 'failing' | 'idle';

export interface Connector {
  kind: string;
  name: string;
  status: ConnectorStatus;
  reasons: string[];
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  errorRate: { lastHour: WindowRate; last24Hours: WindowRate };
  breaker: { state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number; since: string | null; retryAt: string | null } | null;
  backlog: { pending: number; retrying: number; dead: number };
  inboxSource: string | null;
  partnerCode: string | null;
  details: Record<string, unknown>;
}

export interface WindowRate {
  requests: number;
  failures: number;
  errorRate: number | null;
}

export interface ConnectorList {
  generatedAt: string;
  summary: Partial<Record<ConnectorStatus, number>>;
  items: Connector[];
}

export interface ExceptionSummary {
  generatedAt: string;
  total: number;
  byQueue: Array<{ queue: Role; open: number; claimed: number; onTrack: number; atRisk: number; breached: number }>;
  byType: Array<{ type: string; count: number }>;
}
