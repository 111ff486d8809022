import type { customerTiers } from '../domains/catalog/index.ts';

type CustomerTier = (typeof customerTiers)[number];
import type { ExceptionType, ObjectRef, RaiseInput } from '../domains/exceptions/index.ts';
import { openQuantity, promiseDateOf, type Hold, type Order, type OrderLine } from '../domains/orders/index.ts';

/**
 * What the order-side exception rules want done: raise (or update) one exception, or resolve the live
 * one of a subject and type with the reason its condition cleared. The flow carries them out.
 */
export type ExceptionIntent = { kind: 'raise'; input: RaiseInput } | { kind: 'resolve'; type: ExceptionType; subject: ObjectRef; reason: string };

/** The event that made the flow look at the order again. */
export interface OrderEventInput {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const holdExceptionType: Partial<Record<Hold['type'], ExceptionType>> = { credit: 'credit_hold', pricing: 'pricing_variance', substitution: 'substitution_approval' };
const terminalLineStates = new Set<OrderLine['state']>(['cancelled', 'shipped', 'invoiced', 'closed']);

export const lineSubject = (orderId: string, lineNumber: number): ObjectRef => ({ type: 'order_line', id: `${orderId}:${lineNumber}` });
const orderSubject = (orderId: string): ObjectRef => ({ type: 'order', id: orderId });

/** Units of a line that neither stock nor shipment covers yet: backordered, or not allocated at all. */
export const waitingQuantity = (line: OrderLine): number =>
  terminalLineStates.has(line.state) ? 0 : Math.max(line.backorderedQuantity, openQuantity(line) - Math.max(line.allocatedQuantity, line.shippedQuantity));

/** The value still open on the order, at the order's prices. */
export const openValueMinor = (order: Order): number => order.lines.reduce((sum, l) => sum + Math.max(0, openQuantity(l) - l.shippedQuantity) * l.unitPriceMinor, 0);

/** What the exception rules know of the order's customer: its tier, and where the order's goods arrive. */
export interface OrderCustomer {
  tier?: CustomerTier;
  /** `deliveryTimeZone` of the order: its promise date ends at midnight there. */
  timeZone?: string;
}

/** Context every order exception carries: the customer's tier, value at stake, promise date (and its zone), partner. */
export function orderContext(order: Order, customer: OrderCustomer) {
  const promiseDate = promiseDateOf(order);
  return {
    related: [orderSubject(order.id), { type: 'customer' as const, id: order.customerCode }],
    priorityInputs: {
      ...(customer.tier !== undefined && { customerTier: customer.tier }),
      orderValue: { amountMinor: openValueMinor(order), currency: order.currency },
      ...(promiseDate !== undefined && { promiseDate }),
      ...(promiseDate !== undefined && customer.timeZone !== undefined && { promiseTimeZone: customer.timeZone }),
    },
    partnerCode: order.partnerCode ?? null,
    correlationId: order.id,
  };
}

const snake = (code: string) => code.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 64) || 'hold_placed';

/**
 * Holds become exceptions: a credit hold is about the order, a pricing or substitution hold about its
 * line. An open hold keeps its exception raised (with the hold's own owner and SLA); once no hold of
 * that subject is open, the exception resolves with how the last hold ended.
 */
export function holdIntents(order: Order, customer: OrderCustomer, event: OrderEventInput): ExceptionIntent[] {
  const groups = new Map<string, { type: ExceptionType; subject: ObjectRef; holds: Hold[] }>();
  for (const hold of order.holds) {
    const type = holdExceptionType[hold.type];
    if (type === undefined) continue;
    const subject = hold.lineNumber !== undefined && hold.type !== 'credit' ? lineSubject(order.id, hold.lineNumber) : orderSubject(order.id);
    const key = `${type}|${subject.id}`;
    const group = groups.get(key) ?? { type, subject, holds: [] };
    group.holds.push(hold);
    groups.set(key, group);
  }
  const context = orderContext(order, customer);
  const intents: ExceptionIntent[] = [];
  for (const { type, subject, holds } of groups.values()) {
    const open = holds.find((h) => h.resolvedAt === undefined);
    if (open) {
      const line = open.lineNumber === undefined ? undefined : order.lines.find((l) => l.lineNumber === open.lineNumber);
      intents.push({
        kind: 'raise',
        input: {
          type,
          subject,
          ...context,
          related: [...context.related, ...(line ? [{ type: 'item' as const, id: line.sku }] : [])],
          facts: {
            orderId: order.id,
            externalOrderNumber: order.externalOrderNumber,
            customerCode: order.customerCode,
            holdId: open.id,
            holdType: open.type,
            reasonCode: open.reasonCode,
            ...(line && { lineNumber: line.lineNumber, sku: line.sku, substituteForSku: line.substituteForSku ?? null }),
          },
          rootCause: { code: snake(open.reasonCode), message: open.reason },
          headline: `Order ${order.externalOrderNumber}${line ? ` line ${line.lineNumber}` : ''} is on ${open.type} hold`,
          ownerRole: open.ownerRole === 'viewer' ? undefined : open.ownerRole,
          slaDueAtMs: Date.parse(open.slaDueAt),
          dedupeKey: `hold:${open.id}`,
          causationId: event.id,
        },
      });
    } else {
      const last = holds[holds.length - 1]!;
      const said = typeof event.data['reason'] === 'string' && (event.data['hold'] as Hold | undefined)?.id === last.id ? `: ${event.data['reason'] as string}` : '';
      intents.push({ kind: 'resolve', type, subject, reason: `${last.type} hold ${last.resolution ?? 'resolved'}${last.resolvedBy ? ` by ${last.resolvedBy}` : ''}${said}` });
    }
  }
  return intents;
}

/**
 * Lines that wait for stock raise a stock shortage when allocation backordered them, and a short
 * shipment when a warehouse shipped less than asked; both resolve once nothing on the line waits
 * (allocated, re-sourced, shipped or cancelled). A raise only happens when the line still waits as
 * read now, so a shortage repaired before this delivery is never raised.
 */
export function lineIntents(order: Order, customer: OrderCustomer, event: OrderEventInput): ExceptionIntent[] {
  const context = orderContext(order, customer);
  const intents: ExceptionIntent[] = [];
  const shortShipped = event.type === 'crossdock.shipment.confirmed' ? ((event.data['shortShipped'] as Array<{ lineNumber: number; quantity: number; handling: string }> | undefined) ?? []) : [];
  const shipmentId = (event.data['shipment'] as { id?: string } | undefined)?.id;
  const backorderEvent = event.type === 'crossdock.order.backordered' || event.type === 'crossdock.order.partially_allocated' || event.type === 'crossdock.order.transfer_cancelled';
  for (const line of order.lines) {
    const subject = lineSubject(order.id, line.lineNumber);
    const waiting = waitingQuantity(line);
    const related = [...context.related, { type: 'item' as const, id: line.sku }];
    const facts = {
      orderId: order.id,
      externalOrderNumber: order.externalOrderNumber,
      lineNumber: line.lineNumber,
      sku: line.sku,
      orderedQuantity: line.orderedQuantity,
      allocatedQuantity: line.allocatedQuantity,
      shippedQuantity: line.shippedQuantity,
      backorderedQuantity: line.backorderedQuantity,
      waitingQuantity: waiting,
    };
    const short = shortShipped.find((s) => s.lineNumber === line.lineNumber && s.handling !== 'cancel');
    if (waiting > 0 && short) {
      intents.push({
        kind: 'raise',
        input: {
          type: 'short_shipment',
          subject,
          ...context,
          related: [...related, ...(shipmentId ? [{ type: 'shipment' as const, id: shipmentId }] : [])],
          facts: { ...facts, shipmentId: shipmentId ?? null, shortQuantity: short.quantity, handling: short.handling },
          rootCause: { code: 'short_shipped', message: `the warehouse shipped ${short.quantity} fewer of ${line.sku} than asked; the remainder is handled as ${short.handling}` },
          headline: `Order ${order.externalOrderNumber} line ${line.lineNumber} short-shipped by ${short.quantity}`,
          causationId: event.id,
        },
      });
    } else if (waiting > 0 && backorderEvent && line.backorderedQuantity > 0) {
      intents.push({
        kind: 'raise',
        input: {
          type: 'stock_shortage',
          subject,
          ...context,
          related,
          facts,
          rootCause: { code: 'no_stock_to_allocate', message: `${line.backorderedQuantity} of ${line.sku} could not be sourced from any location and wait as a backorder` },
          headline: `Order ${order.externalOrderNumber} line ${line.lineNumber}: ${line.backorderedQuantity} of ${line.sku} backordered`,
          causationId: event.id,
        },
      });
    }
    if (waiting === 0) {
      const reason =
        line.state === 'cancelled' || (line.cancelledQuantity > 0 && openQuantity(line) <= line.shippedQuantity)
          ? `line ${line.lineNumber} cancelled (${line.cancelledQuantity} units)`
          : `line ${line.lineNumber} covered: ${line.allocatedQuantity} allocated, ${line.shippedQuantity} shipped`;
      intents.push({ kind: 'resolve', type: 'stock_shortage', subject, reason }, { kind: 'resolve', type: 'short_shipment', subject, reason });
    }
  }
  return intents;
}

/**
 * A carrier's delay raises a shipment delay on the shipment; a broken promise date raises one on the
 * order. Delivery clears the shipment's, and the order's once the whole order is delivered.
 */
export function deliveryIntents(order: Order, customer: OrderCustomer, event: OrderEventInput): ExceptionIntent[] {
  const context = orderContext(order, customer);
  const shipmentId = event.data['shipmentId'] as string | undefined;
  const milestone = event.data['milestone'] as { detail?: string; estimatedDeliveryAt?: string; occurredAt?: string } | undefined;
  if (event.type === 'crossdock.shipment.delayed' && shipmentId) {
    return [
      {
        kind: 'raise',
        input: {
          type: 'shipment_delay',
          subject: { type: 'shipment', id: shipmentId },
          ...context,
          facts: { orderId: order.id, externalOrderNumber: order.externalOrderNumber, shipmentId, estimatedDeliveryAt: milestone?.estimatedDeliveryAt ?? null, detail: milestone?.detail ?? null },
          rootCause: { code: 'carrier_delayed', message: `the carrier reported a delay${milestone?.detail ? `: ${milestone.detail}` : ''}${milestone?.estimatedDeliveryAt ? `; new estimate ${milestone.estimatedDeliveryAt}` : ''}` },
          headline: `Shipment of order ${order.externalOrderNumber} delayed`,
          priorityInputs: { ...context.priorityInputs, risk: 'medium' },
          dedupeKey: event.id,
          causationId: event.id,
        },
      },
    ];
  }
  if (event.type === 'crossdock.order.promise_date_breached') {
    const undelivered = (event.data['undeliveredLines'] as unknown[] | undefined) ?? [];
    return [
      {
        kind: 'raise',
        input: {
          type: 'shipment_delay',
          subject: orderSubject(order.id),
          ...context,
          facts: { orderId: order.id, externalOrderNumber: order.externalOrderNumber, promiseDate: String(event.data['promiseDate']), cause: String(event.data['cause']), undeliveredLines: undelivered.length },
          rootCause: { code: 'promise_date_breached', message: `the promise date ${String(event.data['promiseDate'])} passed with ${undelivered.length} line(s) undelivered (${String(event.data['cause'])})` },
          headline: `Order ${order.externalOrderNumber} missed its promise date`,
          priorityInputs: { ...context.priorityInputs, risk: 'high' },
          causationId: event.id,
        },
      },
    ];
  }
  if (event.type === 'crossdock.shipment.delivered' && shipmentId) {
    const intents: ExceptionIntent[] = [{ kind: 'resolve', type: 'shipment_delay', subject: { type: 'shipment', id: shipmentId }, reason: `shipment ${shipmentId} delivered` }];
    if (event.data['orderDelivered'] === true) intents.push({ kind: 'resolve', type: 'shipment_delay', subject: orderSubject(order.id), reason: 'every line of the order delivered' });
    return intents;
  }
  return [];
}

/** Event types after which the order's holds are looked at again. */
export const holdEventTypes = new Set(['crossdock.order.hold_placed', 'crossdock.order.hold_released', 'crossdock.order.hold_rejected', 'crossdock.order.cancelled']);

/** Every intent an order event implies; a cancelled order resolves everything about it and its lines. */
export function orderEventIntents(order: Order, customer: OrderCustomer, event: OrderEventInput): ExceptionIntent[] {
  if (order.state === 'cancelled') {
    const reason = `order ${order.externalOrderNumber} cancelled`;
    const types: ExceptionType[] = ['credit_hold', 'pricing_variance', 'substitution_approval', 'shipment_delay'];
    return [
      ...types.map((type): ExceptionIntent => ({ kind: 'resolve', type, subject: orderSubject(order.id), reason })),
      ...order.lines.flatMap((l) =>
        (['stock_shortage', 'short_shipment', 'pricing_variance', 'substitution_approval'] as const).map((type): ExceptionIntent => ({ kind: 'resolve', type, subject: lineSubject(order.id, l.lineNumber), reason })),
      ),
    ];
  }
  return [...(holdEventTypes.has(event.type) ? holdIntents(order, customer, event) : []), ...lineIntents(order, customer, event), ...deliveryIntents(order, customer, event)];
}
