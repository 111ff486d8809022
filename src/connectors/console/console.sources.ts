import { isoTime } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { FolderHealth } from '../files/index.ts';
import type { FollowerHealth } from '../../platform/outbox/index.ts';
import { redactUrl, webhookInboxSource, type WebhookHealth } from '../webhooks/index.ts';
import * as repo from './console.repo.ts';
import * as connectorsRepo from './console.connectors.repo.ts';
import { ACK_DUE_MS, deriveStatus, latest, rate, type HealthFacts } from './console.rules.ts';
import type { Connector, ConnectorKind, RecentFailure } from './console.types.ts';

/**
 * One builder per kind of connector: each turns what its connector reports, and the console's own
 * window queries, into the common shape, and knows how to list its recent failures.
 */

export interface Entry {
  connector: Connector;
  recentFailures(limit: number): Promise<RecentFailure[]>;
}

export interface BuildContext {
  db: Executor;
  now: number;
  windows: repo.Windows;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : isoTime(ms));
const toRate = (w: { requests: number; failures: number }) => rate(w.requests, w.failures);

function connectorOf(
  base: Pick<Connector, 'kind' | 'name' | 'lastSuccessAt' | 'lastFailureAt' | 'lastError' | 'breaker' | 'backlog' | 'inboxSource' | 'partnerCode' | 'details'>,
  windows: { hour: { requests: number; failures: number }; day: { requests: number; failures: number } },
  extra: Omit<HealthFacts, 'lastHour' | 'last24Hours' | 'backlog'> = {},
): Connector {
  const errorRate = { lastHour: toRate(windows.hour), last24Hours: toRate(windows.day) };
  const verdict = deriveStatus({ ...extra, lastHour: errorRate.lastHour, last24Hours: errorRate.last24Hours, backlog: base.backlog, breaker: base.breaker?.state ?? null });
  return { ...base, status: verdict.status, reasons: verdict.reasons, errorRate };
}

const inboxFailures = (db: Executor, source: string) => async (limit: number): Promise<RecentFailure[]> =>
  (await repo.recentInboxFailures(db, source, limit)).map((f) => ({ at: iso(f.at), ref: { type: 'inbox-message', id: f.id }, status: f.status, error: f.error }));

const inboxBacklog = (b: repo.InboxSourceStats['backlog']) => ({ pending: b.pending, retrying: b.retrying, dead: b.failed + b.dead });

/** An inbox source: every system that sends messages (API keys, webhook sources, folders, EDI partners). */
export async function inboxSourceEntry(ctx: BuildContext, source: string): Promise<Entry> {
  const stats = await repo.inboxSourceStats(ctx.db, source, ctx.windows);
  const connector = connectorOf(
    {
      kind: 'inbox-source',
      name: source,
      lastSuccessAt: iso(stats.lastSuccessAt),
      lastFailureAt: iso(stats.lastFailure?.at),
      lastError: stats.lastFailure?.error ?? null,
      breaker: null,
      backlog: inboxBacklog(stats.backlog),
      inboxSource: source,
      partnerCode: source.startsWith('edi:') ? source.slice('edi:'.length) : null,
      details: { failed: stats.backlog.failed, dead: stats.backlog.dead },
    },
    stats,
  );
  return { connector, recentFailures: inboxFailures(ctx.db, source) };
}

/** An outbox subscriber inside the hub (the process log, connectors going out). */
export async function subscriberEntry(ctx: BuildContext, subscriber: string): Promise<Entry> {
  const stats = await repo.subscriberStats(ctx.db, subscriber, ctx.windows);
  const connector = connectorOf(
    {
      kind: 'outbox-subscriber',
      name: subscriber,
      lastSuccessAt: iso(stats.lastSuccessAt),
      lastFailureAt: iso(stats.lastFailure?.at),
      lastError: stats.lastFailure?.error ?? null,
      breaker: null,
      backlog: stats.backlog,
      inboxSource: null,
      partnerCode: null,
      details: {},
    },
    stats,
  );
  return {
    connector,
    recentFailures: async (limit) =>
      (await repo.recentSubscriberFailures(ctx.db, subscriber, limit)).map((f) => ({ at: iso(f.at), ref: { type: 'outbox-delivery', id: f.id }, status: f.status, error: f.error })),
  };
}

/**
 * A feed follower inside the hub (the process log): it reads the outbox feed after its own cursor,
 * so its backlog is its lag behind the feed, retrying while it waits after a failure. Its counts are
 * this process's (since it started); only its last failure is known.
 */
export function followerEntry(health: FollowerHealth): Entry {
  const failing = health.failuresInRow > 0;
  const connector = connectorOf(
    {
      kind: 'outbox-subscriber',
      name: health.name,
      lastSuccessAt: iso(health.lastSuccessAt),
      lastFailureAt: iso(health.lastFailureAt),
      lastError: health.lastError,
      breaker: null,
      backlog: { pending: failing ? 0 : health.lag, retrying: failing ? health.lag : 0, dead: 0 },
      inboxSource: null,
      partnerCode: null,
      details: { follows: 'feed', position: health.position, lag: health.lag, failuresInRow: health.failuresInRow, nextAttemptAt: iso(health.nextAttemptAt) },
    },
    { hour: health.hour, day: health.day },
  );
  const lastFailure: RecentFailure[] =
    health.lastFailureAt === null ? [] : [{ at: iso(health.lastFailureAt), ref: null, status: failing ? 'retrying' : 'recovered', error: health.lastError }];
  return { connector, recentFailures: async (limit) => lastFailure.slice(0, limit) };
}

const emptyWindows = { hour: { requests: 0, failures: 0 }, day: { requests: 0, failures: 0 } };

/** Outbound webhook endpoints, one per URL (the circuit breaker is per URL, shared by the subscriptions using it). */
export async function webhookOutEntries(ctx: BuildContext, health: WebhookHealth['outbound']): Promise<Entry[]> {
  const traffic = await connectorsRepo.webhookTraffic(ctx.db, 'out', ctx.windows);
  const byEndpoint = new Map<string, typeof emptyWindows>();
  // Traffic is counted per full URL and health shows URLs without their query: add up what shows as one.
  for (const [url, w] of traffic) {
    const sum = byEndpoint.get(redactUrl(url)) ?? { hour: { requests: 0, failures: 0 }, day: { requests: 0, failures: 0 } };
    for (const k of ['hour', 'day'] as const) [sum[k].requests, sum[k].failures] = [sum[k].requests + w[k].requests, sum[k].failures + w[k].failures];
    byEndpoint.set(redactUrl(url), sum);
  }
  const retrying = await connectorsRepo.retryingWebhookDeliveries(ctx.db);
  return health.map((h) => {
    const retryingHere = h.subscriptionIds.reduce((n, id) => n + (retrying.get(id) ?? 0), 0);
    // While this endpoint is open, each subscription using it as primary is served if it has a fallback that is not open too.
    const fallbackTakesOver = h.roles.includes('primary') && h.subscriptionIds.every((id) => health.some((o) => o !== h && o.subscriptionIds.includes(id) && o.roles.includes('fallback') && o.breaker.state !== 'open'));
    const connector = connectorOf(
      {
        kind: 'webhook-out',
        name: h.endpoint,
        lastSuccessAt: h.lastSuccessAt,
        lastFailureAt: h.lastFailureAt,
        lastError: h.lastError,
        breaker: h.breaker,
        backlog: { pending: Math.max(0, h.backlog.pending - retryingHere), retrying: retryingHere, dead: h.backlog.dead },
        inboxSource: null,
        partnerCode: null,
        details: { subscriptionIds: h.subscriptionIds, roles: h.roles },
      },
      byEndpoint.get(h.endpoint) ?? emptyWindows,
      { fallbackTakesOver },
    );
    const uses = h.subscriptionIds.flatMap((subscriptionId) => h.roles.map((role) => ({ subscriptionId, role })));
    return {
      connector,
      recentFailures: async (limit) =>
        (await connectorsRepo.recentWebhookFailures(ctx.db, uses, limit)).map((d) => ({
          at: iso(d.dead_at === null ? null : Number(d.dead_at)),
          ref: { type: 'webhook-delivery', id: d.id },
          status: d.status === 'pending' ? 'retrying' : d.status,
          error: d.last_error,
        })),
    };
  });
}

/** Inbound webhook sources: requests as received (forged and expired ones count), the messages as kept in the inbox. */
export async function webhookInEntries(ctx: BuildContext, health: WebhookHealth['inbound']): Promise<Entry[]> {
  const traffic = await connectorsRepo.webhookTraffic(ctx.db, 'in', ctx.windows);
  const entries: Entry[] = [];
  for (const h of health) {
    const source = webhookInboxSource(h.source);
    const stats = await repo.inboxSourceStats(ctx.db, source, ctx.windows);
    const connector = connectorOf(
      {
        kind: 'webhook-in',
        name: h.source,
        lastSuccessAt: h.lastSuccessAt,
        lastFailureAt: h.lastFailureAt,
        lastError: h.lastError,
        breaker: null,
        backlog: inboxBacklog(stats.backlog),
        inboxSource: source,
        partnerCode: null,
        details: { scheme: h.scheme, topics: h.topics },
      },
      traffic.get(h.source) ?? emptyWindows,
    );
    const kept = inboxFailures(ctx.db, source);
    entries.push({
      connector,
      // A refused request (forged, expired) is not kept anywhere; its error is shown as the latest failure.
      recentFailures: async (limit) => {
        const refused: RecentFailure[] = h.lastFailureAt !== null ? [{ at: h.lastFailureAt, ref: null, status: 'refused', error: h.lastError }] : [];
        return [...refused, ...(await kept(limit))].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '')).slice(0, limit);
      },
    });
  }
  return entries;
}

/** Watched folders, with what the file connector reads from their directories. */
export async function folderEntries(ctx: BuildContext, folders: readonly FolderHealth[], partnerOf: (folder: string) => string | null): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const f of folders) {
    const windows = await connectorsRepo.folderWindows(ctx.db, f.name, ctx.windows);
    const connector = connectorOf(
      {
        kind: 'folder',
        name: f.name,
        lastSuccessAt: f.lastSuccessAt,
        lastFailureAt: f.lastErrorAt,
        lastError: f.lastError === null ? null : `${f.lastError.file} (${f.lastError.outcome}): ${f.lastError.message}`,
        breaker: null,
        backlog: { pending: f.filesWaiting + f.filesInWork, retrying: 0, dead: f.filesInError },
        inboxSource: f.source,
        partnerCode: partnerOf(f.name),
        details: { fileKind: f.kind, filesWaiting: f.filesWaiting, filesInWork: f.filesInWork, filesInError: f.filesInError, processedCount: f.processedCount, errorCount: f.errorCount },
      },
      windows,
      { unavailable: f.scanError },
    );
    entries.push({
      connector,
      recentFailures: async (limit) =>
        (await connectorsRepo.recentFileFailures(ctx.db, f.name, limit)).map((r) => ({
          at: iso(Number(r.finished_at)),
          ref: { type: 'file', id: r.id },
          status: r.outcome,
          error: `${r.file_name}: ${r.first_problem ?? ''}`,
        })),
    });
  }
  return entries;
}

/** An EDI trading partner: its interchanges both ways, the acknowledgements of what we sent, and its inbox source. */
export async function ediPartnerEntry(ctx: BuildContext, partnerCode: string): Promise<Entry> {
  const source = `edi:${partnerCode}`;
  const [edi, inbox] = [await connectorsRepo.ediPartnerStats(ctx.db, partnerCode, ctx.windows, ctx.now - ACK_DUE_MS), await repo.inboxSourceStats(ctx.db, source, ctx.windows)];
  const acks = edi.acknowledgements;
  const rejectedLater = acks.lastRejectedAt !== null && acks.lastRejectedAt >= (inbox.lastFailure?.at ?? -Infinity);
  const add = (a: { requests: number; failures: number }, b: { requests: number; failures: number }) => ({ requests: a.requests + b.requests, failures: a.failures + b.failures });
  const connector = connectorOf(
    {
      kind: 'edi-partner',
      name: partnerCode,
      lastSuccessAt: iso(latest(inbox.lastSuccessAt, acks.lastAcceptedAt)),
      lastFailureAt: iso(latest(inbox.lastFailure?.at, acks.lastRejectedAt)),
      lastError: rejectedLater ? 'the partner rejected a group we sent (997/999 AK9 R)' : (inbox.lastFailure?.error ?? null),
      breaker: null,
      backlog: inboxBacklog(inbox.backlog),
      inboxSource: source,
      partnerCode,
      details: {
        interchanges: { in: { ...edi.interchanges.in, lastAt: iso(edi.interchanges.in.lastAt) }, out: { ...edi.interchanges.out, lastAt: iso(edi.interchanges.out.lastAt) } },
        acknowledgements: { pending: acks.pending, overdue: acks.overdue, rejected24h: acks.rejected24h, acceptedWithErrors24h: acks.acceptedWithErrors24h },
      },
    },
    { hour: add(inbox.hour, edi.hour), day: add(inbox.day, edi.day) },
    { acksOverdue: acks.overdue, acksRejected: acks.rejected24h },
  );
  const kept = inboxFailures(ctx.db, source);
  return {
    connector,
    recentFailures: async (limit) => {
      const rejected = (await connectorsRepo.recentRejectedGroups(ctx.db, partnerCode, limit)).map((g) => ({
        at: iso(g.acked_at === null ? null : Number(g.acked_at)),
        ref: { type: 'edi-group' as const, id: `${g.functional_id}:${g.group_control}` },
        status: 'rejected',
        error: `group ${g.functional_id} ${g.group_control} rejected by the partner`,
      }));
      return [...rejected, ...(await kept(limit))].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '')).slice(0, limit);
    },
  };
}

export type { ConnectorKind };
