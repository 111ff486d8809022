import { z } from 'zod';
import type { Tx } from '../db/store.ts';
import type { CommitHooks } from '../db/after-commit.ts';

/** `pending` until fired once, or cancelled; both are final. */
export const timerStatuses = ['pending', 'fired', 'cancelled'] as const;
export type TimerStatus = (typeof timerStatuses)[number];

const text = (max: number) => z.string().min(1).max(max);

export const scheduleInputSchema = z
  .object({
    /** Selects the handler, e.g. `hold.sla` or `reservation.expiry`. */
    kind: text(200),
    /**
     * Unique for all time, including fired and cancelled timers: scheduling the same key again answers
     * `exists` and never makes a second timer. Name the purpose and the instance, e.g.
     * `hold-sla:<holdId>:escalation-1`.
     */
    key: text(500),
    /** Epoch milliseconds; the timer fires at or after this instant by the injected clock, never before. */
    dueAt: z.number().int().min(0),
    /** Any JSON value handed to the handler. */
    payload: z.unknown().optional(),
  })
  .strict();
export type ScheduleInput = z.input<typeof scheduleInputSchema>;

export const timerSchema = z.object({
  id: z.string(),
  kind: z.string(),
  key: z.string(),
  dueAt: z.string(),
  payload: z.unknown(),
  status: z.enum(timerStatuses),
  createdAt: z.string(),
  firedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  /** Attempts to fire; above one means the handler failed before and was retried. */
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
});
export type Timer = z.infer<typeof timerSchema>;

/**
 * Runs when a timer fires, inside the transaction that marks it fired: the effect and the status
 * commit together, so the timer takes effect once. A thrown error rolls both back and the timer is
 * retried with backoff. Use only `tx` for database work (see InboxHandler for why).
 */
export type TimerHandler = (tx: Tx, timer: Timer, hooks: CommitHooks) => Promise<void>;

export interface FireReport {
  fired: number;
  failed: number;
}

export const listTimersQuerySchema = z.object({
  status: z.enum(timerStatuses).optional(),
  kind: text(200).optional(),
});
export type ListTimersQuery = z.infer<typeof listTimersQuerySchema> & { limit: number; cursor?: string | undefined };
