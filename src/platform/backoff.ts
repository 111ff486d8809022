import type { Random } from './random.ts';

/** How long to wait between attempts; each loop (inbox, outbox, timers) reads its own from config. */
export interface RetryPolicy {
  retryDelayMsBase: number;
  retryDelayMsMax: number;
}

/**
 * The ceiling of the delay before attempt `failedAttempts + 1`: `min(max, base · 2^(failedAttempts − 1))`.
 * It is computed by repeated doubling, capped at every step, so a large attempt number can never
 * overflow to Infinity.
 */
export function retryDelayMsCeiling(failedAttempts: number, policy: RetryPolicy): number {
  let delayMs = Math.min(policy.retryDelayMsBase, policy.retryDelayMsMax);
  for (let n = 1; n < failedAttempts && delayMs < policy.retryDelayMsMax; n++) {
    delayMs = Math.min(policy.retryDelayMsMax, delayMs * 2);
  }
  return delayMs;
}

/**
 * Exponential backoff with "equal jitter": half the ceiling is fixed and the other half is random.
 * The fixed half keeps a retry from ever firing immediately (full jitter can draw zero and hammer a
 * failing partner); the random half spreads out retries of many messages that failed together, so
 * they do not all return at the same instant when the partner comes back.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: Random): number {
  const ceilingMs = retryDelayMsCeiling(failedAttempts, policy);
  const halfMs = ceilingMs / 2;
  return Math.max(1, Math.round(halfMs + random.next() * halfMs));
}
