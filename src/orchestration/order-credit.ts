import { isoTime, type Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/auth/roles.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError, invariant } from '../platform/errors.ts';
import type { NewEvent, OutboxService } from '../platform/outbox/index.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import type { DecisionService, NewDecision } from '../domains/decisions/index.ts';
import type { CreditUpdate, CreditUpdateService, ReceivablesService } from '../domains/finance/index.ts';
import type { InventoryModule, PositionChange } from '../domains/inventory/index.ts';
import {
  allocationEventType,
  applyAllocation,
  applyCancellation,
  creditReleaseVerdict,
  openCreditHolds,
  openOrdersValue,
  ordersOnCreditHold,
  resolveHold,
  revertSubstitution,
  unallocated,
  type Hold,
  type HoldResolution,
  type Order,
  type OrdersModule,
} from '../domains/orders/index.ts';
import { creditPolicy, holdsPolicy, type PolicyService } from '../domains/policies/index.ts';
import { refuseTimeAhead } from '../domains/shared/index.ts';

export interface OrderCreditDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  policies: PolicyService;
  orders: OrdersModule;
  outbox: OutboxService;
  decisions: DecisionService;
  credit: CreditUpdateService;
  receivables: ReceivablesService;
  inventory: InventoryModule;
}

export interface CreditReview {
  released: Array<{ orderId: string; holdIds: string[]; exposureMinor: number; limitMinor: number }>;
  stillHeld: Array<{ orderId: string; reasonCode: string; message: string; exposureMinor?: number; limitMinor?: number }>;
}

export type CreditUpdateResult = { result: 'applied' | 'stale' | 'superseded' | 'duplicate'; customerCode: string; reference: string } & CreditReview;

/** Who resolved a hold, as recorded on it: the rule, or the API key of the person who acted. */
export const CREDIT_RULE = 'rule:credit';
const byKey = (principal: Principal) => `key:${principal.keyId}`;
/** Hold types that have a decision kind of their own; a compliance hold's resolution is on the hold only. */
const decidedHoldTypes = new Set<Hold['type']>(['credit', 'substitution', 'pricing']);
const VERSION_RETRIES = 5;

const notFound = (what: string, path: string) => new AppError('not_found', `${what} does not exist`, [{ path, message: `unknown ${path.split('.').pop()}` }]);

/**
 * Credit after intake (DESIGN §5.2): the ERP or finance reports receivables, limits and its own hold
 * flag; each report updates the customer's master data once (deduplicated by reference, stale when
 * older than the newest) and re-evaluates the customer's orders on credit hold, oldest first. A hold
 * is released by the rule when exposure is back within the limit, or by an authorised person, once
 * (I4). A released order goes on to allocation; a rejected one is cancelled.
 */
export function createOrderCredit(deps: OrderCreditDeps) {
  /** Releases an order's open credit holds by the rule, in one transaction with its decision and events. */
  async function releaseByRule(orderId: string, verdict: { exposureMinor: number; limitMinor: number }, policyVersion: number): Promise<string[]> {
    const now = deps.clock.now();
    return deps.db.transaction().execute(async (tx) => {
      const current = await deps.orders.store.lockForUpdate(tx, orderId);
      if (!current) return [];
      const holds = openCreditHolds(current);
      if (holds.length === 0) return [];
      let next: Order = current;
      const resolved: Hold[] = [];
      for (const hold of holds) {
        const r = resolveHold(next, hold.id, 'released', CREDIT_RULE, isoTime(now));
        invariant(r.result === 'ok', `the open credit hold ${hold.id} of order ${orderId} could not be resolved`);
        next = r.order;
        resolved.push(r.hold);
      }
      // resolveHold counts a version per hold; the order is saved once.
      next = { ...next, version: current.version + 1 };
      invariant(await deps.orders.store.save(tx, current, next), `order ${orderId} changed under its row lock`);
      const reason = `exposure ${verdict.exposureMinor} is within the credit limit ${verdict.limitMinor}`;
      const decision: NewDecision = {
        kind: 'credit',
        subject: { type: 'order', id: orderId },
        outcome: 'released',
        reasons: [{ code: 'within_credit_limit', message: reason }],
        inputs: { customerCode: current.customerCode, exposureMinor: verdict.exposureMinor, limitMinor: verdict.limitMinor, holdIds: resolved.map((h) => h.id) },
        policyId: 'credit',
        policyVersion,
        madeBy: 'rule',
        appliedAutomatically: true,
        madeAt: isoTime(now),
      };
      await deps.decisions.record(tx, [decision]);
      await deps.outbox.appendMany(
        tx,
        resolved.map((hold) => ({ source: '/crossdock/orchestration', type: 'crossdock.order.hold_released', subject: `order:${orderId}`, data: { orderId, hold, reason } })),
      );
      return resolved.map((h) => h.id);
    });
  }

  /**
   * Re-evaluates a customer's credit holds, oldest order first. Exposure counts receivables, the
   * customer's open orders not on credit hold, the orders released earlier in this pass, and the
   * order itself — so a payment that makes room for one order does not release two.
   */
  async function reviewCustomer(customerCode: string): Promise<CreditReview> {
    const [policy, customer, held, openValueMinor] = await Promise.all([
      deps.policies.activeOf(creditPolicy),
      deps.catalog.customers.find(customerCode),
      ordersOnCreditHold(deps.db, customerCode),
      openOrdersValue(deps.db, customerCode),
    ]);
    const review: CreditReview = { released: [], stillHeld: [] };
    if (!customer) return review;
    if (!policy.document.autoReleaseOnPayment) {
      for (const h of held) review.stillHeld.push({ orderId: h.order.id, reasonCode: 'auto_release_off', message: 'the credit policy leaves credit holds to finance' });
      return review;
    }
    let otherOpenMinor = openValueMinor - held.reduce((sum, h) => sum + h.valueMinor, 0);
    for (const h of held) {
      const verdict = creditReleaseVerdict(customer, otherOpenMinor, h.valueMinor, policy.document);
      if (!verdict.release) {
        review.stillHeld.push({ orderId: h.order.id, reasonCode: verdict.reasonCode, message: verdict.message, exposureMinor: verdict.exposureMinor, limitMinor: verdict.limitMinor });
        continue;
      }
      const holdIds = await releaseByRule(h.order.id, verdict, policy.version);
      // Released here or, a moment ago, by a concurrent review: either way it is open exposure now.
      otherOpenMinor += h.valueMinor;
      if (holdIds.length === 0) continue;
      review.released.push({ orderId: h.order.id, holdIds, exposureMinor: verdict.exposureMinor, limitMinor: verdict.limitMinor });
    }
    return review;
  }

  /**
   * Writes the update into the customer's master data with the catalog's version check. A newer
   * update claimed meanwhile wins: this one is then superseded and writes nothing. Reading the
   * customer before asking whether this update is still the newest makes the version check catch a
   * newer update written in between. The ERP's figure cannot include the invoices and credit memos
   * Crossdock issued after its as-of time, so those are added to it; one counted meanwhile changes
   * the customer's version, and the attempt starts again.
   */
  async function writeMasterData(customerCode: string, update: CreditUpdate): Promise<'applied' | 'superseded'> {
    for (let attempt = 1; ; attempt++) {
      const current = await deps.catalog.customers.find(customerCode);
      if (!current) throw notFound(`customer ${customerCode}`, 'params.code');
      if (!(await deps.credit.isNewest(customerCode, update))) return 'superseded';
      const issuedSinceMinor = await deps.receivables.issuedAfter(customerCode, Date.parse(update.asOf));
      const { version, createdAt: _createdAt, updatedAt: _updatedAt, ...document } = current;
      const next = {
        ...document,
        openReceivablesMinor: update.openReceivablesMinor + issuedSinceMinor,
        ...(update.creditLimitMinor !== undefined && { creditLimitMinor: update.creditLimitMinor }),
        ...(update.erpCreditHold !== undefined && { erpCreditHold: update.erpCreditHold }),
      };
      try {
        await deps.catalog.customers.update(customerCode, next, { expectedVersion: version });
        return 'applied';
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'version_conflict') || attempt >= VERSION_RETRIES) throw error;
      }
    }
  }

  async function applyCreditUpdate(customerCode: string, update: CreditUpdate): Promise<CreditUpdateResult> {
    const base = { customerCode, reference: update.reference };
    const empty: CreditReview = { released: [], stillHeld: [] };
    if (!(await deps.catalog.customers.find(customerCode))) throw notFound(`customer ${customerCode}`, 'params.code');
    // The newest asOf wins and an older one is stale: figures dated next year would make every real
    // update until then stale, and the customer's credit would stand still.
    refuseTimeAhead('the credit update cannot be applied', 'asOf', update.asOf, deps.clock.now(), 'body.asOf');
    const claim = await deps.credit.claim(customerCode, update, deps.clock.now());
    if (claim.result === 'stale') return { result: 'stale', ...base, ...empty };
    // A reference seen before takes no effect again, unless its first attempt stopped half-way.
    if (claim.result === 'duplicate' && claim.status !== 'claimed') return { result: claim.status === 'stale' ? 'stale' : 'duplicate', ...base, ...empty };

    const outcome = await writeMasterData(customerCode, update);
    await deps.db.transaction().execute(async (tx) => {
      const finished = await deps.credit.finishIn(tx, customerCode, update, outcome);
      // Announced once, by the attempt that finished it; connectors and the credit review listen.
      if (finished && outcome === 'applied') {
        await deps.outbox.append(tx, { source: '/crossdock/finance', type: 'crossdock.customer.credit_updated', subject: `customer:${customerCode}`, data: { customerCode, ...update } });
      }
    });
    if (outcome === 'superseded') return { result: 'superseded', ...base, ...empty };
    return { result: 'applied', ...base, ...(await reviewCustomer(customerCode)) };
  }

  /**
   * A person releases or rejects a hold. Only the hold's owner role (or an admin) may; a hold resolves
   * once (a second attempt is 409 `invalid_state`); rejecting cancels the order.
   */
  async function resolveByPerson(orderId: string, holdId: string, resolution: HoldResolution, principal: Principal, reason: string) {
    const order = await deps.orders.store.get(orderId);
    if (!order || (principal.partnerCode !== null && order.partnerCode !== principal.partnerCode)) throw notFound(`order ${orderId}`, 'params.id');
    const hold = order.holds.find((h) => h.id === holdId);
    if (!hold) throw notFound(`hold ${holdId} of order ${orderId}`, 'params.holdId');
    if (!principal.roles.includes('admin') && !principal.roles.includes(hold.ownerRole)) {
      throw new AppError('forbidden', `hold ${holdId} is owned by ${hold.ownerRole}; this key's roles (${principal.roles.join(', ')}) may not resolve it`, [
        { path: 'params.holdId', message: `needs role ${hold.ownerRole} or admin` },
      ]);
    }
    const holdsVersion = (await deps.policies.activeOf(holdsPolicy)).version;
    const now = deps.clock.now();
    // A refused substitute gives back only its own line's stock; read which reservations hold it first
    // (on SQLite a read outside the transaction would wait for it).
    const refusedSubstitute = resolution === 'rejected' && hold.type === 'substitution' && hold.lineNumber !== undefined;
    const lineReservations = refusedSubstitute
      ? (await deps.inventory.reservations.listByOrder(orderId)).filter((r) => r.lineNumber === hold.lineNumber && r.state === 'pending')
      : [];
    let changes: PositionChange[] = [];
    const outcome = await deps.db.transaction().execute(async (tx) => {
      const current = await deps.orders.store.lockForUpdate(tx, orderId);
      invariant(current, `order ${orderId} disappeared`);
      const resolved = resolveHold(current, holdId, resolution, byKey(principal), isoTime(now));
      if (resolved.result === 'not_found') throw notFound(`hold ${holdId} of order ${orderId}`, 'params.holdId');
      if (resolved.result === 'already_resolved') throw new AppError('invalid_state', resolved.message, [{ path: 'params.holdId', message: `already ${resolved.hold.resolution}` }]);
      let next = resolved.order;
      const events: NewEvent[] = [
        { source: '/crossdock/orchestration', type: `crossdock.order.hold_${resolution}`, subject: `order:${orderId}`, data: { orderId, hold: resolved.hold, reason } },
      ];
      if (refusedSubstitute) {
        // The line goes back to the SKU the customer ordered, waiting for it: its substitute's stock is
        // given back, and allocation will not offer a substitute for it again.
        const released = await deps.inventory.reservations.resolveManyIn(
          tx,
          lineReservations.map((r) => r.id),
          'released',
          { reasonCode: 'substitution_rejected' },
        );
        const releasedQuantity = released.outcomes.filter((o) => o.result === 'released').reduce((sum, o) => sum + o.reservation.quantity, 0);
        const reverted = revertSubstitution(resolved.order, hold.lineNumber!, releasedQuantity);
        const line = reverted.lines.find((l) => l.lineNumber === hold.lineNumber)!;
        const applied = applyAllocation(reverted, [{ lineNumber: line.lineNumber, allocated: 0, backordered: unallocated(line) }], isoTime(now));
        if (!applied.ok) throw new AppError('invalid_state', `refusing the substitute of order ${orderId} line ${line.lineNumber} is not possible now: ${applied.message}`, [{ path: 'params.holdId', message: applied.reason }]);
        next = { ...applied.order, version: current.version + 1 };
        changes = released.changes;
        events.unshift(...released.events);
        events.push({ source: '/crossdock/orchestration', type: allocationEventType[applied.event], subject: `order:${orderId}`, data: { orderId, partnerCode: reverted.partnerCode ?? null, from: applied.from, to: applied.to, reason: 'substitution_rejected', holdId } });
      } else if (resolution === 'rejected') {
        // Refusing a hold refuses the order. Once anything has shipped it can no longer be cancelled
        // as a whole, so the rejection is refused instead of cancelling only what is left.
        const cancelled = applyCancellation(resolved.order, 'all', isoTime(now));
        if (!cancelled.ok || cancelled.to !== 'cancelled') {
          const why = cancelled.ok ? `part of it has shipped` : cancelled.message;
          throw new AppError('invalid_state', `rejecting hold ${holdId} would cancel order ${orderId}, which is not possible: ${why}`, [{ path: 'params.id', message: cancelled.ok ? 'shipped_lines_cannot_be_cancelled' : cancelled.reason }]);
        }
        next = { ...cancelled.order, version: current.version + 1 };
        events.push({ source: '/crossdock/orchestration', type: 'crossdock.order.cancelled', subject: `order:${orderId}`, data: { orderId, from: cancelled.from, to: cancelled.to, reason: 'hold_rejected', holdId } });
      }
      invariant(await deps.orders.store.save(tx, current, next), `order ${orderId} changed under its row lock`);
      if (decidedHoldTypes.has(hold.type)) {
        await deps.decisions.record(tx, [
          {
            kind: hold.type as NewDecision['kind'],
            subject: { type: 'order', id: orderId },
            outcome: resolution,
            reasons: [{ code: `hold_${resolution}_by_person`, message: reason }],
            inputs: { holdId, holdType: hold.type, reasonCode: hold.reasonCode, resolvedBy: byKey(principal), name: principal.name },
            policyId: 'holds',
            policyVersion: holdsVersion,
            madeBy: 'person',
            appliedAutomatically: false,
            madeAt: isoTime(now),
          },
        ]);
      }
      await deps.outbox.appendMany(tx, events);
      return { result: resolution, order: next, hold: resolved.hold };
    });
    deps.inventory.inventoryChanges.publish(changes);
    return outcome;
  }

  return { applyCreditUpdate, reviewCustomer, resolveByPerson };
}

export type OrderCredit = ReturnType<typeof createOrderCredit>;
