import type { Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import type { IdGenerator } from '../platform/ids.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { TimerService } from '../platform/timers/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { DecisionService } from '../domains/decisions/index.ts';
import { createCreditUpdateService, createInvoiceService, createReceivablesService, type CreditMemo, type Invoice } from '../domains/finance/index.ts';
import type { InventoryModule } from '../domains/inventory/index.ts';
import type { OrdersModule } from '../domains/orders/index.ts';
import type { PolicyService } from '../domains/policies/index.ts';
import { adjustmentOfCreditMemo, adjustmentOfInvoice, createCustomerReceivables, RECEIVABLES_ADJUSTED } from './customer-receivables.ts';
import { createOrderCredit } from './order-credit.ts';
import { createOrderInvoicing, ORDER_CLOSE_TIMER, type ConfirmedShipment } from './order-invoicing.ts';

export interface FinanceFlowDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  policies: PolicyService;
  inventory: InventoryModule;
  orders: OrdersModule;
  outbox: OutboxService;
  timers: TimerService;
  decisions: DecisionService;
}

/** The steps a released hold hands the order on to. */
export interface AfterHoldRelease {
  allocate(orderId: string): Promise<{ result: string }>;
  release(orderId: string): Promise<{ result: string }>;
}

/**
 * Invoicing and credit, wired to the outbox and the timers. Each subscriber's effect is idempotent,
 * as at-least-once delivery requires: a shipment is billed once, a hold resolves once, allocating
 * and releasing twice are harmless, a released reservation stays released.
 */
export function createFinanceFlows(deps: FinanceFlowDeps, next: AfterHoldRelease) {
  const invoices = createInvoiceService({ db: deps.db, ids: deps.ids });
  const invoicing = createOrderInvoicing({ ...deps, invoices });
  const receivables = createReceivablesService({ db: deps.db });
  const credit = createOrderCredit({ ...deps, credit: createCreditUpdateService({ db: deps.db }), receivables });
  const customerReceivables = createCustomerReceivables({ ...deps, receivables });

  deps.outbox.subscribe({
    name: 'orchestration.invoice',
    types: ['crossdock.shipment.confirmed', 'crossdock.order.shipped'],
    deliver: async (event) => {
      if (event.type === 'crossdock.shipment.confirmed') {
        const data = event.data as { orderId: string; shipment: ConfirmedShipment };
        await invoicing.onShipmentConfirmed(data.orderId, data.shipment);
      } else {
        const data = event.data as { orderId: string; shipmentId?: string };
        await invoicing.onOrderShipped(data.orderId, data.shipmentId);
      }
    },
  });
  deps.timers.registerHandler(ORDER_CLOSE_TIMER, (tx, timer) => invoicing.closeIn(tx, (timer.payload as { orderId: string }).orderId));

  // Invoices raise and credit memos lower the customer's open receivables, once per document.
  deps.outbox.subscribe({
    name: 'orchestration.receivables',
    types: ['crossdock.invoice.issued', 'crossdock.finance.credit_memo_issued'],
    deliver: async (event) => {
      const data = event.data as { invoice?: Invoice; creditMemo?: CreditMemo };
      await customerReceivables.adjust(event.type === 'crossdock.invoice.issued' ? adjustmentOfInvoice(data.invoice!) : adjustmentOfCreditMemo(data.creditMemo!));
    },
  });
  // A credit update that another node applied (or that stopped before its review) is reviewed here
  // too, and so is every change to receivables: a credit memo may make room for a held order.
  deps.outbox.subscribe({
    name: 'orchestration.credit-review',
    types: ['crossdock.customer.credit_updated', RECEIVABLES_ADJUSTED],
    deliver: async (event) => {
      await credit.reviewCustomer((event.data as { customerCode: string }).customerCode);
    },
  });
  // A released hold lets the order move on: allocation first; when everything is allocated already
  // (a substitution approved), the held stock goes to the warehouse.
  deps.outbox.subscribe({
    name: 'orchestration.hold-released',
    // A refused substitute sends its line back to sourcing too (a refused credit or pricing hold has
    // cancelled the order, and allocating a cancelled order is skipped).
    types: ['crossdock.order.hold_released', 'crossdock.order.hold_rejected'],
    deliver: async (event) => {
      const { orderId } = event.data as { orderId: string };
      const allocated = await next.allocate(orderId);
      if (allocated.result === 'skipped') await next.release(orderId);
    },
  });
  // A cancelled order holds no stock: its pending reservations are given back.
  deps.outbox.subscribe({
    name: 'orchestration.cancelled-reservations',
    types: ['crossdock.order.cancelled'],
    deliver: async (event) => {
      const { orderId } = event.data as { orderId: string };
      const reservations = await deps.inventory.reservations.listByOrder(orderId);
      for (const r of reservations.filter((r) => r.state === 'pending')) await deps.inventory.reservations.release(r.id, 'order_cancelled');
    },
  });

  return { invoices, invoicing, credit, receivables: customerReceivables, orders: deps.orders };
}

export type FinanceFlows = ReturnType<typeof createFinanceFlows>;
