import type { Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import { carrierMilestoneSchema, isDelivered, type FulfillmentService, type Shipment } from '../domains/fulfillment/index.ts';
import { openQuantity, promiseDateOf, type Order, type OrdersModule } from '../domains/orders/index.ts';
import { refuseTimeAhead } from '../domains/shared/index.ts';
import type { PromiseDates } from './promise-date.ts';
import { unscoped, type Scope } from './order-shipment.ts';

export type MilestoneResult = { result: 'added' | 'exists'; shipment: Shipment };

export interface ShipmentMilestonesDeps {
  db: Executor;
  clock: Clock;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  promiseDates: PromiseDates;
}

/** Every wanted unit of every line has shipped (the order's states stop at shipped; delivery is not one of them). */
const fullyShipped = (order: Order) => order.lines.some((l) => l.shippedQuantity > 0) && order.lines.every((l) => l.shippedQuantity >= openQuantity(l));

/**
 * Carrier milestones (departed, in transit, delivered, delayed, exception) on a shipment. Each new one
 * is stored on the shipment and announced as `crossdock.shipment.<type>`; the order's state does not
 * change (it stops at shipped, then invoiced), but a delivery that completes a fully shipped order
 * says so with `orderDelivered: true`. A delay whose new estimate is past the promise date raises the
 * order's promise-date breach at once, unless it was raised before.
 */
export function createShipmentMilestones(deps: ShipmentMilestonesDeps) {
  const notFound = (id: string) => new AppError('not_found', `shipment ${id} does not exist`, [{ path: 'params.id', message: 'unknown shipment id' }]);

  async function addMilestone(shipmentId: string, raw: unknown, scope: Scope = unscoped): Promise<MilestoneResult> {
    const milestone = carrierMilestoneSchema.parse(raw);
    // When it happened, not the delivery estimate, which is ahead by nature.
    refuseTimeAhead('the milestone cannot be added', 'occurredAt', milestone.occurredAt, deps.clock.now());
    const shipment = await deps.fulfillment.shipments.get(shipmentId);
    if (!shipment) throw notFound(shipmentId);
    const order = await deps.orders.store.get(shipment.orderId);
    invariant(order, `shipment ${shipmentId} names order ${shipment.orderId}, which does not exist`);
    if (scope.partnerCode !== null && order.partnerCode !== scope.partnerCode) throw notFound(shipmentId);

    return deps.db.transaction().execute(async (tx): Promise<MilestoneResult> => {
      // The order's lock serialises every writer of its shipments, so no milestone is lost.
      const current = await deps.orders.store.lockForUpdate(tx, order.id);
      invariant(current, `order ${order.id} disappeared`);
      const added = await deps.fulfillment.shipments.addMilestoneIn(tx, shipmentId, milestone);
      invariant(added, `shipment ${shipmentId} disappeared`);
      if (added.result === 'exists') return added;
      const shipments = await deps.fulfillment.shipments.listForOrder(order.id, tx);
      // Shipments that carried nothing (a request the warehouse could not ship) have nothing to deliver.
      const orderDelivered = fullyShipped(current) && shipments.every((s) => s.lines.length === 0 || isDelivered(s));
      const events: NewEvent[] = [
        {
          source: '/crossdock/fulfillment',
          type: `crossdock.shipment.${milestone.type}`,
          subject: `order:${order.id}`,
          data: { orderId: order.id, shipmentId, milestone, orderDelivered },
        },
      ];
      const promiseDate = promiseDateOf(current);
      const late =
        milestone.type === 'delayed' &&
        milestone.estimatedDeliveryAt !== undefined &&
        promiseDate !== undefined &&
        Date.parse(milestone.estimatedDeliveryAt) > (await deps.promiseDates.dueAtMs(tx, current, promiseDate));
      if (late) {
        const breach = await deps.promiseDates.breachIn(tx, current, shipments, 'delayed');
        if (breach) events.push(breach);
      }
      await deps.outbox.appendMany(tx, events);
      return added;
    });
  }

  async function get(shipmentId: string, scope: Scope = unscoped): Promise<Shipment> {
    const shipment = await deps.fulfillment.shipments.get(shipmentId);
    if (!shipment) throw notFound(shipmentId);
    if (scope.partnerCode !== null && (await deps.orders.store.get(shipment.orderId))?.partnerCode !== scope.partnerCode) throw notFound(shipmentId);
    return shipment;
  }

  async function listForOrder(orderId: string, scope: Scope = unscoped): Promise<Shipment[]> {
    const order = await deps.orders.store.get(orderId);
    if (!order || (scope.partnerCode !== null && order.partnerCode !== scope.partnerCode)) {
      throw new AppError('not_found', `order ${orderId} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
    }
    return deps.fulfillment.shipments.listForOrder(orderId);
  }

  return { addMilestone, get, listForOrder };
}

export type ShipmentMilestones = ReturnType<typeof createShipmentMilestones>;
