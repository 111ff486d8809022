import { retryDelayMs, type RetryPolicy } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { Random } from '../random.ts';
import type { FeedFollower, FollowerHealth } from './outbox.types.ts';

/** The counts a follower's health gives per window are kept per minute, for a day. */
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

interface FollowerState {
  follower: FeedFollower;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  failuresInRow: number;
  /** When a follower that failed may try again (the injected clock's time); 0 when it is not waiting. */
  nextAttemptAt: number;
  /** Events taken in and failed attempts, per minute (`floor(time / MINUTE_MS)`), for the last day. */
  minutes: Map<number, { events: number; failures: number }>;
}

export interface FollowerDeps {
  clock: Clock;
  random: Random;
  retry: RetryPolicy;
  /** Told of each failed attempt (a counter per follower). */
  onFailure: (name: string) => void;
}

/**
 * The outbox's feed followers (see `FeedFollower`) and what is known of their health in this
 * process. A follower that fails waits with backoff before its next attempt, as a delivery does; it
 * has no dead letter, because its cursor does not move past what it failed to take in.
 */
export function createFollowers(deps: FollowerDeps) {
  const states: FollowerState[] = [];

  const count = (state: FollowerState, now: number, events: number, failures: number) => {
    const minute = Math.floor(now / MINUTE_MS);
    const bucket = state.minutes.get(minute);
    if (bucket) {
      bucket.events += events;
      bucket.failures += failures;
    } else {
      state.minutes.set(minute, { events, failures });
      // Buckets are added in time order, so the oldest come first.
      for (const old of state.minutes.keys()) {
        if (old > minute - DAY_MS / MINUTE_MS) break;
        state.minutes.delete(old);
      }
    }
  };

  const runOne = async (state: FollowerState, turn: () => Promise<void>): Promise<{ followed: number; failed: boolean }> => {
    if (deps.clock.now() < state.nextAttemptAt) return { followed: 0, failed: false };
    try {
      const followed = await state.follower.follow(turn);
      const now = deps.clock.now();
      state.failuresInRow = 0;
      state.nextAttemptAt = 0;
      if (followed > 0) {
        state.lastSuccessAt = now;
        count(state, now, followed, 0);
      }
      return { followed, failed: false };
    } catch (error) {
      const now = deps.clock.now();
      state.failuresInRow++;
      state.lastFailureAt = now;
      state.lastError = error instanceof Error ? error.message : String(error);
      state.nextAttemptAt = now + retryDelayMs(state.failuresInRow, deps.retry, deps.random);
      count(state, now, 0, 1);
      deps.onFailure(state.follower.name);
      return { followed: 0, failed: true };
    }
  };

  return {
    add(follower: FeedFollower): void {
      states.push({ follower, lastSuccessAt: null, lastFailureAt: null, lastError: null, failuresInRow: 0, nextAttemptAt: 0, minutes: new Map() });
    },

    names: (): string[] => states.map((s) => s.follower.name),

    /**
     * Lets every follower not waiting after a failure take in what is new. A failure is recorded
     * (and the follower waits before its next attempt), not thrown, so one follower's failure keeps
     * neither the others nor the deliveries of the tick from their work.
     */
    async run(turn: () => Promise<void>): Promise<{ followed: number; failed: number }> {
      let followed = 0;
      let failed = 0;
      for (const state of states) {
        const result = await runOne(state, turn);
        followed += result.followed;
        if (result.failed) failed++;
      }
      return { followed, failed };
    },

    /** Each follower's health; `countAfter` counts the feed's events after a position, for its lag. */
    async health(countAfter: (seq: number) => Promise<number>): Promise<FollowerHealth[]> {
      const now = deps.clock.now();
      const window = (state: FollowerState, spanMs: number) => {
        let events = 0;
        let failures = 0;
        for (const [minute, bucket] of state.minutes) {
          if ((minute + 1) * MINUTE_MS <= now - spanMs) continue;
          events += bucket.events;
          failures += bucket.failures;
        }
        return { requests: events + failures, failures };
      };
      const health: FollowerHealth[] = [];
      for (const state of states) {
        const position = await state.follower.position();
        health.push({
          name: state.follower.name,
          position,
          lag: await countAfter(position),
          lastSuccessAt: state.lastSuccessAt,
          lastFailureAt: state.lastFailureAt,
          lastError: state.lastError,
          failuresInRow: state.failuresInRow,
          nextAttemptAt: state.failuresInRow > 0 ? state.nextAttemptAt : null,
          hour: window(state, HOUR_MS),
          day: window(state, DAY_MS),
        });
      }
      return health;
    },
  };
}
