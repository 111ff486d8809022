import { retryDelayMs, type RetryPolicy } from '../backoff.ts';
import { AppError, ExternalError, errorMessage, isRetryable, type ErrorDetail } from '../errors.ts';
import type { Random } from '../random.ts';

/** What a failed processing attempt leads to; pure, so the classification is tested without a database. */
export interface FailureDecision {
  status: 'received' | 'failed' | 'dead';
  nextAttemptAt: number | null;
  error: { code: string; message: string; details: ErrorDetail[] };
}

/** The error as an operator sees it in the inbox. */
export function describeError(error: unknown): FailureDecision['error'] {
  if (error instanceof AppError) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof ExternalError) {
    // A partner that refuses for good has judged the message, not been unavailable.
    return { code: error.retryable ? 'dependency_unavailable' : 'unprocessable', message: error.message, details: [] };
  }
  return { code: 'internal_error', message: errorMessage(error), details: [] };
}

/**
 * An AppError is a rejection of the message itself (invalid, unknown item, broken rule), and so is an
 * ExternalError marked not retryable: trying again cannot help, so it fails at once and waits for a
 * person. Anything else may be temporary and
 * is retried with backoff until `attemptsMax` attempts have been made; then it is dead.
 */
export function decideFailure(
  error: unknown,
  attemptsMade: number,
  now: number,
  policy: RetryPolicy & { attemptsMax: number },
  random: Random,
): FailureDecision {
  const described = describeError(error);
  if (!isRetryable(error)) return { status: 'failed', nextAttemptAt: null, error: described };
  if (attemptsMade >= policy.attemptsMax) return { status: 'dead', nextAttemptAt: null, error: described };
  return { status: 'received', nextAttemptAt: now + retryDelayMs(attemptsMade, policy, random), error: described };
}
