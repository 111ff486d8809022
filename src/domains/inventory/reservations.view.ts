import { isoTime } from '../../platform/clock.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Reservation } from './inventory.types.ts';
import type { ReservationRecord } from './reservations.repo.ts';
import type { ReserveOutcome } from './reservations.types.ts';

/** A stored reservation row as the API and events show it: camelCase, ISO times, absent when unset. */
export function toReservation(row: ReservationRecord): Reservation {
  return {
    id: row.id,
    orderId: row.order_id,
    lineNumber: row.line_number,
    sku: row.sku,
    locationCode: row.location_code,
    quantity: Number(row.quantity),
    state: row.state as Reservation['state'],
    createdAt: isoTime(row.created_at),
    ...(row.expires_at === null ? {} : { expiresAt: isoTime(row.expires_at) }),
    ...(row.resolved_at === null ? {} : { resolvedAt: isoTime(row.resolved_at) }),
  };
}

/**
 * A repeated reservation id answers with the first reservation, but only for the same request: the
 * same id with another order line, SKU, location or quantity is a client bug, not a retry.
 */
export function existingReservation(row: ReservationRecord | undefined, input: { orderId: string; lineNumber: number; sku: string; locationCode: string; quantity: number }): ReserveOutcome {
  invariant(row, 'a conflict on the reservation id implies the reservation exists');
  const reservation = toReservation(row);
  const differing = (['orderId', 'lineNumber', 'sku', 'locationCode', 'quantity'] as const).filter((field) => reservation[field] !== input[field]);
  if (differing.length > 0) {
    throw new AppError(
      'idempotency_key_reused',
      `reservation ${row.id} exists for a different request (${differing.join(', ')} differ)`,
      differing.map((field) => ({ path: field, message: `was ${String(reservation[field])}, now ${String(input[field])}` })),
    );
  }
  return { result: 'exists', reservation };
}
