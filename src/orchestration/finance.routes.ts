import { z } from 'zod';
import { access } from '../platform/auth/roles.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../platform/pagination.ts';
import { creditUpdateSchema, invoiceSchema, registerInvoiceRoutes } from '../domains/finance/index.ts';
import { holdSchema, orderSchema } from '../domains/orders/index.ts';
import type { FinanceFlows } from './finance-flows.ts';

const orderParams = z.object({ id: z.string().min(1).max(64) });
const holdParams = z.object({ id: z.string().min(1).max(64), holdId: z.string().min(1).max(64) });
const reasonBody = z.object({ reason: z.string().trim().min(1).max(500).describe('Why: kept with the hold’s event and the recorded decision') }).strict();

const creditAnswer = z.object({
  result: z.enum(['applied', 'stale', 'superseded', 'duplicate']),
  customerCode: z.string(),
  reference: z.string(),
  released: z.array(z.object({ orderId: z.string(), holdIds: z.array(z.string()), exposureMinor: z.number(), limitMinor: z.number() })),
  stillHeld: z.array(z.object({ orderId: z.string(), reasonCode: z.string(), message: z.string(), exposureMinor: z.number().optional(), limitMinor: z.number().optional() })),
});

/** Invoicing and credit over HTTP: invoice reads, the manual invoicing run, credit updates and hold decisions. */
export function registerFinanceRoutes(app: HttpApp, flows: FinanceFlows): void {
  const { orders } = flows;
  registerInvoiceRoutes(app, flows.invoices);

  app.get(
    '/v1/orders/:id/invoices',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['invoices'],
        summary: 'The invoices of one order, newest first',
        params: orderParams,
        querystring: pageQuerySchema.strict(),
        response: { 200: pageSchema(invoiceSchema), 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const order = await orders.store.get(request.params.id);
      if (!order || (principal.partnerCode !== null && order.partnerCode !== principal.partnerCode)) {
        throw new AppError('not_found', `order ${request.params.id} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
      }
      return flows.invoices.list({ ...request.query, orderId: order.id });
    },
  );

  app.post(
    '/v1/orders/:id/invoice',
    {
      config: { access: access.roles('finance') },
      schema: {
        tags: ['invoices'],
        summary: 'Invoice everything shipped and not yet invoiced, now; harmless to repeat',
        description: 'Invoicing normally follows shipment confirmations by itself, per the invoicing policy. This runs it by hand, for example after a dead letter was discarded.',
        params: orderParams,
        response: {
          200: z.object({ result: z.enum(['invoiced', 'skipped']), reason: z.string().optional(), invoice: invoiceSchema.optional(), order: orderSchema }),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => flows.invoicing.invoiceOutstanding(request.params.id),
  );

  app.post(
    '/v1/customers/:code/credit',
    {
      config: { access: access.roles('finance', 'integration'), idempotency: { required: false } },
      schema: {
        tags: ['credit'],
        summary: 'Report a customer’s open receivables, credit limit or ERP hold flag; credit holds are re-evaluated',
        description:
          'Each reference takes effect once; an update whose asOf is older than the newest one applied is stale and changes nothing, ' +
          'and one whose asOf is more than an hour ahead of the hub’s clock is 422 time_ahead_of_clock. ' +
          'When the credit policy allows, orders on credit hold whose exposure is now within the limit are released, oldest first.',
        params: z.object({ code: z.string().min(1).max(64) }),
        body: creditUpdateSchema,
        response: { 200: creditAnswer, 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request) => {
      // Credit figures come from the ERP or finance; a key acting for one trading partner may not set them.
      if (principalOf(request).partnerCode !== null) throw new AppError('forbidden', 'a key scoped to a trading partner may not report credit figures', [{ path: 'params.code', message: 'use an unscoped key' }]);
      return flows.credit.applyCreditUpdate(request.params.code, request.body);
    },
  );

  for (const [action, resolution] of [['release', 'released'], ['reject', 'rejected']] as const) {
    app.post(
      `/v1/orders/:id/holds/:holdId/${action}`,
      {
        // Any key may ask; whether it may decide depends on the hold's owner role, checked per hold.
        config: { access: access.anyRole },
        schema: {
          tags: ['orders'],
          summary:
            action === 'release'
              ? 'Release a hold (its owner role or admin); the order goes on to allocation'
              : 'Reject a hold (its owner role or admin); the order is cancelled and its stock given back',
          params: holdParams,
          body: reasonBody,
          response: {
            200: z.object({ result: z.literal(resolution), order: orderSchema, hold: holdSchema }),
            400: errorResponseSchema,
            403: errorResponseSchema,
            404: errorResponseSchema,
            409: errorResponseSchema,
          },
        },
      },
      async (request) => flows.credit.resolveByPerson(request.params.id, request.params.holdId, resolution, principalOf(request), request.body.reason),
    );
  }
}
