import type { Lifecycle } from '../orders/index.ts';
import type { PurchaseOrderState, TransferState } from './procurement.types.ts';

export type PurchaseOrderEvent = 'send' | 'acknowledge' | 'ship' | 'receive_partially' | 'receive_completely' | 'cancel';
export type TransferEvent = 'release' | 'ship' | 'receive' | 'cancel';

/** The guards of these tables need nothing: the services choose the event from the quantities. */
export type NoContext = Record<string, never>;

/**
 * A purchase order's lifecycle. A supplier may skip the acknowledgement (ship straight after it was
 * sent) or the ship notice (goods arrive while it is acknowledged); a revised acknowledgement or
 * ship notice keeps the state. Cancelling is possible until the goods are on their way.
 */
export const purchaseOrderLifecycle: Lifecycle<PurchaseOrderState, PurchaseOrderEvent, NoContext> = {
  name: 'purchase order',
  states: ['proposed', 'sent', 'acknowledged', 'shipped', 'partially_received', 'received', 'cancelled'],
  initial: 'proposed',
  terminal: ['received', 'cancelled'],
  transitions: [
    { from: 'proposed', event: 'send', to: 'sent' },
    { from: 'proposed', event: 'cancel', to: 'cancelled' },

    { from: 'sent', event: 'acknowledge', to: 'acknowledged' },
    { from: 'sent', event: 'ship', to: 'shipped' },
    { from: 'sent', event: 'cancel', to: 'cancelled' },

    { from: 'acknowledged', event: 'acknowledge', to: 'acknowledged' },
    { from: 'acknowledged', event: 'ship', to: 'shipped' },
    { from: 'acknowledged', event: 'receive_partially', to: 'partially_received' },
    { from: 'acknowledged', event: 'receive_completely', to: 'received' },
    { from: 'acknowledged', event: 'cancel', to: 'cancelled' },

    { from: 'shipped', event: 'ship', to: 'shipped' },
    { from: 'shipped', event: 'receive_partially', to: 'partially_received' },
    { from: 'shipped', event: 'receive_completely', to: 'received' },

    // A second ship notice for the rest of a partly received order moves its expected date.
    { from: 'partially_received', event: 'ship', to: 'partially_received' },
    { from: 'partially_received', event: 'receive_partially', to: 'partially_received' },
    { from: 'partially_received', event: 'receive_completely', to: 'received' },
  ],
};

/** A transfer's lifecycle: proposed by a run, released to the sending warehouse, shipped, received. */
export const transferLifecycle: Lifecycle<TransferState, TransferEvent, NoContext> = {
  name: 'transfer',
  states: ['proposed', 'released', 'in_transit', 'received', 'cancelled'],
  initial: 'proposed',
  terminal: ['received', 'cancelled'],
  transitions: [
    { from: 'proposed', event: 'release', to: 'released' },
    { from: 'proposed', event: 'cancel', to: 'cancelled' },
    { from: 'released', event: 'ship', to: 'in_transit' },
    { from: 'released', event: 'cancel', to: 'cancelled' },
    { from: 'in_transit', event: 'receive', to: 'received' },
  ],
};

export const noContext = { context: {} as NoContext, openHolds: [] } as const;
