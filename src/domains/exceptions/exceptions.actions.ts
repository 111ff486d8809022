import type { Executor, Tx } from '../../platform/db/store.ts';
import { AppError, errorMessage, invariant } from '../../platform/errors.ts';
import type { NewEvent } from '../../platform/outbox/index.ts';
import { checkActionBody } from './action-inputs.rules.ts';
import { actVerdict, actionAllowed } from './exceptions.rules.ts';
import type { ExceptionStore } from './exceptions.store.ts';
import { builtinActions, isClosed, keyActor, type CrossdockException, type ExceptionAction, type ExceptionActor, type ExceptionCaller } from './exceptions.types.ts';
import { exceptionEvent, type StoredException } from './exceptions.view.ts';

/** What a handler is given: the exception as it was when the action was asked for, and the caller's input. */
export interface ActionContext {
  exception: CrossdockException;
  action: ExceptionAction;
  /** The body's `params`, validated against the action's declared inputs (`action-inputs.rules.ts`). */
  params: Record<string, unknown>;
  /** Never null for an action that declares its reason required: the request was refused before. */
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

/** Refuses a body that does not give what the action declares (400 naming each field); answers its params as parsed. */
function validBody(action: ExceptionAction, reason: string | null, params: Record<string, unknown>): Record<string, unknown> {
  const checked = checkActionBody(action, { reason, params });
  if (checked.ok) return checked.params;
  const first = checked.problems[0]!;
  throw new AppError('validation_failed', `${first.path}: ${first.path === 'body.reason' ? `required for ${action}` : first.message}`, checked.problems.map((p) => ({ ...p })));
}

/** The actions framework: a registry of handlers, the checks every action passes, and the recording of results. */
export function createActions(deps: ActionDeps) {
  const { db, store } = deps;
  const handlers = new Map<ExceptionAction, ActionHandler>();

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
    register(action: ExceptionAction, handler: ActionHandler) {
      invariant(!builtinActions.includes(action), `${action} is built in; it cannot have a handler`);
      invariant(!handlers.has(action), `an exception action handler for "${action}" is already registered`);
      handlers.set(action, handler);
    },

    /**
     * Checks, in this order: the exception exists and the caller's partner may see it (404); the
     * caller's role works its current level (403); the type allows the action (422); it is live (409);
     * the body gives what the action declares (400, recorded as action_failed). Then runs the command
     * and records the result.
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

      // A refused input is recorded like a refused command: the trail shows who tried what, and why it was refused.
      const checked = async () => {
        try {
          return validBody(action, reason, params);
        } catch (error) {
          await recordFailure(id, context(), error);
          throw error;
        }
      };
      if (builtinActions.includes(action)) {
        params = await checked();
        const result: ActionResult = { outcome: action === 'dismiss' ? 'dismissed' : 'resolved', resolves: true };
        return { exception: await record(id, context(), result), result };
      }
      const registered = handlers.get(action);
      if (!registered) {
        throw new AppError('action_not_allowed', `no command is registered for ${action} in this release of the hub`, [{ path: 'params.action', message: 'no handler registered' }]);
      }
      params = await checked();
      let result: ActionResult;
      try {
        result = await registered(context());
      } catch (error) {
        await recordFailure(id, context(), error);
        throw error;
      }
      return { exception: await record(id, context(), result), result };
    },
  };
}
