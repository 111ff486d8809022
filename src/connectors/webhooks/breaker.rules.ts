/**
 * A circuit breaker per endpoint, pure: `closed` sends; after `failureThreshold` consecutive failures
 * it is `open` and sends nothing for `coolDownMs`; then one trial request is let through
 * (`half_open`); the trial's success closes it, its failure opens it for another cool-down. While a
 * breaker is open, deliveries to the endpoint wait (or go to the subscription's fallback) and spend
 * none of their attempts: a receiver that is down is not made to lose events for being down.
 */

export const breakerStates = ['closed', 'open', 'half_open'] as const;
export type BreakerState = (typeof breakerStates)[number];

export interface Breaker {
  state: BreakerState;
  consecutiveFailures: number;
  /** When it opened, or when the trial in flight started (half-open); null when closed. */
  sinceMs: number | null;
}

export interface BreakerSettings {
  failureThreshold: number;
  coolDownMs: number;
}

export const closedBreaker: Breaker = { state: 'closed', consecutiveFailures: 0, sinceMs: null };

export type Admission = { kind: 'send' } | { kind: 'trial' } | { kind: 'wait'; untilMs: number };

/**
 * May a request go to the endpoint now? A half-open breaker whose trial has been in flight for a
 * whole cool-down lets another trial through: the node that sent the first may have died mid-request.
 */
export function admission(breaker: Breaker, nowMs: number, settings: BreakerSettings): Admission {
  if (breaker.state === 'closed') return { kind: 'send' };
  const untilMs = (breaker.sinceMs ?? nowMs) + settings.coolDownMs;
  return nowMs >= untilMs ? { kind: 'trial' } : { kind: 'wait', untilMs };
}

/** The breaker once a trial request is on its way. */
export const startTrial = (breaker: Breaker, nowMs: number): Breaker => ({ ...breaker, state: 'half_open', sinceMs: nowMs });

export const afterSuccess = (): Breaker => closedBreaker;

/**
 * A failure while closed counts towards the threshold; a failed trial opens the breaker again at
 * once; a failure reported while already open (a request sent before it opened) changes only the count.
 */
export function afterFailure(breaker: Breaker, nowMs: number, settings: BreakerSettings): Breaker {
  const consecutiveFailures = breaker.consecutiveFailures + 1;
  if (breaker.state === 'half_open') return { state: 'open', consecutiveFailures, sinceMs: nowMs };
  if (breaker.state === 'open') return { ...breaker, consecutiveFailures };
  if (consecutiveFailures >= settings.failureThreshold) return { state: 'open', consecutiveFailures, sinceMs: nowMs };
  return { ...breaker, consecutiveFailures };
}
