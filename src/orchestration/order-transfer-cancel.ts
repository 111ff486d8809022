import type { OutboxService } from '../platform/outbox/index.ts';
import type { ProcurementService } from '../domains/procurement/index.ts';
import type { OrdersModule } from '../domains/orders/index.ts';
import type { TransferSteps } from './replenishment-transfers.ts';

export interface OrderTransferCancelDeps {
  outbox: OutboxService;
  orders: OrdersModule;
  procurement: ProcurementService;
  transfers: Pick<TransferSteps, 'cancel'>;
}

/** Transfers of one order are few; one page holds them all. */
const TRANSFERS_PER_ORDER_MAX = 500;

/**
 * A cancelled order line no longer waits for the transfer sourcing chose for it (cancel.rules.ts).
 * A transfer that has not left its origin is then called off, so the origin keeps its stock instead
 * of sending units nobody is waiting for; one already on its way arrives as plain stock. A transfer
 * still serving another live line of the order goes ahead. Cancelling is a transfer step, idempotent
 * by the transfer's state, so a redelivered event changes nothing.
 */
export function registerOrderTransferCancel(deps: OrderTransferCancelDeps): void {
  deps.outbox.subscribe({
    name: 'orchestration.cancel-order-transfers',
    types: ['crossdock.order.cancelled', 'crossdock.order.lines_cancelled'],
    deliver: async (event) => {
      const { orderId } = event.data as { orderId: string };
      const order = await deps.orders.store.get(orderId);
      if (!order) return;
      const stillAwaited = new Set(order.lines.flatMap((l) => (l.transfers ?? []).map((t) => t.transferId)));
      const page = await deps.procurement.listTransfers({ orderId, limit: TRANSFERS_PER_ORDER_MAX });
      for (const transfer of page.items) {
        if ((transfer.state !== 'proposed' && transfer.state !== 'released') || stillAwaited.has(transfer.id)) continue;
        await deps.transfers.cancel(transfer.id, `order ${orderId}: the line it served was cancelled`);
      }
    },
  });
}
