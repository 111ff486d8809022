import { z } from 'zod';
import { refusePartnerScopedKeys } from '../../platform/auth/partner-scope.ts';
import { access } from '../../platform/auth/roles.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { AvailabilityAdviceService } from './availability846.ts';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 422: errorResponseSchema } as const;

export function registerEdiAvailabilityRoutes(app: HttpApp, availability: AvailabilityAdviceService): void {
  app.post(
    '/v1/edi/partners/:code/availability',
    {
      // Sending another partner's figures is for the hub's own integration staff, not a partner's key.
      config: { access: access.roles('integration') },
      preHandler: refusePartnerScopedKeys('sending an 846'),
      schema: {
        tags: ['integrations'],
        summary: "Send the partner an 846 of what its customer's channel can be promised per cross-referenced item; the same report id again writes nothing",
        description:
          'QTY 33 per item is network ATP for the channel of the customer that trades through the partner (its first EDI channel). ' +
          'The report id defaults to ATP-<UTC minute>, so a repeat within the minute is answered already_sent.',
        params: z.object({ code: z.string().min(1).max(64) }),
        body: z
          .object({ reportId: z.string().regex(/^[A-Za-z0-9._-]{1,30}$/, 'use 1–30 letters, digits, ".", "_" or "-"').optional().describe('BIA03 and the document key') })
          .strict()
          .nullish(),
        response: {
          200: z.object({
            result: z.enum(['sent', 'already_sent']),
            reportId: z.string(),
            channel: z.string(),
            items: z.number().int(),
            fileName: z.string().nullable(),
            interchangeControl: z.number().int().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (request) => availability.send(request.params.code, request.body?.reportId ?? undefined),
  );
}
