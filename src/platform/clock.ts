/**
 * Time is injected everywhere so that tests and the simulator control it. Business time (SLAs,
 * reservation expiry, timers) is always read from a Clock, never from Date.now() directly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to; used by tests and the seeded simulator. */
export class ManualClock implements Clock {
  private nowMs: number;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  advance(deltaMs: number): void {
    if (deltaMs < 0) throw new Error(`ManualClock.advance: delta must be non-negative, got ${deltaMs}`);
    this.nowMs += deltaMs;
  }

  /** Clock jumps are allowed in both directions so the simulator can inject them. */
  set(nowMs: number): void {
    this.nowMs = nowMs;
  }
}

export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();
