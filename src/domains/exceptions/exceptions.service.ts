import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { NewEvent, OutboxService } from '../../platform/outbox/index.ts';
import type { TimerService } from '../../platform/timers/index.ts';
import type { Metrics } from '../../platform/http/metrics.ts';
import { countLive } from './exceptions.repo.ts';
import type { PolicyService } from '../policies/index.ts';
import type { ObjectRef } from '../shared/index.ts';
import { createActions, type ActionHandler, type ActionAnswer } from './exceptions.actions.ts';
import { linksOf, mergeRelated, summarize } from './context.rules.ts';
import { exceptionsPolicyKind } from './exceptions.policy.ts';
import { effectiveRegistry, type ExceptionRegistry } from './exceptions.registry.ts';
import { assignVerdict, claimVerdict, isVisibleTo, mayWork, type Refusal } from './exceptions.rules.ts';
import { createSlaClock, EXCEPTION_SLA_TIMER, nextEscalationAt } from './exceptions.sla.ts';
import { createExceptionStore } from './exceptions.store.ts';
import { createExceptionQueries, exceptionNotFound, exceptionSummary } from './exceptions.queries.ts';
import {
  keyActor,
  raiseInputSchema,
  systemActor,
  type CrossdockException,
  type ExceptionAction,
  type ExceptionActor,
  type ExceptionCaller,
  type ExceptionScope,
  type ExceptionType,
  type ParsedRaiseInput,
  type RaiseInput,
} from './exceptions.types.ts';
import { exceptionEvent, toView, type NewAudit, type StoredException } from './exceptions.view.ts';
import { priorityOf } from './priority.rules.ts';

export interface ExceptionDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  outbox: OutboxService;
  timers: TimerService;
  policies: PolicyService;
  /** The SLA breach counter and the open-exceptions gauge on /metrics; absent in tests that build the service alone. */
  metrics?: Pick<Metrics, 'exceptionSlaBreaches' | 'readOpenExceptionsFrom'>;
}

/** Options of `raiseIn` and `resolveIn`. */
export interface EventOptions {
  /**
   * false: return the events instead of appending them, for a caller that appends its own events
   * after further writes and must keep outbox appends last (see `OutboxService.append`).
   */
  appendEvents?: boolean;
}

export interface RaiseResult {
  /** raised: a new live exception; updated: the live one got new facts; unchanged: the same facts again. */
  result: 'raised' | 'updated' | 'unchanged';
  exception: CrossdockException;
  events: NewEvent[];
}

export interface ResolveInput {
  reason: string;
  by: 'condition' | 'action';
  actor?: ExceptionActor;
  action?: ExceptionAction;
  /** dismissed: a person judged it needs nothing. Default resolved. */
  outcome?: 'resolved' | 'dismissed';
}

export interface ResolveResult {
  /** resolved: at least one live exception was closed; not_live: none was live (already closed, or never raised). */
  result: 'resolved' | 'not_live';
  exceptions: CrossdockException[];
  events: NewEvent[];
}

const MAX_FACTS_CHARS = 16_000;

const forbidden = (e: CrossdockException, caller: ExceptionCaller) =>
  new AppError('forbidden', `exception ${e.id} is in the ${e.queueRole} queue; this key's roles (${caller.roles.join(', ')}) may not work it`, [
    { path: 'params.id', message: `needs role ${e.queueRole} or admin` },
  ]);
export const refusalError = (refusal: Refusal, path = 'params.id') =>
  refusal.reason === 'not_allowed'
    ? new AppError('action_not_allowed', refusal.message, [{ path: 'params.action', message: refusal.reason }])
    : new AppError(refusal.reason === 'closed' ? 'invalid_state' : 'conflict', refusal.message, [{ path, message: refusal.reason }]);

function parseRaise(input: RaiseInput): ParsedRaiseInput {
  const parsed = raiseInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid exception raise (${String(input?.type)} about ${input?.subject?.type} ${input?.subject?.id}) at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  invariant(JSON.stringify(parsed.data.facts).length <= MAX_FACTS_CHARS, `exception facts must stay under ${MAX_FACTS_CHARS} characters of JSON`);
  return parsed.data;
}

/**
 * Exceptions as owned work (DESIGN §7). Domains raise and resolve them inside their own transactions;
 * people work them through queues, claims, assignments and actions; the SLA clock escalates them.
 */
export function createExceptionService(deps: ExceptionDeps) {
  const { db, clock, ids, outbox, timers, policies } = deps;
  const store = createExceptionStore(deps);
  const { metrics } = deps;
  const sla = createSlaClock({
    clock,
    timers,
    outbox,
    store,
    ...(metrics && { onBreaches: (breaches) => breaches.forEach((b) => metrics.exceptionSlaBreaches.inc({ type: b.type, queue: b.queue }, b.count)) }),
  });
  metrics?.readOpenExceptionsFrom(() => countLive(db, clock.now()));
  policies.registerPolicyKind(exceptionsPolicyKind);
  timers.registerHandler(EXCEPTION_SLA_TIMER, sla.handle);

  async function policyIn(executor: Executor) {
    const active = await policies.activeOf(exceptionsPolicyKind, executor);
    return { version: active.version, registry: effectiveRegistry(active.document.types), weights: active.document.priority };
  }

  async function finish(tx: Tx, events: NewEvent[], options: EventOptions | undefined): Promise<NewEvent[]> {
    if (options?.appendEvents !== false) await outbox.appendMany(tx, events);
    return events;
  }

  /** The same facts again: nothing the raiser controls differs from what is stored. */
  const sameFacts = (a: CrossdockException, b: CrossdockException) =>
    JSON.stringify([a.facts, a.related, a.rootCause, a.priorityInputs, a.summary.what]) === JSON.stringify([b.facts, b.related, b.rootCause, b.priorityInputs, b.summary.what]);

  async function updateLive(tx: Tx, before: StoredException, input: ParsedRaiseInput, policy: Awaited<ReturnType<typeof policyIn>>, options: EventOptions | undefined): Promise<RaiseResult> {
    const now = clock.now();
    const prior = before.exception;
    if (input.dedupeKey !== undefined && input.dedupeKey === prior.lastRaiseKey) return { result: 'unchanged', exception: prior, events: [] };
    const definition = policy.registry[prior.type];
    const related = mergeRelated(prior.related, input.related);
    const candidate: CrossdockException = {
      ...prior,
      related,
      facts: input.facts,
      rootCause: input.rootCause,
      priorityInputs: input.priorityInputs,
      priority: priorityOf(definition.basePriority, input.priorityInputs, policy.weights, now),
      summary: { ...summarize(definition, input, now), options: prior.summary.options },
      links: linksOf(prior.subject, related),
      lastRaiseKey: input.dedupeKey ?? prior.lastRaiseKey,
    };
    if (sameFacts(prior, candidate)) return { result: 'unchanged', exception: prior, events: [] };
    const after: StoredException = { exception: { ...candidate, updatedAt: isoTime(now), version: prior.version + 1 }, nextCheckAtMs: before.nextCheckAtMs };
    await store.save(tx, before, after);
    await store.audit(tx, prior.id, [{ what: 'updated', actor: systemActor, detail: { rootCause: input.rootCause }, before: prior, after: after.exception }]);
    const events = await finish(tx, [exceptionEvent('updated', after.exception, {}, input)], options);
    return { result: 'updated', exception: after.exception, events };
  }

  /** Closes live exceptions in the caller's transaction (they are locked); cancels their SLA timers. */
  async function closeAll(tx: Tx, live: StoredException[], input: ResolveInput): Promise<{ closed: CrossdockException[]; events: NewEvent[] }> {
    const now = clock.now();
    const outcome = input.outcome ?? 'resolved';
    const actor = input.actor ?? systemActor;
    const closed: CrossdockException[] = [];
    const events: NewEvent[] = [];
    for (const before of live) {
      const prior = before.exception;
      const resolution = { outcome, by: input.by, action: input.action ?? null, reason: input.reason, actor, at: isoTime(now) };
      const after: StoredException = {
        exception: { ...prior, state: outcome, closedAt: isoTime(now), resolution, nextEscalationAt: null, updatedAt: isoTime(now), version: prior.version + 1 },
        nextCheckAtMs: null,
      };
      await store.save(tx, before, after);
      await store.audit(tx, prior.id, [{ what: outcome, actor, action: input.action ?? null, detail: { by: input.by, reason: input.reason }, before: prior, after: after.exception }]);
      await sla.cancel(tx, before);
      closed.push(after.exception);
      events.push(exceptionEvent(outcome, after.exception, { resolution }));
    }
    return { closed, events };
  }

  /** Loads an exception for a command: 404 when it does not exist or the caller's partner may not see it; 403 when the caller may not work it. */
  function checkWorkable(stored: StoredException | undefined, id: string, caller: ExceptionCaller): StoredException {
    if (!stored || !isVisibleTo(caller, stored.exception)) throw exceptionNotFound(id);
    if (!mayWork(caller.roles, stored.exception)) throw forbidden(stored.exception, caller);
    return stored;
  }

  /** Claims and assignments share one shape: verdict, save, audit, event, each in its own transaction. */
  async function changeAssignee(id: string, caller: ExceptionCaller, to: { keyId: string | null; name: string } | null, kind: 'claim' | 'assign', reason: string | null) {
    return db.transaction().execute(async (tx) => {
      const before = checkWorkable(await store.lockById(tx, id), id, caller);
      const prior = before.exception;
      const verdict = kind === 'claim' ? claimVerdict(prior, caller.keyId) : assignVerdict(prior, to);
      if (!verdict.ok) throw refusalError(verdict);
      if (!verdict.changed) return { result: 'unchanged' as const, exception: prior };
      const now = clock.now();
      const after: StoredException = {
        exception: { ...prior, assignee: to, state: to === null ? 'open' : 'claimed', updatedAt: isoTime(now), version: prior.version + 1 },
        nextCheckAtMs: before.nextCheckAtMs,
      };
      const what = kind === 'claim' ? 'claimed' : to === null ? 'unassigned' : 'assigned';
      const detail = { assignee: to, previousAssignee: prior.assignee, ...(reason === null ? {} : { reason }) };
      await store.save(tx, before, after);
      await store.audit(tx, id, [{ what, actor: keyActor(caller), detail, before: prior, after: after.exception }]);
      await outbox.append(tx, exceptionEvent(kind === 'claim' ? 'claimed' : 'assigned', after.exception, detail));
      return { result: (kind === 'claim' ? 'claimed' : to === null ? 'unassigned' : 'assigned') as 'claimed' | 'assigned' | 'unassigned', exception: after.exception };
    });
  }

  const queries = createExceptionQueries(store, clock);
  /** A command's answer shows the exception as reads do: with its SLA state once the command is done. */
  const answered = async <T extends { exception: CrossdockException }>(answer: Promise<T>) => {
    const done = await answer;
    return { ...done, exception: toView(done.exception, clock.now()) };
  };
  const actions = createActions({
    db,
    store,
    checkWorkable,
    closeAll,
    append: (tx, events) => outbox.appendMany(tx, events).then(() => undefined),
  });

  const service = {
    /**
     * Raises an exception in the caller's transaction, or updates the live one for the same subject and
     * type (new facts, root cause and priority; never a second live one). Raising the same facts again
     * changes nothing. Owner, SLA and escalation come from the exceptions policy in force (its version
     * is recorded on the exception) unless the input overrides owner or SLA due time. Appends its
     * event; call it after your own writes, or pass `{ appendEvents: false }` and append the returned
     * events with yours.
     */
    async raiseIn(tx: Tx, input: RaiseInput, options?: EventOptions): Promise<RaiseResult> {
      const parsed = parseRaise(input);
      const policy = await policyIn(tx);
      const [live] = await store.lockLive(tx, parsed.subject, parsed.type);
      if (live) return updateLive(tx, live, parsed, policy, options);

      const now = clock.now();
      const definition = policy.registry[parsed.type];
      const slaDueAtMs = parsed.slaDueAtMs ?? now + definition.slaMinutes * 60_000;
      const ownerRole = parsed.ownerRole ?? definition.ownerRole;
      const escalation = [...definition.escalation];
      const exception: CrossdockException = {
        id: ids.next(),
        type: parsed.type,
        subject: parsed.subject,
        related: mergeRelated([], parsed.related),
        state: 'open',
        partnerCode: parsed.partnerCode,
        ownerRole,
        queueRole: ownerRole,
        escalationLevel: 0,
        escalation,
        assignee: null,
        priority: priorityOf(definition.basePriority, parsed.priorityInputs, policy.weights, now),
        priorityInputs: parsed.priorityInputs,
        rootCause: parsed.rootCause,
        facts: parsed.facts,
        summary: summarize(definition, parsed, now),
        links: linksOf(parsed.subject, parsed.related),
        allowedActions: [...definition.actions],
        raisedAt: isoTime(now),
        updatedAt: isoTime(now),
        slaDueAt: isoTime(slaDueAtMs),
        slaBreachedAt: null,
        breachCount: 0,
        nextEscalationAt: null,
        policyVersion: policy.version,
        lastRaiseKey: parsed.dedupeKey ?? null,
        version: 1,
        closedAt: null,
        resolution: null,
      };
      exception.nextEscalationAt = nextEscalationAt(exception);
      // The SLA clock first looks at the due time; a due time already past (an override) fires at once.
      const stored: StoredException = { exception, nextCheckAtMs: slaDueAtMs };
      if (!(await store.insertLive(tx, stored))) {
        // Another transaction raised it first and committed; this raise updates that one.
        const [raced] = await store.lockLive(tx, parsed.subject, parsed.type);
        invariant(raced, `a conflict on the live index implies a live ${parsed.type} exception for ${parsed.subject.type} ${parsed.subject.id}`);
        return updateLive(tx, raced, parsed, policy, options);
      }
      await store.audit(tx, exception.id, [{ what: 'raised', actor: systemActor, detail: { rootCause: parsed.rootCause }, before: null, after: exception }]);
      await sla.schedule(tx, exception.id, stored.nextCheckAtMs);
      const events = await finish(tx, [exceptionEvent('raised', exception, {}, parsed)], options);
      return { result: 'raised', exception, events };
    },

    /**
     * Resolves the live exception of a subject and type (or, with no type, every live exception of the
     * subject) in the caller's transaction, recording why and by what. Idempotent: when none is live
     * the answer is `not_live` and nothing is written. Appends its events (see `raiseIn`).
     */
    async resolveIn(tx: Tx, target: { type?: ExceptionType; subject: ObjectRef }, input: ResolveInput, options?: EventOptions): Promise<ResolveResult> {
      invariant(input.reason.trim().length > 0, 'resolving an exception needs a reason');
      const live = await store.lockLive(tx, target.subject, target.type);
      if (live.length === 0) return { result: 'not_live', exceptions: [], events: [] };
      const { closed, events } = await closeAll(tx, live, input);
      return { result: 'resolved', exceptions: closed, events: await finish(tx, events, options) };
    },

    /** The live exception of a subject and type, if any. Callers inside a transaction pass it as `executor`. */
    async findLive(type: ExceptionType, subject: ObjectRef, executor: Executor = db): Promise<CrossdockException | undefined> {
      return (await store.findLive(type, subject, executor))?.exception;
    },

    /** Every live exception of some subjects, of any type: one read for a flow that checks several types of an order and its lines. */
    async liveOfSubjects(subjects: readonly ObjectRef[], executor: Executor = db): Promise<CrossdockException[]> {
      return (await store.findLiveOfSubjects(subjects, executor)).map((stored) => stored.exception);
    },

    /** Reads for queues and detail pages: see exceptions.queries.ts. */
    get: queries.get,
    audit: queries.audit,
    list: queries.list,
    /** Live exceptions counted by queue, state, SLA standing and type, within the caller's partner scope. */
    summary: (scope: ExceptionScope) => exceptionSummary(db, clock, scope),

    /** Takes an exception for the caller (its role must own the current level, or admin). */
    claim: (id: string, caller: ExceptionCaller) => answered(changeAssignee(id, caller, { keyId: caller.keyId, name: caller.name }, 'claim', null)),

    /** Assigns an exception to a key or user name, or unassigns it with null. */
    assign(id: string, caller: ExceptionCaller, to: string | null, reason: string | null) {
      const assignee = to === null ? null : { keyId: to === caller.name ? caller.keyId : null, name: to };
      return answered(changeAssignee(id, caller, assignee, 'assign', reason));
    },

    /** Runs an action on an exception for a person; see exceptions.actions.ts. */
    act: (id: string, action: ExceptionAction, body: { reason?: string | undefined; params?: Record<string, unknown> | undefined }, caller: ExceptionCaller) =>
      answered<ActionAnswer>(actions.act(id, action, body, caller)),

    /**
     * Registers the command behind an action (orchestration does, at composition time). The handler
     * runs outside any transaction, as the same domain command automation runs; see ActionHandler.
     */
    registerActionHandler: (action: ExceptionAction, handler: ActionHandler) => actions.register(action, handler),

    /** The registry in force, with the policy version it was read from. */
    async registry(): Promise<{ policyVersion: number; registry: ExceptionRegistry }> {
      const policy = await policyIn(db);
      return { policyVersion: policy.version, registry: policy.registry };
    },
  };
  return service;
}

export type ExceptionService = ReturnType<typeof createExceptionService>;
