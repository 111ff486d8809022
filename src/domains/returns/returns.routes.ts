import { z } from 'zod';
import { access, type Role } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { creditMemoSchema } from '../finance/index.ts';
import { idSchema } from '../shared/index.ts';
import type { ReturnService } from './returns.service.ts';
import {
  authorizeReturnSchema,
  returnAuthorizationSchema,
  returnDispositionInputSchema,
  returnReceiptSchema,
  returnStateSchema,
  type AuthorizeReturnInput,
  type ReturnCommandResult,
  type ReturnDispositionInput,
  type ReturnReceiptInput,
} from './returns.types.ts';

/** The returns flow as the routes need it; the orchestration provides it (it moves goods and money). */
export interface ReturnCommands {
  authorize(input: AuthorizeReturnInput, scope: { partnerCode: string | null }): Promise<ReturnCommandResult>;
  receive(returnId: string, input: ReturnReceiptInput, scope: { partnerCode: string | null }): Promise<ReturnCommandResult>;
  dispose(returnId: string, input: ReturnDispositionInput, scope: { partnerCode: string | null }): Promise<ReturnCommandResult>;
  orderVisible(orderId: string, scope: { partnerCode: string | null }): Promise<boolean>;
}

const tags = ['returns'];
const commandAnswer = (results: readonly [ReturnCommandResult['result'], ...ReturnCommandResult['result'][]]) =>
  z.object({ result: z.enum(results), return: returnAuthorizationSchema, creditMemo: creditMemoSchema.optional() });
const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema, 422: errorResponseSchema };
const idempotencyHeader = z
  .object({ 'idempotency-key': z.string().max(200).optional().describe('Same key and body: the stored response again; same key, other body: 422 idempotency_key_reused') })
  .passthrough();
const returnParams = z.object({ id: idSchema });
/** Commands change an RMA, so they are open to the roles named and may carry an idempotency key. */
const commandConfig = (...allowed: Role[]) => ({ access: access.roles(...allowed), idempotency: { required: false } });
/** What every command on an existing RMA declares alike: its id in the path, the key, and its answers. */
const rmaCommandSchema = (results: Parameters<typeof commandAnswer>[0]) => ({ tags, params: returnParams, headers: idempotencyHeader, response: { 200: commandAnswer(results), ...errors } });

export function registerReturnRoutes(app: HttpApp, deps: { returns: ReturnService; commands: ReturnCommands }): void {
  const scopeOf = (request: Parameters<typeof principalOf>[0]) => ({ partnerCode: principalOf(request).partnerCode });

  app.post(
    '/v1/returns',
    {
      config: commandConfig('customer_service', 'integration'),
      schema: {
        tags,
        summary: 'Authorise a return (RMA) of shipped order lines, within the returns policy’s window and reason codes',
        description:
          'Each line must have shipped, be asked within the policy’s windowDays of its delivery (or shipment), give one of the policy’s reason codes, ' +
          'and ask no more than shipped less what other RMAs of the order hold. Refusals: 422 outside_return_window, 422 exceeds_returnable, ' +
          '422 unprocessable (unknown line or reason code). The RMA expires unless goods are received within windowDays (at least a day).',
        headers: idempotencyHeader,
        body: authorizeReturnSchema,
        response: { 201: commandAnswer(['authorized']), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await deps.commands.authorize(request.body, scopeOf(request))),
  );

  app.post(
    '/v1/returns/:id/receipt',
    {
      config: commandConfig('warehouse', 'integration'),
      schema: {
        ...rmaCommandSchema(['received', 'exists']),
        summary: 'Record what came back under an RMA: into quarantine when the policy asks for inspection, else straight back to stock',
        description:
          'One receipt per RMA; the same receiptNumber again answers exists and moves nothing. Lines left out came back with nothing. ' +
          'Without inspection the receipt also restocks the goods and issues the credit memo.',
        body: returnReceiptSchema,
      },
    },
    async (request) => deps.commands.receive(request.params.id, request.body, scopeOf(request)),
  );

  app.post(
    '/v1/returns/:id/disposition',
    {
      config: commandConfig('warehouse'),
      schema: {
        ...rmaCommandSchema(['inspected', 'credited']),
        summary: 'Decide what happens to received units (restock, scrap, vendor_return); the last decision issues the credit memo',
        description:
          'A line may be split over dispositions and decided over several calls; a quantity left out means every received unit of the line ' +
          'not yet decided. When no received unit is left undecided the return is disposed and credited in the same transaction.',
        body: returnDispositionInputSchema,
      },
    },
    async (request) => deps.commands.dispose(request.params.id, request.body, scopeOf(request)),
  );

  app.get(
    '/v1/returns/:id',
    {
      config: { access: access.anyRole },
      schema: { tags, summary: 'One RMA with its lines, receipt and dispositions', params: returnParams, response: { 200: returnAuthorizationSchema, 400: errorResponseSchema, 404: errorResponseSchema } },
    },
    async (request) => deps.returns.get(request.params.id, principalOf(request).partnerCode),
  );

  app.get(
    '/v1/returns',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'RMAs by order and state, newest first',
        description: 'Keyset-paged: pass nextCursor as cursor. A key scoped to a trading partner sees only that partner’s returns.',
        querystring: z.object({ orderId: idSchema.optional(), state: returnStateSchema.optional() }).extend(pageQuerySchema.shape).strict(),
        response: { 200: pageSchema(returnAuthorizationSchema), 400: errorResponseSchema },
      },
    },
    async (request) => deps.returns.list({ ...request.query, partnerCode: principalOf(request).partnerCode }),
  );

  app.get(
    '/v1/orders/:id/returns',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'Every RMA of one order, oldest first',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: z.object({ items: z.array(returnAuthorizationSchema) }), 404: errorResponseSchema },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      if (!(await deps.commands.orderVisible(request.params.id, scope))) {
        throw new AppError('not_found', `order ${request.params.id} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
      }
      return { items: await deps.returns.listForOrder(request.params.id) };
    },
  );
}
