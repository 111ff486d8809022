import { retryDelayMs, type RetryPolicy } from '../backoff.ts';
import { errorMessage, isRetryable } from '../errors.ts';
import type { Random } from '../random.ts';

/**
 * Whether an event type matches a subscriber's filter: `'*'` matches everything, `a.b.*` matches
 * every type that starts with `a.b.`, and anything else matches exactly.
 */
export function matchesType(patterns: readonly string[] | '*', type: string): boolean {
  if (patterns === '*') return true;
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}

export interface DeliveryFailure {
  status: 'pending' | 'dead';
  /** When to try again; unchanged (now) for a dead letter. */
  nextAttemptAt: number;
  lastError: string;
}

/**
 * A terminal failure (the subscriber says the event can never be taken) is dead at once; a
 * retryable one waits `retryDelayMs(attemptsMade)` and is dead once `attemptsMax` attempts are made.
 */
export function decideDeliveryFailure(
  error: unknown,
  attemptsMade: number,
  now: number,
  policy: RetryPolicy & { attemptsMax: number },
  random: Random,
): DeliveryFailure {
  const name = error instanceof Error ? error.name : 'Error';
  const lastError = `${name}: ${errorMessage(error)}`.slice(0, 4_000);
  if (!isRetryable(error) || attemptsMade >= policy.attemptsMax) return { status: 'dead', nextAttemptAt: now, lastError };
  return { status: 'pending', nextAttemptAt: now + retryDelayMs(attemptsMade, policy, random), lastError };
}
