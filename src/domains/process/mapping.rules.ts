import { exceptionStages } from './facts.rules.ts';
import {
  EVENT_EXCHANGE,
  EVENT_FAILURE,
  EVENT_MANUAL,
  type AttributeChange,
  type AttributeValue,
  type EventKind,
  type LoggedEvent,
  type ObjectLink,
  type Relation,
} from './process.types.ts';

/**
 * From a domain event (a CloudEvents envelope off the outbox) to a logged event: its activity, the
 * objects it is about with qualifiers, the attributes it changes, and what it means for the KPIs.
 * The table is keyed by event type; a new event type is one row. A type with no row is still logged,
 * as `<type without crossdock.>`, related to its subject. Mappings read `data` defensively: a
 * producer that changes its data degrades the log, never the delivery.
 */
export interface SourceEnvelope {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  sequence: string;
  data: unknown;
  correlationid?: string | undefined;
}

export interface MappingContext {
  /** A customer's segment (its tier in master data), looked up by the subscriber before mapping. */
  segmentOf(customerCode: string): string | undefined;
}

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Data => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : {});
const list = (v: unknown): Data[] => (Array.isArray(v) ? v.map(obj) : []);

export const objectId = (type: string, key: string): string => `${type}:${key}`;
export const lineKey = (orderId: string, lineNumber: number): string => `${orderId}#${lineNumber}`;

/** Collects what one event says; relations and changes are kept once each. */
export class EventBuilder {
  readonly relations: Relation[] = [];
  readonly changes: AttributeChange[] = [];
  readonly links: ObjectLink[] = [];
  readonly attributes: Record<string, AttributeValue> = {};
  kind: EventKind = 'none';
  flags = 0;
  integrationSource: string | null = null;
  private readonly seen = new Set<string>();
  private readonly changeAt = new Map<string, number>();

  relate(type: string, key: string | undefined, qualifier: string, quantity?: number): string | undefined {
    if (key === undefined) return undefined;
    const id = objectId(type, key);
    const mark = `${id}\u0000${qualifier}`;
    if (this.seen.has(mark)) return id;
    this.seen.add(mark);
    this.relations.push({ objectId: id, objectType: type, qualifier, ...(quantity !== undefined && { quantity }) });
    return id;
  }

  /** Sets an attribute of an object; the last value an event gives one attribute wins. */
  change(type: string, key: string | undefined, name: string, value: AttributeValue | undefined): void {
    if (key === undefined || value === undefined) return;
    const id = objectId(type, key);
    const mark = `${id}\u0000${name}`;
    const existing = this.changeAt.get(mark);
    if (existing !== undefined) this.changes[existing] = { objectId: id, objectType: type, name, value };
    else {
      this.changeAt.set(mark, this.changes.length);
      this.changes.push({ objectId: id, objectType: type, name, value });
    }
  }

  link(type: string, key: string | undefined, targetType: string, targetKey: string | undefined, qualifier: string): void {
    if (key === undefined || targetKey === undefined) return;
    this.links.push({ objectId: objectId(type, key), objectType: type, targetId: objectId(targetType, targetKey), targetType, qualifier });
  }

  attr(name: string, value: AttributeValue | undefined): void {
    if (value !== undefined) this.attributes[name] = value;
  }

  relatesTo(type: string): boolean {
    return this.relations.some((r) => r.objectType === type);
  }
}

interface EventMapping {
  activity: string;
  map?(b: EventBuilder, data: Data, envelope: SourceEnvelope, context: MappingContext): void;
}

/** Subject prefixes (`order:…`, `fulfillment:…`) and the object types they name. */
const subjectTypes: Readonly<Record<string, string>> = {
  order: 'order',
  fulfillment: 'fulfillment_request',
  purchase_order: 'purchase_order',
  transfer: 'transfer',
  exception: 'exception',
  customer: 'customer',
  reservation: 'reservation',
  source: 'inventory_source',
  shipment: 'shipment',
  invoice: 'invoice',
  return: 'return',
  message: 'message',
  item: 'item',
  location: 'location',
  supplier: 'supplier',
  webhook: 'webhook',
};

/** The object an event's subject names: `order:<id>`, `fulfillment:<id>`, `item/<sku>@<location>`, …; else the subject itself. */
export function subjectObject(subject: string): { type: string; key: string } {
  const item = /^item\/([^@]+)@(.+)$/.exec(subject);
  if (item) return { type: 'item', key: item[1]! };
  const match = /^([a-z][a-z0-9_]*)[:/](.+)$/.exec(subject);
  if (match) return { type: subjectTypes[match[1]!] ?? match[1]!, key: match[2]! };
  return { type: 'subject', key: subject };
}

/** An exception's object reference as a log object; a line reference `orderId:n` becomes `orderId#n`. */
function refObject(ref: Data): { type: string; key: string } | undefined {
  const type = str(ref['type']);
  const id = str(ref['id']);
  if (!type || !id) return undefined;
  if (type === 'order_line') {
    const line = /^(.+)[:#](\d+)$/.exec(id);
    return line ? { type, key: lineKey(line[1]!, Number(line[2])) } : { type, key: id };
  }
  return { type, key: id };
}

/** The order an event is about: `data.orderId`, else an `order:` subject. */
function orderOf(data: Data, envelope: SourceEnvelope): string | undefined {
  const fromSubject = subjectObject(envelope.subject);
  return str(data['orderId']) ?? (fromSubject.type === 'order' ? fromSubject.key : undefined);
}

/** Relates the order and records its new header state when the event moved it. */
function orderEvent(b: EventBuilder, data: Data, envelope: SourceEnvelope): string | undefined {
  const orderId = orderOf(data, envelope);
  b.relate('order', orderId, 'order');
  b.change('order', orderId, 'state', str(data['to']));
  b.attr('fromState', str(data['from']));
  b.attr('toState', str(data['to']));
  return orderId;
}

const line = (b: EventBuilder, orderId: string | undefined, lineNumber: unknown, qualifier: string, quantity?: number) =>
  orderId === undefined || num(lineNumber) === undefined ? undefined : b.relate('order_line', lineKey(orderId, num(lineNumber)!), qualifier, quantity);

const orderMappings: Record<string, EventMapping> = {
  'crossdock.order.received': {
    activity: 'Order received',
    map(b, data, envelope, context) {
      const order = obj(data['order']);
      const orderId = str(order['id']) ?? orderOf(data, envelope);
      const channel = str(order['channel']);
      const customer = str(order['customerCode']);
      b.kind = 'order_received';
      b.flags |= EVENT_EXCHANGE;
      b.integrationSource = channel === undefined ? null : `channel:${channel}`;
      b.relate('order', orderId, 'order');
      b.relate('channel', channel, 'channel');
      b.relate('customer', customer, 'customer');
      b.change('order', orderId, 'state', str(order['state']));
      b.change('order', orderId, 'channel', channel);
      b.change('order', orderId, 'customerCode', customer);
      b.change('order', orderId, 'externalOrderNumber', str(order['externalOrderNumber']));
      b.change('customer', customer, 'segment', customer === undefined ? undefined : context.segmentOf(customer));
      b.link('order', orderId, 'customer', customer, 'placed by');
      b.link('order', orderId, 'channel', channel, 'received through');
      let units = 0;
      const lines = list(order['lines']);
      for (const l of lines) {
        const quantity = num(l['orderedQuantity']) ?? 0;
        const lineId = line(b, orderId, l['lineNumber'], 'line', quantity);
        if (lineId === undefined || orderId === undefined) continue;
        const key = lineKey(orderId, num(l['lineNumber'])!);
        const sku = str(l['sku']);
        units += quantity;
        b.relate('item', sku, 'item');
        b.change('order_line', key, 'sku', sku);
        b.change('order_line', key, 'orderedQuantity', quantity);
        b.link('order_line', key, 'order', orderId, 'part of');
        b.link('order_line', key, 'item', sku, 'item');
      }
      b.attr('channel', channel);
      b.attr('partnerCode', str(order['partnerCode']));
      b.attr('externalOrderNumber', str(order['externalOrderNumber']));
      b.attr('lineCount', lines.length);
      b.attr('units', units);
    },
  },
  'crossdock.order.hold_placed': {
    activity: 'Hold placed',
    map(b, data, envelope) {
      const hold = obj(data['hold']);
      const orderId = orderEvent(b, data, envelope);
      b.kind = 'hold_placed';
      line(b, orderId, hold['lineNumber'], 'held');
      b.attr('holdType', str(hold['type']));
      b.attr('ownerRole', str(hold['ownerRole']));
      b.attr('reasonCode', str(hold['reasonCode']));
    },
  },
  'crossdock.order.released': {
    activity: 'Order released',
    map(b, data, envelope) {
      orderEvent(b, data, envelope);
      b.kind = 'order_released';
      for (const id of Array.isArray(data['requests']) ? data['requests'] : []) b.relate('fulfillment_request', str(id), 'request');
    },
  },
  'crossdock.order.partially_shipped': { activity: 'Order partially shipped', map: shippedHeader('none') },
  'crossdock.order.shipped': { activity: 'Order shipped', map: shippedHeader('order_shipped') },
  'crossdock.order.cancelled': { activity: 'Order cancelled', map: cancellation('order_cancelled') },
  'crossdock.order.lines_cancelled': { activity: 'Lines cancelled', map: cancellation('lines_cancelled') },
  'crossdock.order.promise_date_breached': {
    activity: 'Promise date breached',
    map(b, data, envelope) {
      orderEvent(b, data, envelope);
      b.kind = 'promise_breached';
      b.attr('promiseDate', str(data['promiseDate']));
      b.attr('cause', str(data['cause']));
    },
  },
  'crossdock.order.invoiced': {
    activity: 'Order invoiced',
    map(b, data, envelope) {
      orderEvent(b, data, envelope);
      b.kind = 'order_invoiced';
      b.relate('invoice', str(data['invoiceId']), 'invoice');
    },
  },
  'crossdock.order.closed': {
    activity: 'Order closed',
    map(b, data, envelope) {
      orderEvent(b, data, envelope);
      b.kind = 'order_closed';
    },
  },
};

function holdResolution(activity: string): EventMapping {
  return {
    activity,
    map(b, data, envelope) {
      const hold = obj(data['hold']);
      const orderId = orderEvent(b, data, envelope);
      line(b, orderId, hold['lineNumber'], 'held');
      const person = str(hold['resolvedBy'])?.startsWith('key:') ?? false;
      if (person) b.flags |= EVENT_MANUAL;
      b.attr('holdType', str(hold['type']));
      b.attr('resolvedBy', person ? 'person' : 'rule');
    },
  };
}
orderMappings['crossdock.order.hold_released'] = holdResolution('Hold released');
orderMappings['crossdock.order.hold_rejected'] = holdResolution('Hold rejected');

/** Allocation outcomes: each line's units allocated now and what stays backordered. */
function allocation(activity: string): EventMapping {
  return {
    activity,
    map(b, data, envelope) {
      const orderId = orderEvent(b, data, envelope);
      b.kind = 'allocation';
      for (const l of list(data['lines'])) {
        const lineNumber = num(l['lineNumber']);
        if (orderId === undefined || lineNumber === undefined) continue;
        line(b, orderId, lineNumber, 'allocated', num(l['allocated']) ?? 0);
        b.change('order_line', lineKey(orderId, lineNumber), 'backorderedQuantity', num(l['backordered']));
      }
      b.attr('reason', str(data['reason']));
    },
  };
}
orderMappings['crossdock.order.allocated'] = allocation('Order allocated');
orderMappings['crossdock.order.partially_allocated'] = allocation('Order partially allocated');
orderMappings['crossdock.order.backordered'] = allocation('Order backordered');

function shippedHeader(kind: EventKind): EventMapping['map'] {
  return (b, data, envelope) => {
    orderEvent(b, data, envelope);
    b.kind = kind;
    b.relate('shipment', str(data['shipmentId']), 'shipment');
  };
}

function cancellation(kind: EventKind): EventMapping['map'] {
  return (b, data, envelope) => {
    const orderId = orderEvent(b, data, envelope);
    b.kind = kind;
    // Cancelled through the API by a person (`by`); a short ship or a rejected hold cancels by rule.
    if (str(data['by'])) b.flags |= EVENT_MANUAL;
    for (const l of list(data['lines'])) line(b, orderId, l['lineNumber'], 'cancelled', num(l['cancelledQuantity']) ?? 0);
    b.relate('shipment', str(data['shipmentId']), 'shipment');
    b.attr('reason', str(data['reason']));
  };
}

const fulfillmentMappings: Record<string, EventMapping> = {
  'crossdock.fulfillment.release_requested': {
    activity: 'Release requested',
    map(b, data) {
      const request = obj(data['request']);
      const id = str(request['id']);
      const orderId = str(request['orderId']);
      const location = str(request['locationCode']);
      b.kind = 'release_requested';
      b.relate('fulfillment_request', id, 'request');
      b.relate('order', orderId, 'order');
      b.relate('location', location, 'ships from');
      for (const l of list(request['lines'])) line(b, orderId, l['lineNumber'], 'released', num(l['quantity']));
      b.change('fulfillment_request', id, 'state', str(request['state']));
      b.change('fulfillment_request', id, 'locationCode', location);
      b.change('fulfillment_request', id, 'shipByAt', str(request['shipByAt']));
      b.link('fulfillment_request', id, 'order', orderId, 'for order');
      b.link('fulfillment_request', id, 'location', location, 'ships from');
      b.attr('locationCode', location);
      b.attr('lineCount', list(request['lines']).length);
    },
  },
  'crossdock.fulfillment.cancel_requested': {
    activity: 'Release withdrawn',
    map(b, data) {
      const id = str(data['fulfillmentRequestId']);
      const orderId = str(data['orderId']);
      b.relate('fulfillment_request', id, 'request');
      b.relate('order', orderId, 'order');
      for (const n of Array.isArray(data['lineNumbers']) ? data['lineNumbers'] : []) line(b, orderId, n, 'withdrawn');
      b.attr('reason', str(data['reason']));
    },
  },
  'crossdock.shipment.confirmed': {
    activity: 'Shipment confirmed',
    map(b, data, envelope) {
      const shipment = obj(data['shipment']);
      const id = str(shipment['id']);
      const orderId = str(shipment['orderId']) ?? orderOf(data, envelope);
      const location = str(shipment['locationCode']);
      b.kind = 'shipment_confirmed';
      b.flags |= EVENT_EXCHANGE;
      b.integrationSource = location === undefined ? null : `warehouse:${location}`;
      b.relate('shipment', id, 'shipment');
      b.relate('order', orderId, 'order');
      b.relate('fulfillment_request', str(shipment['fulfillmentRequestId']), 'request');
      b.relate('location', location, 'shipped from');
      let units = 0;
      for (const l of list(shipment['lines'])) {
        units += num(l['quantity']) ?? 0;
        line(b, orderId, l['lineNumber'], 'shipped', num(l['quantity']) ?? 0);
      }
      for (const l of list(shipment['shortShipped'])) line(b, orderId, l['lineNumber'], 'short shipped', num(l['quantity']) ?? 0);
      b.change('shipment', id, 'shipmentNumber', str(shipment['shipmentNumber']));
      b.change('shipment', id, 'locationCode', location);
      b.change('shipment', id, 'carrierScac', str(shipment['carrierScac']));
      b.change('shipment', id, 'trackingNumber', str(shipment['trackingNumber']));
      b.change('shipment', id, 'shippedAt', str(shipment['shippedAt']));
      b.link('shipment', id, 'order', orderId, 'ships');
      b.link('shipment', id, 'fulfillment_request', str(shipment['fulfillmentRequestId']), 'confirms');
      b.attr('units', units);
      b.attr('shortShippedLines', list(shipment['shortShipped']).length);
    },
  },
};

/** Carrier milestones, one row per milestone type. */
for (const [milestone, activity] of [
  ['departed', 'Shipment departed'],
  ['in_transit', 'Shipment in transit'],
  ['delivered', 'Shipment delivered'],
  ['delayed', 'Shipment delayed'],
  ['exception', 'Carrier exception'],
] as const) {
  fulfillmentMappings[`crossdock.shipment.${milestone}`] = {
    activity,
    map(b, data, envelope) {
      const orderId = orderOf(data, envelope);
      const shipmentId = str(data['shipmentId']);
      const delivered = data['orderDelivered'] === true;
      b.kind = milestone === 'delivered' && delivered ? 'order_delivered' : 'none';
      b.flags |= EVENT_EXCHANGE;
      b.integrationSource = 'carrier';
      b.relate('shipment', shipmentId, 'shipment');
      b.relate('order', orderId, 'order');
      b.change('shipment', shipmentId, 'milestone', milestone);
      b.attr('occurredAt', str(obj(data['milestone'])['occurredAt']));
      b.attr('orderDelivered', delivered);
    },
  };
}

const financeMappings: Record<string, EventMapping> = {
  'crossdock.invoice.issued': {
    activity: 'Invoice issued',
    map(b, data, envelope) {
      const invoice = obj(data['invoice']);
      const id = str(invoice['id']);
      const orderId = str(invoice['orderId']) ?? orderOf(data, envelope);
      const customer = str(invoice['customerCode']);
      b.kind = 'invoice_issued';
      b.relate('invoice', id, 'invoice');
      b.relate('order', orderId, 'order');
      b.relate('customer', customer, 'billed to');
      for (const shipmentId of Array.isArray(invoice['shipmentIds']) ? invoice['shipmentIds'] : []) b.relate('shipment', str(shipmentId), 'bills');
      for (const l of list(invoice['lines'])) line(b, orderId, l['lineNumber'], 'invoiced', num(l['quantity']) ?? 0);
      b.change('invoice', id, 'invoiceNumber', str(invoice['invoiceNumber']));
      b.change('invoice', id, 'state', str(invoice['state']));
      b.change('invoice', id, 'totalMinor', num(invoice['totalMinor']));
      b.link('invoice', id, 'order', orderId, 'bills order');
      b.attr('totalMinor', num(invoice['totalMinor']));
      b.attr('currency', str(invoice['currency']));
    },
  },
  'crossdock.customer.credit_updated': {
    activity: 'Credit updated',
    map(b, data) {
      const customer = str(data['customerCode']);
      b.flags |= EVENT_EXCHANGE;
      b.integrationSource = 'erp';
      b.relate('customer', customer, 'customer');
      b.change('customer', customer, 'openReceivablesMinor', num(data['openReceivablesMinor']));
      b.change('customer', customer, 'creditLimitMinor', num(data['creditLimitMinor']));
      b.change('customer', customer, 'erpCreditHold', typeof data['erpCreditHold'] === 'boolean' ? data['erpCreditHold'] : undefined);
    },
  },
  'crossdock.customer.receivables_adjusted': {
    activity: 'Receivables adjusted',
    map(b, data) {
      const customer = str(data['customerCode']);
      b.relate('customer', customer, 'customer');
      b.relate(str(data['documentType']) === 'credit_memo' ? 'credit_memo' : 'invoice', str(data['documentId']), 'document');
      b.change('customer', customer, 'openReceivablesMinor', num(data['openReceivablesMinor']));
      b.attr('amountMinor', num(data['amountMinor']));
    },
  },
  'crossdock.finance.credit_memo_issued': {
    activity: 'Credit memo issued',
    map(b, data, envelope) {
      const memo = obj(data['creditMemo']);
      const id = str(memo['id']);
      const orderId = orderOf(data, envelope);
      b.relate('credit_memo', id, 'credit memo');
      b.relate('return', str(data['returnId']), 'return');
      b.relate('order', orderId, 'order');
      b.relate('customer', str(memo['customerCode']), 'credited to');
      b.change('credit_memo', id, 'totalMinor', num(memo['totalMinor']));
      b.link('credit_memo', id, 'return', str(data['returnId']), 'credits');
      b.attr('totalMinor', num(memo['totalMinor']));
    },
  },
};

const returnMappings: Record<string, EventMapping> = {};
for (const [step, activity] of [
  ['authorized', 'Return authorized'],
  ['received', 'Return received'],
  ['inspected', 'Return inspected'],
  ['disposed', 'Return disposed'],
  ['expired', 'Return expired'],
] as const) {
  returnMappings[`crossdock.return.${step}`] = {
    activity,
    map(b, data, envelope) {
      const rma = obj(data['return']);
      const id = str(data['returnId']) ?? str(rma['id']);
      const orderId = orderOf(data, envelope);
      b.relate('return', id, 'return');
      b.relate('order', orderId, 'order');
      b.relate('location', str(rma['locationCode']), 'returns to');
      for (const l of list(rma['lines'])) line(b, orderId, l['lineNumber'], 'returned', num(l['quantity']));
      b.change('return', id, 'state', str(rma['state']));
      b.change('return', id, 'rmaNumber', str(data['rmaNumber']));
      b.link('return', id, 'order', orderId, 'returns from');
    },
  };
}

const procurementMappings: Record<string, EventMapping> = {};
/** Purchase order steps; the supplier's own answers count as inbound messages. */
for (const [step, activity, kind, inbound] of [
  ['proposed', 'Purchase order proposed', 'po_event', false],
  ['sent', 'Purchase order sent', 'po_sent', false],
  ['acknowledged', 'Purchase order acknowledged', 'po_acknowledged', true],
  ['shipped', 'Purchase order shipped', 'po_event', true],
  ['partially_received', 'Purchase order partially received', 'po_event', true],
  ['received', 'Purchase order received', 'po_event', true],
  ['cancelled', 'Purchase order cancelled', 'po_event', false],
] as const) {
  procurementMappings[`crossdock.procurement.po_${step}`] = {
    activity,
    map(b, data) {
      const po = obj(data['purchaseOrder']);
      const id = str(po['id']);
      const supplier = str(po['supplierCode']);
      b.kind = kind;
      if (inbound) {
        b.flags |= EVENT_EXCHANGE;
        b.integrationSource = supplier === undefined ? null : `supplier:${supplier}`;
      }
      b.relate('purchase_order', id, 'purchase order');
      b.relate('supplier', supplier, 'supplier');
      b.relate('location', str(po['locationCode']), 'ship to');
      for (const l of list(po['lines'])) b.relate('item', str(l['sku']), 'item');
      b.change('purchase_order', id, 'state', str(po['state']) ?? str(data['to']));
      b.change('purchase_order', id, 'poNumber', str(po['poNumber']));
      b.change('purchase_order', id, 'expectedDate', str(po['expectedDate']));
      b.link('purchase_order', id, 'supplier', supplier, 'ordered from');
    },
  };
}
for (const [step, activity] of [
  ['proposed', 'Transfer proposed'],
  ['released', 'Transfer released'],
  ['in_transit', 'Transfer in transit'],
  ['received', 'Transfer received'],
  ['cancelled', 'Transfer cancelled'],
] as const) {
  procurementMappings[`crossdock.procurement.transfer_${step}`] = {
    activity,
    map(b, data) {
      const transfer = obj(data['transfer']);
      const id = str(transfer['id']);
      const orderId = str(transfer['orderId']);
      b.relate('transfer', id, 'transfer');
      b.relate('location', str(transfer['fromLocationCode']), 'from');
      b.relate('location', str(transfer['toLocationCode']), 'to');
      b.relate('order', orderId, 'for order');
      for (const l of list(transfer['lines'])) {
        b.relate('item', str(l['sku']), 'item');
        line(b, orderId, l['orderLineNumber'], 'for line');
      }
      b.change('transfer', id, 'state', str(transfer['state']) ?? str(data['to']));
      b.link('transfer', id, 'order', orderId, 'serves');
    },
  };
}

const inventoryMappings: Record<string, EventMapping> = {
  'crossdock.inventory.availability_changed': {
    activity: 'Availability changed',
    map(b, data) {
      const skus = list(data['skus']);
      for (const s of skus) for (const l of list(s['locations'])) b.relate('location', str(l['locationCode']), 'location');
      b.attr('skuCount', skus.length);
      // Ingest batches carry how late their movements reached the hub, per source (docs/process.md).
      const sources = list(data['sources']);
      for (const s of sources) {
        const source = str(s['source']);
        const movements = num(s['movements']);
        if (source === undefined || movements === undefined || movements <= 0) continue;
        b.kind = 'inventory_synced';
        b.flags |= EVENT_EXCHANGE;
        b.integrationSource ??= `inventory:${source}`;
        b.relate('inventory_source', source, 'synced');
        b.change('inventory_source', source, 'lastBatchMovements', movements);
        b.change('inventory_source', source, 'lastBatchLatencyMsMean', (num(s['latencyMsTotal']) ?? 0) / movements);
        b.change('inventory_source', source, 'lastBatchLatencyMsMax', num(s['latencyMsMax']) ?? 0);
      }
    },
  },
  'crossdock.inventory.event_rejected': {
    activity: 'Inventory event rejected',
    map(b, data) {
      const source = str(data['source']);
      b.flags |= EVENT_FAILURE;
      b.integrationSource = source === undefined ? null : `inventory:${source}`;
      b.relate('inventory_source', source, 'source');
      b.attr('code', str(data['code']));
      b.attr('sequence', num(data['sequence']));
    },
  },
  'crossdock.inventory.sequence_gap': {
    activity: 'Inventory sequence gap',
    map(b, data) {
      const source = str(data['source']);
      b.flags |= EVENT_FAILURE;
      b.integrationSource = source === undefined ? null : `inventory:${source}`;
      b.relate('inventory_source', source, 'source');
      b.attr('skippedFrom', num(data['skippedFrom']));
      b.attr('skippedTo', num(data['skippedTo']));
    },
  },
  'crossdock.inventory.drift_detected': {
    activity: 'Inventory drift detected',
    map(b, data, envelope) {
      const subject = /^item\/([^@]+)@(.+)$/.exec(envelope.subject);
      b.relate('item', str(data['sku']) ?? subject?.[1], 'item');
      b.relate('location', str(data['locationCode']) ?? subject?.[2], 'location');
      b.relate('inventory_source', str(data['source']), 'source');
    },
  },
};
for (const [state, activity] of [
  ['created', 'Reservation created'],
  ['committed', 'Reservation committed'],
  ['released', 'Reservation released'],
  ['expired', 'Reservation expired'],
] as const) {
  inventoryMappings[`crossdock.inventory.reservation.${state}`] = {
    activity,
    map(b, data) {
      const reservation = obj(data['reservation']);
      const id = str(reservation['id']);
      b.relate('reservation', id, 'reservation');
      line(b, str(reservation['orderId']), reservation['lineNumber'], 'for line', num(reservation['quantity']));
      b.relate('item', str(reservation['sku']), 'item');
      b.relate('location', str(reservation['locationCode']), 'location');
      b.change('reservation', id, 'state', str(reservation['state']) ?? state);
      b.attr('quantity', num(reservation['quantity']));
    },
  };
}

/** Exception events: the exception, the objects it is about, and its state, queue and clock as they change. */
const exceptionMappings: Record<string, EventMapping> = {};
for (const [what, activity, kind] of [
  ['raised', 'Exception raised', 'exception_raised'],
  ['updated', 'Exception updated', 'exception_changed'],
  ['claimed', 'Exception claimed', 'exception_changed'],
  ['assigned', 'Exception assigned', 'exception_changed'],
  ['sla_breached', 'Exception SLA breached', 'exception_changed'],
  ['escalated', 'Exception escalated', 'exception_changed'],
  ['action_taken', 'Exception action taken', 'exception_changed'],
  ['resolved', 'Exception resolved', 'exception_closed'],
  ['dismissed', 'Exception dismissed', 'exception_closed'],
] as const) {
  exceptionMappings[`crossdock.exception.${what}`] = {
    activity,
    map(b, data, envelope) {
      const exception = obj(data['exception']);
      const id = str(data['exceptionId']) ?? str(exception['id']) ?? subjectObject(envelope.subject).key;
      const type = str(exception['type']);
      b.kind = kind;
      b.relate('exception', id, 'exception');
      const refs: Array<[Data, string]> = [[obj(exception['subject']), 'subject'], ...list(exception['related']).map((r): [Data, string] => [r, 'related'])];
      for (const [ref, qualifier] of refs) {
        const target = refObject(ref);
        if (!target) continue;
        b.relate(target.type, target.key, qualifier);
        b.link('exception', id, target.type, target.key, qualifier === 'subject' ? 'about' : 'related to');
        // An exception about a line is about its order too: order KPIs count it.
        if (target.type === 'order_line') b.relate('order', target.key.slice(0, target.key.lastIndexOf('#')), 'order');
      }
      const facts = obj(exception['facts']);
      const source = str(facts['source']) ?? str(exception['partnerCode']);
      b.change('exception', id, 'type', type);
      b.change('exception', id, 'stage', type === undefined ? undefined : (exceptionStages[type] ?? 'other'));
      b.change('exception', id, 'state', str(exception['state']));
      b.change('exception', id, 'rootCause', str(obj(exception['rootCause'])['code']));
      b.change('exception', id, 'ownerRole', str(exception['ownerRole']));
      b.change('exception', id, 'queueRole', str(exception['queueRole']));
      b.change('exception', id, 'priority', num(exception['priority']));
      b.change('exception', id, 'escalationLevel', num(exception['escalationLevel']));
      b.change('exception', id, 'slaDueAt', str(exception['slaDueAt']));
      b.change('exception', id, 'slaBreachedAt', str(exception['slaBreachedAt']));
      b.change('exception', id, 'source', source);
      b.attr('exceptionType', type);
      // A person claiming, assigning or acting on it (a key, not the hub's own rules and timers).
      const actor = obj(data['actor'] ?? obj(data['resolution'])['actor']);
      if (what === 'claimed' || what === 'assigned' || str(actor['kind']) === 'key') b.flags |= EVENT_MANUAL;
      if (what === 'raised' && type === 'integration_failure') {
        b.flags |= EVENT_FAILURE;
        b.integrationSource = source ?? 'exceptions';
      }
    },
  };
}

export const eventMappings: Readonly<Record<string, EventMapping>> = {
  ...orderMappings,
  ...fulfillmentMappings,
  ...financeMappings,
  ...returnMappings,
  ...procurementMappings,
  ...inventoryMappings,
  ...exceptionMappings,
};

/** Unmapped types whose name says a message or delivery failed (connectors to come) count as integration failures. */
const failureSuffix = /\.(failed|dead_lettered|delivery_failed|rejected)$/;

/** The activity of a type with no mapping: the type without its `crossdock.` prefix. */
export const genericActivity = (type: string): string => (type.startsWith('crossdock.') ? type.slice('crossdock.'.length) : type);

/** Maps one envelope. Pure: the same envelope and context give the same logged event. */
export function mapEvent(envelope: SourceEnvelope, context: MappingContext): LoggedEvent {
  const mapping = eventMappings[envelope.type];
  let b = new EventBuilder();
  if (mapping?.map) {
    try {
      mapping.map(b, obj(envelope.data), envelope, context);
    } catch {
      // A mapping that trips over unexpected data still logs the event, related to its subject.
      b = new EventBuilder();
    }
  }
  if (!mapping) {
    const subject = subjectObject(envelope.subject);
    b.relate(subject.type, subject.key, 'subject');
    if (failureSuffix.test(envelope.type)) {
      b.flags |= EVENT_FAILURE;
      b.integrationSource = subject.type === 'subject' ? genericActivity(envelope.type).split('.')[0]! : `${subject.type}:${subject.key}`;
    }
  } else if (b.relations.length === 0) {
    const subject = subjectObject(envelope.subject);
    b.relate(subject.type, subject.key, 'subject');
  }
  b.attr('eventType', envelope.type);
  b.attr('source', envelope.source);
  b.attr('correlationId', str(envelope.correlationid));
  return {
    id: envelope.id,
    seq: Number(envelope.sequence),
    type: envelope.type,
    activity: mapping?.activity ?? genericActivity(envelope.type),
    kind: b.kind,
    timeMs: Date.parse(envelope.time),
    flags: b.flags,
    integrationSource: b.integrationSource,
    attributes: b.attributes,
    relations: b.relations,
    changes: b.changes,
    links: b.links,
  };
}
