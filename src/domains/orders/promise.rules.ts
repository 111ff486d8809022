import type { Customer } from '../catalog/index.ts';
import type { Order } from './orders.types.ts';

/**
 * The time zone where an order's goods arrive, which decides when a promise date ends and which
 * calendar day it is for the customer: the zone its ad hoc address names, else its ship-to's in
 * master data. Undefined when neither names one; the hub then counts the days in UTC. A promise is
 * kept when the goods arrive by the end of the promised day there (`endOfDateMs`).
 */
export function deliveryTimeZone(order: Pick<Order, 'shipToCode' | 'shipToAddress'>, customer: Pick<Customer, 'shipTos'> | undefined): string | undefined {
  if (order.shipToAddress?.timezone !== undefined) return order.shipToAddress.timezone;
  if (order.shipToCode === undefined) return undefined;
  return customer?.shipTos.find((s) => s.code === order.shipToCode)?.timezone;
}

/** The date promised to the customer: the promise date when one was given, else the requested delivery date. */
export const promiseDateOf = (order: Pick<Order, 'promiseDate' | 'requestedDeliveryDate'>): string | undefined => order.promiseDate ?? order.requestedDeliveryDate;

/**
 * The date a line is promised for: the line's own promise date, else the order's (a person may have
 * changed it), else the date the line or the order requested. Sourcing and backorder ranking use it.
 */
export function linePromiseDate(order: Pick<Order, 'promiseDate' | 'requestedDeliveryDate'>, line: Pick<Order['lines'][number], 'promiseDate' | 'requestedDate'>): string | undefined {
  return line.promiseDate ?? order.promiseDate ?? line.requestedDate ?? order.requestedDeliveryDate;
}
