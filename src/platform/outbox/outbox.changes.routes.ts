import { z } from 'zod';
import { refusePartnerScopedKeys } from '../auth/partner-scope.ts';
import { access } from '../auth/roles.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import type { HttpApp } from '../http/types.ts';
import { CHANGE_WAIT_MS_MAX, type ChangeWatch } from './outbox.changes.ts';

const changesQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).optional().describe('The position of the previous answer; without it, the current position and no topics'),
    waitMs: z.coerce.number().int().min(0).max(CHANGE_WAIT_MS_MAX).default(0).describe('How long to wait for a change when there is none yet'),
  })
  .strict();

const changesSchema = z.object({
  position: z.number().int().describe('Ask from here next time'),
  topics: z.array(z.string()).describe('What changed: order, exception, inventory, shipment, … (`*`: everything, the feed was reset)'),
  more: z.boolean().describe('More events followed than one answer reads: ask again at once'),
});

export function registerChangeRoutes(app: HttpApp, watch: ChangeWatch): void {
  app.get(
    '/v1/changes',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['messaging'],
        summary: 'What changed since a position (topics only, no data), waiting up to waitMs for a change: the dashboard reloads screens on it',
        querystring: changesQuerySchema,
        response: { 200: changesSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
      // A partner's key sees only its own orders' events; topics of everyone's would say more than that.
      preHandler: refusePartnerScopedKeys('the change feed'),
    },
    async (request, reply) => {
      // A client that goes away (a tab closed) ends its wait.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      return watch.changesAfter(request.query.after, request.query.waitMs, gone.signal);
    },
  );
}
