import { CompactLog } from './compact-log.ts';
import { FactStore, foldLog } from './facts.rules.ts';
import { mapEvent, type SourceEnvelope } from './mapping.rules.ts';

/**
 * Hand-built logs for the pure tests: envelopes shaped as the producers shape them (see
 * docs/events.md), at hours after a UTC midnight, so each test can work out its answer by hand.
 */
export const T0 = Date.UTC(2026, 0, 5);
export const HOUR = 3_600_000;
export const at = (hours: number) => T0 + hours * HOUR;
const iso = (hours: number) => new Date(at(hours)).toISOString();

export const segments: Record<string, string> = { C1: 'gold', C2: 'standard' };

export class TestLog {
  readonly envelopes: SourceEnvelope[] = [];
  private seq = 0;

  event(hours: number, type: string, subject: string, data: unknown): this {
    this.seq++;
    this.envelopes.push({ id: `event-${this.seq}`, type, source: '/test', subject, time: iso(hours), sequence: String(this.seq), data });
    return this;
  }

  received(hours: number, orderId: string, o: { channel: string; customer: string; lines: number[] }): this {
    const lines = o.lines.map((quantity, i) => ({ lineNumber: i + 1, sku: `SKU-${i + 1}`, orderedQuantity: quantity }));
    return this.event(hours, 'crossdock.order.received', `order:${orderId}`, {
      order: { id: orderId, channel: o.channel, customerCode: o.customer, externalOrderNumber: `X-${orderId}`, state: 'validated', lines },
      policyVersions: {},
    });
  }

  allocation(hours: number, orderId: string, type: 'allocated' | 'partially_allocated' | 'backordered', lines: Array<[number, number, number]>): this {
    return this.event(hours, `crossdock.order.${type}`, `order:${orderId}`, {
      orderId,
      from: 'validated',
      to: type,
      lines: lines.map(([lineNumber, allocated, backordered]) => ({ lineNumber, allocated, backordered })),
    });
  }

  release(hours: number, orderId: string, requestId: string, location: string, shipByHours: number, lines: Array<[number, number]>): this {
    this.event(hours, 'crossdock.fulfillment.release_requested', `fulfillment:${requestId}`, {
      request: {
        id: requestId,
        orderId,
        locationCode: location,
        state: 'pending',
        lines: lines.map(([lineNumber, quantity]) => ({ lineNumber, sku: `SKU-${lineNumber}`, quantity })),
        releasedAt: iso(hours),
        shipByAt: iso(shipByHours),
      },
    });
    return this.event(hours, 'crossdock.order.released', `order:${orderId}`, { orderId, requests: [requestId] });
  }

  shipment(hours: number, orderId: string, shipmentId: string, requestId: string, location: string, lines: Array<[number, number]>): this {
    return this.event(hours, 'crossdock.shipment.confirmed', `order:${orderId}`, {
      orderId,
      shipment: {
        id: shipmentId,
        orderId,
        fulfillmentRequestId: requestId,
        locationCode: location,
        shipmentNumber: `N-${shipmentId}`,
        shippedAt: iso(hours - 1),
        confirmedAt: iso(hours),
        lines: lines.map(([lineNumber, quantity]) => ({ lineNumber, sku: `SKU-${lineNumber}`, quantity })),
        shortShipped: [],
        milestones: [],
      },
      shortShipped: [],
      policyVersion: 0,
    });
  }

  header(hours: number, orderId: string, what: 'partially_shipped' | 'shipped' | 'invoiced' | 'closed', extra: Record<string, unknown> = {}): this {
    return this.event(hours, `crossdock.order.${what}`, `order:${orderId}`, { orderId, from: 'released', to: what, ...extra });
  }

  invoice(hours: number, orderId: string, invoiceId: string, shipmentIds: string[], lines: Array<[number, number]>): this {
    return this.event(hours, 'crossdock.invoice.issued', `order:${orderId}`, {
      invoice: {
        id: invoiceId,
        invoiceNumber: `INV-${invoiceId}`,
        orderId,
        shipmentIds,
        customerCode: 'C1',
        currency: 'USD',
        lines: lines.map(([lineNumber, quantity]) => ({ lineNumber, sku: `SKU-${lineNumber}`, quantity, unitPriceMinor: 100, amountMinor: 100 * quantity })),
        totalMinor: lines.reduce((sum, [, q]) => sum + 100 * q, 0),
        issuedAt: iso(hours),
        state: 'issued',
      },
      policyVersion: 0,
    });
  }

  exception(
    hours: number,
    what: 'raised' | 'escalated' | 'resolved' | 'claimed',
    e: { id: string; type: string; subject: { type: string; id: string }; owner: string; queue: string; rootCause: string; slaDueHours: number; breachedHours?: number; source?: string; actor?: 'key' | 'system' },
  ): this {
    const exception = {
      id: e.id,
      type: e.type,
      subject: e.subject,
      related: [],
      state: what === 'resolved' ? 'resolved' : what === 'claimed' ? 'claimed' : 'open',
      partnerCode: null,
      ownerRole: e.owner,
      queueRole: e.queue,
      escalationLevel: what === 'escalated' ? 1 : 0,
      priority: 500,
      rootCause: { code: e.rootCause, message: e.rootCause },
      facts: e.source ? { source: e.source } : {},
      raisedAt: iso(hours),
      slaDueAt: iso(e.slaDueHours),
      slaBreachedAt: e.breachedHours === undefined ? null : iso(e.breachedHours),
      closedAt: what === 'resolved' ? iso(hours) : null,
    };
    const extra = what === 'resolved' ? { resolution: { outcome: 'resolved', by: 'action', actor: { kind: e.actor ?? 'key', keyId: 'k1', name: 'ann' } } } : {};
    return this.event(hours, `crossdock.exception.${what}`, `exception:${e.id}`, { exceptionId: e.id, ...extra, exception });
  }

  sync(hours: number, sources: Array<{ source: string; movements: number; latencyMsTotal: number; latencyMsMax: number }>): this {
    return this.event(hours, 'crossdock.inventory.availability_changed', 'inventory/availability', {
      lastMovementSeq: 1,
      skus: [{ sku: 'SKU-1', locations: [{ locationCode: 'DC-EAST', buckets: {}, atp: 1 }], lastMovementSeq: 1, acceptedAt: iso(hours) }],
      sources,
    });
  }

  purchaseOrder(hours: number, poId: string, supplier: string, step: 'proposed' | 'sent' | 'acknowledged'): this {
    return this.event(hours, `crossdock.procurement.po_${step}`, `purchase_order:${poId}`, {
      purchaseOrder: { id: poId, poNumber: `PO-${poId}`, supplierCode: supplier, locationCode: 'DC-EAST', state: step, lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 10 }] },
      from: null,
      to: step,
    });
  }

  /** The log in columns and its facts, folded from empty. */
  build(): { log: CompactLog; facts: FactStore } {
    const log = new CompactLog();
    for (const e of this.envelopes) log.append(mapEvent(e, { segmentOf: (code) => segments[code] }));
    const facts = new FactStore(log);
    foldLog(log, facts);
    return { log, facts };
  }
}

/**
 * Every KPI of docs/kpis.md on one hand-built log, its answers worked out below. Times are hours
 * after a UTC midnight.
 *
 * O1 (EDI, C1 gold): 2 lines (10, 5) received 0h, allocated 1h, released 2h from DC-EAST (ship by 10h),
 *    shipped 10 + 3 at 8h (S1), the 2 short units of line 2 cancelled by rule, shipped 8h, invoiced 10h.
 * O2 (WEB, C2 standard): 1 line (4) received 1h with a credit hold, released by a person 5h; 2 allocated
 *    and 2 backordered 6h; released 7h from DC-WEST (ship by 9h); S2 ships 2 at 12h (late); the
 *    backorder allocated 20h, released 21h (ship by 30h); promise date breached 22h; S3 ships 2 at 24h;
 *    shipped 24h; one invoice for both shipments at 26h.
 * O3 (EDI, C1): 1 line (6) received 30h, backordered whole at 31h; still waiting.
 * O4 (EDI, C2): received 2h, cancelled by a person at 4h.
 * O5 (EDI, C1): 1 line (2) received 40h, released 41h from DC-EAST (ship by 44h), shipped 42h, invoiced 43h.
 * X1 shipment_delay on O2, raised 12h, resolved 14h (due 16h). X2 integration_failure on a message from
 * edi:ACME, raised 3h (due 5h), breached 5h, escalated to admin 6h, resolved 9h. X3 stock_shortage on
 * O3's line, raised 32h, open. Inventory batches at 3h (WMS-EAST: 4 movements, 120 s in all, 60 s at
 * most) and 5h (WMS-EAST 1 movement 10 s; WMS-WEST 2 movements 10 s in all, 6 s at most); one event
 * of WMS-WEST rejected at 4h. PO1 (SUP-A) sent 1h, acknowledged 5h; PO2 (SUP-B) sent 2h, acknowledged 12h.
 */
export function distributorScenario(): TestLog {
  const log = new TestLog();
  log.received(0, 'O1', { channel: 'EDI', customer: 'C1', lines: [10, 5] });
  log.received(1, 'O2', { channel: 'WEB', customer: 'C2', lines: [4] });
  log.event(1, 'crossdock.order.hold_placed', 'order:O2', { orderId: 'O2', hold: { id: 'h1', type: 'credit', ownerRole: 'finance', reasonCode: 'over_limit' } });
  log.allocation(1, 'O1', 'allocated', [[1, 10, 0], [2, 5, 0]]);
  log.purchaseOrder(0, 'PO1', 'SUP-A', 'proposed').purchaseOrder(1, 'PO1', 'SUP-A', 'sent');
  log.received(2, 'O4', { channel: 'EDI', customer: 'C2', lines: [3] });
  log.release(2, 'O1', 'R1', 'DC-EAST', 10, [[1, 10], [2, 5]]);
  log.purchaseOrder(2, 'PO2', 'SUP-B', 'sent');
  log.exception(3, 'raised', { id: 'X2', type: 'integration_failure', subject: { type: 'message', id: 'M1' }, owner: 'integration', queue: 'integration', rootCause: 'bad_payload', slaDueHours: 5, source: 'edi:ACME' });
  log.sync(3, [{ source: 'WMS-EAST', movements: 4, latencyMsTotal: 120_000, latencyMsMax: 60_000 }]);
  log.event(4, 'crossdock.inventory.event_rejected', 'source:WMS-WEST', { source: 'WMS-WEST', sequence: 7, code: 'negative_on_hand', message: 'no' });
  log.event(4, 'crossdock.order.cancelled', 'order:O4', { orderId: 'O4', from: 'validated', to: 'cancelled', lines: [{ lineNumber: 1, cancelledQuantity: 3, releasedQuantity: 0 }], reason: 'customer', by: 'key:k1' });
  log.event(5, 'crossdock.order.hold_released', 'order:O2', { orderId: 'O2', hold: { id: 'h1', type: 'credit', resolvedBy: 'key:k9' }, reason: 'paid' });
  log.sync(5, [
    { source: 'WMS-EAST', movements: 1, latencyMsTotal: 10_000, latencyMsMax: 10_000 },
    { source: 'WMS-WEST', movements: 2, latencyMsTotal: 10_000, latencyMsMax: 6_000 },
  ]);
  log.purchaseOrder(5, 'PO1', 'SUP-A', 'acknowledged');
  log.exception(5, 'escalated', { id: 'X2', type: 'integration_failure', subject: { type: 'message', id: 'M1' }, owner: 'integration', queue: 'admin', rootCause: 'bad_payload', slaDueHours: 5, breachedHours: 5, source: 'edi:ACME' });
  log.allocation(6, 'O2', 'partially_allocated', [[1, 2, 2]]);
  log.release(7, 'O2', 'R2', 'DC-WEST', 9, [[1, 2]]);
  log.shipment(8, 'O1', 'S1', 'R1', 'DC-EAST', [[1, 10], [2, 3]]);
  log.event(8, 'crossdock.order.lines_cancelled', 'order:O1', { orderId: 'O1', from: 'released', to: 'released', lines: [{ lineNumber: 2, cancelledQuantity: 2, releasedQuantity: 2 }], reason: 'short_ship' });
  log.header(8, 'O1', 'shipped', { shipmentId: 'S1' });
  log.exception(9, 'resolved', { id: 'X2', type: 'integration_failure', subject: { type: 'message', id: 'M1' }, owner: 'integration', queue: 'admin', rootCause: 'bad_payload', slaDueHours: 5, breachedHours: 5, source: 'edi:ACME' });
  log.invoice(10, 'O1', 'I1', ['S1'], [[1, 10], [2, 3]]).header(10, 'O1', 'invoiced', { invoiceId: 'I1' });
  log.exception(12, 'raised', { id: 'X1', type: 'shipment_delay', subject: { type: 'order', id: 'O2' }, owner: 'customer_service', queue: 'customer_service', rootCause: 'carrier_late', slaDueHours: 16 });
  log.shipment(12, 'O2', 'S2', 'R2', 'DC-WEST', [[1, 2]]).header(12, 'O2', 'partially_shipped', { shipmentId: 'S2' });
  log.purchaseOrder(12, 'PO2', 'SUP-B', 'acknowledged');
  log.exception(14, 'resolved', { id: 'X1', type: 'shipment_delay', subject: { type: 'order', id: 'O2' }, owner: 'customer_service', queue: 'customer_service', rootCause: 'carrier_late', slaDueHours: 16 });
  log.allocation(20, 'O2', 'allocated', [[1, 2, 0]]);
  log.release(21, 'O2', 'R3', 'DC-WEST', 30, [[1, 2]]);
  log.event(22, 'crossdock.order.promise_date_breached', 'order:O2', { orderId: 'O2', promiseDate: '2026-01-05', cause: 'timer' });
  log.shipment(24, 'O2', 'S3', 'R3', 'DC-WEST', [[1, 2]]).header(24, 'O2', 'shipped', { shipmentId: 'S3' });
  log.invoice(26, 'O2', 'I2', ['S2', 'S3'], [[1, 4]]).header(26, 'O2', 'invoiced', { invoiceId: 'I2' });
  log.received(30, 'O3', { channel: 'EDI', customer: 'C1', lines: [6] });
  log.allocation(31, 'O3', 'backordered', [[1, 0, 6]]);
  log.exception(32, 'raised', { id: 'X3', type: 'stock_shortage', subject: { type: 'order_line', id: 'O3:1' }, owner: 'planner', queue: 'planner', rootCause: 'no_stock', slaDueHours: 40 });
  log.received(40, 'O5', { channel: 'EDI', customer: 'C1', lines: [2] });
  log.allocation(40, 'O5', 'allocated', [[1, 2, 0]]);
  log.release(41, 'O5', 'R5', 'DC-EAST', 44, [[1, 2]]);
  log.shipment(42, 'O5', 'S5', 'R5', 'DC-EAST', [[1, 2]]).header(42, 'O5', 'shipped', { shipmentId: 'S5' });
  log.invoice(43, 'O5', 'I5', ['S5'], [[1, 2]]).header(43, 'O5', 'invoiced', { invoiceId: 'I5' });
  return log;
}

