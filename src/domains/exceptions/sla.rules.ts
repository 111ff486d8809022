import type { EscalationStep } from './exceptions.types.ts';

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
