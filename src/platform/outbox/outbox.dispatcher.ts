import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Random } from '../random.ts';
import type { Executor, StoreKind } from '../db/store.ts';
import type { Metrics } from '../http/metrics.ts';
import * as repo from './outbox.repo.ts';
import { invariant } from '../errors.ts';
import { decideDeliveryFailure } from './outbox.rules.ts';
import type { DeadLetterObserver, DeliverySettlement, DispatchReport, EventEnvelope, Subscriber } from './outbox.types.ts';
import { toEnvelope } from './outbox.view.ts';

export interface DispatcherDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  random: Random;
  config: Config['outbox'];
  metrics: Pick<Metrics, 'outboxRetries' | 'outboxDeadLetters'>;
  /** Told of new dead letters and of dead letters delivered on a replay. */
  observers?: readonly DeadLetterObserver[];
}

/**
 * One dispatcher tick: for each subscriber, deliver its due deliveries in sequence order per subject.
 *
 * Ordering. A delivery is not attempted while an earlier delivery of the same subject to the same
 * subscriber is pending, so a retrying event holds back the later events of its subject (other
 * subjects go on). A dead letter does NOT hold them back: once an event is dead, later events of its
 * subject are delivered, and a replay of the dead letter arrives after them, out of order. We chose
 * this because holding a subject behind a dead letter turns one poison event into a silent outage of
 * that object (an item's availability would stop reaching every channel) until a person notices,
 * while the gap a dead letter leaves is loud: it is counted, listed and replayable, and its envelope
 * carries its original `sequence`, so a subscriber that keeps "the highest sequence wins" per subject
 * can recognise the late event as older than what it has.
 *
 * Concurrency. On PostgreSQL only one node dispatches a lane at a time: the tick runs on one pinned
 * connection holding the lane's session advisory lock (`lockKey`), and a node that cannot take it
 * skips the tick. The two lanes (see the outbox service) deliver to different subscribers, so they
 * may run at once.
 * The lock, not a transaction, guards the tick, so each delivery's result is committed as soon as it
 * is known and a crash re-delivers at most the deliveries in flight (at least once). SQLite runs one
 * process, and the caller makes ticks within it single-flight.
 */
export async function dispatchDue(deps: DispatcherDeps, subscribers: readonly Subscriber[], lockKey: number): Promise<DispatchReport> {
  const report: DispatchReport = { delivered: 0, retrying: 0, dead: 0, followed: 0, skipped: false };
  if (subscribers.length === 0) return report;
  // allSettled, not all: every subscriber's work must finish before the pinned connection and its
  // lock are given back, even when one of them failed.
  const run = async (db: Executor) => {
    // One look at what is due first: most ticks find work for a few subscribers of many, and asking
    // each of them in turn would cost a query per subscriber per tick.
    const busy = new Set(await repo.subscribersWithDueDeliveries(db, deps.clock.now()));
    const due = subscribers.filter((s) => busy.has(s.name));
    // The tick's deliveries are marked delivered together at its end: one write (on the embedded
    // store, one commit) per tick rather than one per subscriber. Until then nothing else selects
    // them (the lane is single-flight, and on PostgreSQL locked), and a crash in between delivers
    // them again, which at-least-once delivery allows.
    const delivered: repo.DeliveryWithEvent[] = [];
    try {
      const results = deps.config.subscribersInParallel
        ? await Promise.allSettled(due.map((s) => dispatchSubscriber({ ...deps, db }, s, report, delivered)))
        : await inTurn(due.map((s) => () => dispatchSubscriber({ ...deps, db }, s, report, delivered)));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    } finally {
      // What was delivered is recorded even when the tick ended early (a database outage).
      await repo.markDelivered(db, delivered.map((d) => d.id), deps.clock.now());
    }
    for (const observer of deps.observers ?? []) for (const d of delivered) if (d.replay_count > 0) await observer.settled(d.id, 'delivered', null);
  };
  if (deps.kind === 'sqlite') {
    await run(deps.db);
    return report;
  }
  await deps.db.connection().execute(async (conn) => {
    if (!(await repo.tryLockDispatcher(conn, lockKey))) {
      report.skipped = true;
      return;
    }
    try {
      await run(conn);
    } finally {
      await repo.unlockDispatcher(conn, lockKey);
    }
  });
  return report;
}

/** Runs the works one after another, settling each like `Promise.allSettled` does. */
async function inTurn(works: ReadonlyArray<() => Promise<void>>): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = [];
  for (const work of works) {
    try {
      results.push({ status: 'fulfilled', value: await work() });
    } catch (reason) {
      results.push({ status: 'rejected', reason });
    }
  }
  return results;
}

/** How many deliveries run between turns of the event loop (see `dispatchSubscriber`); also a `deliverMany` batch's size. */
const DELIVERIES_PER_TURN = 4;

async function dispatchSubscriber(deps: DispatcherDeps, subscriber: Subscriber, report: DispatchReport, delivered: repo.DeliveryWithEvent[]): Promise<void> {
  const { db, clock } = deps;
  const due = await repo.selectDueDeliveries(db, subscriber.name, clock.now(), deps.config.batchSize);
  // Subjects whose delivery failed in this tick: their later events wait for the retry.
  const heldSubjects = new Set<string>();
  const settle = async (delivery: repo.DeliveryWithEvent, event: EventEnvelope, outcome: DeliverySettlement) => {
    const result = outcome.ok ? (report.delivered++, 'delivered' as const) : await recordFailure(deps, subscriber, delivery, event, outcome.error, report);
    if (result === 'delivered') delivered.push(delivery);
    else if (result === 'retrying') heldSubjects.add(delivery.subject);
  };
  // On the embedded store every query completes at once, so a tick never gives the event loop a
  // turn on its own: requests (an order's intake) and timers would wait for the whole tick. Every
  // few deliveries (or each batch) start on a turn of their own, by count, not time, so a seeded run
  // repeats.
  let next = 0;
  while (next < due.length) {
    await new Promise((resolve) => setImmediate(resolve));
    const batch: repo.DeliveryWithEvent[] = [];
    const subjects = new Set<string>();
    for (; next < due.length && batch.length < DELIVERIES_PER_TURN; next++) {
      const delivery = due[next]!;
      if (heldSubjects.has(delivery.subject)) continue;
      // A batch holds one event per subject, so a failure still holds back the later ones.
      if (subscriber.deliverMany && subjects.has(delivery.subject)) break;
      subjects.add(delivery.subject);
      batch.push(delivery);
    }
    const events = batch.map((d) => toEnvelope({ ...d, id: d.event_id }));
    if (subscriber.deliverMany && batch.length > 0) {
      const outcomes = await attemptMany(subscriber.deliverMany.bind(subscriber), events);
      for (const [i, delivery] of batch.entries()) await settle(delivery, events[i]!, outcomes[i]!);
      continue;
    }
    for (const [i, delivery] of batch.entries()) {
      // An earlier delivery of this batch may have failed and held the subject.
      if (heldSubjects.has(delivery.subject)) continue;
      await settle(delivery, events[i]!, await attempt(() => subscriber.deliver(events[i]!)));
    }
  }
}

async function attempt(work: () => Promise<void>): Promise<DeliverySettlement> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A batch that throws as a whole fails each of its events with that error. */
async function attemptMany(deliverMany: NonNullable<Subscriber['deliverMany']>, events: readonly EventEnvelope[]): Promise<ReadonlyArray<DeliverySettlement>> {
  let outcomes: ReadonlyArray<DeliverySettlement>;
  try {
    outcomes = await deliverMany(events);
  } catch (error) {
    return events.map(() => ({ ok: false, error }));
  }
  // A subscriber that loses track of its events is a bug to stop on, not a failure to retry.
  invariant(outcomes.length === events.length, `deliverMany settled ${outcomes.length} of ${events.length} events`);
  return outcomes;
}

/** Records a failed delivery at once as a retry (which holds its subject back) or a dead letter. */
async function recordFailure(
  deps: DispatcherDeps,
  subscriber: Subscriber,
  delivery: repo.DeliveryWithEvent,
  event: EventEnvelope,
  error: unknown,
  report: DispatchReport,
): Promise<'retrying' | 'dead'> {
  const { db, clock, random, config, metrics } = deps;
  const attemptsMade = delivery.attempts + 1;
  const now = clock.now();
  const failure = decideDeliveryFailure(error, attemptsMade, now, config, random);
  await repo.markFailed(db, delivery.id, {
    status: failure.status,
    attempts: attemptsMade,
    next_attempt_at: failure.nextAttemptAt,
    last_error: failure.lastError,
    dead_at: failure.status === 'dead' ? now : null,
  });
  if (failure.status === 'dead') {
    report.dead++;
    metrics.outboxDeadLetters.inc({ subscriber: subscriber.name });
    for (const observer of deps.observers ?? []) await observer.dead({ deliveryId: delivery.id, subscriber: subscriber.name, event, attempts: attemptsMade, lastError: failure.lastError });
    return 'dead';
  }
  report.retrying++;
  metrics.outboxRetries.inc({ subscriber: subscriber.name });
  return 'retrying';
}
