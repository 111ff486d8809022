import type { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { NewEvent, OutboxService } from '../../platform/outbox/index.ts';
import type { TimerHandler, TimerService } from '../../platform/timers/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';
import type { Reservation, reservationStates } from './inventory.types.ts';

type ReservationState = (typeof reservationStates)[number];
import { postToLedger, type PostingReport } from './ledger.posting.ts';
import { positionKey } from './ledger.repo.ts';
import { sellable } from './ledger.rules.ts';
import type { PositionChange, PositionChangeBus } from './position-changes.ts';
import { AVAILABILITY_CHANGED } from './feed.events.ts';
import * as repo from './reservations.repo.ts';
import { existingReservation, toReservation } from './reservations.view.ts';
import {
  expiryTimerKey,
  expiryTimerPayloadSchema,
  RESERVATION_EXPIRY_TIMER,
  releaseReasonSchema,
  reserveInputSchema,
  type CommitOutcome,
  type ExpireOutcome,
  type ReleaseOutcome,
  type ReserveInput,
  type ReserveOutcome,
} from './reservations.types.ts';

/**
 * Two-phase reservations (DESIGN §4): `pending` holds stock for an order line; it then resolves once
 * (I4) as `committed` (consumed by a shipment), `released` (given back) or `expired` (by its timer).
 * Every step is one transaction: the reservation row, the ledger movement on the `reserved` bucket,
 * the expiry timer and the outbox event commit together, and the changed position is announced on the
 * position-change bus only after the commit.
 *
 * Committing only lowers `reserved`: the units are still on hand until the shipment flow posts its
 * `ship` movement. That flow should do both in one transaction with `commitIn`, so there is no moment
 * where the units are neither reserved nor shipped and could be promised twice.
 */
export interface ReservationService {
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  /**
   * Takes several reservations inside the caller's transaction, for a flow that allocates a whole
   * order at once. Each is checked against free stock on its own (I3); one refused does not stop the
   * others. Nothing is appended to the outbox: the caller appends `events` as its transaction's last
   * writes and publishes `changes` after commit.
   */
  reserveManyIn(tx: Tx, inputs: readonly ReserveInput[]): Promise<{ outcomes: ReserveOutcome[]; changes: PositionChange[]; events: NewEvent[] }>;
  commit(id: string, options?: { reference?: string | undefined }): Promise<CommitOutcome>;
  release(id: string, reason: string): Promise<ReleaseOutcome>;
  /** Normally called by the expiry timer; never expires a reservation before its expiry time. */
  expire(id: string): Promise<ExpireOutcome>;
  /**
   * `commit` inside the caller's transaction, for a flow that posts the shipment in the same one.
   * The caller publishes `changes` on the position-change bus after its transaction commits.
   */
  commitIn(tx: Tx, id: string, options?: { reference?: string | undefined }): Promise<{ outcome: CommitOutcome; changes: PositionChange[] }>;
  /**
   * Commits or releases several reservations inside the caller's transaction without appending to the
   * outbox: the caller appends `events` as its transaction's last writes (on PostgreSQL an append
   * holds the outbox lock until commit, so writing after it would invite deadlocks) and publishes
   * `changes` after commit. Each reservation resolves at most once (I4); one already resolved is
   * reported as such.
   */
  resolveManyIn(
    tx: Tx,
    ids: readonly string[],
    to: 'committed' | 'released',
    detail: { reasonCode?: string; reference?: string },
  ): Promise<{ outcomes: Array<{ result: 'committed' | 'released' | 'already_resolved'; reservation: Reservation }>; changes: PositionChange[]; events: NewEvent[] }>;
  /** The handler for RESERVATION_EXPIRY_TIMER; it runs inside the transaction that fires the timer. */
  handleExpiryTimer: TimerHandler;
  /** 404 `not_found` when absent. */
  get(id: string): Promise<Reservation>;
  listByOrder(orderId: string): Promise<Reservation[]>;
  /** A SKU's reservations in a state, newest first, one page at a time. */
  listBySku(query: { sku: string; state: ReservationState; locationCode?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<Reservation>>;
}

export interface ReservationDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  timers: Pick<TimerService, 'schedule' | 'cancel'>;
  outbox: Pick<OutboxService, 'appendMany'>;
  changes: PositionChangeBus;
  /**
   * Whether a location lets on hand go below zero (I2). A reservation never changes on hand and
   * needs free sellable stock, so this cannot change a reservation's outcome; it is passed to the
   * posting rules so that they judge every movement the same way.
   */
  allowNegativeOnHand?: (locationCode: string) => boolean;
  /**
   * Outbox events announcing changed positions (the channel change feed), appended in the same
   * transaction as the movement (I8); the ingest service announces its changes the same way.
   */
  announce?: (changes: readonly PositionChange[]) => NewEvent[];
}

const EVENT_SOURCE = '/crossdock/inventory';
const movementTypeOf = { committed: 'reservation_commit', released: 'reservation_release', expired: 'reservation_expire' } as const;

/** The positions a posting changed, as the bus announces them. */
function changesOf(report: PostingReport, acceptedAtMs: number): PositionChange[] {
  if (!report.outcomes.some((o) => o.ok)) return [];
  return [...report.positions.values()].map((p) => ({ ...p, lastMovementSeq: report.lastMovementSeq, acceptedAtMs }));
}

/** Thrown inside the reserve transaction to roll it back when the stock is not there. */
class NotEnoughStock extends Error {
  constructor(readonly available: number) {
    super('not enough stock to reserve');
  }
}

type Resolution = { result: repo.ResolvedState | 'already_resolved' | 'not_due'; reservation: Reservation };

export function createReservationService(deps: ReservationDeps): ReservationService {
  const { db, kind, clock, ids, timers, outbox, changes } = deps;
  const allowNegativeOnHand = deps.allowNegativeOnHand ?? (() => false);

  const notFound = (id: string) => new AppError('not_found', `reservation ${id} does not exist`, [{ path: 'id', message: 'no reservation with this id' }]);

  /**
   * The transaction's last writes (on PostgreSQL an append holds the outbox lock until commit): the
   * position announcements, then the reservation's own event, about the reservation as its subject.
   */
  async function appendEvents(
    tx: Tx,
    changed: readonly PositionChange[],
    event: { type: string; reservation: Reservation; extra: Record<string, string> },
    collect?: NewEvent[],
  ) {
    const events: NewEvent[] = [
      ...(deps.announce?.(changed) ?? []),
      { source: EVENT_SOURCE, type: event.type, subject: `reservation:${event.reservation.id}`, data: { reservation: event.reservation, ...event.extra } },
    ];
    // A caller that writes more after this collects the events and appends them last itself.
    if (collect) collect.push(...events);
    else await outbox.appendMany(tx, events);
  }

  /**
   * Resolves a pending reservation in the caller's transaction: the guarded state change first, and
   * the movement only when that change happened, so a second resolver posts nothing (I4).
   */
  async function resolveIn(tx: Tx, id: string, to: repo.ResolvedState, detail: { reasonCode?: string; reference?: string }, collect?: NewEvent[]) {
    const now = clock.now();
    // A committed or released reservation has no use for its expiry timer. It is cancelled first, so
    // that this transaction locks the timer before the reservation, in the same order as a firing
    // timer does; the other order could deadlock against it on PostgreSQL. Should the reservation
    // turn out to be resolved already, the timer had nothing left to do anyway. An expiry leaves the
    // timer alone: a direct call that is not due must not take away the timer that will be.
    if (to !== 'expired') await timers.cancel(tx, expiryTimerKey(id));
    const resolved = await repo.resolveIfPending(tx, id, to, now);
    if (!resolved) {
      const current = await repo.findReservation(tx, id);
      if (!current) throw notFound(id);
      const resolution: Resolution = { result: current.state === 'pending' ? 'not_due' : 'already_resolved', reservation: toReservation(current) };
      return { resolution, changes: [] as PositionChange[] };
    }
    const quantity = Number(resolved.quantity);
    const report = await postToLedger(
      tx,
      // Giving a hold back lowers only `reserved`; it must never be refused because on hand, which it
      // does not touch, is negative at a location that allows that.
      { kind, ids, now, allowNegativeOnHand: () => true },
      [
        {
          sku: resolved.sku,
          locationCode: resolved.location_code,
          type: movementTypeOf[to],
          deltas: { reserved: -quantity },
          reasonCode: detail.reasonCode ?? null,
          source: 'crossdock',
          sourceSequence: null,
          occurredAt: now,
          receivedAt: now,
          reservationId: id,
          reference: detail.reference ?? null,
        },
      ],
    );
    const [posted] = report.outcomes;
    // The reserved bucket always holds at least every pending reservation; if it does not, the ledger
    // is broken and the transaction must not commit.
    invariant(posted?.ok, `reservation ${id}: releasing ${quantity} from reserved was refused: ${posted && !posted.ok ? posted.rejection.message : 'no outcome'}`);
    const reservation = toReservation(resolved);
    const changed = changesOf(report, now);
    await appendEvents(tx, changed, {
      type: `crossdock.inventory.reservation.${to}`,
      reservation,
      extra: { ...(detail.reasonCode ? { reason: detail.reasonCode } : {}), ...(detail.reference ? { reference: detail.reference } : {}) },
    }, collect);
    const resolution: Resolution = { result: to, reservation };
    return { resolution, changes: changed };
  }

  /** Resolves in a transaction of its own and announces the change after it commits. */
  async function resolve(id: string, to: repo.ResolvedState, detail: { reasonCode?: string; reference?: string }): Promise<Resolution> {
    const { resolution, changes: changed } = await db.transaction().execute((tx) => resolveIn(tx, id, to, detail));
    changes.publish(changed);
    return resolution;
  }

  /** Only an expiry can find a reservation still pending; commit and release always resolve it. */
  const decided = <Done extends 'committed' | 'released'>(resolution: Resolution, done: Done) => {
    invariant(resolution.result === done || resolution.result === 'already_resolved', `a ${done} reservation cannot be ${resolution.result}`);
    return resolution as { result: Done | 'already_resolved'; reservation: Reservation };
  };

  const newRecord = (input: z.output<typeof reserveInputSchema>, now: number): repo.ReservationRecord => ({
    id: input.reservationId ?? ids.next(),
    order_id: input.orderId,
    line_number: input.lineNumber,
    sku: input.sku,
    location_code: input.locationCode,
    quantity: input.quantity,
    state: 'pending',
    created_at: now,
    expires_at: input.ttlMs === undefined ? null : now + input.ttlMs,
    resolved_at: null,
  });

  return {
    async reserve(raw) {
      const input = reserveInputSchema.parse(raw);
      const now = clock.now();
      const row = newRecord(input, now);
      const id = row.id;
      let outcome: ReserveOutcome;
      let changed: PositionChange[] = [];
      try {
        outcome = await db.transaction().execute(async (tx): Promise<ReserveOutcome> => {
          // The row goes in first: a repeated id stops here, before anything is posted.
          if (!(await repo.insertReservationIfNew(tx, row))) return existingReservation(await repo.findReservation(tx, id), input);
          const report = await postToLedger(tx, { kind, ids, now, allowNegativeOnHand }, [
            {
              sku: input.sku,
              locationCode: input.locationCode,
              type: 'reservation_create',
              deltas: { reserved: input.quantity },
              reserveQuantity: input.quantity,
              source: 'crossdock',
              sourceSequence: null,
              occurredAt: now,
              receivedAt: now,
              reservationId: id,
              reference: `order/${input.orderId}/line/${input.lineNumber}`,
            },
          ]);
          const [posted] = report.outcomes;
          if (!posted?.ok) {
            invariant(posted?.rejection.code === 'reserved_exceeds_sellable', `reservation ${id}: unexpected rejection ${posted?.rejection.code}`);
            const position = report.positions.get(positionKey(input.sku, input.locationCode))!.buckets;
            throw new NotEnoughStock(Math.max(0, sellable(position) - position.reserved));
          }
          if (row.expires_at !== null) {
            await timers.schedule(tx, { kind: RESERVATION_EXPIRY_TIMER, key: expiryTimerKey(id), dueAt: row.expires_at, payload: { reservationId: id } });
          }
          const reservation = toReservation(row);
          changed = changesOf(report, now);
          await appendEvents(tx, changed, { type: 'crossdock.inventory.reservation.created', reservation, extra: {} });
          return { result: 'reserved', reservation };
        });
      } catch (error) {
        if (error instanceof NotEnoughStock) return { result: 'insufficient', available: error.available };
        throw error;
      }
      changes.publish(changed);
      return outcome;
    },

    async reserveManyIn(tx, raws) {
      const now = clock.now();
      const rows = raws.map((raw) => newRecord(reserveInputSchema.parse(raw), now));
      const report = await postToLedger(
        tx,
        { kind, ids, now, allowNegativeOnHand },
        rows.map((row) => ({
          sku: row.sku,
          locationCode: row.location_code,
          type: 'reservation_create',
          deltas: { reserved: row.quantity },
          reserveQuantity: row.quantity,
          source: 'crossdock',
          sourceSequence: null,
          occurredAt: now,
          receivedAt: now,
          reservationId: row.id,
          reference: `order/${row.order_id}/line/${row.line_number}`,
        })),
      );
      const outcomes: ReserveOutcome[] = [];
      const events: NewEvent[] = [];
      const taken: repo.ReservationRecord[] = [];
      for (const [i, posted] of report.outcomes.entries()) {
        const row = rows[i]!;
        if (!posted.ok) {
          invariant(posted.rejection.code === 'reserved_exceeds_sellable', `reservation ${row.id}: unexpected rejection ${posted.rejection.code}`);
          const position = report.positions.get(positionKey(row.sku, row.location_code))!.buckets;
          outcomes.push({ result: 'insufficient', available: Math.max(0, sellable(position) - position.reserved) });
          continue;
        }
        taken.push(row);
        const reservation = toReservation(row);
        outcomes.push({ result: 'reserved', reservation });
        events.push({ source: EVENT_SOURCE, type: 'crossdock.inventory.reservation.created', subject: `reservation:${row.id}`, data: { reservation } });
      }
      await repo.insertReservations(tx, taken);
      for (const row of taken) {
        if (row.expires_at !== null) {
          await timers.schedule(tx, { kind: RESERVATION_EXPIRY_TIMER, key: expiryTimerKey(row.id), dueAt: row.expires_at, payload: { reservationId: row.id } });
        }
      }
      const changed = changesOf(report, now);
      return { outcomes, changes: changed, events: [...(deps.announce?.(changed) ?? []), ...events] };
    },

    async commit(id, options = {}) {
      return decided(await resolve(id, 'committed', options.reference ? { reference: options.reference } : {}), 'committed');
    },

    async release(id, reason) {
      return decided(await resolve(id, 'released', { reasonCode: releaseReasonSchema.parse(reason) }), 'released');
    },

    async expire(id) {
      return (await resolve(id, 'expired', {})) as ExpireOutcome;
    },

    async commitIn(tx, id, options = {}) {
      const { resolution, changes: changed } = await resolveIn(tx, id, 'committed', options.reference ? { reference: options.reference } : {});
      return { outcome: decided(resolution, 'committed'), changes: changed };
    },

    async resolveManyIn(tx, ids, to, detail) {
      if (to === 'released' && detail.reasonCode !== undefined) releaseReasonSchema.parse(detail.reasonCode);
      const events: NewEvent[] = [];
      const changed = new Map<string, PositionChange>();
      const outcomes: Array<{ result: 'committed' | 'released' | 'already_resolved'; reservation: Reservation }> = [];
      for (const id of ids) {
        const { resolution, changes: c } = await resolveIn(tx, id, to, detail, events);
        invariant(resolution.result === to || resolution.result === 'already_resolved', `a ${to} reservation cannot be ${resolution.result}`);
        outcomes.push(resolution as { result: 'committed' | 'released' | 'already_resolved'; reservation: Reservation });
        // Later changes of the same position supersede earlier ones.
        for (const change of c) changed.set(positionKey(change.sku, change.locationCode), change);
      }
      // One availability announcement for the whole batch rather than one per reservation.
      const merged = [...changed.values()];
      const own = events.filter((e) => e.type !== AVAILABILITY_CHANGED);
      return { outcomes, changes: merged, events: [...(deps.announce?.(merged) ?? []), ...own] };
    },

    async handleExpiryTimer(tx, timer, hooks) {
      const { reservationId } = expiryTimerPayloadSchema.parse(timer.payload);
      const { resolution, changes: changed } = await resolveIn(tx, reservationId, 'expired', {});
      // The timer is due by the same clock, so this means the clock stepped back between claiming the
      // timer and now. Failing keeps the timer pending and retried, instead of marking it fired and
      // leaving the reservation to hold stock for ever.
      if (resolution.result === 'not_due') throw new Error(`reservation ${reservationId} is not due to expire until ${resolution.reservation.expiresAt}`);
      hooks.afterCommit(() => changes.publish(changed));
    },

    async get(id) {
      const row = await repo.findReservation(db, id);
      if (!row) throw notFound(id);
      return toReservation(row);
    },

    async listByOrder(orderId) {
      return (await repo.listReservationsByOrder(db, orderId)).map(toReservation);
    },

    async listBySku(query) {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['n', 's'] as const);
      const rows = await repo.listReservationsBySku(db, { ...query, after: after && { createdAt: after[0], id: after[1] }, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return { items: page.map(toReservation), nextCursor: rows.length > query.limit && last ? encodeCursor([Number(last.created_at), last.id]) : null };
    },
  };
}
