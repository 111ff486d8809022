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

/**
 * A clock that runs faster than real time from a starting moment: `factor` simulated milliseconds
 * pass per real millisecond. The demo gives it to the hub and to the simulated network alike, so
 * timers, SLAs and posting intervals all move at the same accelerated pace.
 */
export class AcceleratedClock implements Clock {
  private readonly realStartMs: number;

  constructor(
    private readonly startMs: number,
    readonly factor: number,
    private readonly realNow: () => number = () => Date.now(),
  ) {
    if (!(factor > 0)) throw new Error(`AcceleratedClock: factor must be positive, got ${factor}`);
    this.realStartMs = realNow();
  }

  now(): number {
    return this.startMs + Math.floor((this.realNow() - this.realStartMs) * this.factor);
  }
}

export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();
