import type { Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { InboxService } from '../platform/inbox/index.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { TimerService } from '../platform/timers/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { ActionContext, ActionResult, CrossdockException, ExceptionService } from '../domains/exceptions/index.ts';
import type { FulfillmentService } from '../domains/fulfillment/index.ts';
import type { OrdersModule } from '../domains/orders/index.ts';
import { waitingQuantity } from './exceptions-orders.rules.ts';
import type { FinanceFlows } from './finance-flows.ts';
import type { OrderAllocation } from './order-allocation.ts';
import type { OrderCancel } from './order-cancel.ts';
import { createPromiseChange } from './order-promise-change.ts';

export interface ExceptionActionDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  inbox: InboxService;
  timers: TimerService;
  exceptions: ExceptionService;
  allocation: OrderAllocation;
  cancel: OrderCancel;
  finance: FinanceFlows;
}

/** The order an exception is about: its subject, or the order named in its facts. */
function orderIdOf(e: CrossdockException): string {
  if (e.subject.type === 'order') return e.subject.id;
  if (e.subject.type === 'order_line') return e.subject.id.split(':')[0]!;
  const fromFacts = e.facts['orderId'];
  if (typeof fromFacts === 'string') return fromFacts;
  throw new AppError('unprocessable', `exception ${e.id} is not about an order`, [{ path: 'params.action', message: 'no order to act on' }]);
}

function lineNumberOf(e: CrossdockException): number {
  const n = e.subject.type === 'order_line' ? Number(e.subject.id.split(':')[1]) : Number(e.facts['lineNumber']);
  if (!Number.isInteger(n) || n < 1) throw new AppError('unprocessable', `exception ${e.id} is not about an order line`, [{ path: 'params.action', message: 'no line to act on' }]);
  return n;
}

function holdIdOf(e: CrossdockException): string {
  const holdId = e.facts['holdId'];
  if (typeof holdId !== 'string') throw new AppError('unprocessable', `exception ${e.id} names no hold`, [{ path: 'params.action', message: 'no hold to act on' }]);
  return holdId;
}

const reasonOf = (context: ActionContext, fallback: string) => context.reason ?? `${fallback} (exception ${context.exception.id})`;
/** The reason of an action that declares it required (action-inputs.rules.ts): the framework refused the request without one. */
const declaredReason = (context: ActionContext): string => {
  invariant(context.reason !== null, `${context.action} declares its reason required, yet ran without one`);
  return context.reason;
};

/** An integration failure or invalid order names an inbound message (a UUID) or an outbox delivery (a number). */
const deliveryIdOf = (e: CrossdockException): number | null => (/^\d+$/.test(e.subject.id) ? Number(e.subject.id) : null);

/**
 * The commands behind the exception actions (DESIGN §7): each runs the same domain command automation
 * or an operator's route runs, outside any transaction, and answers what it did. The exceptions core
 * checks roles, the allowed actions, the exception's state and the body against the action's declared
 * inputs (`actionSpecs` in src/domains/exceptions/action-inputs.rules.ts) first, and records the result.
 */
export function registerExceptionActions(deps: ExceptionActionDeps): void {
  const { exceptions } = deps;
  const promise = createPromiseChange(deps);

  const resolveHold = (resolution: 'released' | 'rejected', outcome: string) => async (context: ActionContext): Promise<ActionResult> => {
    const orderId = orderIdOf(context.exception);
    const done = await deps.finance.credit.resolveByPerson(orderId, holdIdOf(context.exception), resolution, context.caller, reasonOf(context, outcome));
    return { outcome, resolves: true, data: { orderId, holdId: done.hold.id, orderState: done.order.state } };
  };
  exceptions.registerActionHandler('release_hold', resolveHold('released', 'released'));
  exceptions.registerActionHandler('approve_substitution', resolveHold('released', 'approved'));
  exceptions.registerActionHandler('reject_substitution', resolveHold('rejected', 'rejected'));
  // Keeping a hold is a decision, not a command: the order stays held and the exception stays live.
  exceptions.registerActionHandler('keep_hold', async (context) => ({ outcome: 'kept', resolves: false, message: `hold ${holdIdOf(context.exception)} kept: ${declaredReason(context)}` }));

  // Allocation again, as after a released hold or arriving supply; it resolves when the line no longer waits.
  exceptions.registerActionHandler(
    'resource_line',
    async (context) => {
      const orderId = orderIdOf(context.exception);
      const allocated = await deps.allocation.allocate(orderId);
      const line = context.exception.subject.type === 'order_line' ? allocated.order.lines.find((l) => l.lineNumber === lineNumberOf(context.exception)) : undefined;
      const covered = line ? waitingQuantity(line) === 0 : allocated.result === 'allocated';
      return { outcome: allocated.result, resolves: covered, message: covered ? 'the line is covered now' : 'still waiting for stock', data: { orderId, orderState: allocated.order.state } };
    },
  );

  const cancelLine = (outcome: string) => async (context: ActionContext): Promise<ActionResult> => {
    const orderId = orderIdOf(context.exception);
    const lineNumber = lineNumberOf(context.exception);
    const done = await deps.cancel.cancel(orderId, { reason: reasonOf(context, outcome), lineNumbers: [lineNumber] }, `key:${context.caller.keyId}`, context.caller.partnerCode);
    return { outcome, resolves: true, data: { orderId, lineNumber, cancelled: done.lines, orderState: done.order.state } };
  };
  exceptions.registerActionHandler('cancel_line', cancelLine('line_cancelled'));
  // The short-ship policy's `cancel` remainder handling, applied by a person: the rest is not coming.
  exceptions.registerActionHandler('accept_short_ship', cancelLine('short_ship_accepted'));

  exceptions.registerActionHandler(
    'change_promise_date',
    async (context) => {
      const orderId = orderIdOf(context.exception);
      const done = await promise.change(orderId, String(context.params['promiseDate']), `key:${context.caller.keyId}`, context.reason);
      // A new date agreed with the customer settles a delay; a shortage still waits for stock.
      return { outcome: done.result, resolves: context.exception.type === 'shipment_delay', data: { orderId, from: done.from, to: done.to } };
    },
  );

  exceptions.registerActionHandler(
    'edit_and_replay',
    async (context) => {
      if (deliveryIdOf(context.exception) !== null) throw new AppError('action_not_allowed', 'an outbox delivery cannot be edited; use retry_dead_letter', [{ path: 'params.action', message: 'not an inbound message' }]);
      const payload = context.params['payload'] as string | undefined;
      const message = await deps.inbox.replay(context.exception.subject.id, { ...(payload !== undefined && { payload }), reason: reasonOf(context, 'edited and replayed') });
      return { outcome: message.status === 'processed' ? 'replayed' : `replay_${message.status}`, resolves: message.status === 'processed', data: { messageId: message.id, status: message.status, error: message.error } };
    },
  );

  exceptions.registerActionHandler(
    'retry_dead_letter',
    async (context) => {
      const deliveryId = deliveryIdOf(context.exception);
      if (deliveryId !== null) {
        // The delivery goes back to pending; the exception resolves when it is delivered.
        const delivery = await deps.outbox.replayDeadLetter(deliveryId, context.reason ?? undefined);
        return { outcome: 'requeued', resolves: false, message: 'the delivery is pending again and resolves this exception when delivered', data: { deliveryId, status: delivery.status } };
      }
      const message = await deps.inbox.replay(context.exception.subject.id, { reason: reasonOf(context, 'retried') });
      return { outcome: message.status === 'processed' ? 'replayed' : `replay_${message.status}`, resolves: message.status === 'processed', data: { messageId: message.id, status: message.status } };
    },
  );

  exceptions.registerActionHandler(
    'discard_dead_letter',
    async (context) => {
      const reason = declaredReason(context);
      const deliveryId = deliveryIdOf(context.exception);
      if (deliveryId !== null) await deps.outbox.discardDeadLetter(deliveryId, reason);
      else await deps.inbox.discard(context.exception.subject.id, reason);
      return { outcome: 'discarded', resolves: true };
    },
  );
}
