import { sql } from 'kysely';
import type { Executor } from '../../platform/db/store.ts';
import type { Windows } from './console.repo.ts';

/**
 * SQL only, read only: what the console needs of the webhook, file and EDI connectors' tables
 * beyond what their own health reports give — counts over its two windows, retries and recent failures.
 */

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const MINUTE_MS = 60_000;
const bucketOf = (ms: number) => ms - (ms % MINUTE_MS);

/** Webhook requests (`in`, per source) or attempts (`out`, per endpoint URL) per window, from the minute buckets. */
export async function webhookTraffic(db: Executor, direction: 'in' | 'out', w: Windows) {
  const rows = await db
    .selectFrom('webhook_traffic')
    .select([
      'name',
      (eb) => eb.fn.sum('requests').as('n_day'),
      (eb) => eb.fn.sum('failures').as('f_day'),
      sql<number>`sum(case when bucket_start >= ${bucketOf(w.hourStart)} then requests else 0 end)`.as('n_hour'),
      sql<number>`sum(case when bucket_start >= ${bucketOf(w.hourStart)} then failures else 0 end)`.as('f_hour'),
    ])
    .where('direction', '=', direction)
    .where('bucket_start', '>=', bucketOf(w.dayStart))
    .groupBy('name')
    .execute();
  return new Map(
    rows.map((r) => [r.name, { hour: { requests: num(r.n_hour), failures: num(r.f_hour) }, day: { requests: num(r.n_day), failures: num(r.f_day) } }]),
  );
}

/** Pending deliveries that failed at least once, per subscription. */
export const retryingWebhookDeliveries = async (db: Executor): Promise<Map<string, number>> => {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['subscription_id', (eb) => eb.fn.countAll().as('n')])
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .groupBy('subscription_id')
    .execute();
  return new Map(rows.map((r) => [r.subscription_id, num(r.n)]));
};

/** The newest dead or retrying deliveries whose last attempt went to the given endpoint of the given subscriptions. */
export const recentWebhookFailures = (db: Executor, uses: ReadonlyArray<{ subscriptionId: string; role: 'primary' | 'fallback' }>, limit: number) =>
  uses.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('webhook_deliveries')
        .select(['id', 'status', 'attempts', 'last_error', 'dead_at', 'next_attempt_at'])
        .where((eb) => eb.or(uses.map((u) => eb.and([eb('subscription_id', '=', u.subscriptionId), eb('last_endpoint', '=', u.role)]))))
        .where((eb) => eb.or([eb('status', '=', 'dead'), eb.and([eb('status', '=', 'pending'), eb('attempts', '>', 0)])]))
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();

/** Files taken per window by one folder, and how many ended `partial` or `rejected`; covered by (folder, outcome, finished_at). */
export async function folderWindows(db: Executor, folder: string, w: Windows) {
  const rows = await db
    .selectFrom('file_intake')
    .select(['outcome', (eb) => eb.fn.countAll().as('n'), sql<number>`sum(case when finished_at >= ${w.hourStart} then 1 else 0 end)`.as('n_hour')])
    .where('folder', '=', folder)
    .where('outcome', 'in', ['processed', 'partial', 'rejected'])
    .where('finished_at', '>=', w.dayStart)
    .groupBy('outcome')
    .execute();
  const sum = (key: 'n' | 'n_hour', failuresOnly: boolean) => rows.filter((r) => !failuresOnly || r.outcome !== 'processed').reduce((s, r) => s + num(r[key]), 0);
  return { hour: { requests: sum('n_hour', false), failures: sum('n_hour', true) }, day: { requests: sum('n', false), failures: sum('n', true) } };
}

export const recentFileFailures = (db: Executor, folder: string, limit: number) =>
  db
    .selectFrom('file_intake')
    .select(['id', 'file_name', 'outcome', 'first_problem', 'finished_at'])
    .where('folder', '=', folder)
    .where('outcome', 'in', ['partial', 'rejected'])
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

// ---------------------------------------------------------------- EDI

export const tradingPartnerCodes = async (db: Executor): Promise<string[]> =>
  (await db.selectFrom('catalog_trading_partners').select('key').orderBy('key').execute()).map((r) => r.key);

export interface EdiPartnerStats {
  interchanges: { in: { lastHour: number; last24Hours: number; lastAt: number | null }; out: { lastHour: number; last24Hours: number; lastAt: number | null } };
  acknowledgements: { pending: number; overdue: number; rejected24h: number; acceptedWithErrors24h: number; lastAcceptedAt: number | null; lastRejectedAt: number | null };
  /** Groups acknowledged in each window, and how many of them the partner rejected. */
  hour: { requests: number; failures: number };
  day: { requests: number; failures: number };
}

export async function ediPartnerStats(db: Executor, partnerCode: string, w: Windows, ackDueBefore: number): Promise<EdiPartnerStats> {
  const interchanges = await db
    .selectFrom('edi_interchanges')
    .select([
      'direction',
      (eb) => eb.fn.max('created_at').as('last_at'),
      sql<number>`sum(case when created_at >= ${w.dayStart} then 1 else 0 end)`.as('n_day'),
      sql<number>`sum(case when created_at >= ${w.hourStart} then 1 else 0 end)`.as('n_hour'),
    ])
    .where('partner_code', '=', partnerCode)
    .groupBy('direction')
    .execute();
  const groups = await db
    .selectFrom('edi_outbound_groups')
    .select([
      sql<number>`sum(case when ack_status is null then 1 else 0 end)`.as('pending'),
      sql<number>`sum(case when ack_status is null and sent_at < ${ackDueBefore} then 1 else 0 end)`.as('overdue'),
      sql<number>`sum(case when ack_status = 'R' and acked_at >= ${w.dayStart} then 1 else 0 end)`.as('rejected_day'),
      sql<number>`sum(case when ack_status = 'R' and acked_at >= ${w.hourStart} then 1 else 0 end)`.as('rejected_hour'),
      sql<number>`sum(case when ack_status in ('E', 'P') and acked_at >= ${w.dayStart} then 1 else 0 end)`.as('errors_day'),
      sql<number>`sum(case when acked_at >= ${w.dayStart} then 1 else 0 end)`.as('acked_day'),
      sql<number>`sum(case when acked_at >= ${w.hourStart} then 1 else 0 end)`.as('acked_hour'),
      sql<number | null>`max(case when ack_status <> 'R' then acked_at end)`.as('last_accepted'),
      sql<number | null>`max(case when ack_status = 'R' then acked_at end)`.as('last_rejected'),
    ])
    .where('partner_code', '=', partnerCode)
    .executeTakeFirst();
  const dir = (d: 'in' | 'out') => {
    const row = interchanges.find((r) => r.direction === d);
    return { lastHour: num(row?.n_hour), last24Hours: num(row?.n_day), lastAt: row?.last_at === null || row?.last_at === undefined ? null : Number(row.last_at) };
  };
  return {
    interchanges: { in: dir('in'), out: dir('out') },
    acknowledgements: {
      pending: num(groups?.pending),
      overdue: num(groups?.overdue),
      rejected24h: num(groups?.rejected_day),
      acceptedWithErrors24h: num(groups?.errors_day),
      lastAcceptedAt: groups?.last_accepted === null || groups?.last_accepted === undefined ? null : Number(groups.last_accepted),
      lastRejectedAt: groups?.last_rejected === null || groups?.last_rejected === undefined ? null : Number(groups.last_rejected),
    },
    hour: { requests: num(groups?.acked_hour), failures: num(groups?.rejected_hour) },
    day: { requests: num(groups?.acked_day), failures: num(groups?.rejected_day) },
  };
}

export const recentRejectedGroups = (db: Executor, partnerCode: string, limit: number) =>
  db
    .selectFrom('edi_outbound_groups')
    .select(['functional_id', 'group_control', 'acked_at', 'ack_status'])
    .where('partner_code', '=', partnerCode)
    .where('ack_status', '=', 'R')
    .orderBy('acked_at', 'desc')
    .limit(limit)
    .execute();
