import type { Executor } from '../platform/db/store.ts';
import type { InboxMessage, InboxService } from '../platform/inbox/index.ts';
import type { DeadLetterNotice, NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { CrossdockException, ExceptionService, ExceptionType, ObjectRef, RaiseInput } from '../domains/exceptions/index.ts';
import { deliveryTimeZone, type OrdersModule } from '../domains/orders/index.ts';
import { orderEventIntents, type ExceptionIntent } from './exceptions-orders.rules.ts';

export interface ExceptionRaisingDeps {
  db: Executor;
  catalog: CatalogService;
  orders: OrdersModule;
  outbox: OutboxService;
  inbox: InboxService;
  exceptions: ExceptionService;
  /** Where an observer's failure is reported; the platform has already recorded the message's outcome. */
  onError?: (error: unknown, where: string) => void;
}

/** Order events after which an order's exceptions are looked at again. */
export const orderExceptionEventTypes = [
  'crossdock.order.hold_placed',
  'crossdock.order.hold_released',
  'crossdock.order.hold_rejected',
  'crossdock.order.cancelled',
  'crossdock.order.allocated',
  'crossdock.order.partially_allocated',
  'crossdock.order.backordered',
  'crossdock.order.lines_cancelled',
  'crossdock.order.transfer_received',
  'crossdock.order.transfer_cancelled',
  'crossdock.order.partially_shipped',
  'crossdock.order.shipped',
  'crossdock.order.promise_date_breached',
  'crossdock.shipment.confirmed',
  'crossdock.shipment.delayed',
  'crossdock.shipment.delivered',
];

/** Order intake messages: a rejected one is an invalid order, not a broken integration. */
const isOrderMessage = (messageType: string) => /order|850/i.test(messageType);
const snake = (code: string) => code.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 64) || 'failed';

/** What a raw message says about itself, when it is JSON: its order number and partner. */
function peek(payload: string): { externalOrderNumber?: string; partnerCode?: string } {
  try {
    const parsed = JSON.parse(payload) as Record<string, unknown>;
    return {
      ...(typeof parsed['externalOrderNumber'] === 'string' && { externalOrderNumber: parsed['externalOrderNumber'] }),
      ...(typeof parsed['partnerCode'] === 'string' && { partnerCode: parsed['partnerCode'] }),
    };
  } catch {
    return {};
  }
}

/** An inbound message the hub could not take: an invalid order, or a failed integration. */
export function inboxFailureRaise(message: InboxMessage): RaiseInput {
  const seen = peek(message.payload);
  const invalidOrder = message.status === 'failed' && isOrderMessage(message.messageType);
  const partnerCode = message.source.startsWith('edi:') ? message.source.slice(4) : (seen.partnerCode ?? null);
  const error = message.error ?? { code: 'failed', message: `message ${message.status}`, details: [] };
  return {
    type: invalidOrder ? 'invalid_order' : 'integration_failure',
    subject: { type: 'message', id: message.id },
    facts: {
      messageId: message.id,
      source: message.source,
      messageType: message.messageType,
      status: message.status,
      attempts: message.attempts,
      replayCount: message.replayCount,
      errorCode: error.code,
      externalOrderNumber: seen.externalOrderNumber ?? null,
      problems: error.details.slice(0, 20),
    },
    rootCause: { code: snake(error.code), message: error.message.slice(0, 500) || `message ${message.status}` },
    headline: invalidOrder
      ? `Order ${seen.externalOrderNumber ?? message.dedupeKey} from ${message.source} was rejected as invalid`
      : `Inbound ${message.messageType} message from ${message.source} is ${message.status}`,
    priorityInputs: { risk: invalidOrder ? 'medium' : 'high' },
    partnerCode,
    // A replay that fails again is a new occurrence: the exception is updated with its error.
    dedupeKey: `${message.id}:${message.replayCount}:${message.status}`,
    ...(message.correlationId !== null && { correlationId: message.correlationId }),
    causationId: message.id,
  };
}

/** A delivery the hub gave up on: an integration failure about that delivery. */
export function deadLetterRaise(letter: DeadLetterNotice): RaiseInput {
  const data = letter.event.data as { orderId?: string; order?: { id?: string } } | null;
  const orderId = data?.orderId ?? data?.order?.id;
  return {
    type: 'integration_failure',
    subject: { type: 'message', id: String(letter.deliveryId) },
    related: typeof orderId === 'string' ? [{ type: 'order', id: orderId }] : [],
    facts: { deliveryId: letter.deliveryId, subscriber: letter.subscriber, eventId: letter.event.id, eventType: letter.event.type, eventSubject: letter.event.subject ?? null, attempts: letter.attempts, lastError: letter.lastError.slice(0, 1000) },
    rootCause: { code: 'dead_letter', message: `delivering ${letter.event.type} to ${letter.subscriber} failed ${letter.attempts} time(s): ${letter.lastError}`.slice(0, 500) },
    headline: `${letter.subscriber} could not take ${letter.event.type} (${letter.event.subject ?? 'no subject'})`,
    priorityInputs: { risk: 'high' },
    dedupeKey: `${letter.deliveryId}:${letter.attempts}`,
    ...(letter.event.correlationid !== undefined && { correlationId: letter.event.correlationid }),
    causationId: letter.event.id,
  };
}

/**
 * Domains raise exceptions through events (DESIGN §7): this flow turns order events, failed inbound
 * messages and dead letters into exceptions, and resolves them, recording why, when their condition
 * clears. Every step reads the current state first, so delivering an event twice changes nothing.
 */
export function createExceptionRaising(deps: ExceptionRaisingDeps) {
  const { exceptions } = deps;

  /**
   * Carries out intents in one transaction; reads first which ones have anything to do, outside it.
   * The live exceptions of every subject the intents name are read in one statement, not once per
   * intent or subject: an order event asks about a dozen types of the order and its lines, and
   * nearly always none is live.
   */
  async function apply(intents: readonly ExceptionIntent[]): Promise<void> {
    const subjectOf = (intent: ExceptionIntent): ObjectRef => (intent.kind === 'raise' ? intent.input.subject : intent.subject);
    const typeOf = (intent: ExceptionIntent): ExceptionType => (intent.kind === 'raise' ? intent.input.type : intent.type);
    const keyOf = (subject: ObjectRef, type: string) => `${subject.type}\u0000${subject.id}\u0000${type}`;
    const subjects = new Map(intents.map((intent) => [keyOf(subjectOf(intent), ''), subjectOf(intent)]));
    const live = new Map((await exceptions.liveOfSubjects([...subjects.values()])).map((e) => [keyOf(e.subject, e.type), e]));
    const needed: ExceptionIntent[] = [];
    for (const intent of intents) {
      const found = live.get(keyOf(subjectOf(intent), typeOf(intent)));
      if (intent.kind === 'resolve' ? found !== undefined : !(found && intent.input.dedupeKey !== undefined && found.lastRaiseKey === intent.input.dedupeKey)) needed.push(intent);
    }
    if (needed.length === 0) return;
    await deps.db.transaction().execute(async (tx) => {
      const events: NewEvent[] = [];
      for (const intent of needed) {
        const done =
          intent.kind === 'raise'
            ? await exceptions.raiseIn(tx, intent.input, { appendEvents: false })
            : await exceptions.resolveIn(tx, { type: intent.type, subject: intent.subject }, { reason: intent.reason, by: 'condition' }, { appendEvents: false });
        events.push(...done.events);
      }
      await deps.outbox.appendMany(tx, events);
    });
  }

  async function onOrderEvent(event: { id: string; type: string; data: unknown }): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const orderId = typeof data['orderId'] === 'string' ? data['orderId'] : (data['order'] as { id?: string } | undefined)?.id;
    if (orderId === undefined) return;
    const order = await deps.orders.store.get(orderId);
    if (!order) return;
    const input = { id: event.id, type: event.type, data };
    // The customer's tier only weighs the priority of an exception raised; most events raise none.
    const intents = orderEventIntents(order, {}, input);
    if (!intents.some((intent) => intent.kind === 'raise')) return apply(intents);
    const customer = (await deps.catalog.customers.getMany([order.customerCode])).get(order.customerCode);
    const timeZone = deliveryTimeZone(order, customer);
    await apply(orderEventIntents(order, { ...(customer !== undefined && { tier: customer.tier }), ...(timeZone !== undefined && { timeZone }) }, input));
  }

  const resolveMessage = (id: string, reason: string) =>
    apply((['invalid_order', 'integration_failure'] as const).map((type): ExceptionIntent => ({ kind: 'resolve', type, subject: { type: 'message', id }, reason })));
  const guarded = (where: string, work: () => Promise<void>) =>
    work().catch((error: unknown) => {
      (deps.onError ?? (() => undefined))(error, where);
    });

  deps.outbox.subscribe({ name: 'orchestration.exceptions-orders', types: orderExceptionEventTypes, deliver: onOrderEvent });

  deps.inbox.observeFailures({
    failed: (message) => guarded('exceptions: inbox failure', () => apply([{ kind: 'raise', input: inboxFailureRaise(message) }])),
    settled: (message, how) =>
      guarded('exceptions: inbox settled', () =>
        resolveMessage(
          message.id,
          how === 'processed'
            ? `message processed on replay ${message.replayCount}${message.edited ? ' with an edited payload' : ''}`
            : `message discarded${message.operatorNote ? `: ${message.operatorNote}` : ''}`,
        ),
      ),
  });

  deps.outbox.observeDeadLetters({
    dead: (letter) => {
      // A dead letter of an integration failure's own event raises nothing: a subscriber that keeps
      // failing would otherwise feed itself a new exception for every one it could not take.
      const about = (letter.event.data as { exception?: { type?: string } } | null)?.exception?.type;
      if (letter.event.type.startsWith('crossdock.exception.') && about === 'integration_failure') return Promise.resolve();
      return guarded('exceptions: dead letter', () => apply([{ kind: 'raise', input: deadLetterRaise(letter) }]));
    },
    settled: (deliveryId, how, note) =>
      guarded('exceptions: dead letter settled', () =>
        resolveMessage(String(deliveryId), how === 'delivered' ? 'dead letter delivered on a replay' : `dead letter discarded${note ? `: ${note}` : ''}`),
      ),
  });

  return { apply, onOrderEvent };
}

export type ExceptionRaising = ReturnType<typeof createExceptionRaising>;
