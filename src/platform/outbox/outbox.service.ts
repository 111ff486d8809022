import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { IdGenerator } from '../ids.ts';
import type { Random } from '../random.ts';
import type { Executor, StoreKind, Tx } from '../db/store.ts';
import { AppError, invariant } from '../errors.ts';
import type { Metrics } from '../http/metrics.ts';
import { decodeCursor, toPage, type Page } from '../pagination.ts';
import { singleFlight, startPoller, type Poller } from '../poller.ts';
import { dispatchDue } from './outbox.dispatcher.ts';
import * as repo from './outbox.repo.ts';
import { matchesType } from './outbox.rules.ts';
import {
  deliveryStatuses,
  typePatternSchema,
  type Delivery,
  type DeliveryStatus,
  type DispatchReport,
  type EventEnvelope,
  type FeedFollower,
  type FeedPage,
  type FollowerHealth,
  type FeedQuery,
  type NewEvent,
  type Subscriber,
  type DeadLetterObserver,
} from './outbox.types.ts';
import { createFollowers } from './outbox.followers.ts';
import { toDelivery, toEnvelope } from './outbox.view.ts';
import { readScopedFeed } from './outbox.scoped-feed.ts';
import type { SubjectCondition } from '../auth/partner-scope.ts';

export interface OutboxService {
  /**
   * Registers a subscriber. Allowed only while the app is being built: deliveries are created when an
   * event is appended, one per matching subscriber, so a subscriber added after the first append
   * would silently miss the events before it. The first append or dispatch closes registration.
   */
  subscribe(subscriber: Subscriber): void;
  /**
   * Registers a feed follower (see `FeedFollower`), while the app is built, like a subscriber. A
   * running hub lets the followers take in what is new every `followIntervalMs`; `dispatchDue` runs
   * them after both lanes.
   */
  follow(follower: FeedFollower): void;
  /** What this process knows of each follower's health, with its lag behind the feed. */
  followerHealth(): Promise<FollowerHealth[]>;
  /**
   * Writes an event in the caller's transaction, with one delivery per matching subscriber. Nothing
   * is published unless that transaction commits (I8). Append as the transaction's last write: on
   * PostgreSQL it holds the append lock until commit (see outbox.repo.ts).
   */
  append(tx: Tx, event: NewEvent): Promise<EventEnvelope>;
  /** The same for many events at once: one lock, one multi-row insert; sequence follows list order. */
  appendMany(tx: Tx, events: readonly NewEvent[]): Promise<EventEnvelope[]>;
  /** One dispatcher tick; concurrent calls in one process share the tick in progress. */
  dispatchDue(): Promise<DispatchReport>;
  /**
   * Events in sequence order after `after`, for integrations that poll; with `visible`, only the
   * events it holds for (a key scoped to a trading partner), `nextAfter` moving past the others.
   */
  readFeed(query: FeedQuery, visible?: SubjectCondition): Promise<FeedPage>;
  listDeadLetters(query: { subscriber?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<Delivery>>;
  /** Puts a dead letter back to pending with a fresh attempt budget, deliverable at once. */
  replayDeadLetter(id: number, reason?: string): Promise<Delivery>;
  discardDeadLetter(id: number, reason: string): Promise<Delivery>;
  countDeliveriesByStatus(): Promise<Record<DeliveryStatus, number>>;
  /** Registers an observer of dead letters (see DeadLetterObserver), while the app is built. */
  observeDeadLetters(observer: DeadLetterObserver): void;
  /** Starts the dispatcher loop; it ticks again at once while ticks deliver events. */
  start(): void;
  /**
   * Asks a started dispatcher for a tick soon, not at its next interval: events were just committed
   * (an order taken in). Does nothing when the loop is not running (tests drive `dispatchDue`).
   */
  nudge(): void;
  stop(): Promise<void>;
}

export interface OutboxDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  config: Config['outbox'];
  metrics: Pick<Metrics, 'outboxRetries' | 'outboxDeadLetters'>;
  subscribers?: readonly Subscriber[];
  onLoopError?: (error: unknown) => void;
}

/** What a subscriber's or a follower's name may be: it is stored with deliveries and shown in the console. */
const NAME_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

export function createOutboxService(deps: OutboxDeps): OutboxService {
  const { db, kind, clock, ids } = deps;
  const subscribers: Subscriber[] = [];
  const observers: DeadLetterObserver[] = [];
  let registrationOpen = true;
  /** A running hub's loops: one per lane, which intake and commands nudge, and the followers' loop, which they do not. */
  let pollers: { lanes: Poller[]; followers: Poller } | null = null;
  const followers = createFollowers({ clock, random: deps.random, retry: deps.config, onFailure: (name) => deps.metrics.outboxRetries.inc({ subscriber: name }) });

  const subscribe = (subscriber: Subscriber) => {
    invariant(registrationOpen, `subscriber "${subscriber.name}" registered after events were appended or dispatched; register while building the app`);
    invariant(NAME_PATTERN.test(subscriber.name), `subscriber name "${subscriber.name}" must be 1–100 of [A-Za-z0-9._:-]`);
    invariant(!subscribers.some((s) => s.name === subscriber.name), `subscriber "${subscriber.name}" is registered twice`);
    invariant(!followers.names().includes(subscriber.name), `subscriber "${subscriber.name}" is already registered as a follower`);
    for (const pattern of subscriber.types === '*' ? [] : subscriber.types) {
      invariant(typePatternSchema.safeParse(pattern).success, `subscriber "${subscriber.name}": "${pattern}" is not a type or a prefix pattern`);
    }
    subscribers.push(subscriber);
  };
  for (const subscriber of deps.subscribers ?? []) subscribe(subscriber);

  const addFollower = (follower: FeedFollower) => {
    invariant(registrationOpen, `follower "${follower.name}" registered after events were appended or dispatched; register while building the app`);
    invariant(NAME_PATTERN.test(follower.name), `follower name "${follower.name}" must be 1–100 of [A-Za-z0-9._:-]`);
    invariant(![...subscribers.map((s) => s.name), ...followers.names()].includes(follower.name), `"${follower.name}" is registered twice`);
    followers.add(follower);
  };

  /**
   * The subscribers an event type goes to, worked out once per type: registration is closed by the
   * first append, so the answer cannot change afterwards, and an order's append names the same few
   * types every time.
   */
  const subscribersByType = new Map<string, readonly Subscriber[]>();
  /**
   * A subscriber's `accepts` test runs inside the transaction of the change the event announces, so
   * a test that throws (a bug in it) must not undo that change: the event is then delivered, and the
   * subscriber's own `deliver` decides.
   */
  const accepts = (subscriber: Subscriber, event: { type: string; data: unknown }): boolean => {
    if (subscriber.accepts === undefined) return true;
    try {
      return subscriber.accepts(event);
    } catch {
      return true;
    }
  };
  const subscribersOf = (type: string): readonly Subscriber[] => {
    let found = subscribersByType.get(type);
    if (!found) {
      found = subscribers.filter((s) => matchesType(s.types, type));
      subscribersByType.set(type, found);
    }
    return found;
  };

  /**
   * Two lanes, each a tick of its own: the subscribers marked `first` (allocation: an order taken in
   * waits on it for its release) and the rest (exceptions, documents, webhooks). In a running hub each
   * lane has its own loop, so a long tick of the rest never holds up an allocation; on one node the
   * lanes still take turns at the database's connection, one transaction at a time.
   */
  const lane = (first: boolean, lockKey: number) =>
    singleFlight(() => {
      registrationOpen = false;
      return dispatchDue({ ...deps, observers }, subscribers.filter((s) => (s.first === true) === first), lockKey);
    });
  const dispatchFirst = lane(true, repo.DISPATCH_FIRST_LOCK_KEY);
  const dispatchRest = lane(false, repo.DISPATCH_LOCK_KEY);
  /**
   * The followers run outside the lanes' locks: each guards its own cursor, so another node
   * following at the same time takes in nothing twice. In a running hub they have a loop of their
   * own at `followIntervalMs`, never nudged: what an interval gathers is taken in at once, where a
   * follow after every commit would log a few events at a time and rewrite the same orders' facts
   * in each (measured in session 11: six times the log's transactions).
   */
  const follow = singleFlight(async () => {
    registrationOpen = false;
    return followers.run(followerTurn);
  });
  /**
   * Between a follower's pages: a turn of the event loop (requests waiting are served), then, in a
   * running hub, the first lane's tick if one runs or was asked for (an order taken in meanwhile is
   * allocated before the next page, not after the whole burst).
   */
  const followerTurn = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await pollers?.lanes[0]?.settled();
  };
  /** Both lanes, then the followers: after a call that delivered nothing, everything appended before it is taken in. */
  const dispatchOnce = async (): Promise<DispatchReport> => {
    const first = await dispatchFirst();
    const rest = await dispatchRest();
    const followed = await follow();
    return {
      delivered: first.delivered + rest.delivered,
      retrying: first.retrying + rest.retrying + followed.failed,
      dead: first.dead + rest.dead,
      followed: followed.followed,
      skipped: first.skipped || rest.skipped,
    };
  };

  const loadDelivery = async (id: number): Promise<Delivery> => {
    const row = await repo.findDelivery(db, id);
    if (!row) throw new AppError('not_found', `outbox delivery ${id} does not exist`, [{ path: 'id', message: 'unknown delivery id' }]);
    return toDelivery(row);
  };

  const notDead = (delivery: Delivery, action: string) =>
    new AppError('invalid_state', `outbox delivery ${delivery.id} is ${delivery.status}; only dead letters can be ${action}`, [
      { path: 'status', message: delivery.status },
    ]);

  const service: OutboxService = {
    subscribe,
    follow: addFollower,

    async followerHealth() {
      return followers.health((seq) => repo.countEventsAfter(db, seq));
    },

    async append(tx, event) {
      const [envelope] = await service.appendMany(tx, [event]);
      return envelope!;
    },

    async appendMany(tx, events) {
      invariant(tx.isTransaction, 'outbox.append needs the transaction of the state change it announces');
      if (events.length === 0) return [];
      registrationOpen = false;
      if (kind === 'postgres') await repo.lockAppends(tx);
      const now = clock.now();
      const rows = events.map((event) => {
        invariant(event.source && event.type && event.subject, 'an event needs a source, a type and a subject');
        const data = JSON.stringify(event.data);
        invariant(data !== undefined, `event ${event.type}: data must be a JSON value`);
        return {
          id: ids.next(),
          source: event.source,
          type: event.type,
          subject: event.subject,
          time: now,
          correlation_id: event.correlationId ?? null,
          causation_id: event.causationId ?? null,
          schema_version: event.dataSchemaVersion ?? '1',
          data,
        };
      });
      const seqById = await repo.insertEvents(tx, rows);
      const withSeq = rows.map((row) => ({ ...row, seq: seqById.get(row.id)! }));
      await repo.insertDeliveries(
        tx,
        withSeq.flatMap((row, i) =>
          subscribersOf(row.type)
            .filter((s) => accepts(s, { type: row.type, data: events[i]!.data }))
            .map((s) => ({ event_seq: row.seq, subscriber: s.name, subject: row.subject, status: 'pending', attempts: 0, next_attempt_at: now })),
        ),
      );
      // The envelopes carry the data as given: parsing back what was just serialised would cost as
      // much as the insert on the hot path, and the caller's object is what was serialised.
      return withSeq.map((row, i) => ({ ...toEnvelope({ ...row, data: 'null' }), data: events[i]!.data as unknown }));
    },

    dispatchDue: dispatchOnce,

    async readFeed(query, visible) {
      const pattern = query.type;
      const prefix = pattern?.endsWith('.*') ? pattern.slice(0, -1) : undefined;
      const filter: repo.FeedFilter = {
        after: query.after,
        type: pattern === undefined || pattern === '*' || prefix !== undefined ? undefined : pattern,
        typePrefix: prefix,
        subject: query.subject,
        limit: query.limit,
      };
      if (visible) return readScopedFeed(db, filter, visible);
      const rows = await repo.readFeed(db, filter);
      const items = rows.map(toEnvelope);
      return { items, nextAfter: rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : query.after };
    },

    async listDeadLetters(query) {
      const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['n'] as const)[0];
      const rows = await repo.listDeadLetters(db, { subscriber: query.subscriber, afterId, limit: query.limit + 1 });
      return toPage(rows, query.limit, toDelivery, (row) => [Number(row.id)]);
    },

    async replayDeadLetter(id, reason) {
      if (!(await repo.reopenDeadLetter(db, id, clock.now(), reason ?? null))) throw notDead(await loadDelivery(id), 'replayed');
      return loadDelivery(id);
    },

    async discardDeadLetter(id, reason) {
      if (!(await repo.discardDeadLetter(db, id, clock.now(), reason))) throw notDead(await loadDelivery(id), 'discarded');
      for (const observer of observers) await observer.settled(id, 'discarded', reason);
      return loadDelivery(id);
    },

    observeDeadLetters(observer) {
      observers.push(observer);
    },

    async countDeliveriesByStatus() {
      const counts = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
      for (const row of await repo.countDeliveriesByStatus(db)) counts[row.status as DeliveryStatus] = Number(row.n);
      return counts;
    },

    start() {
      if (pollers) return;
      const onError = deps.onLoopError ?? (() => undefined);
      // What a lane delivered may have appended events that are due now, for either lane: the next
      // step of an order is not made to wait for the interval.
      const rest = startPoller({ intervalMs: deps.config.pollIntervalMs, tick: dispatchRest, moreWork: (report) => report.delivered > 0, onError });
      const first = startPoller({
        intervalMs: deps.config.pollIntervalMs,
        tick: dispatchFirst,
        moreWork: (report) => {
          if (report.delivered > 0) rest.nudge();
          return report.delivered > 0;
        },
        onError,
      });
      pollers = { lanes: [first, rest], followers: startPoller({ intervalMs: deps.config.followIntervalMs, tick: follow, onError }) };
    },

    nudge() {
      // The followers are left to their interval (see `follow`).
      for (const p of pollers?.lanes ?? []) p.nudge();
    },

    async stop() {
      const stopping = pollers ? [...pollers.lanes, pollers.followers] : [];
      pollers = null;
      // The loops are told at once: stopping the lanes in turn would leave the second lane free to start
      // another tick (its last one delivered, so more work looks due) while the first is waited on.
      await Promise.all(stopping.map((p) => p.stop()));
    },
  };
  return service;
}
