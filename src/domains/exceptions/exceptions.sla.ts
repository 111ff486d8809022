import { isoTime, type Clock } from '../../platform/clock.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { Executor, Tx } from '../../platform/db/store.ts';
import type { NewEvent, OutboxService } from '../../platform/outbox/index.ts';
import type { Timer, TimerService } from '../../platform/timers/index.ts';
import type { ExceptionStore } from './exceptions.store.ts';
import { isClosed, systemActor, type CrossdockException } from './exceptions.types.ts';
import { exceptionEvent, type NewAudit, type StoredException } from './exceptions.view.ts';
import { escalationAtMs, slaChangesSince, type SlaPlan } from './sla.rules.ts';

/** Timer kind of the SLA clock; one pending timer per live exception, keyed by the instant it looks. */
export const EXCEPTION_SLA_TIMER = 'exception.sla';
export const slaTimerKey = (exceptionId: string, atMs: number) => `exception-sla:${exceptionId}:${atMs}`;

export const planOf = (e: Pick<CrossdockException, 'slaDueAt' | 'escalation'>): SlaPlan => ({ slaDueAtMs: Date.parse(e.slaDueAt), escalation: e.escalation });

/** When the next escalation step applies, for the view; null at the last level. */
export function nextEscalationAt(e: Pick<CrossdockException, 'slaDueAt' | 'escalation' | 'escalationLevel'>): string | null {
  return e.escalationLevel < e.escalation.length ? isoTime(escalationAtMs(planOf(e), e.escalationLevel + 1)) : null;
}

/**
 * The SLA clock of exceptions, on durable timers and the injected clock: a breach is counted and each
 * escalation step applied once, never before its instant, and never for a closed exception.
 */
export function createSlaClock(deps: {
  clock: Clock;
  timers: TimerService;
  outbox: OutboxService;
  store: ExceptionStore;
  /** Told after commit of each breach recorded, with the queue whose deadline passed; once per breach. */
  onBreaches?: (breaches: ReadonlyArray<{ type: string; queue: string; count: number }>) => void;
}) {
  const { clock, timers, outbox, store } = deps;

  const schedule = async (db: Executor, exceptionId: string, atMs: number | null) => {
    if (atMs !== null) await timers.schedule(db, { kind: EXCEPTION_SLA_TIMER, key: slaTimerKey(exceptionId, atMs), dueAt: atMs, payload: { exceptionId } });
  };

  /** Applies what the clock brought since the exception last changed; runs in the timer's transaction. */
  async function handle(tx: Tx, timer: Timer, hooks?: CommitHooks): Promise<void> {
    const { exceptionId } = timer.payload as { exceptionId: string };
    const before = await store.lockById(tx, exceptionId);
    // A closed exception never escalates, whatever timer was left behind.
    if (!before || isClosed(before.exception.state)) return;
    const now = clock.now();
    const e = before.exception;
    const { changes, standing } = slaChangesSince(planOf(e), { breachCount: e.breachCount, level: e.escalationLevel }, now);
    if (changes.length === 0) {
      // A timer for an instant already dealt with; make sure the next one exists.
      await schedule(tx, exceptionId, standing.nextChangeAtMs);
      return;
    }
    let current = before;
    const audits: NewAudit[] = [];
    const events: NewEvent[] = [];
    const breaches: Array<{ type: string; queue: string; count: number }> = [];
    for (const change of changes) {
      const prior = current.exception;
      // The deadline that passed is the one of the queue holding it before this step.
      if (change.breachCount > prior.breachCount) breaches.push({ type: prior.type, queue: prior.queueRole, count: change.breachCount - prior.breachCount });
      // Every step of one firing is stored in one save, so each snapshot carries the version that save writes.
      let next: CrossdockException = { ...prior, breachCount: change.breachCount, updatedAt: isoTime(now), version: e.version + 1 };
      if (change.kind === 'sla_breached') {
        next = { ...next, slaBreachedAt: prior.slaDueAt };
      } else {
        // Escalation hands the work to the next level's role: it arrives unclaimed in that queue.
        next = { ...next, escalationLevel: change.level, queueRole: change.step.role, assignee: null, state: 'open' };
      }
      next = { ...next, nextEscalationAt: nextEscalationAt(next) };
      const detail = change.kind === 'sla_breached' ? { breachCount: change.breachCount, slaDueAt: prior.slaDueAt } : { level: change.level, role: change.step.role, afterBreachMinutes: change.step.afterBreachMinutes, breachCount: change.breachCount };
      audits.push({ what: change.kind, actor: systemActor, detail, before: prior, after: next });
      events.push(exceptionEvent(change.kind, next, detail));
      current = { exception: next, nextCheckAtMs: standing.nextChangeAtMs };
    }
    await store.save(tx, before, current);
    await store.audit(tx, e.id, audits);
    await schedule(tx, e.id, standing.nextChangeAtMs);
    await outbox.appendMany(tx, events);
    // Counted once committed: a firing that rolls back and runs again counts its breaches once.
    if (breaches.length > 0 && deps.onBreaches && hooks) hooks.afterCommit(() => deps.onBreaches!(breaches));
  }

  return {
    handle,
    /** Schedules the SLA timer for a new or changed exception, in the caller's transaction. */
    schedule,
    /** Cancels the pending SLA timer of an exception that closed. */
    async cancel(tx: Tx, stored: StoredException): Promise<void> {
      if (stored.nextCheckAtMs !== null) await timers.cancel(tx, slaTimerKey(stored.exception.id, stored.nextCheckAtMs));
    },
  };
}

export type SlaClock = ReturnType<typeof createSlaClock>;
