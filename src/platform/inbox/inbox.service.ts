import type { Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import { isoTime, type Clock } from '../clock.ts';
import type { IdGenerator } from '../ids.ts';
import type { Random } from '../random.ts';
import type { Executor } from '../db/store.ts';
import { isUniqueViolation } from '../db/store.ts';
import type { InboxMessageRow } from '../db/platform.tables.ts';
import { createCommitHooks } from '../db/after-commit.ts';
import { AppError, invariant } from '../errors.ts';
import type { Metrics } from '../http/metrics.ts';
import { decodeCursor, toPage, type Page } from '../pagination.ts';
import { startPoller, type Poller } from '../poller.ts';
import * as repo from './inbox.repo.ts';
import * as audit from './inbox.audit.ts';
import { decideFailure } from './inbox.rules.ts';
import {
  inboxStatuses,
  receiveInputSchema,
  type InboxFailureObserver,
  type InboxHandler,
  type InboxMessage,
  type InboxMessageSummary,
  type InboxStatus,
  type ListInboxQuery,
  type ProcessReport,
  type ReceiveInput,
  type ReceiveResult,
} from './inbox.types.ts';

export interface InboxService {
  /** One handler per message type, registered while the app is built. */
  registerHandler(messageType: string, handler: InboxHandler): void;
  /** Stores the raw message once per (source, dedupe key); a repeat answers `exists` with the first. */
  receive(input: ReceiveInput): Promise<ReceiveResult>;
  /** Receives, then processes a new message at once, for intake that wants an immediate answer. */
  receiveAndProcess(input: ReceiveInput): Promise<ReceiveResult>;
  /** Processes one message if it is due; never throws for a handler's error, which is recorded instead. */
  process(id: string): Promise<InboxMessage>;
  /** Processes messages that are due (new, or waiting for a retry), oldest due first. */
  processDue(limit?: number): Promise<ProcessReport>;
  get(id: string): Promise<InboxMessage>;
  list(query: ListInboxQuery): Promise<Page<InboxMessageSummary>>;
  /**
   * Puts a failed or dead message back and processes it now, optionally with an edited payload; the
   * replay is audited with `actor` (an API key id), the reason and the payload before and after.
   */
  replay(id: string, options?: { payload?: string | undefined; reason?: string | undefined; actor?: string | null | undefined }): Promise<InboxMessage>;
  /** Every replay of a message, oldest first: who, when, why and what an edit changed. */
  replays(id: string): Promise<audit.InboxReplay[]>;
  /** Gives up on a failed or dead message, with the reason a person gives. */
  discard(id: string, reason: string): Promise<InboxMessage>;
  countByStatus(): Promise<Record<InboxStatus, number>>;
  /** Registers an observer of failed and dead messages (see InboxFailureObserver), while the app is built. */
  observeFailures(observer: InboxFailureObserver): void;
  start(): void;
  stop(): Promise<void>;
}

export interface InboxDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  config: Config['inbox'];
  metrics: Pick<Metrics, 'inboxRetries' | 'inboxDeadLetters'>;
  onLoopError?: (error: unknown) => void;
  /**
   * Told after a message's effect commits. The app nudges the outbox dispatcher with it, so that an
   * order taken in is allocated now rather than at the dispatcher's next interval.
   */
  onProcessed?: () => void;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : isoTime(ms));
const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function toSummary(row: repo.InboxListRow): InboxMessageSummary {
  return {
    id: row.id,
    source: row.source,
    dedupeKey: row.dedupe_key,
    messageType: row.message_type,
    contentType: row.content_type,
    status: row.status as InboxStatus,
    attempts: row.attempts,
    receivedAt: isoTime(row.received_at),
    nextAttemptAt: isoOrNull(row.next_attempt_at),
    processedAt: isoOrNull(row.processed_at),
    outcome: parseJson(row.outcome),
    error:
      row.error_code === null
        ? null
        : { code: row.error_code, message: row.error_message ?? '', details: (parseJson(row.error_details) ?? []) as [] },
    correlationId: row.correlation_id,
    edited: Number(row.edited) === 1,
    replayCount: row.replay_count,
    discardedAt: isoOrNull(row.discarded_at),
    operatorNote: row.operator_note,
  };
}

const toMessage = (row: Selectable<InboxMessageRow>): InboxMessage => ({
  ...toSummary({ ...row, edited: row.original_payload === null ? 0 : 1 }),
  payload: row.payload,
  originalPayload: row.original_payload,
});

export function createInboxService(deps: InboxDeps): InboxService {
  const { db, clock, ids, random, config, metrics } = deps;
  const handlers = new Map<string, InboxHandler>();
  const observers: InboxFailureObserver[] = [];
  const notify = async (message: InboxMessage, how: 'failed' | 'processed' | 'discarded') => {
    for (const observer of observers) await (how === 'failed' ? observer.failed(message) : observer.settled(message, how));
  };

  const load = async (id: string): Promise<InboxMessage> => {
    const row = await repo.findMessage(db, id);
    if (!row) throw new AppError('not_found', `inbox message ${id} does not exist`, [{ path: 'id', message: 'unknown message id' }]);
    return toMessage(row);
  };

  const newRow = (parsed: ReturnType<typeof receiveInputSchema.parse>, now: number): Selectable<InboxMessageRow> => ({
    id: ids.next(),
    source: parsed.source,
    dedupe_key: parsed.dedupeKey,
    message_type: parsed.messageType,
    content_type: parsed.contentType,
    payload: parsed.payload,
    original_payload: null,
    received_at: now,
    status: 'received',
    attempts: 0,
    next_attempt_at: now,
    error_code: null,
    error_message: null,
    error_details: null,
    outcome: null,
    processed_at: null,
    correlation_id: parsed.correlationId ?? null,
    replay_count: 0,
    discarded_at: null,
    operator_note: null,
  });

  const receive = async (input: ReceiveInput): Promise<ReceiveResult> => {
    const parsed = receiveInputSchema.parse(input);
    const row = newRow(parsed, clock.now());
    try {
      await repo.insertMessage(db, row);
    } catch (error) {
      // The unique constraint decides, not a prior read: of any number of concurrent deliveries of
      // the same message exactly one insert wins, and the others read the winner's row.
      if (!isUniqueViolation(error)) throw error;
      const first = await repo.findMessageByKey(db, parsed.source, parsed.dedupeKey);
      invariant(first, 'a unique violation on (source, dedupe_key) implies the row exists');
      return { result: 'exists', message: toMessage(first) };
    }
    return { result: 'accepted', message: toMessage(row) };
  };

  /**
   * One processing attempt; returns the status it left the message in, or null when the message was
   * not due or another processor had it.
   */
  const attempt = async (id: string): Promise<InboxStatus | null> => {
    const now = clock.now();
    let attemptsMade = 0;
    let source = '';
    let replayed = false;
    const commit = createCommitHooks();
    try {
      await db.transaction().execute(async (tx) => {
        const claimed = await repo.claimMessage(tx, id, now);
        if (!claimed) return;
        attemptsMade = claimed.attempts;
        source = claimed.source;
        replayed = claimed.replay_count > 0;
        const handler = handlers.get(claimed.message_type);
        if (!handler) {
          throw new AppError('unprocessable', `no handler is registered for message type "${claimed.message_type}"`, [
            { path: 'messageType', message: 'deploy a handler for this type, then replay the message' },
          ]);
        }
        const outcome = await handler(tx, toMessage({ ...claimed, status: 'received' }), commit.hooks);
        await repo.recordOutcome(tx, id, JSON.stringify(outcome ?? null));
      });
      commit.runAfterCommit();
      if (attemptsMade > 0) deps.onProcessed?.();
      if (attemptsMade > 0 && replayed) await notify(await load(id), 'processed');
      return attemptsMade === 0 ? null : 'processed';
    } catch (error) {
      // The transaction rolled back, effect and status together; record the attempt outside it.
      if (attemptsMade === 0) throw error;
      const change = failureOf(error, attemptsMade, now);
      if (!(await repo.recordFailure(db, id, change))) return null;
      countFailure(change.status, source);
      if (change.status !== 'received') await notify(await load(id), 'failed');
      return change.status;
    }
  };

  /** The row change a failed attempt leaves. */
  const failureOf = (error: unknown, attemptsMade: number, now: number): repo.FailureChange => {
    const decision = decideFailure(error, attemptsMade, now, config, random);
    return {
      status: decision.status,
      attempts: attemptsMade,
      next_attempt_at: decision.nextAttemptAt,
      error_code: decision.error.code,
      error_message: decision.error.message,
      error_details: JSON.stringify(decision.error.details),
    };
  };
  const countFailure = (status: repo.FailureChange['status'], source: string) => {
    if (status === 'received') metrics.inboxRetries.inc({ source });
    if (status === 'dead') metrics.inboxDeadLetters.inc({ source });
  };

  /**
   * Receiving and processing a new message in one transaction: its effect and its row, already
   * processed, commit together, so intake costs one commit instead of two. The row is written last
   * with its outcome, and the unique (source, dedupe key) constraint still decides: a repeat or a
   * concurrent twin fails on it and rolls its effect back (the caller then answers `exists`). When
   * the handler fails, its effect rolls back and the raw message is stored with the failure of this
   * first attempt, exactly as the ordinary path would leave it, so a bad message is never lost.
   */
  const receiveAndProcessAtOnce = async (parsed: ReturnType<typeof receiveInputSchema.parse>, handler: InboxHandler): Promise<InboxMessage | null> => {
    const now = clock.now();
    const row = newRow(parsed, now);
    const commit = createCommitHooks();
    let handlerFailure: { error: unknown } | null = null;
    try {
      const processed = await db.transaction().execute(async (tx) => {
        let outcome: unknown;
        try {
          outcome = await handler(tx, toMessage({ ...row, attempts: 1 }), commit.hooks);
        } catch (error) {
          handlerFailure = { error };
          throw error;
        }
        const done: Selectable<InboxMessageRow> = { ...row, status: 'processed', attempts: 1, processed_at: now, next_attempt_at: null, outcome: JSON.stringify(outcome ?? null) };
        await repo.insertMessage(tx, done);
        return done;
      });
      commit.runAfterCommit();
      deps.onProcessed?.();
      return toMessage(processed);
    } catch (error) {
      if (!handlerFailure) {
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    }
    const failed: Selectable<InboxMessageRow> = { ...row, ...failureOf((handlerFailure as { error: unknown }).error, 1, now) };
    try {
      await repo.insertMessage(db, failed);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    countFailure(failed.status as repo.FailureChange['status'], row.source);
    if (failed.status !== 'received') await notify(toMessage(failed), 'failed');
    return toMessage(failed);
  };

  const processMessage = async (id: string): Promise<InboxMessage> => {
    await attempt(id);
    return load(id);
  };

  let poller: Poller | null = null;

  const service: InboxService = {
    registerHandler(messageType, handler) {
      invariant(!handlers.has(messageType), `an inbox handler for "${messageType}" is already registered`);
      handlers.set(messageType, handler);
    },

    receive,

    async receiveAndProcess(input) {
      const parsed = receiveInputSchema.parse(input);
      const handler = handlers.get(parsed.messageType);
      const processed = handler ? await receiveAndProcessAtOnce(parsed, handler) : null;
      if (processed) return { result: 'accepted', message: processed };
      const received = await receive(parsed);
      if (received.result === 'exists') return received;
      return { result: 'accepted', message: await processMessage(received.message.id) };
    },

    process: processMessage,

    async processDue(limit = config.batchSize) {
      const report: ProcessReport = { processed: 0, failed: 0, retrying: 0, dead: 0 };
      // Each message gets its own transaction, so one bad message never rolls back another's effect.
      for (const id of await repo.listDueIds(db, clock.now(), limit)) {
        const status = await attempt(id);
        if (status === 'processed') report.processed++;
        else if (status === 'failed') report.failed++;
        else if (status === 'dead') report.dead++;
        else if (status === 'received') report.retrying++;
      }
      return report;
    },

    get: load,

    async list(query) {
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.listMessages(db, { ...query, beforeId, limit: query.limit + 1 });
      return toPage(rows, query.limit, toSummary, (row) => [row.id]);
    },

    async replay(id, options = {}) {
      const reopened = await audit.reopenAudited(db, id, { ...options, at: clock.now(), auditId: ids.next() });
      if (!reopened) {
        const current = await load(id);
        throw new AppError('invalid_state', `inbox message ${id} is ${current.status}; only failed or dead messages can be replayed`, [
          { path: 'status', message: current.status },
        ]);
      }
      return processMessage(id);
    },

    async replays(id) {
      await load(id);
      return (await audit.listReplays(db, id)).map(audit.toReplay);
    },

    async discard(id, reason) {
      const discarded = await repo.discardMessage(db, id, clock.now(), reason);
      if (!discarded) {
        const current = await load(id);
        throw new AppError('invalid_state', `inbox message ${id} is ${current.status}; only failed or dead messages can be discarded`, [
          { path: 'status', message: current.status },
        ]);
      }
      const message = await load(id);
      await notify(message, 'discarded');
      return message;
    },

    observeFailures(observer) {
      observers.push(observer);
    },

    async countByStatus() {
      const counts = Object.fromEntries(inboxStatuses.map((s) => [s, 0])) as Record<InboxStatus, number>;
      for (const row of await repo.countByStatus(db)) counts[row.status as InboxStatus] = Number(row.n);
      return counts;
    },

    start() {
      poller ??= startPoller({
        intervalMs: config.pollIntervalMs,
        tick: () => service.processDue(),
        onError: deps.onLoopError ?? (() => undefined),
      });
    },

    async stop() {
      await poller?.stop();
      poller = null;
    },
  };
  return service;
}
