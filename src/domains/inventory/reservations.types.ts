import { z } from 'zod';
import { codeSchema, idSchema, lineNumberSchema, positiveQuantitySchema, skuSchema } from '../shared/index.ts';
import type { Reservation } from './inventory.types.ts';

/** The longest a reservation may be held before it expires by itself: 30 days. */
export const RESERVATION_TTL_MAX_MS = 30 * 24 * 60 * 60 * 1000;

/** The timer kind that expires a reservation; its key is `reservation-expire:<id>`. */
export const RESERVATION_EXPIRY_TIMER = 'inventory.reservation.expire';
export const expiryTimerKey = (reservationId: string): string => `reservation-expire:${reservationId}`;
export const expiryTimerPayloadSchema = z.object({ reservationId: idSchema });

export const reserveInputSchema = z
  .object({
    reservationId: idSchema
      .optional()
      .describe('Chosen by the caller to make the request idempotent: the same id again answers with the first reservation'),
    orderId: idSchema,
    lineNumber: lineNumberSchema,
    sku: skuSchema,
    locationCode: codeSchema,
    quantity: positiveQuantitySchema,
    ttlMs: z
      .number()
      .int()
      .min(1)
      .max(RESERVATION_TTL_MAX_MS)
      .optional()
      .describe('Expire the reservation by itself after this many milliseconds unless committed or released first'),
  })
  .strict();
export type ReserveInput = z.input<typeof reserveInputSchema>;

/** Why a hold is given back; kept on the ledger movement and in the event. */
export const releaseReasonSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a snake_case reason such as order_cancelled, reallocated or short_pick');

export const commitBodySchema = z
  .object({
    reference: z.string().trim().min(1).max(200).optional().describe('The shipment or document that consumed the stock'),
  })
  .strict();

export const releaseBodySchema = z.object({ reason: releaseReasonSchema }).strict();

/**
 * Expected outcomes are result codes, never exceptions (TigerBeetle style); only an unknown id or a
 * reused id with a different request are errors.
 */
export type ReserveOutcome =
  | { result: 'reserved'; reservation: Reservation }
  | { result: 'exists'; reservation: Reservation }
  /** `available` is what could be reserved right now: sellable on hand minus what is already reserved. */
  | { result: 'insufficient'; available: number };

export type ResolveOutcome<Done extends string> =
  | { result: Done; reservation: Reservation }
  /** The reservation had already been committed, released or expired; nothing changed. */
  | { result: 'already_resolved'; reservation: Reservation };

export type CommitOutcome = ResolveOutcome<'committed'>;
export type ReleaseOutcome = ResolveOutcome<'released'>;
/** `not_due`: still pending, but with no expiry time or one still in the future. */
export type ExpireOutcome = ResolveOutcome<'expired'> | { result: 'not_due'; reservation: Reservation };

export const resolutionResults = ['committed', 'released', 'already_resolved'] as const;
