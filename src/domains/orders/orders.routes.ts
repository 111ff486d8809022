import { z } from 'zod';
import { access, type Principal } from '../../platform/auth/roles.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { receiveJsonAndProcess, unprocessedError, type InboxService } from '../../platform/inbox/index.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { ORDER_INTAKE_MESSAGE } from './orders.inbox.ts';
import * as repo from './orders.repo.ts';
import { orderIntakeSchema, orderSchema, orderStateSchema, type Order } from './orders.types.ts';

const orderSortSchema = z.enum(['newest', 'oldest', 'promiseDate']).describe('newest (the default) or oldest received first, or earliest promise date first');

/**
 * A list cursor names its sort and holds that sort's key of the last row: [sort, id], or
 * [sort, promise date key, id]. A cursor made under another sort would skip or repeat rows, so it is refused.
 */
function decodeOrderCursor(cursor: string, sort: repo.OrderSort): { key?: string; id: string } {
  let cursorSort: unknown;
  try {
    cursorSort = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[])[0];
  } catch {
    cursorSort = undefined;
  }
  // Anything else (garbage, a cursor of another list) is refused by decodeCursor below with the usual message.
  if (cursorSort !== sort && orderSortSchema.options.includes(cursorSort as repo.OrderSort)) {
    throw new AppError('invalid_cursor', `the cursor belongs to a list sorted by ${cursorSort}, not ${sort}`, [{ path: 'querystring.cursor', message: 'pass nextCursor with the same sort' }]);
  }
  if (sort === 'promiseDate') {
    const [, key, id] = decodeCursor(cursor, ['s', 's', 's'] as const);
    return { key, id };
  }
  const [, id] = decodeCursor(cursor, ['s', 's'] as const);
  return { id };
}

const intakeAnswer = z.object({ result: z.enum(['created', 'exists']), messageId: z.string(), order: orderSchema });

/** A key scoped to a trading partner acts only for that partner's orders. */
function assertPartner(principal: Principal, partnerCode: string | undefined | null): void {
  if (principal.partnerCode !== null && principal.partnerCode !== partnerCode) {
    throw new AppError('forbidden', `this key acts for trading partner ${principal.partnerCode} only`, [{ path: 'partnerCode', message: `must be ${principal.partnerCode}` }]);
  }
}

export function registerOrderRoutes(app: HttpApp, deps: { inbox: InboxService; db: Executor }): void {
  app.post(
    '/v1/orders',
    {
      config: { access: access.roles('integration', 'customer_service'), idempotency: { required: false } },
      schema: {
        tags: ['orders'],
        summary: 'Submit a canonical order; an order number already received from the same partner or channel answers exists',
        headers: z
          .object({
            'idempotency-key': z
              .string()
              .max(200)
              .optional()
              .describe('Same key and body: the stored response again, byte for byte; same key, other body: 422 idempotency_key_reused'),
          })
          .passthrough(),
        description:
          'The raw body is kept in the inbox first. The order is validated against master data (customer, ship-to, items by SKU, GTIN ' +
          'or partner item, units, prices); a price off the contract or an exposure over the credit limit places a hold.',
        body: orderIntakeSchema,
        response: { 200: intakeAnswer, 201: intakeAnswer, 400: errorResponseSchema, 403: errorResponseSchema, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      assertPartner(principal, request.body.partnerCode);
      const { message } = await receiveJsonAndProcess(deps.inbox, { source: `api:${principal.keyId}`, messageType: ORDER_INTAKE_MESSAGE, body: request.body, correlationId: request.id });
      // An order is answered only once it is in; a passing failure (retried later) is not an answer.
      if (message.status !== 'processed') throw unprocessedError(message);
      const outcome = message.outcome as { result: 'created' | 'exists'; order: Order };
      return reply.code(outcome.result === 'created' ? 201 : 200).send({ ...outcome, messageId: message.id });
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      config: { access: access.anyRole },
      schema: { tags: ['orders'], summary: 'One order with its lines and holds', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: orderSchema, 404: errorResponseSchema } },
    },
    async (request) => {
      const row = await repo.findOrder(deps.db, request.params.id);
      const principal = principalOf(request);
      if (!row || (principal.partnerCode !== null && row.partner_code !== principal.partnerCode)) {
        throw new AppError('not_found', `order ${request.params.id} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
      }
      return JSON.parse(row.document) as Order;
    },
  );

  app.get(
    '/v1/orders',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['orders'],
        summary: 'Find orders by customer, state, order number, customer PO, partner or SKU, or by any one reference (q); newest, oldest or earliest promise date first',
        description:
          'q matches exactly (case-sensitive) any of: order id, external order number, customer PO, customer code, partner code, a line SKU. ' +
          'sort=promiseDate orders by the promise date (else the requested delivery date; undated orders last). Keyset-paged: pass nextCursor ' +
          'as cursor with the same filters and sort; a cursor from another sort is 400 invalid_cursor.',
        querystring: z
          .object({
            customerCode: z.string().max(64).optional(),
            state: orderStateSchema.optional(),
            externalOrderNumber: z.string().max(64).optional(),
            customerPo: z.string().max(64).optional(),
            partnerCode: z.string().max(64).optional(),
            sku: z.string().max(64).optional(),
            q: z.string().min(1).max(64).optional().describe('Any one reference, exact: order id, external order number, customer PO, customer code, partner code or line SKU'),
            sort: orderSortSchema.default('newest'),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            cursor: z.string().max(200).optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(orderSchema), nextCursor: z.string().nullable() }), 400: errorResponseSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const principal = principalOf(request);
      const after = q.cursor === undefined ? undefined : decodeOrderCursor(q.cursor, q.sort);
      const rows = await repo.listOrders(deps.db, { ...q, partnerCode: principal.partnerCode ?? q.partnerCode, after, limit: q.limit });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => JSON.parse(r.document) as Order),
        nextCursor: rows.length > q.limit && last ? encodeCursor(q.sort === 'promiseDate' ? [q.sort, last.promise_date_key, last.id] : [q.sort, last.id]) : null,
      };
    },
  );
}
