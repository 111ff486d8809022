import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { admission, breakerStates, type BreakerState } from './breaker.rules.ts';
import { effectiveTopics, webhookInboxSource } from './sources.ts';
import { redactUrl } from './targets.rules.ts';
import * as repo from './webhooks.repo.ts';
import type { WebhooksConfig } from './webhooks.config.ts';
import type { WebhookHealth } from './webhooks.types.ts';

const MINUTE_MS = 60_000;
/** Traffic buckets are kept this long: the last success of a quiet source is still known a week later. */
export const TRAFFIC_RETENTION_MS = 7 * 24 * 60 * MINUTE_MS;

const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));
const rate = (requests: number, failures: number) => ({ requests, failures, errorRate: requests === 0 ? null : failures / requests });

export interface HealthDeps {
  db: Executor;
  clock: Clock;
  config: WebhooksConfig;
}

/** Traffic counting and the health report of every inbound source and outbound endpoint. */
export function createWebhookHealth(deps: HealthDeps) {
  const { db, clock, config } = deps;

  /**
   * Counts accumulate in memory and are added to the shared buckets on every delivery tick and before
   * each health report: counting costs no write on the request path. A node that dies loses at most
   * the counts of its last half second, which health can spare.
   */
  const pending = new Map<string, repo.TrafficCount>();
  const keyOf = (c: Pick<repo.TrafficCount, 'direction' | 'bucketStart' | 'name'>) => `${c.direction} ${c.bucketStart} ${c.name}`;
  const emptyCount = (direction: 'in' | 'out', name: string, bucketStart: number): repo.TrafficCount => ({
    direction,
    name,
    bucketStart,
    requests: 0,
    failures: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastError: null,
  });

  /** Adds counts not yet written back to those gathered since, so a failed flush loses nothing. */
  const keep = (count: repo.TrafficCount): void => {
    const current = pending.get(keyOf(count));
    if (!current) {
      pending.set(keyOf(count), count);
      return;
    }
    current.requests += count.requests;
    current.failures += count.failures;
    current.lastSuccessAt ??= count.lastSuccessAt;
    if (current.lastFailureAt === null) [current.lastFailureAt, current.lastError] = [count.lastFailureAt, count.lastError];
  };

  const flush = async (): Promise<void> => {
    const counts = [...pending.values()];
    pending.clear();
    for (const [index, count] of counts.entries()) {
      try {
        await repo.addTraffic(db, count);
      } catch (error) {
        counts.slice(index).forEach(keep);
        throw error;
      }
    }
  };

  return {
    /** Counts one request (inbound) or attempt (outbound) in its minute, for error rates and last outcomes. */
    record(direction: 'in' | 'out', name: string, ok: boolean, error: string | null): void {
      const at = clock.now();
      const bucketStart = at - (at % MINUTE_MS);
      const key = keyOf({ direction, bucketStart, name });
      const count = pending.get(key) ?? emptyCount(direction, name, bucketStart);
      count.requests++;
      if (ok) count.lastSuccessAt = at;
      else {
        count.failures++;
        count.lastFailureAt = at;
        count.lastError = error === null ? null : error.slice(0, 500);
      }
      pending.set(key, count);
    },

    flush,

    prune: () => repo.pruneTraffic(db, clock.now() - TRAFFIC_RETENTION_MS),

    /**
     * Per inbound source: requests and failures over the window (a forged, expired or unprocessable
     * request is a failure), last success and failure, and the inbox backlog. Per outbound endpoint:
     * the same for attempts, its breaker, and the deliveries still to make for the subscriptions
     * using it. Read from the database, so every node reports the same.
     */
    async webhookHealth(): Promise<WebhookHealth> {
      await flush();
      const now = clock.now();
      const windowStart = now - (now % MINUTE_MS) - (config.healthWindowMinutes - 1) * MINUTE_MS;
      const sources = Object.entries(config.sources);
      const subscriptions = await repo.activeSubscriptions(db);
      const usage = new Map<string, { subscriptionIds: string[]; roles: Set<'primary' | 'fallback'> }>();
      const use = (url: string, id: string, role: 'primary' | 'fallback') => {
        const entry = usage.get(url) ?? { subscriptionIds: [], roles: new Set() };
        entry.subscriptionIds.push(id);
        entry.roles.add(role);
        usage.set(url, entry);
      };
      for (const s of subscriptions) {
        use(s.url, s.id, 'primary');
        if (s.fallback_url !== null) use(s.fallback_url, s.id, 'fallback');
      }
      const [inTraffic, inLast, outTraffic, endpoints, backlog, inbox] = [
        await repo.trafficSince(db, 'in', windowStart),
        await repo.lastOutcomes(db, 'in'),
        await repo.trafficSince(db, 'out', windowStart),
        await repo.findEndpoints(db, [...usage.keys()]),
        await repo.backlogBySubscription(db),
        await repo.inboxBacklog(db, sources.map(([name]) => webhookInboxSource(name))),
      ];
      const countOf = (rows: ReadonlyArray<{ n: number | string | bigint }>) => rows.reduce((sum, r) => sum + Number(r.n), 0);

      const inbound = sources.map(([name, source]) => {
        const traffic = inTraffic.find((t) => t.name === name);
        const last = inLast.find((t) => t.name === name);
        const mine = inbox.filter((r) => r.source === webhookInboxSource(name));
        return {
          source: name,
          scheme: source.scheme,
          topics: Object.keys(effectiveTopics(source)),
          ...rate(Number(traffic?.requests ?? 0), Number(traffic?.failures ?? 0)),
          lastSuccessAt: iso(last?.lastSuccessAt ?? null),
          lastFailureAt: iso(last?.lastFailureAt ?? null),
          lastError: last?.lastError ?? null,
          backlog: {
            waiting: countOf(mine.filter((r) => r.status === 'received')),
            failed: countOf(mine.filter((r) => r.status === 'failed')),
            dead: countOf(mine.filter((r) => r.status === 'dead')),
          },
        };
      });

      const settings = { failureThreshold: config.breakerFailureThreshold, coolDownMs: config.breakerCoolDownMs };
      const outbound = [...usage.entries()].map(([url, { subscriptionIds, roles }]) => {
        const endpoint = endpoints.find((e) => e.url === url);
        const traffic = outTraffic.find((t) => t.name === url);
        const state = (breakerStates as readonly string[]).includes(endpoint?.state ?? '') ? (endpoint!.state as BreakerState) : 'closed';
        const sinceMs = endpoint?.since_at === null || endpoint?.since_at === undefined ? null : Number(endpoint.since_at);
        const admitted = admission({ state, consecutiveFailures: endpoint?.consecutive_failures ?? 0, sinceMs }, now, settings);
        const mine = backlog.filter((b) => subscriptionIds.includes(b.subscription_id));
        return {
          endpoint: redactUrl(url),
          subscriptionIds,
          roles: [...roles],
          breaker: {
            state,
            consecutiveFailures: endpoint?.consecutive_failures ?? 0,
            since: iso(sinceMs),
            retryAt: state === 'closed' ? null : iso(admitted.kind === 'wait' ? admitted.untilMs : now),
          },
          ...rate(Number(traffic?.requests ?? 0), Number(traffic?.failures ?? 0)),
          lastSuccessAt: iso(endpoint?.last_success_at === null || endpoint?.last_success_at === undefined ? null : Number(endpoint.last_success_at)),
          lastFailureAt: iso(endpoint?.last_failure_at === null || endpoint?.last_failure_at === undefined ? null : Number(endpoint.last_failure_at)),
          lastError: endpoint?.last_error ?? null,
          backlog: { pending: countOf(mine.filter((b) => b.status === 'pending')), dead: countOf(mine.filter((b) => b.status === 'dead')) },
        };
      });
      return { windowMinutes: config.healthWindowMinutes, inbound, outbound };
    },
  };
}

export type WebhookHealthService = ReturnType<typeof createWebhookHealth>;
