import type { Customer } from '../catalog/index.ts';
import { timeZoneOfPlace } from '../shared/place-time-zones.ts';
import type { Order } from './orders.types.ts';

/**
 * The time zone where an order's goods arrive, which decides when a promise date ends and which
 * calendar day it is for the customer. The first of:
 * - the zone its ad hoc address names;
 * - the zone of that address's region or country (`timeZoneOfPlace`);
 * - its ship-to's zone in master data;
 * - the zone of the ship-to's address.
 *
 * Undefined when none is known (a place the tables do not know); the hub then counts the days in
 * UTC. A promise is kept when the goods arrive by the end of the promised day there (`endOfDateMs`).
 */
export function deliveryTimeZone(order: Pick<Order, 'shipToCode' | 'shipToAddress'>, customer: Pick<Customer, 'shipTos'> | undefined): string | undefined {
  const address = order.shipToAddress;
  const adHoc = address && (address.timezone ?? timeZoneOfPlace(address.country, address.region));
  if (adHoc !== undefined) return adHoc;
  if (order.shipToCode === undefined) return undefined;
  const shipTo = customer?.shipTos.find((s) => s.code === order.shipToCode);
  return shipTo && (shipTo.timezone ?? timeZoneOfPlace(shipTo.address.country, shipTo.address.region));
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
