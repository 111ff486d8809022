import { AppError } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';
import { isVisibleTo } from './exceptions.rules.ts';
import type { ExceptionStore } from './exceptions.store.ts';
import type { AuditEntry, CrossdockException, ExceptionScope, ListExceptionsQuery } from './exceptions.types.ts';

/** How many audit lines an exception's detail shows; the whole trail is paged at /audit. */
const DETAIL_AUDIT_LINES = 100;

export const exceptionNotFound = (id: string) => new AppError('not_found', `exception ${id} does not exist`, [{ path: 'params.id', message: 'no such exception' }]);

/** Reads for people: queue pages, one exception with its context, its audit trail. */
export function createExceptionQueries(store: ExceptionStore) {
  return {
    /** One exception with its latest audit lines; 404 when unknown or outside the caller's partner. */
    async get(id: string, scope: ExceptionScope): Promise<CrossdockException & { audit: AuditEntry[] }> {
      const stored = await store.get(id);
      if (!stored || !isVisibleTo(scope, stored.exception)) throw exceptionNotFound(id);
      return { ...stored.exception, audit: await store.latestAudit(id, DETAIL_AUDIT_LINES) };
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
    async list(query: ListExceptionsQuery, scope: ExceptionScope): Promise<Page<CrossdockException>> {
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
      const pageRows = rows.slice(0, query.limit);
      const last = pageRows[pageRows.length - 1];
      const value = (row: (typeof rows)[number]) => (query.sort === 'priority' ? row.priority : query.sort === 'age' ? row.raised_at : row.sla_due_at);
      return {
        items: pageRows.map((row) => JSON.parse(row.document) as CrossdockException),
        nextCursor: rows.length > query.limit && last ? encodeCursor([query.sort, value(last), last.id]) : null,
      };
    },

  };
}
