import type { Role } from '../../platform/auth/roles.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';
import { isVisibleTo } from './exceptions.rules.ts';
import { countLiveBySla } from './exceptions.repo.ts';
import type { ExceptionStore } from './exceptions.store.ts';
import type { AuditEntry, CrossdockException, ExceptionScope, ExceptionView, ListExceptionsQuery } from './exceptions.types.ts';
import { toView } from './exceptions.view.ts';

/** How many audit lines an exception's detail shows; the whole trail is paged at /audit. */
const DETAIL_AUDIT_LINES = 100;

export const exceptionNotFound = (id: string) => new AppError('not_found', `exception ${id} does not exist`, [{ path: 'params.id', message: 'no such exception' }]);

/**
 * Reads for people: queue pages, one exception with its context, its audit trail. Exceptions are
 * answered as views, with their SLA state at the time of the read on `clock`.
 */
export function createExceptionQueries(store: ExceptionStore, clock: Clock) {
  return {
    /** One exception with its latest audit lines; 404 when unknown or outside the caller's partner. */
    async get(id: string, scope: ExceptionScope): Promise<ExceptionView & { audit: AuditEntry[] }> {
      const stored = await store.get(id);
      if (!stored || !isVisibleTo(scope, stored.exception)) throw exceptionNotFound(id);
      return { ...toView(stored.exception, clock.now()), audit: await store.latestAudit(id, DETAIL_AUDIT_LINES) };
    },

    /** An exception's whole audit trail, oldest first, keyset-paged. */
    async audit(id: string, scope: ExceptionScope, page: { limit: number; cursor?: string | undefined }): Promise<Page<AuditEntry>> {
      const stored = await store.get(id);
      if (!stored || !isVisibleTo(scope, stored.exception)) throw exceptionNotFound(id);
      const afterSeq = page.cursor === undefined ? 0 : decodeCursor(page.cursor, ['n'] as const)[0];
      const rows = await store.auditPage(id, afterSeq, page.limit + 1);
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? encodeCursor([items[items.length - 1]!.seq]) : null };
    },

    /** A queue page: filtered, sorted by priority, age or SLA due time, keyset-paged. */
    async list(query: ListExceptionsQuery, scope: ExceptionScope): Promise<Page<ExceptionView>> {
      let after: readonly [number, string] | undefined;
      if (query.cursor !== undefined) {
        const [sort, value, id] = decodeCursor(query.cursor, ['s', 'n', 's'] as const);
        if (sort !== query.sort) throw new AppError('invalid_cursor', `the cursor belongs to a list sorted by ${sort}, not ${query.sort}`, [{ path: 'querystring.cursor', message: 'pass nextCursor with the same sort' }]);
        after = [value, id];
      }
      const rows = await store.list({
        queueRole: query.queue,
        type: query.type,
        state: query.state,
        partnerCode: scope.partnerCode ?? undefined,
        assigneeName: query.assignee,
        subject: query.subjectType !== undefined && query.subjectId !== undefined ? { type: query.subjectType, id: query.subjectId } : undefined,
        sort: query.sort,
        after,
        limit: query.limit + 1,
      });
      // One instant for the whole page, so rows read together are judged against the same time.
      const nowMs = clock.now();
      const pageRows = rows.slice(0, query.limit);
      const last = pageRows[pageRows.length - 1];
      const value = (row: (typeof rows)[number]) => (query.sort === 'priority' ? row.priority : query.sort === 'age' ? row.raised_at : row.sla_due_at);
      return {
        items: pageRows.map((row) => toView(JSON.parse(row.document) as CrossdockException, nowMs)),
        nextCursor: rows.length > query.limit && last ? encodeCursor([query.sort, value(last), last.id]) : null,
      };
    },

  };
}

export interface QueueSummary {
  queue: Role;
  open: number;
  claimed: number;
  onTrack: number;
  atRisk: number;
  breached: number;
}

export interface ExceptionSummary {
  generatedAt: string;
  total: number;
  byQueue: QueueSummary[];
  byType: Array<{ type: string; count: number }>;
}

/**
 * The live exceptions (open and claimed) at a glance: per queue by state and SLA state, and per type.
 * The SLA state is the one of the exception view (`slaStateAt`), counted in SQL. Breached includes
 * exceptions past due whose breach the SLA timer has not recorded yet, as the
 * crossdock_exceptions_open gauge does. Queues are listed busiest first, types likewise.
 */
export async function exceptionSummary(db: Executor, clock: Clock, scope: ExceptionScope): Promise<ExceptionSummary> {
  const nowMs = clock.now();
  const counts = await countLiveBySla(db, nowMs, scope.partnerCode ?? undefined);
  const queues = new Map<string, QueueSummary>();
  const types = new Map<string, number>();
  let total = 0;
  for (const c of counts) {
    total += c.count;
    types.set(c.type, (types.get(c.type) ?? 0) + c.count);
    const queue = queues.get(c.queue) ?? { queue: c.queue as Role, open: 0, claimed: 0, onTrack: 0, atRisk: 0, breached: 0 };
    if (c.state === 'claimed') queue.claimed += c.count;
    else queue.open += c.count;
    if (c.sla === 'breached') queue.breached += c.count;
    else if (c.sla === 'at_risk') queue.atRisk += c.count;
    else queue.onTrack += c.count;
    queues.set(c.queue, queue);
  }
  const busiest = <T extends { key: string; n: number }>(a: T, b: T) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return {
    generatedAt: new Date(nowMs).toISOString(),
    total,
    byQueue: [...queues.values()]
      .map((q) => ({ q, key: q.queue, n: q.open + q.claimed }))
      .sort(busiest)
      .map(({ q }) => q),
    byType: [...types]
      .map(([type, count]) => ({ type, count, key: type, n: count }))
      .sort(busiest)
      .map(({ type, count }) => ({ type, count })),
  };
}
