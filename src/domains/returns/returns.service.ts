import type { Executor, Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';
import * as repo from './returns.repo.ts';
import { returnAuthorizationSchema, type ReturnAuthorization, type ReturnState } from './returns.types.ts';

export interface ReturnListQuery {
  orderId?: string | undefined;
  state?: ReturnState | undefined;
  /** A key scoped to a trading partner sees only that partner's returns. */
  partnerCode?: string | null | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Reading and writing whole RMAs, for the returns flow (orchestration) and the read routes. Writers
 * hold the lock of the RMA's order, which serialises every change to an order's RMAs; `save` guards
 * the version besides.
 */
export function createReturnService(deps: { db: Executor }) {
  const parse = (document: string) => returnAuthorizationSchema.parse(JSON.parse(document));
  const notFound = (id: string) => new AppError('not_found', `return ${id} does not exist`, [{ path: 'params.id', message: 'unknown return id' }]);

  return {
    async insert(tx: Tx, rma: ReturnAuthorization): Promise<void> {
      await repo.insertReturn(tx, {
        id: rma.id,
        rma_number: rma.rmaNumber,
        order_id: rma.orderId,
        partner_code: rma.partnerCode ?? null,
        customer_code: rma.customerCode,
        location_code: rma.locationCode,
        state: rma.state,
        document: JSON.stringify(returnAuthorizationSchema.parse(rma)),
        authorized_at: Date.parse(rma.authorizedAt),
        expires_at: Date.parse(rma.expiresAt),
        updated_at: Date.parse(rma.updatedAt),
        version: rma.version,
      });
    },

    /** Saves `after` when the stored RMA is still `before`'s version; false when someone else changed it. */
    async save(tx: Tx, before: ReturnAuthorization, after: ReturnAuthorization): Promise<boolean> {
      const document = JSON.stringify(returnAuthorizationSchema.parse(after));
      return repo.saveReturn(tx, { id: after.id, state: after.state, document, updated_at: Date.parse(after.updatedAt), version: after.version }, before.version);
    },

    async find(id: string, executor: Executor = deps.db): Promise<ReturnAuthorization | undefined> {
      const row = await repo.findReturn(executor, id);
      return row && parse(row.document);
    },

    /** 404 `not_found` when absent, or when a partner-scoped key asks for another partner's return. */
    async get(id: string, partnerCode: string | null = null): Promise<ReturnAuthorization> {
      const row = await repo.findReturn(deps.db, id);
      if (!row || (partnerCode !== null && row.partner_code !== partnerCode)) throw notFound(id);
      return parse(row.document);
    },

    async listForOrder(orderId: string, executor: Executor = deps.db): Promise<ReturnAuthorization[]> {
      return (await repo.listForOrder(executor, orderId)).map((r) => parse(r.document));
    },

    async list(query: ReturnListQuery): Promise<Page<ReturnAuthorization>> {
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.list(deps.db, { orderId: query.orderId, state: query.state, partnerCode: query.partnerCode, beforeId, limit: query.limit });
      const page = rows.slice(0, query.limit);
      return { items: page.map((r) => parse(r.document)), nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null };
    },
  };
}

export type ReturnService = ReturnType<typeof createReturnService>;
