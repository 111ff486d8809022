import type { Lifecycle } from './lifecycle.rules.ts';
import type { OrderLine, orderStates } from './orders.types.ts';

export type OrderState = (typeof orderStates)[number];
export type OrderEvent = 'validate' | 'allocate' | 'allocate_partially' | 'backorder' | 'release' | 'ship_partially' | 'ship_completely' | 'invoice' | 'close' | 'cancel';

/** What the guards look at: the order's line quantities. */
export interface OrderContext {
  lines: ReadonlyArray<Pick<OrderLine, 'orderedQuantity' | 'allocatedQuantity' | 'shippedQuantity' | 'invoicedQuantity' | 'cancelledQuantity'>>;
}

const open = (l: OrderContext['lines'][number]) => l.orderedQuantity - l.cancelledQuantity;
const anyAllocated = (c: OrderContext) => (c.lines.some((l) => l.allocatedQuantity > 0) ? null : 'nothing_allocated');
const allShipped = (c: OrderContext) => (c.lines.every((l) => l.shippedQuantity >= open(l)) ? null : 'not_fully_shipped');
const someShipped = (c: OrderContext) => (c.lines.some((l) => l.shippedQuantity > 0) ? null : 'nothing_shipped');
const allInvoiced = (c: OrderContext) => (c.lines.every((l) => l.invoicedQuantity === l.shippedQuantity) ? null : 'not_fully_invoiced');
const nothingShipped = (c: OrderContext) => (c.lines.some((l) => l.shippedQuantity > 0) ? 'shipped_lines_cannot_be_cancelled' : null);

/** Holds that stop an order from being allocated or released to a warehouse. */
const blocking = ['credit', 'pricing', 'compliance'] as const;

/**
 * The header lifecycle. Sourcing decides between allocate, allocate_partially and backorder; holds
 * block allocation and release; cancelling is possible until anything ships (afterwards the open
 * remainder is cancelled line by line, and the order still completes through shipped and invoiced).
 */
export const orderLifecycle: Lifecycle<OrderState, OrderEvent, OrderContext> = {
  name: 'order',
  states: ['received', 'validated', 'allocated', 'partially_allocated', 'backordered', 'released', 'partially_shipped', 'shipped', 'invoiced', 'closed', 'cancelled'],
  initial: 'received',
  terminal: ['closed', 'cancelled'],
  transitions: [
    { from: 'received', event: 'validate', to: 'validated' },
    { from: 'received', event: 'cancel', to: 'cancelled' },

    { from: 'validated', event: 'allocate', to: 'allocated', blockedBy: blocking, guard: anyAllocated },
    { from: 'validated', event: 'allocate_partially', to: 'partially_allocated', blockedBy: blocking, guard: anyAllocated },
    { from: 'validated', event: 'backorder', to: 'backordered', blockedBy: blocking },
    { from: 'validated', event: 'cancel', to: 'cancelled' },

    // Supply arriving later moves a backordered or partly allocated order on.
    { from: 'backordered', event: 'allocate', to: 'allocated', blockedBy: blocking, guard: anyAllocated },
    { from: 'backordered', event: 'allocate_partially', to: 'partially_allocated', blockedBy: blocking, guard: anyAllocated },
    { from: 'backordered', event: 'backorder', to: 'backordered', blockedBy: blocking },
    { from: 'backordered', event: 'cancel', to: 'cancelled' },
    { from: 'partially_allocated', event: 'allocate', to: 'allocated', blockedBy: blocking, guard: anyAllocated },
    { from: 'partially_allocated', event: 'allocate_partially', to: 'partially_allocated', blockedBy: blocking, guard: anyAllocated },
    { from: 'partially_allocated', event: 'release', to: 'released', blockedBy: blocking, guard: anyAllocated },
    { from: 'partially_allocated', event: 'cancel', to: 'cancelled', guard: nothingShipped },

    // A line's allocation withdrawn before release (its substitute refused) sends the order back.
    { from: 'allocated', event: 'allocate_partially', to: 'partially_allocated', guard: anyAllocated },
    { from: 'allocated', event: 'backorder', to: 'backordered' },
    { from: 'partially_allocated', event: 'backorder', to: 'backordered' },
    { from: 'allocated', event: 'release', to: 'released', blockedBy: blocking, guard: anyAllocated },
    { from: 'allocated', event: 'cancel', to: 'cancelled', guard: nothingShipped },

    // Once part of an order is at a warehouse the header stays released (or partially shipped) while
    // the rest is sourced: supply arriving for a backordered remainder, a short ship sent back to
    // sourcing, and the release of what was allocated late all keep it where it is.
    { from: 'released', event: 'allocate', to: 'released', blockedBy: blocking, guard: anyAllocated },
    { from: 'released', event: 'allocate_partially', to: 'released', blockedBy: blocking, guard: anyAllocated },
    { from: 'released', event: 'backorder', to: 'released' },
    { from: 'released', event: 'release', to: 'released', blockedBy: blocking, guard: anyAllocated },
    { from: 'partially_shipped', event: 'allocate', to: 'partially_shipped', blockedBy: blocking, guard: anyAllocated },
    { from: 'partially_shipped', event: 'allocate_partially', to: 'partially_shipped', blockedBy: blocking, guard: anyAllocated },
    { from: 'partially_shipped', event: 'backorder', to: 'partially_shipped' },
    { from: 'partially_shipped', event: 'release', to: 'partially_shipped', blockedBy: blocking, guard: anyAllocated },

    { from: 'released', event: 'ship_partially', to: 'partially_shipped', guard: someShipped },
    { from: 'released', event: 'ship_completely', to: 'shipped', guard: allShipped },
    { from: 'released', event: 'cancel', to: 'cancelled', guard: nothingShipped },
    { from: 'partially_shipped', event: 'ship_partially', to: 'partially_shipped', guard: someShipped },
    { from: 'partially_shipped', event: 'ship_completely', to: 'shipped', guard: allShipped },

    { from: 'shipped', event: 'invoice', to: 'invoiced', guard: allInvoiced },
    { from: 'invoiced', event: 'close', to: 'closed', guard: allInvoiced },
  ],
};
