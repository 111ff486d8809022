import { retryDelayMs } from '../../platform/backoff.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { matchesType, type OutboxService } from '../../platform/outbox/index.ts';
import type { Random } from '../../platform/random.ts';
import { admission, afterFailure, afterSuccess, breakerStates, closedBreaker, startTrial, type Breaker, type BreakerState } from './breaker.rules.ts';
import type { PostOutcome } from './delivery.http.ts';
import { signCrossdock } from './signature.rules.ts';
import * as repo from './webhooks.repo.ts';
import type { WebhooksConfig } from './webhooks.config.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow, WebhookSubscriptionRow } from './webhooks.tables.ts';
import type { DispatchReport } from './webhooks.types.ts';

export type PostJson = (url: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; allowPrivate: boolean }) => Promise<PostOutcome>;

export interface DispatchDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  config: WebhooksConfig;
  outbox: Pick<OutboxService, 'readFeed'>;
  post: PostJson;
  /** Counts the attempt for health. */
  record: (endpoint: string, ok: boolean, error: string | null) => void;
}

const CURSOR = 'outbound';
const FEED_PAGE_SIZE = 500;
/** Feed pages read per tick, so one tick after a long pause does not fan out without end. */
const FEED_PAGES_PER_TICK = 20;
/** Tries at a breaker transition when another node keeps changing the endpoint under us. */
const ENDPOINT_WRITE_TRIES = 5;

type Route = { kind: 'go'; url: string; role: 'primary' | 'fallback' } | { kind: 'wait'; untilMs: number };

const toBreaker = (row: WebhookEndpointRow | undefined): Breaker =>
  row === undefined
    ? closedBreaker
    : {
        state: (breakerStates as readonly string[]).includes(row.state) ? (row.state as BreakerState) : 'closed',
        consecutiveFailures: row.consecutive_failures,
        sinceMs: row.since_at === null ? null : Number(row.since_at),
      };
const fromBreaker = (b: Breaker) => ({ state: b.state, consecutive_failures: b.consecutiveFailures, since_at: b.sinceMs });

/**
 * Outbound webhooks in two steps per tick.
 *
 * Fan-out reads the outbox's event feed after a stored cursor and makes one delivery per matching
 * active subscription. Reading the feed, rather than registering an outbox subscriber for every
 * type, keeps the cost off the hub's write path: a `*` subscriber would add a delivery row to every
 * event every domain appends, subscriptions or not. The feed shows events in commit order, so the
 * cursor never skips one; a crash before the cursor moves re-reads a page, and the unique
 * (subscription, event) makes that harmless.
 *
 * Delivery posts each due delivery, signed, to its subscription's endpoint — or to its fallback while
 * the primary's circuit is open — one at a time per subscription and subscriptions side by side.
 */
export function createWebhookDispatcher(deps: DispatchDeps) {
  const { db, clock, ids, random, config } = deps;
  const settings = { failureThreshold: config.breakerFailureThreshold, coolDownMs: config.breakerCoolDownMs };
  // Long enough for the attempt in hand to finish and be recorded; then another node may take it.
  const leaseMs = config.requestTimeoutMs * 2 + 5_000;

  async function fanOut(): Promise<number> {
    // The newest sequence is read before the subscriptions: a subscription created between the two
    // reads starts after a sequence at least this new, so skipping to it cannot skip its events.
    const latest = await repo.latestEventSeq(db);
    const subscriptions = await repo.activeSubscriptions(db);
    if (subscriptions.length === 0) {
      await repo.advanceCursor(db, CURSOR, latest);
      return 0;
    }
    const matchers = subscriptions.map((s) => ({ id: s.id, after: Number(s.start_after_seq), types: JSON.parse(s.event_types) as string[] }));
    let cursor = Math.max((await repo.readCursor(db, CURSOR)) ?? 0, Math.min(...matchers.map((m) => m.after)));
    let made = 0;
    for (let page = 0; page < FEED_PAGES_PER_TICK; page++) {
      const feed = await deps.outbox.readFeed({ after: cursor, limit: FEED_PAGE_SIZE });
      if (feed.items.length === 0) break;
      const now = clock.now();
      const rows: WebhookDeliveryRow[] = feed.items.flatMap((event) => {
        const seq = Number(event.sequence);
        return matchers
          .filter((m) => seq > m.after && matchesType(m.types, event.type))
          .map((m) => ({
            id: ids.next(),
            subscription_id: m.id,
            event_id: event.id,
            event_seq: seq,
            event_type: event.type,
            payload: JSON.stringify(event),
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            last_error: null,
            last_status_code: null,
            last_endpoint: null,
            created_at: now,
            delivered_at: null,
            dead_at: null,
            discarded_at: null,
            replay_count: 0,
            operator_note: null,
          }));
      });
      made += await repo.insertDeliveries(db, rows);
      cursor = feed.nextAfter;
      await repo.advanceCursor(db, CURSOR, cursor);
      if (feed.items.length < FEED_PAGE_SIZE) break;
    }
    return made;
  }

  /** Whether the endpoint takes a request now; an open one past its cool-down takes one trial, claimed so only one node sends it. */
  async function gate(url: string): Promise<{ kind: 'go' } | { kind: 'wait'; untilMs: number }> {
    const now = clock.now();
    const row = await repo.findEndpoint(db, url);
    const breaker = toBreaker(row);
    const admitted = admission(breaker, now, settings);
    if (admitted.kind === 'send') return { kind: 'go' };
    if (admitted.kind === 'wait') return admitted;
    if (row && (await repo.updateEndpoint(db, url, row.version, fromBreaker(startTrial(breaker, now))))) return { kind: 'go' };
    return { kind: 'wait', untilMs: now + settings.coolDownMs };
  }

  async function route(subscription: WebhookSubscriptionRow): Promise<Route> {
    const primary = await gate(subscription.url);
    if (primary.kind === 'go') return { kind: 'go', url: subscription.url, role: 'primary' };
    if (subscription.fallback_url === null) return primary;
    const fallback = await gate(subscription.fallback_url);
    if (fallback.kind === 'go') return { kind: 'go', url: subscription.fallback_url, role: 'fallback' };
    return { kind: 'wait', untilMs: Math.min(primary.untilMs, fallback.untilMs) };
  }

  /** Applies an attempt's outcome to the endpoint's breaker, retrying when another node changed it meanwhile. */
  async function recordEndpoint(url: string, outcome: PostOutcome): Promise<void> {
    for (let i = 0; i < ENDPOINT_WRITE_TRIES; i++) {
      const now = clock.now();
      const row = await repo.findEndpoint(db, url);
      if (!row) {
        await repo.ensureEndpoints(db, [url]);
        continue;
      }
      const next = outcome.ok ? afterSuccess() : afterFailure(toBreaker(row), now, settings);
      const change = { ...fromBreaker(next), ...(outcome.ok ? { last_success_at: now } : { last_failure_at: now, last_error: outcome.error }) };
      if (await repo.updateEndpoint(db, url, row.version, change)) break;
    }
    deps.record(url, outcome.ok, outcome.error);
  }

  async function attempt(subscription: WebhookSubscriptionRow, delivery: WebhookDeliveryRow, target: { url: string; role: 'primary' | 'fallback' }, report: DispatchReport): Promise<void> {
    const attemptsMade = delivery.attempts + 1;
    const timestampSeconds = Math.floor(clock.now() / 1000);
    const outcome = await deps.post(
      target.url,
      delivery.payload,
      {
        'content-type': 'application/json',
        'user-agent': 'Crossdock-Webhooks/0.1',
        'x-crossdock-signature': signCrossdock(subscription.secret, timestampSeconds, delivery.payload),
        'x-crossdock-event-id': delivery.event_id,
        'x-crossdock-event-type': delivery.event_type,
        'x-crossdock-delivery-id': delivery.id,
        'x-crossdock-delivery-attempt': String(attemptsMade),
      },
      { timeoutMs: config.requestTimeoutMs, allowPrivate: config.allowPrivateTargets },
    );
    const now = clock.now();
    await recordEndpoint(target.url, outcome);
    const common = { attempts: attemptsMade, last_status_code: outcome.statusCode, last_endpoint: target.role };
    if (outcome.ok) {
      await repo.recordAttempt(db, delivery.id, { ...common, status: 'delivered', next_attempt_at: now, delivered_at: now, last_error: null });
      report.delivered++;
    } else if (attemptsMade >= config.attemptsMax) {
      await repo.recordAttempt(db, delivery.id, { ...common, status: 'dead', next_attempt_at: now, dead_at: now, last_error: outcome.error });
      report.dead++;
    } else {
      await repo.recordAttempt(db, delivery.id, { ...common, status: 'pending', next_attempt_at: now + retryDelayMs(attemptsMade, config, random), last_error: outcome.error });
      report.retrying++;
    }
  }

  /** One subscription's due deliveries, in order; once its endpoints are all open-circuit, the rest wait. */
  async function deliverFor(subscription: WebhookSubscriptionRow, deliveries: WebhookDeliveryRow[], report: DispatchReport): Promise<void> {
    for (const [index, delivery] of deliveries.entries()) {
      const target = await route(subscription);
      if (target.kind === 'wait') {
        const waiting = deliveries.slice(index).map((d) => d.id);
        await repo.postponeDeliveries(db, waiting, target.untilMs);
        report.held += waiting.length;
        return;
      }
      const now = clock.now();
      if (!(await repo.claimDelivery(db, delivery.id, now, now + leaseMs))) continue;
      await attempt(subscription, delivery, target, report);
    }
  }

  return {
    fanOut,

    /** One tick: fan out new events, then attempt every due delivery. */
    async dispatchDue(): Promise<DispatchReport> {
      const report: DispatchReport = { fannedOut: await fanOut(), delivered: 0, retrying: 0, dead: 0, held: 0 };
      const due = await repo.dueDeliveries(db, clock.now(), config.batchSize);
      if (due.length === 0) return report;
      const subscriptions = new Map((await repo.subscriptionsByIds(db, [...new Set(due.map((d) => d.subscription_id))])).map((s) => [s.id, s]));
      const bySubscription = new Map<string, WebhookDeliveryRow[]>();
      for (const delivery of due) bySubscription.set(delivery.subscription_id, [...(bySubscription.get(delivery.subscription_id) ?? []), delivery]);
      // A subscription deleted since the deliveries were read gets nothing more; its deliveries were discarded.
      const live = [...bySubscription.entries()].filter(([id]) => subscriptions.get(id)?.status === 'active');
      const results = await Promise.allSettled(live.map(([id, deliveries]) => deliverFor(subscriptions.get(id)!, deliveries, report)));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      return report;
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
