import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { codeSchema, idSchema } from '../shared/index.ts';
import { invoiceSchema } from './finance.types.ts';
import type { InvoiceService } from './invoices.service.ts';

const tags = ['invoices'];

/** Read-only: invoices are issued by the invoicing flow, in the transaction that bills the order's shipped quantities. */
export function registerInvoiceRoutes(app: HttpApp, invoices: InvoiceService): void {
  app.get(
    '/v1/invoices/:id',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'One invoice with its lines, the shipments it bills and its total',
        params: z.object({ id: idSchema }),
        response: { 200: invoiceSchema, 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => invoices.get(request.params.id, principalOf(request).partnerCode ?? undefined),
  );

  app.get(
    '/v1/invoices',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'Invoices by order or customer, newest first',
        description: 'Keyset-paged: pass nextCursor as cursor. A key scoped to a trading partner sees only that partner’s invoices.',
        querystring: z
          .object({ orderId: idSchema.optional(), customerCode: codeSchema.optional() })
          .extend(pageQuerySchema.shape)
          .strict(),
        response: { 200: pageSchema(invoiceSchema), 400: errorResponseSchema },
      },
    },
    async (request) => invoices.list({ ...request.query, partnerCode: principalOf(request).partnerCode ?? undefined }),
  );
}
