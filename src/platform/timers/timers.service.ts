import type { Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import { createCommitHooks } from '../db/after-commit.ts';
import { retryDelayMs } from '../backoff.ts';
import { isoTime, type Clock } from '../clock.ts';
import type { IdGenerator } from '../ids.ts';
import type { Random } from '../random.ts';
import type { Executor } from '../db/store.ts';
import type { TimerRow } from '../db/platform.tables.ts';
import { errorMessage, invariant } from '../errors.ts';
import type { Metrics } from '../http/metrics.ts';
import { decodeCursor, toPage, type Page } from '../pagination.ts';
import { startPoller, type Poller } from '../poller.ts';
import * as repo from './timers.repo.ts';
import {
  scheduleInputSchema,
  type FireReport,
  type ListTimersQuery,
  type ScheduleInput,
  type Timer,
  type TimerHandler,
  type TimerStatus,
} from './timers.types.ts';

export interface TimerService {
  /** One handler per kind, registered while the app is built. */
  registerHandler(kind: string, handler: TimerHandler): void;
  /**
   * Makes a durable timer, in the caller's transaction when given one (so a hold and its SLA timer
   * commit together). The same key again answers `exists` with the first timer, whatever its due time.
   */
  schedule(db: Executor, input: ScheduleInput): Promise<{ result: 'scheduled' | 'exists'; timer: Timer }>;
  /** Cancels a pending timer; a fired, cancelled or unknown one is reported, not an error. */
  cancel(db: Executor, key: string): Promise<{ result: 'cancelled' | 'not_pending' | 'not_found'; timer: Timer | null }>;
  /** Fires every due timer once, each in its own transaction with its handler. */
  fireDue(limit?: number): Promise<FireReport>;
  list(query: ListTimersQuery): Promise<Page<Timer>>;
  start(): void;
  stop(): Promise<void>;
}

export interface TimerDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  config: Config['timers'];
  metrics: Pick<Metrics, 'timersFired'>;
  onLoopError?: (error: unknown) => void;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : isoTime(ms));

function toTimer(row: Selectable<TimerRow>): Timer {
  return {
    id: row.id,
    kind: row.kind,
    key: row.timer_key,
    dueAt: isoTime(row.due_at),
    payload: JSON.parse(row.payload) as unknown,
    status: row.status as TimerStatus,
    createdAt: isoTime(row.created_at),
    firedAt: isoOrNull(row.fired_at),
    cancelledAt: isoOrNull(row.cancelled_at),
    attempts: row.attempts,
    nextAttemptAt: isoTime(row.next_attempt_at),
    lastError: row.last_error,
  };
}

export function createTimerService(deps: TimerDeps): TimerService {
  const { db, clock, ids, random, config, metrics } = deps;
  const handlers = new Map<string, TimerHandler>();
  let poller: Poller | null = null;

  /** Fires one timer; returns whether it fired, failed, or was not ours to fire. */
  const fireOne = async (id: string): Promise<'fired' | 'failed' | null> => {
    const now = clock.now();
    let claimed: Selectable<TimerRow> | undefined;
    const commit = createCommitHooks();
    try {
      await db.transaction().execute(async (tx) => {
        claimed = await repo.claimTimer(tx, id, now);
        if (!claimed) return;
        const handler = handlers.get(claimed.kind);
        // Kept pending and retried: the handler may arrive with the next deployment.
        if (!handler) throw new Error(`no timer handler is registered for kind "${claimed.kind}"`);
        await handler(tx, toTimer(claimed), commit.hooks);
      });
      commit.runAfterCommit();
    } catch (error) {
      if (!claimed) throw error;
      await repo.recordFailure(db, id, {
        attempts: claimed.attempts,
        next_attempt_at: now + retryDelayMs(claimed.attempts, config, random),
        last_error: errorMessage(error).slice(0, 4_000),
      });
      return 'failed';
    }
    if (!claimed) return null;
    metrics.timersFired.inc({ kind: claimed.kind });
    return 'fired';
  };

  const service: TimerService = {
    registerHandler(kind, handler) {
      invariant(!handlers.has(kind), `a timer handler for "${kind}" is already registered`);
      handlers.set(kind, handler);
    },

    async schedule(executor, input) {
      const parsed = scheduleInputSchema.parse(input);
      const now = clock.now();
      const row: Selectable<TimerRow> = {
        id: ids.next(),
        kind: parsed.kind,
        timer_key: parsed.key,
        due_at: parsed.dueAt,
        payload: JSON.stringify(parsed.payload ?? null),
        status: 'pending',
        created_at: now,
        fired_at: null,
        cancelled_at: null,
        attempts: 0,
        next_attempt_at: parsed.dueAt,
        last_error: null,
      };
      if (await repo.insertTimerIfNew(executor, row)) return { result: 'scheduled', timer: toTimer(row) };
      const existing = await repo.findTimerByKey(executor, parsed.key);
      invariant(existing, 'a conflict on timer_key implies the timer exists');
      return { result: 'exists', timer: toTimer(existing) };
    },

    async cancel(executor, key) {
      const cancelled = await repo.cancelTimer(executor, key, clock.now());
      const row = await repo.findTimerByKey(executor, key);
      if (!row) return { result: 'not_found', timer: null };
      return { result: cancelled ? 'cancelled' : 'not_pending', timer: toTimer(row) };
    },

    async fireDue(limit = config.batchSize) {
      const report: FireReport = { fired: 0, failed: 0 };
      // One transaction per timer: a failing handler rolls back only its own timer's effect.
      for (const id of await repo.listDueIds(db, clock.now(), limit)) {
        const result = await fireOne(id);
        if (result === 'fired') report.fired++;
        else if (result === 'failed') report.failed++;
      }
      return report;
    },

    async list(query) {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['n', 's'] as const);
      const rows = await repo.listTimers(db, { status: query.status, kind: query.kind, after, limit: query.limit + 1 });
      return toPage(rows, query.limit, toTimer, (row) => [row.due_at, row.id]);
    },

    start() {
      poller ??= startPoller({ intervalMs: config.pollIntervalMs, tick: () => service.fireDue(), onError: deps.onLoopError ?? (() => undefined) });
    },

    async stop() {
      await poller?.stop();
      poller = null;
    },
  };
  return service;
}
