import { z } from 'zod';
import { access } from '../platform/auth/roles.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import { invoiceSchema } from '../domains/finance/index.ts';
import { amountMinorSchema, idSchema, timestampSchema } from '../domains/shared/index.ts';
import type { InvoiceAck } from './invoice-ack.ts';

const ackBody = z
  .object({
    ackId: z.string().trim().min(1).max(128).describe("The acknowledgement's id in the ERP; an id takes effect once"),
    status: z.enum(['accepted', 'rejected']).describe('Whether the ERP booked the invoice'),
    erpAmountMinor: amountMinorSchema.optional().describe('The amount the ERP booked (or expected, with a rejection); absent means ours'),
    reason: z.string().trim().min(1).max(500).optional().describe('Why, in the ERP’s words; required with a rejection'),
    acknowledgedAt: timestampSchema.optional().describe('When the ERP answered; the newest answer wins. Defaults to now'),
  })
  .strict();

const ackAnswer = z.object({
  result: z.enum(['applied', 'stale', 'duplicate']),
  invoice: invoiceSchema,
  exception: z.object({ id: z.string(), result: z.enum(['raised', 'updated', 'unchanged', 'resolved']) }).nullable(),
});

/** The ERP's answer about an invoice we issued, sent by the ERP connector or by finance. */
export function registerInvoiceAckRoutes(app: HttpApp, flow: InvoiceAck): void {
  app.post(
    '/v1/invoices/:id/erp-acknowledgement',
    {
      config: { access: access.roles('finance', 'integration'), idempotency: { required: false } },
      schema: {
        tags: ['invoices'],
        summary: 'Record the ERP’s acknowledgement of an invoice; a rejection or another amount raises invoice_mismatch, agreement resolves it',
        description:
          'Once per ackId: the same id again answers duplicate. An acknowledgement older than the newest applied answers stale and changes nothing; ' +
          'one dated more than an hour ahead of the hub’s clock is 422 time_ahead_of_clock.',
        params: z.object({ id: idSchema }),
        body: ackBody,
        response: { 200: ackAnswer, 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.status === 'rejected' && body.reason === undefined) {
        throw new AppError('validation_failed', 'body.reason: required when the ERP rejected the invoice', [{ path: 'body.reason', message: 'a rejection needs the ERP’s reason' }]);
      }
      return flow.acknowledge(request.params.id, body, principalOf(request).partnerCode);
    },
  );
}
