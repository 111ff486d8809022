/**
 * Per-source ordering (DESIGN §6): each source numbers its events 1, 2, 3, …. A duplicate answers
 * `exists`; an event after a gap is held until the gap fills; when a gap outlives its timeout the held
 * events are applied, the missing numbers are remembered as skipped, and a sequence-gap is raised.
 * A skipped number that arrives later is applied then (late), never mistaken for a duplicate.
 */

export interface SourceSequenceState {
  /** The next sequence number that may be applied. */
  nextExpected: number;
  /** Held sequence numbers waiting for a gap to fill, with the time each was held. */
  held: Map<number, number>;
  /** Numbers given up on by a gap timeout; they apply if they ever arrive. */
  skipped: Set<number>;
}

export const newSourceState = (nextExpected = 1): SourceSequenceState => ({ nextExpected, held: new Map(), skipped: new Set() });

export type SequenceVerdict =
  | { verdict: 'apply'; late: boolean }
  | { verdict: 'hold'; missingFrom: number; missingTo: number }
  | { verdict: 'duplicate' };

/** Classifies one arriving sequence number without changing the state. */
export function classify(state: SourceSequenceState, sequence: number): SequenceVerdict {
  if (state.skipped.has(sequence)) return { verdict: 'apply', late: true };
  if (sequence < state.nextExpected || state.held.has(sequence)) return { verdict: 'duplicate' };
  if (sequence === state.nextExpected) return { verdict: 'apply', late: false };
  return { verdict: 'hold', missingFrom: state.nextExpected, missingTo: sequence - 1 };
}

/**
 * Records an applied number and returns the held numbers that may now follow, in order. Mutates
 * `state`: it is the single writer's working copy, persisted in the same transaction.
 */
export function markApplied(state: SourceSequenceState, sequence: number): number[] {
  if (state.skipped.delete(sequence)) return [];
  if (sequence !== state.nextExpected) throw new Error(`invariant violated: applied ${sequence} while expecting ${state.nextExpected}`);
  return advancePast(state);
}

export function markHeld(state: SourceSequenceState, sequence: number, nowMs: number): void {
  state.held.set(sequence, nowMs);
}

export interface GapExpiry {
  skippedFrom: number;
  skippedTo: number;
  /** Held numbers released by skipping the gap, in order. */
  released: number[];
}

/**
 * When the oldest held event has waited longer than the timeout, skips the gap before the lowest
 * held number and releases the run that follows. Returns null when nothing is due.
 */
export function expireGap(state: SourceSequenceState, nowMs: number, gapTimeoutMs: number): GapExpiry | null {
  if (state.held.size === 0) return null;
  const oldestHeldAtMs = Math.min(...state.held.values());
  if (nowMs - oldestHeldAtMs < gapTimeoutMs) return null;
  const lowestHeld = Math.min(...state.held.keys());
  const skippedFrom = state.nextExpected;
  const skippedTo = lowestHeld - 1;
  for (let s = skippedFrom; s <= skippedTo; s++) state.skipped.add(s);
  state.nextExpected = lowestHeld;
  state.held.delete(lowestHeld);
  const released = [lowestHeld, ...advancePast(state)];
  return { skippedFrom, skippedTo, released };
}

/** Moves past the number just applied and releases the held run that now follows it. */
function advancePast(state: SourceSequenceState): number[] {
  state.nextExpected++;
  const released: number[] = [];
  while (state.held.has(state.nextExpected)) {
    state.held.delete(state.nextExpected);
    released.push(state.nextExpected);
    state.nextExpected++;
  }
  return released;
}
