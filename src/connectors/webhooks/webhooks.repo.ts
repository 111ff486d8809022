import type { Insertable, Selectable } from 'kysely';
import { chunks } from '../../platform/db/chunks.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow, WebhookSubscriptionRow } from './webhooks.tables.ts';

/** SQL only: webhook subscriptions, deliveries, endpoints, the feed cursor and traffic buckets. */

// ---------------------------------------------------------------- subscriptions

export const insertSubscription = (db: Executor, row: Insertable<WebhookSubscriptionRow>) => db.insertInto('webhook_subscriptions').values(row).execute();

export const findSubscription = (db: Executor, id: string) => db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();

export const listSubscriptions = (db: Executor, filter: { status?: string | undefined; afterId?: string | undefined; limit: number }) => {
  let query = db.selectFrom('webhook_subscriptions').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return query.orderBy('id').limit(filter.limit).execute();
};

export const activeSubscriptions = (db: Executor) => db.selectFrom('webhook_subscriptions').selectAll().where('status', '=', 'active').orderBy('id').execute();

export const subscriptionsByIds = (db: Executor, ids: readonly string[]) =>
  ids.length === 0 ? Promise.resolve([]) : db.selectFrom('webhook_subscriptions').selectAll().where('id', 'in', ids).execute();

export const markSubscriptionDeleted = async (db: Executor, id: string, now: number): Promise<boolean> => {
  const result = await db.updateTable('webhook_subscriptions').set({ status: 'deleted', deleted_at: now }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

// ---------------------------------------------------------------- endpoints (circuit breakers)

export const ensureEndpoints = async (db: Executor, urls: readonly string[]): Promise<void> => {
  if (urls.length === 0) return;
  await db
    .insertInto('webhook_endpoints')
    .values(urls.map((url) => ({ url, state: 'closed', consecutive_failures: 0, since_at: null, last_success_at: null, last_failure_at: null, last_error: null, version: 1 })))
    .onConflict((oc) => oc.column('url').doNothing())
    .execute();
};

export const findEndpoint = (db: Executor, url: string) => db.selectFrom('webhook_endpoints').selectAll().where('url', '=', url).executeTakeFirst();

export const findEndpoints = (db: Executor, urls: readonly string[]) =>
  urls.length === 0 ? Promise.resolve([]) : db.selectFrom('webhook_endpoints').selectAll().where('url', 'in', urls).execute();

export type EndpointChange = Pick<Selectable<WebhookEndpointRow>, 'state' | 'consecutive_failures' | 'since_at'> &
  Partial<Pick<Selectable<WebhookEndpointRow>, 'last_success_at' | 'last_failure_at' | 'last_error'>>;

/** Writes a breaker transition only if nobody changed the endpoint since `version` was read. */
export const updateEndpoint = async (db: Executor, url: string, version: number, change: EndpointChange): Promise<boolean> => {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ ...change, version: version + 1 })
    .where('url', '=', url)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

// ---------------------------------------------------------------- the feed cursor

/**
 * The newest sequence in the outbox (read-only use of the platform's table): a subscription starts
 * after it, and the fan-out skips to it when no subscription is active.
 */
export const latestEventSeq = async (db: Executor): Promise<number> => {
  const row = await db.selectFrom('outbox_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
};

export const readCursor = async (db: Executor, name: string): Promise<number | undefined> => {
  const row = await db.selectFrom('webhook_cursors').select('last_seq').where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : Number(row.last_seq);
};

/** Moves the cursor forward only: two nodes fanning out at once can never move it back. */
export const advanceCursor = async (db: Executor, name: string, seq: number): Promise<void> => {
  await db.insertInto('webhook_cursors').values({ name, last_seq: seq }).onConflict((oc) => oc.column('name').doNothing()).execute();
  await db.updateTable('webhook_cursors').set({ last_seq: seq }).where('name', '=', name).where('last_seq', '<', seq).execute();
};

// ---------------------------------------------------------------- deliveries

/** Inserts deliveries; one already made for the same (subscription, event) is left alone. Returns how many were new. */
export async function insertDeliveries(db: Executor, rows: ReadonlyArray<Insertable<WebhookDeliveryRow>>): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(rows)) {
    const result = await db
      .insertInto('webhook_deliveries')
      .values(chunk)
      .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** Pending deliveries of active subscriptions that are due, oldest due first. */
export const dueDeliveries = (db: Executor, now: number, limit: number) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .selectAll('d')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .where('s.status', '=', 'active')
    .orderBy('d.next_attempt_at')
    .orderBy('d.id')
    .limit(limit)
    .execute();

/**
 * Takes a due delivery for one attempt by moving its next attempt past the lease: another node (or a
 * later tick) sees it as not due, and if this node dies mid-request the lease runs out and it is tried again.
 */
export const claimDelivery = async (db: Executor, id: string, now: number, leaseUntil: number): Promise<boolean> => {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export type AttemptChange = Pick<Selectable<WebhookDeliveryRow>, 'status' | 'attempts' | 'next_attempt_at' | 'last_error' | 'last_status_code' | 'last_endpoint'> &
  Partial<Pick<Selectable<WebhookDeliveryRow>, 'delivered_at' | 'dead_at'>>;

export const recordAttempt = (db: Executor, id: string, change: AttemptChange) =>
  db.updateTable('webhook_deliveries').set(change).where('id', '=', id).where('status', '=', 'pending').execute();

/** Holds pending deliveries back until `untilMs` without spending an attempt (their endpoints are open-circuit). */
export const postponeDeliveries = async (db: Executor, ids: readonly string[], untilMs: number): Promise<void> => {
  for (const chunk of chunks(ids)) {
    await db.updateTable('webhook_deliveries').set({ next_attempt_at: untilMs }).where('id', 'in', chunk).where('status', '=', 'pending').where('next_attempt_at', '<', untilMs).execute();
  }
};

export const findDelivery = (db: Executor, id: string) => db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();

export const listDeliveries = (db: Executor, filter: { subscriptionId?: string | undefined; status?: string | undefined; afterId?: string | undefined; limit: number }) => {
  let query = db.selectFrom('webhook_deliveries').selectAll();
  if (filter.subscriptionId !== undefined) query = query.where('subscription_id', '=', filter.subscriptionId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
  return query.orderBy('id').limit(filter.limit).execute();
};

/** A replayed dead letter is pending, due now, with a fresh attempt budget. */
export const reopenDeadDelivery = async (db: Executor, id: string, now: number, note: string | null): Promise<boolean> => {
  const result = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ status: 'pending', attempts: 0, next_attempt_at: now, dead_at: null, replay_count: eb('replay_count', '+', 1), operator_note: note }))
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const discardDeliveries = async (db: Executor, filter: { id?: string; subscriptionId?: string }, statuses: readonly string[], now: number, note: string): Promise<number> => {
  let query = db.updateTable('webhook_deliveries').set({ status: 'discarded', discarded_at: now, operator_note: note }).where('status', 'in', statuses);
  if (filter.id !== undefined) query = query.where('id', '=', filter.id);
  if (filter.subscriptionId !== undefined) query = query.where('subscription_id', '=', filter.subscriptionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
};

/** Pending and dead deliveries per subscription, for health. */
export const backlogBySubscription = (db: Executor) =>
  db
    .selectFrom('webhook_deliveries')
    .select(['subscription_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['pending', 'dead'])
    .groupBy(['subscription_id', 'status'])
    .execute();

// ---------------------------------------------------------------- traffic (health)

/** Requests counted in one minute's bucket by one node since its last flush. */
export interface TrafficCount {
  direction: 'in' | 'out';
  name: string;
  bucketStart: number;
  requests: number;
  failures: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
}

/**
 * Adds a node's counts to the shared bucket: increments, not overwrites, so every node's requests
 * are counted whichever flushes first. A later outcome replaces an earlier one only when it has one.
 */
export const addTraffic = (db: Executor, c: TrafficCount) =>
  db
    .insertInto('webhook_traffic')
    .values({
      direction: c.direction,
      name: c.name,
      bucket_start: c.bucketStart,
      requests: c.requests,
      failures: c.failures,
      last_success_at: c.lastSuccessAt,
      last_failure_at: c.lastFailureAt,
      last_error: c.lastError,
    })
    .onConflict((oc) =>
      oc.columns(['direction', 'name', 'bucket_start']).doUpdateSet((eb) => ({
        requests: eb('webhook_traffic.requests', '+', c.requests),
        failures: eb('webhook_traffic.failures', '+', c.failures),
        last_success_at: eb.fn.coalesce(eb.ref('excluded.last_success_at'), eb.ref('webhook_traffic.last_success_at')),
        last_failure_at: eb.fn.coalesce(eb.ref('excluded.last_failure_at'), eb.ref('webhook_traffic.last_failure_at')),
        last_error: eb.fn.coalesce(eb.ref('excluded.last_error'), eb.ref('webhook_traffic.last_error')),
      })),
    )
    .execute();

export const trafficSince = (db: Executor, direction: 'in' | 'out', since: number) =>
  db
    .selectFrom('webhook_traffic')
    .select(['name', (eb) => eb.fn.sum<number>('requests').as('requests'), (eb) => eb.fn.sum<number>('failures').as('failures')])
    .where('direction', '=', direction)
    .where('bucket_start', '>=', since)
    .groupBy('name')
    .execute();

/** The last success and the last failure (with its error) of each name over every bucket kept. */
export const lastOutcomes = async (db: Executor, direction: 'in' | 'out') => {
  const times = await db
    .selectFrom('webhook_traffic')
    .select(['name', (eb) => eb.fn.max('last_success_at').as('last_success_at'), (eb) => eb.fn.max('last_failure_at').as('last_failure_at')])
    .where('direction', '=', direction)
    .groupBy('name')
    .execute();
  const failed = times.filter((t) => t.last_failure_at !== null);
  const errors =
    failed.length === 0
      ? []
      : await db
          .selectFrom('webhook_traffic')
          .select(['name', 'last_error', 'last_failure_at'])
          .where('direction', '=', direction)
          .where((eb) => eb.or(failed.map((t) => eb.and([eb('name', '=', t.name), eb('last_failure_at', '=', Number(t.last_failure_at))]))))
          .execute();
  return times.map((t) => ({
    name: t.name,
    lastSuccessAt: t.last_success_at === null ? null : Number(t.last_success_at),
    lastFailureAt: t.last_failure_at === null ? null : Number(t.last_failure_at),
    lastError: errors.find((e) => e.name === t.name)?.last_error ?? null,
  }));
};

export const pruneTraffic = (db: Executor, before: number) => db.deleteFrom('webhook_traffic').where('bucket_start', '<', before).execute();

/**
 * Inbox messages of the given sources still needing work, by status (read-only use of the
 * platform's table; the status index finds them).
 */
export const inboxBacklog = (db: Executor, sources: readonly string[]) =>
  sources.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('inbox_messages')
        .select(['source', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['received', 'failed', 'dead'])
        .where('source', 'in', sources)
        .groupBy(['source', 'status'])
        .execute();
