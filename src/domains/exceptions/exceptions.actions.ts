import type { z } from 'zod';
import type { Executor, Tx } from '../../platform/db/store.ts';
import { AppError, errorMessage, invariant } from '../../platform/errors.ts';
import { zodDetails } from '../../platform/http/error-handler.ts';
import type { NewEvent } from '../../platform/outbox/index.ts';
import { actVerdict, actionAllowed } from './exceptions.rules.ts';
import type { ExceptionStore } from './exceptions.store.ts';
import { builtinActions, isClosed, keyActor, type CrossdockException, type ExceptionAction, type ExceptionActor, type ExceptionCaller } from './exceptions.types.ts';
import { exceptionEvent, type StoredException } from './exceptions.view.ts';

/** What a handler is given: the exception as it was when the action was asked for, and the caller's input. */
export interface ActionContext {
  exception: CrossdockException;
  action: ExceptionAction;
  /** The body's `params`, validated by the handler's schema when it registered one. */
  params: Record<string, unknown>;
  reason: string | null;
  caller: ExceptionCaller;
  actor: ExceptionActor;
}

/** What the domain command did; recorded in the audit trail and the `action_taken` event. */
export interface ActionResult {
  /** A short result code, e.g. `released`, `replayed`, `cancelled`. */
  outcome: string;
  /**
   * True when the command cleared the exception's condition: the exception is resolved by the action
   * (unless the command already resolved it by condition in its own transaction). False records the
   * action and leaves the exception live (e.g. keep_hold).
   */
  resolves: boolean;
  message?: string;
  data?: Record<string, unknown>;
}

/**
 * Runs the domain command behind an action, outside any transaction (the command opens its own, as
 * when automation runs it). Throw an AppError for an expected refusal: it is recorded as
 * `action_failed` and answered to the caller unchanged.
 */
export type ActionHandler = (context: ActionContext) => Promise<ActionResult>;

export interface ActionHandlerOptions {
  /** Validates the body's `params`; problems answer 400 naming `body.params.<path>`. */
  params?: z.ZodType<Record<string, unknown>>;
}

export interface ActionAnswer {
  exception: CrossdockException;
  result: ActionResult;
}

interface ActionDeps {
  db: Executor;
  store: ExceptionStore;
  checkWorkable(stored: StoredException | undefined, id: string, caller: ExceptionCaller): StoredException;
  closeAll(tx: Tx, live: StoredException[], input: { reason: string; by: 'action'; actor: ExceptionActor; action: ExceptionAction; outcome: 'resolved' | 'dismissed' }): Promise<{ closed: CrossdockException[]; events: NewEvent[] }>;
  append(tx: Tx, events: NewEvent[]): Promise<void>;
}

const reasonRequired = (action: ExceptionAction) =>
  new AppError('validation_failed', `body.reason: required for ${action}`, [{ path: 'body.reason', message: `${action} needs a reason for the audit trail` }]);

/** The actions framework: a registry of handlers, the checks every action passes, and the recording of results. */
export function createActions(deps: ActionDeps) {
  const { db, store } = deps;
  const handlers = new Map<ExceptionAction, { handler: ActionHandler; options: ActionHandlerOptions }>();

  /** Records the action and its result; resolves the exception when the result says the condition cleared. */
  async function record(id: string, context: ActionContext, result: ActionResult): Promise<CrossdockException> {
    return db.transaction().execute(async (tx) => {
      const before = await store.lockById(tx, id);
      invariant(before, `exception ${id} disappeared`);
      const detail = { reason: context.reason, params: context.params, result };
      const events: NewEvent[] = [exceptionEvent('action_taken', before.exception, { action: context.action, actor: context.actor, result })];
      await store.audit(tx, id, [{ what: 'action', actor: context.actor, action: context.action, detail, before: before.exception, after: before.exception }]);
      let exception = before.exception;
      if (result.resolves && !isClosed(before.exception.state)) {
        const outcome = context.action === 'dismiss' ? 'dismissed' : 'resolved';
        const reason = context.reason ?? result.message ?? `${context.action}: ${result.outcome}`;
        const closed = await deps.closeAll(tx, [before], { reason, by: 'action', actor: context.actor, action: context.action, outcome });
        exception = closed.closed[0]!;
        events.push(...closed.events);
      }
      await deps.append(tx, events);
      return exception;
    });
  }

  async function recordFailure(id: string, context: ActionContext, error: unknown): Promise<void> {
    const failure = error instanceof AppError ? { code: error.code, message: error.message } : { code: 'internal_error', message: errorMessage(error).slice(0, 500) };
    await db.transaction().execute(async (tx) => {
      const current = await store.lockById(tx, id);
      invariant(current, `exception ${id} disappeared`);
      await store.audit(tx, id, [{ what: 'action_failed', actor: context.actor, action: context.action, detail: { reason: context.reason, params: context.params, error: failure }, before: current.exception, after: current.exception }]);
    });
  }

  return {
    register(action: ExceptionAction, handler: ActionHandler, options: ActionHandlerOptions = {}) {
      invariant(!builtinActions.includes(action), `${action} is built in; it cannot have a handler`);
      invariant(!handlers.has(action), `an exception action handler for "${action}" is already registered`);
      handlers.set(action, { handler, options });
    },

    /**
     * Checks, in this order: the exception exists and the caller's partner may see it (404); the
     * caller's role works its current level (403); the type allows the action (422); it is live (409);
     * the body is valid for the action (400). Then runs the command and records the result.
     */
    async act(id: string, action: ExceptionAction, body: { reason?: string | undefined; params?: Record<string, unknown> | undefined }, caller: ExceptionCaller): Promise<ActionAnswer> {
      const { exception } = deps.checkWorkable(await store.get(id), id, caller);
      const allowed = actionAllowed(exception, action);
      if (!allowed.ok) throw new AppError('action_not_allowed', allowed.message, [{ path: 'params.action', message: 'not allowed for this exception type', allowed: exception.allowedActions }]);
      const live = actVerdict(exception);
      if (!live.ok) throw new AppError('invalid_state', live.message, [{ path: 'params.id', message: exception.state }]);
      const reason = body.reason?.trim() || null;
      let params = body.params ?? {};
      const context = (): ActionContext => ({ exception, action, params, reason, caller, actor: keyActor(caller) });

      if (builtinActions.includes(action)) {
        if (reason === null) throw reasonRequired(action);
        const result: ActionResult = { outcome: action === 'dismiss' ? 'dismissed' : 'resolved', resolves: true };
        return { exception: await record(id, context(), result), result };
      }
      const registered = handlers.get(action);
      if (!registered) {
        throw new AppError('action_not_allowed', `no command is registered for ${action} in this release of the hub`, [{ path: 'params.action', message: 'no handler registered' }]);
      }
      if (registered.options.params) {
        const parsed = registered.options.params.safeParse(params);
        if (!parsed.success) {
          const details = zodDetails(parsed.error, 'body.params');
          throw new AppError('validation_failed', `${details[0]!.path}: ${details[0]!.message}`, details);
        }
        params = parsed.data;
      }
      let result: ActionResult;
      try {
        result = await registered.handler(context());
      } catch (error) {
        await recordFailure(id, context(), error);
        throw error;
      }
      return { exception: await record(id, context(), result), result };
    },
  };
}
