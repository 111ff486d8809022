import { isoTime, type Clock } from '../platform/clock.ts';
import type { Executor, Tx } from '../platform/db/store.ts';
import { AppError, invariant, type ErrorCode } from '../platform/errors.ts';
import type { IdGenerator } from '../platform/ids.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { TimerHandler, TimerService } from '../platform/timers/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import { createCreditMemoService, type CreditMemo } from '../domains/finance/index.ts';
import type { FulfillmentService } from '../domains/fulfillment/index.ts';
import type { CrossdockMovement, InventoryModule, PositionChange } from '../domains/inventory/index.ts';
import { checkLifecycle, type OrdersModule } from '../domains/orders/index.ts';
import { returnsPolicy, type PolicyService } from '../domains/policies/index.ts';
import {
  applyCredit,
  applyDisposition,
  applyExpiry,
  applyReceipt,
  checkAuthorization,
  creditFor,
  dispositionDeltas,
  expiresAtMsOf,
  receiptDeltas,
  restockEverything,
  returnLifecycle,
  returnExpiryTimerKey,
  returnExpiryTimerPayloadSchema,
  rmaNumberOf,
  RETURN_EXPIRY_TIMER,
  type AppliedDisposition,
  type AuthorizeReturnInput,
  type ReturnAuthorization,
  type ReturnCommandResult,
  type ReturnDispositionInput,
  type ReturnReceiptInput,
  type ReturnRefusal,
  createReturnService,
} from '../domains/returns/index.ts';

/** Whom a caller acts for: a key scoped to a trading partner sees only that partner's orders and returns. */
export interface ReturnScope {
  partnerCode: string | null;
}
const unscoped: ReturnScope = { partnerCode: null };

export interface OrderReturnsDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  policies: PolicyService;
  inventory: InventoryModule;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  outbox: OutboxService;
  timers: TimerService;
}

const RETURNS_SOURCE = '/crossdock/returns';

/** The field of a request line each refusal is about, for the error's `details[].path`. */
const fieldOf: Record<ReturnRefusal['code'], string> = {
  invalid_state: '',
  unknown_line: 'lineNumber',
  unknown_reason_code: 'reasonCode',
  not_shipped: 'lineNumber',
  outside_return_window: 'lineNumber',
  exceeds_returnable: 'quantity',
  exceeds_authorized: 'quantity',
  exceeds_received: 'quantity',
};

/** Error codes of the refusals a caller can act on; the rest are 422 `unprocessable` with their own detail code. */
const errorCodeOf = (code: ReturnRefusal['code']): ErrorCode =>
  code === 'invalid_state' ? 'invalid_state' : code === 'outside_return_window' ? 'outside_return_window' : code === 'exceeds_returnable' || code === 'not_shipped' ? 'exceeds_returnable' : 'unprocessable';

function refusalError(refusal: ReturnRefusal): AppError {
  return new AppError(
    errorCodeOf(refusal.code),
    refusal.message,
    refusal.problems.map((p) => ({ path: p.index === undefined ? 'params.id' : `body.lines.${p.index}.${fieldOf[p.code]}`, message: p.message, code: p.code })),
  );
}

const returnNotFound = (id: string) => new AppError('not_found', `return ${id} does not exist`, [{ path: 'params.id', message: 'unknown return id' }]);

/**
 * Returns (DESIGN §5 step 6): RMA → receipt → inspection in quarantine → disposition → credit memo.
 * Each step is one transaction that moves the RMA through its lifecycle, posts the hub's own ledger
 * movements for the goods (never writing positions directly) and appends its events last; position
 * changes are published after commit so ATP sees restocked units at once. Every step is safe to
 * repeat: the RMA's version guards each write, a receipt number is taken once, and a return gets at
 * most one credit memo.
 */
export function createOrderReturns(deps: OrderReturnsDeps) {
  // A broken lifecycle table is a bug in this release; it stops the hub before it takes a return.
  const problems = checkLifecycle(returnLifecycle);
  if (problems.length > 0) throw new Error(`the return lifecycle is inconsistent:\n${problems.join('\n')}`);
  const returns = createReturnService({ db: deps.db });
  const creditMemos = createCreditMemoService({ db: deps.db, ids: deps.ids });
  const event = (type: string, rma: ReturnAuthorization, data: Record<string, unknown> = {}): NewEvent => ({
    source: RETURNS_SOURCE,
    type,
    subject: `order:${rma.orderId}`,
    data: { returnId: rma.id, rmaNumber: rma.rmaNumber, orderId: rma.orderId, ...data, return: rma },
  });

  async function visibleReturn(id: string, scope: ReturnScope): Promise<ReturnAuthorization> {
    const rma = await returns.find(id);
    if (!rma || (scope.partnerCode !== null && rma.partnerCode !== scope.partnerCode)) throw returnNotFound(id);
    return rma;
  }

  /**
   * Reads an RMA under its order's lock: every writer of an order's RMAs (and of the order) takes that
   * lock first, so what is decided here is not overwritten by a concurrent step.
   */
  async function lockReturn(tx: Tx, rma: ReturnAuthorization): Promise<ReturnAuthorization> {
    invariant(await deps.orders.store.lockForUpdate(tx, rma.orderId), `return ${rma.id} names order ${rma.orderId}, which does not exist`);
    const current = await returns.find(rma.id, tx);
    invariant(current, `return ${rma.id} disappeared`);
    return current;
  }

  /**
   * Saves a step's RMA over the locked `before` and appends the step's events as the transaction's
   * last writes (I8); the lock makes a lost version race a bug, not a business outcome.
   */
  async function saveIn(tx: Tx, before: ReturnAuthorization, after: ReturnAuthorization, events: NewEvent[]): Promise<void> {
    invariant(await returns.save(tx, before, after), `return ${before.id} changed under its row lock`);
    await deps.outbox.appendMany(tx, events);
  }

  /** Posts movements in the caller's transaction; a refusal by the ledger becomes a 409 naming it. */
  async function post(tx: Tx, movements: CrossdockMovement[], what: string): Promise<{ changes: PositionChange[]; events: NewEvent[] }> {
    const posted = await deps.inventory.movements.postIn(tx, movements);
    const refused = posted.outcomes.flatMap((o, i) => (o.ok ? [] : [{ path: 'body.lines', message: `${movements[i]!.sku} at ${movements[i]!.locationCode}: ${o.rejection.message}` }]));
    if (refused.length > 0) throw new AppError('conflict', `the ledger refused the ${what}: ${refused.map((r) => r.message).join('; ')}`, refused);
    return { changes: posted.changes, events: posted.events };
  }

  /** Issues the return's credit memo and moves the RMA to credited; the memo is announced with the order. */
  async function creditIn(tx: Tx, rma: ReturnAuthorization, nowMs: number): Promise<{ rma: ReturnAuthorization; creditMemo: CreditMemo; events: NewEvent[] }> {
    const credit = creditFor(rma);
    const issued = await creditMemos.issueIn(
      tx,
      { returnId: rma.id, rmaNumber: rma.rmaNumber, orderId: rma.orderId, customerCode: rma.customerCode, currency: rma.currency, lines: credit.lines, partnerCode: rma.partnerCode },
      nowMs,
    );
    // The RMA is locked and was not credited, so an existing memo would mean one was issued without it.
    invariant(issued.result === 'issued', `return ${rma.id} already has credit memo ${issued.creditMemo.id} but was not credited`);
    const credited = applyCredit(rma, issued.creditMemo.id, isoTime(nowMs));
    invariant(credited.ok, `return ${rma.id} is ${rma.state} and cannot be credited`);
    const events: NewEvent[] = [
      {
        source: '/crossdock/finance',
        type: 'crossdock.finance.credit_memo_issued',
        subject: `order:${rma.orderId}`,
        data: { creditMemo: issued.creditMemo, returnId: rma.id, rmaNumber: rma.rmaNumber, orderId: rma.orderId },
      },
    ];
    return { rma: credited.rma, creditMemo: issued.creditMemo, events };
  }

  /** Disposition movements: out of quarantine, and out of stock unless restocked. */
  const dispositionMovements = (rma: ReturnAuthorization, applied: readonly AppliedDisposition[]): CrossdockMovement[] =>
    // Units of an inspection-free return were put straight into stock at receipt; nothing is quarantined.
    rma.inspectionRequired
      ? applied.map((d) => ({ sku: d.sku, locationCode: rma.locationCode, type: 'disposition', deltas: dispositionDeltas(d.disposition, d.quantity), reference: `return:${rma.id}`, reasonCode: d.disposition }))
      : [];

  async function authorize(input: AuthorizeReturnInput, scope: ReturnScope = unscoped): Promise<ReturnCommandResult> {
    const orderMissing = () => new AppError('not_found', `order ${input.orderId} does not exist`, [{ path: 'body.orderId', message: 'unknown order id' }]);
    const order = await deps.orders.store.get(input.orderId);
    if (!order || (scope.partnerCode !== null && order.partnerCode !== scope.partnerCode)) throw orderMissing();
    if (input.locationCode !== undefined && !(await deps.catalog.locations.getMany([input.locationCode])).has(input.locationCode)) {
      throw new AppError('unknown_reference', `location ${input.locationCode} does not exist`, [{ path: 'body.locationCode', message: 'unknown location' }]);
    }
    const policy = await deps.policies.activeOf(returnsPolicy);
    const now = deps.clock.now();

    const created = await deps.db.transaction().execute(async (tx) => {
      // The order's lock serialises RMAs of one order, so two requests cannot both take the same shipped units.
      const current = await deps.orders.store.lockForUpdate(tx, order.id);
      invariant(current, `order ${order.id} disappeared`);
      const shipments = await deps.fulfillment.shipments.listForOrder(order.id, tx);
      const existing = await returns.listForOrder(order.id, tx);
      const checked = checkAuthorization({ order: current, shipments, existing, policy: policy.document, lines: input.lines, nowMs: now });
      if (!checked.ok) throw refusalError(checked);
      const id = deps.ids.next();
      const expiresAtMs = expiresAtMsOf(now, policy.document.windowDays);
      const rma: ReturnAuthorization = {
        id,
        rmaNumber: rmaNumberOf(id),
        orderId: order.id,
        ...(current.partnerCode !== undefined && { partnerCode: current.partnerCode }),
        customerCode: current.customerCode,
        currency: current.currency,
        locationCode: input.locationCode ?? checked.defaultLocationCode,
        state: 'authorized',
        inspectionRequired: policy.document.restockInspectionRequired,
        policyVersion: policy.version,
        lines: checked.lines,
        authorizedAt: isoTime(now),
        expiresAt: isoTime(expiresAtMs),
        updatedAt: isoTime(now),
        version: 1,
      };
      await returns.insert(tx, rma);
      await deps.timers.schedule(tx, { kind: RETURN_EXPIRY_TIMER, key: returnExpiryTimerKey(id), dueAt: expiresAtMs, payload: { returnId: id } });
      await deps.outbox.appendMany(tx, [event('crossdock.return.authorized', rma, { policyVersion: policy.version })]);
      return rma;
    });
    return { result: 'authorized', return: created };
  }

  async function receive(returnId: string, input: ReturnReceiptInput, scope: ReturnScope = unscoped): Promise<ReturnCommandResult> {
    const seen = await visibleReturn(returnId, scope);
    const answerExisting = async (rma: ReturnAuthorization): Promise<ReturnCommandResult> => {
      const creditMemo = await creditMemos.findByReturn(rma.id);
      return { result: 'exists', return: rma, ...(creditMemo && { creditMemo }) };
    };
    if (seen.receiptNumber === input.receiptNumber) return answerExisting(seen);

    const now = deps.clock.now();
    const nowIso = isoTime(now);
    let changes: PositionChange[] = [];
    const outcome = await deps.db.transaction().execute(async (tx): Promise<ReturnCommandResult | ReturnAuthorization> => {
      const current = await lockReturn(tx, seen);
      // The same receipt arrived twice at once; the first one took effect.
      if (current.receiptNumber === input.receiptNumber) return current;
      if (current.receiptNumber !== undefined) {
        throw new AppError('invalid_state', `RMA ${current.rmaNumber} was received already, under receipt ${current.receiptNumber}; an RMA takes one receipt`, [
          { path: 'body.receiptNumber', message: `already received under ${current.receiptNumber}` },
        ]);
      }
      const received = applyReceipt(current, input, nowIso);
      if (!received.ok) throw refusalError(received);
      let rma = received.rma;
      const movements: CrossdockMovement[] = rma.lines
        .filter((l) => l.receivedQuantity > 0)
        .map((l) => ({ sku: l.sku, locationCode: rma.locationCode, type: 'return_receipt', deltas: receiptDeltas(rma.inspectionRequired, l.receivedQuantity), reference: `return:${rma.id}`, reasonCode: l.reasonCode }));
      const stock = await post(tx, movements, 'return receipt');
      await deps.timers.cancel(tx, returnExpiryTimerKey(rma.id));
      const events: NewEvent[] = [event('crossdock.return.received', rma, { receiptNumber: input.receiptNumber, inspectionRequired: rma.inspectionRequired })];
      let creditMemo: CreditMemo | undefined;
      if (!rma.inspectionRequired) {
        // Without inspection the goods went straight back into stock: the receipt is their disposition.
        const restocked = applyDisposition(rma, restockEverything(rma), nowIso);
        invariant(restocked.ok && restocked.complete, `return ${rma.id}: restocking every received unit must dispose the return`);
        events.push(event('crossdock.return.disposed', restocked.rma, { dispositions: restocked.applied }));
        const credited = await creditIn(tx, restocked.rma, now);
        rma = credited.rma;
        creditMemo = credited.creditMemo;
        events.push(...credited.events);
      }
      await saveIn(tx, current, rma, [...stock.events, ...events]);
      changes = stock.changes;
      return { result: 'received', return: rma, ...(creditMemo && { creditMemo }) };
    });
    if (!('result' in outcome)) return answerExisting(outcome);
    deps.inventory.inventoryChanges.publish(changes);
    return outcome;
  }

  async function dispose(returnId: string, input: ReturnDispositionInput, scope: ReturnScope = unscoped): Promise<ReturnCommandResult> {
    const seen = await visibleReturn(returnId, scope);
    const now = deps.clock.now();
    const nowIso = isoTime(now);
    let changes: PositionChange[] = [];
    const outcome = await deps.db.transaction().execute(async (tx): Promise<ReturnCommandResult> => {
      const current = await lockReturn(tx, seen);
      const disposed = applyDisposition(current, input, nowIso);
      if (!disposed.ok) throw refusalError(disposed);
      const stock = await post(tx, dispositionMovements(current, disposed.applied), 'disposition');
      let rma = disposed.rma;
      const events: NewEvent[] = [event(disposed.complete ? 'crossdock.return.disposed' : 'crossdock.return.inspected', rma, { dispositions: disposed.applied })];
      let creditMemo: CreditMemo | undefined;
      if (disposed.complete) {
        const credited = await creditIn(tx, rma, now);
        rma = credited.rma;
        creditMemo = credited.creditMemo;
        events.push(...credited.events);
      }
      await saveIn(tx, current, rma, [...stock.events, ...events]);
      changes = stock.changes;
      return { result: rma.state === 'credited' ? 'credited' : 'inspected', return: rma, ...(creditMemo && { creditMemo }) };
    });
    deps.inventory.inventoryChanges.publish(changes);
    return outcome;
  }

  /** The expiry timer: an RMA nothing came back for expires; one that received goods is left alone. */
  const handleExpiryTimer: TimerHandler = async (tx, timer) => {
    const { returnId } = returnExpiryTimerPayloadSchema.parse(timer.payload);
    const stored = await returns.find(returnId, tx);
    invariant(stored, `expiry timer ${timer.key} names return ${returnId}, which does not exist`);
    const current = await lockReturn(tx, stored);
    const expired = applyExpiry(current, deps.clock.now());
    if (!expired.ok && expired.reason === 'not_waiting') return;
    // The timer is due by the same clock, so this means the clock stepped back between claiming the
    // timer and now; failing keeps the timer pending and retried rather than fired with no effect.
    if (!expired.ok) throw new Error(`return ${returnId} is not due to expire until ${current.expiresAt}`);
    await saveIn(tx, current, expired.rma, [event('crossdock.return.expired', expired.rma)]);
  };
  deps.timers.registerHandler(RETURN_EXPIRY_TIMER, handleExpiryTimer);

  /** Whether an order exists and the caller may see it; for the order's returns list. */
  async function orderVisible(orderId: string, scope: ReturnScope): Promise<boolean> {
    const order = await deps.orders.store.get(orderId);
    return order !== undefined && (scope.partnerCode === null || order.partnerCode === scope.partnerCode);
  }

  return { authorize, receive, dispose, orderVisible, handleExpiryTimer, store: returns, creditMemos };
}

export type OrderReturns = ReturnType<typeof createOrderReturns>;
