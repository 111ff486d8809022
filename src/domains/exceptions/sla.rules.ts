import type { EscalationStep, SlaState } from './exceptions.types.ts';

const MINUTE_MS = 60_000;

/** An exception's clock: when its SLA is due and the chain it escalates along, fixed when it was raised. */
export interface SlaPlan {
  slaDueAtMs: number;
  escalation: readonly EscalationStep[];
}

/** Where an exception stands on its clock at some instant. */
export interface SlaStanding {
  /** Deadlines missed: the SLA itself, then each escalated level's own deadline (when the next step begins). */
  breachCount: number;
  /** 0 for the owner; n once the n-th escalation step applies. */
  level: number;
  /** The next instant at which the standing changes; null when nothing more can happen. */
  nextChangeAtMs: number | null;
}

/** The instant the n-th escalation step (1-based) applies. */
export const escalationAtMs = (plan: SlaPlan, level: number): number => plan.slaDueAtMs + plan.escalation[level - 1]!.afterBreachMinutes * MINUTE_MS;

/**
 * The standing at `nowMs`. Nothing happens before the SLA is due: the first breach is at the due
 * instant exactly, and step n applies `afterBreachMinutes` after it. A level's deadline is when the
 * next step begins, so from step 2 on each escalation is also a breach of the level before; step 1 is
 * not a second breach (a grace period after the SLA when its afterBreachMinutes is above 0).
 */
export function slaStandingAt(plan: SlaPlan, nowMs: number): SlaStanding {
  const steps = plan.escalation.length;
  let level = 0;
  while (level < steps && nowMs >= escalationAtMs(plan, level + 1)) level++;
  const breached = nowMs >= plan.slaDueAtMs;
  const breachCount = (breached ? 1 : 0) + Math.max(0, level - 1);
  const future = [plan.slaDueAtMs, ...plan.escalation.map((_, i) => escalationAtMs(plan, i + 1))].filter((at) => at > nowMs);
  return { breachCount, level, nextChangeAtMs: future.length === 0 ? null : Math.min(...future) };
}

/** One change the clock brought since the standing last recorded: a breach, or a step to the next level. */
export type SlaChange = { kind: 'sla_breached'; breachCount: number } | { kind: 'escalated'; level: number; step: EscalationStep; breachCount: number };

/**
 * The changes between what is recorded and the standing at `nowMs`, in the order they happened, each
 * once: a late check applies every step it missed, and a second check at the same instant finds none.
 * The standing never moves back (a clock that stepped back changes nothing).
 */
export function slaChangesSince(plan: SlaPlan, recorded: { breachCount: number; level: number }, nowMs: number): { changes: SlaChange[]; standing: SlaStanding } {
  const now = slaStandingAt(plan, nowMs);
  const changes: SlaChange[] = [];
  let breachCount = recorded.breachCount;
  if (breachCount === 0 && now.breachCount > 0) {
    breachCount = 1;
    changes.push({ kind: 'sla_breached', breachCount });
  }
  for (let level = recorded.level + 1; level <= now.level; level++) {
    if (level >= 2) breachCount++;
    changes.push({ kind: 'escalated', level, step: plan.escalation[level - 1]!, breachCount });
  }
  const standing = {
    breachCount: Math.max(breachCount, recorded.breachCount),
    level: Math.max(now.level, recorded.level),
    nextChangeAtMs: now.nextChangeAtMs,
  };
  return { changes, standing };
}

/** What the SLA state of an exception is read from: its window, whether the hub recorded a breach, whether it is closed. */
export interface SlaStateFacts {
  raisedAtMs: number;
  slaDueAtMs: number;
  /** The SLA timer recorded the breach (`breachCount > 0`, `slaBreachedAt` set). */
  breachRecorded: boolean;
  closed: boolean;
}

/**
 * The SLA state a person reading the queue sees at `nowMs`, the one rule behind the exception view
 * and the summary's counts (whose SQL in `countLiveBySla` must say the same):
 *
 * - breached: the hub recorded a breach, or it is due (`nowMs >= slaDueAtMs`). Past due counts even
 *   before the SLA timer has run, because the timer may fire late and the person must not read a
 *   missed deadline as merely at risk;
 * - at_risk: a quarter or less of the window (raised → due) is left, `remaining * 4 <= window`,
 *   written without division so a zero-length window needs no special case (it is breached from its
 *   raise instant on) and SQL can say exactly the same in integers;
 * - on_track otherwise.
 *
 * A closed (resolved or dismissed) exception has no SLA state: null. It is no longer on a clock, and
 * whether it closed in time is told by `slaBreachedAt` and `closedAt`, not by where "now" falls.
 */
export function slaStateAt(facts: SlaStateFacts, nowMs: number): SlaState | null {
  if (facts.closed) return null;
  if (facts.breachRecorded || nowMs >= facts.slaDueAtMs) return 'breached';
  const remainingMs = facts.slaDueAtMs - nowMs;
  const windowMs = facts.slaDueAtMs - facts.raisedAtMs;
  return remainingMs * 4 <= windowMs ? 'at_risk' : 'on_track';
}
