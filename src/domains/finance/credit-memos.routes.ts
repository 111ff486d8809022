import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { idSchema } from '../shared/index.ts';
import type { CreditMemoService } from './credit-memos.service.ts';
import { creditMemoSchema } from './finance.types.ts';

/** Read-only: credit memos are issued by the returns flow, in the transaction that disposes the return. */
export function registerCreditMemoRoutes(app: HttpApp, creditMemos: CreditMemoService): void {
  app.get(
    '/v1/credit-memos/:id',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['returns'],
        summary: 'One credit memo: the return it credits, its lines (received units × the order line price) and its total',
        params: z.object({ id: idSchema }),
        response: { 200: creditMemoSchema, 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => creditMemos.get(request.params.id, principalOf(request).partnerCode),
  );
}
