import type { Customer } from '../catalog/index.ts';
import { endOfLocalDayMs } from '../../platform/zoned-time.ts';
import type { Order } from './orders.types.ts';

/**
 * The time zone where an order's goods arrive, which decides when a promise date ends and which
 * calendar day it is for the customer: the zone its ad hoc address names, else its ship-to's in
 * master data. Undefined when neither names one; the hub then counts the days in UTC.
 */
export function deliveryTimeZone(order: Pick<Order, 'shipToCode' | 'shipToAddress'>, customer: Pick<Customer, 'shipTos'> | undefined): string | undefined {
  if (order.shipToAddress?.timezone !== undefined) return order.shipToAddress.timezone;
  if (order.shipToCode === undefined) return undefined;
  return customer?.shipTos.find((s) => s.code === order.shipToCode)?.timezone;
}

/**
 * The last millisecond of a promised day (`YYYY-MM-DD`) where the goods arrive: the instant before
 * the next local midnight in `timeZone`, or 23:59:59.999 UTC without one. A promise is kept when the
 * goods arrive by then.
 */
export function promiseEndsAtMs(date: string, timeZone?: string): number {
  return timeZone === undefined ? Date.parse(`${date}T23:59:59.999Z`) : endOfLocalDayMs(date, timeZone);
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
