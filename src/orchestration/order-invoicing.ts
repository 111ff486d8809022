import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { TimerService } from '../platform/timers/index.ts';
import type { Invoice, InvoiceService } from '../domains/finance/index.ts';
import { applyClose, applyInvoice, applyInvoicedInFull, uninvoiced, type Order, type OrdersModule } from '../domains/orders/index.ts';
import { invoicingPolicy, returnsPolicy, type PolicyService } from '../domains/policies/index.ts';

export type InvoicingResult = { result: 'invoiced'; invoice: Invoice; order: Order } | { result: 'skipped'; reason: string; order: Order };

export interface OrderInvoicingDeps {
  db: Executor;
  clock: Clock;
  policies: PolicyService;
  orders: OrdersModule;
  outbox: OutboxService;
  timers: TimerService;
  invoices: InvoiceService;
}

/** What a shipment confirmation says, as far as invoicing reads it (`crossdock.shipment.confirmed`). */
export interface ConfirmedShipment {
  id: string;
  lines: ReadonlyArray<{ lineNumber: number; quantity: number }>;
}

export const ORDER_CLOSE_TIMER = 'order.close';
const DAY_MS = 86_400_000;

/**
 * What to bill: either one shipment's lines (per-shipment invoicing) or everything shipped and not
 * yet billed (invoicing on completion, and the manual run). `shipmentId` names a shipment the caller
 * knows of that invoicing may not have noted yet.
 */
type Scope = { kind: 'shipment'; shipment: ConfirmedShipment } | { kind: 'outstanding'; shipmentId?: string | undefined };

/**
 * Invoicing, the step after shipment (DESIGN §5.6): only confirmed shipped quantities are billed, at
 * the order line's price, and never more than shipped (I7). One transaction locks the order, issues
 * the invoice, raises the lines' invoiced quantities, moves the header to invoiced when everything
 * shipped is billed (and schedules its close after the returns window), and announces it. Running it
 * again is harmless: a shipment is billed once, and what is already billed is never billed again.
 */
export function createOrderInvoicing(deps: OrderInvoicingDeps) {
  /** Invoice lines for the scope: shipped and not yet billed, per line, never more. */
  function billable(order: Order, scope: Scope) {
    const wanted = new Map<number, number>();
    if (scope.kind === 'shipment') {
      for (const l of scope.shipment.lines) wanted.set(l.lineNumber, (wanted.get(l.lineNumber) ?? 0) + l.quantity);
    } else {
      for (const l of order.lines) wanted.set(l.lineNumber, uninvoiced(l));
    }
    return order.lines.flatMap((line) => {
      const quantity = Math.min(wanted.get(line.lineNumber) ?? 0, uninvoiced(line));
      return quantity > 0 ? [{ lineNumber: line.lineNumber, sku: line.sku, quantity, unitPriceMinor: line.unitPriceMinor }] : [];
    });
  }

  async function invoiceIn(tx: Tx, order: Order, scope: Scope, context: { policyVersion: number; windowDays: number; nowMs: number }): Promise<InvoicingResult> {
    const { nowMs } = context;
    let shipmentIds: string[];
    if (scope.kind === 'shipment') {
      // The shipment's row is what tells a redelivered confirmation from a new one.
      const noted = await deps.invoices.noteShipmentIn(tx, order.id, scope.shipment.id, nowMs);
      if (noted.billedBy !== null) return { result: 'skipped', reason: `shipment ${scope.shipment.id} is billed by invoice ${noted.billedBy}`, order };
      shipmentIds = [scope.shipment.id];
    } else {
      if (scope.shipmentId !== undefined) await deps.invoices.noteShipmentIn(tx, order.id, scope.shipmentId, nowMs);
      shipmentIds = await deps.invoices.unbilledShipmentIdsIn(tx, order.id);
    }
    const lines = billable(order, scope);
    if (lines.length === 0) {
      // Everything shipped was billed by earlier invoices and the rest cancelled: the order is invoiced.
      const complete = applyInvoicedInFull(order, isoTime(nowMs));
      if (!complete) return { result: 'skipped', reason: 'nothing shipped waits for an invoice', order };
      invariant(await deps.orders.store.save(tx, order, complete.order), `order ${order.id} changed under its row lock`);
      await deps.timers.schedule(tx, { kind: ORDER_CLOSE_TIMER, key: `order-close:${order.id}`, dueAt: nowMs + context.windowDays * DAY_MS, payload: { orderId: order.id } });
      await deps.outbox.append(tx, { source: '/crossdock/orchestration', type: 'crossdock.order.invoiced', subject: `order:${order.id}`, data: { orderId: order.id, from: complete.from, to: complete.to } });
      return { result: 'skipped', reason: 'every shipped unit was billed already; the order is invoiced', order: complete.order };
    }

    const applied = applyInvoice(order, lines, isoTime(nowMs));
    // The lines were cut to what shipped and is not billed, so a refusal here is a bug.
    invariant(applied.ok, `invoicing order ${order.id} was refused: ${applied.ok ? '' : applied.message}`);
    const invoice = await deps.invoices.issueIn(tx, {
      orderId: order.id,
      customerCode: order.customerCode,
      partnerCode: order.partnerCode,
      currency: order.currency,
      shipmentIds,
      lines,
      issuedAtMs: nowMs,
    });
    invariant(await deps.orders.store.save(tx, order, applied.order), `order ${order.id} changed under its row lock`);
    if (applied.moved) {
      // Returns stay possible for the returns window; the order closes after it, by the hub's clock.
      await deps.timers.schedule(tx, { kind: ORDER_CLOSE_TIMER, key: `order-close:${order.id}`, dueAt: nowMs + context.windowDays * DAY_MS, payload: { orderId: order.id } });
    }
    const events: NewEvent[] = [
      { source: '/crossdock/finance', type: 'crossdock.invoice.issued', subject: `order:${order.id}`, data: { invoice, policyVersion: context.policyVersion } },
      ...(applied.moved
        ? [{ source: '/crossdock/orchestration', type: 'crossdock.order.invoiced', subject: `order:${order.id}`, data: { orderId: order.id, from: applied.moved.from, to: applied.moved.to, invoiceId: invoice.id } }]
        : []),
    ];
    await deps.outbox.appendMany(tx, events);
    return { result: 'invoiced', invoice, order: applied.order };
  }

  async function run(orderId: string, scope: Scope): Promise<InvoicingResult> {
    const [policy, returns] = await Promise.all([deps.policies.activeOf(invoicingPolicy), deps.policies.activeOf(returnsPolicy)]);
    const context = { policyVersion: policy.version, windowDays: returns.document.windowDays, nowMs: deps.clock.now() };
    return deps.db.transaction().execute(async (tx) => {
      const order = await deps.orders.store.lockForUpdate(tx, orderId);
      if (!order) throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'orderId', message: 'unknown order id' }]);
      return invoiceIn(tx, order, scope, context);
    });
  }

  return {
    /**
     * A confirmed shipment: billed at once under per-shipment invoicing; under invoicing on completion
     * it is only noted, for the invoice that follows when the order has shipped in full.
     */
    async onShipmentConfirmed(orderId: string, shipment: ConfirmedShipment): Promise<InvoicingResult | { result: 'noted' }> {
      const policy = await deps.policies.activeOf(invoicingPolicy);
      if (policy.document.mode === 'per_shipment') return run(orderId, { kind: 'shipment', shipment });
      await deps.db.transaction().execute((tx) => deps.invoices.noteShipmentIn(tx, orderId, shipment.id, deps.clock.now()));
      return { result: 'noted' };
    },

    /**
     * The order has shipped in full: bill whatever is still unbilled, whatever the mode. Under
     * per-shipment invoicing every shipment was billed already and this finds nothing; it still
     * catches a shipment confirmed while invoicing was on completion and the mode changed since.
     */
    onOrderShipped: (orderId: string, shipmentId: string | undefined) => run(orderId, { kind: 'outstanding', shipmentId }),

    /** Bills everything shipped and not yet billed, now (a person's or a connector's manual run). */
    invoiceOutstanding: (orderId: string) => run(orderId, { kind: 'outstanding' }),

    /** The close timer: an invoiced order closes once its returns window has passed. */
    async closeIn(tx: Tx, orderId: string): Promise<void> {
      const order = await deps.orders.store.lockForUpdate(tx, orderId);
      // Gone, or closed (or cancelled) another way: nothing is left for the timer to do.
      if (!order) return;
      const closed = applyClose(order, isoTime(deps.clock.now()));
      if (!closed) return;
      invariant(await deps.orders.store.save(tx, order, closed.order), `order ${orderId} changed under its row lock`);
      await deps.outbox.append(tx, { source: '/crossdock/orchestration', type: 'crossdock.order.closed', subject: `order:${orderId}`, data: { orderId, from: closed.from, to: closed.to } });
    },
  };
}

export type OrderInvoicing = ReturnType<typeof createOrderInvoicing>;
