/**
 * The order page's other answers (shipments, invoices, returns, decisions, the timeline), written
 * from the domains' *.types.ts. Only the fields the screens use are listed.
 */

export const orderStates = ['received', 'validated', 'allocated', 'partially_allocated', 'backordered', 'released', 'partially_shipped', 'shipped', 'invoiced', 'closed', 'cancelled'] as const;

export type OrderSort = 'newest' | 'oldest' | 'promiseDate';
export const orderSorts: Array<{ value: OrderSort; label: string }> = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'promiseDate', label: 'Promise date (earliest first)' },
];

export interface TimelineEntry {
  id: string;
  at: string;
  activity: string;
  objects: Array<{ type: string; id: string; qualifier: string }>;
  attributes: Record<string, unknown>;
}

export interface Shipment {
  id: string;
  orderId: string;
  locationCode: string;
  shipmentNumber: string;
  carrierScac?: string;
  serviceCode?: string;
  trackingNumber?: string;
  shippedAt: string;
  confirmedAt: string;
  lines: Array<{ lineNumber: number; sku: string; quantity: number }>;
  shortShipped: Array<{ lineNumber: number; sku: string; quantity: number; handling: string }>;
  milestones: Array<{ type: string; occurredAt: string; detail?: string; estimatedDeliveryAt?: string }>;
}

export interface Invoice {
  id: string;
  invoiceNumber: string;
  orderId: string;
  shipmentIds: string[];
  currency: string;
  lines: Array<{ lineNumber: number; sku: string; quantity: number; unitPriceMinor: number; amountMinor: number }>;
  totalMinor: number;
  issuedAt: string;
  state: string;
  erp?: { status: string; amountMinor: number | null; differenceMinor: number; agrees: boolean; reason: string | null; acknowledgedAt: string };
}

export interface ReturnAuthorization {
  id: string;
  rmaNumber: string;
  orderId: string;
  currency: string;
  locationCode: string;
  state: string;
  lines: Array<{ lineNumber: number; sku: string; quantity: number; reasonCode: string; receivedQuantity: number }>;
  authorizedAt: string;
  expiresAt: string;
  receivedAt?: string;
  creditedAt?: string;
}

export interface Decision {
  id: string;
  kind: string;
  subject: { type: string; id: string };
  outcome: string;
  reasons: Array<{ code: string; message: string; contribution?: number }>;
  inputs: Record<string, unknown>;
  policyId: string;
  policyVersion: number;
  madeBy: 'rule' | 'model' | 'person';
  appliedAutomatically: boolean;
  madeAt: string;
}

/** A line waiting for supply, as `GET /v1/backorders` ranks it, with when it can expect its units. */
export interface WaitingBackorder {
  orderId: string;
  externalOrderNumber: string;
  customerCode: string;
  channel: string;
  orderState: string;
  lineNumber: number;
  sku: string;
  waitingQuantity: number;
  promiseDate: string | null;
  receivedAt: string;
  tier: string;
  priority: number;
  /** An estimate: now when usable stock covers the line, else when the arrival that completes it is expected; null when known supply runs out. */
  expectedAvailableAt: string | null;
  /** `stock`, the inbound supply reference that completes the line (`po:…`, `transfer:…`), or null. */
  coveredBy: string | null;
}

/** One order `POST /v1/backorders/allocate` tried, and what came of it. */
export interface BackorderAttempt {
  sku: string;
  orderId: string;
  lineNumber: number;
  priority: number;
  result: 'allocated' | 'partially_allocated' | 'backordered' | 'skipped';
  reason?: string;
}
