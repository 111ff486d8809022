import { z } from 'zod';
import { access } from '../auth/roles.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import type { HttpApp } from '../http/types.ts';
import { pageQuerySchema, pageSchema } from '../pagination.ts';
import type { InboxService } from './inbox.service.ts';
import { inboxMessageSchema, inboxMessageSummarySchema, listInboxQuerySchema } from './inbox.types.ts';

const readAccess = access.roles('integration', 'viewer');
const operateAccess = access.roles('integration');
const params = z.object({ id: z.string().min(1).max(100) });
const reasonSchema = z.string().trim().min(1).max(2_000);

export const replayBodySchema = z
  .object({
    /** A corrected payload; the message's first payload is kept as originalPayload. */
    payload: z.string().optional(),
    reason: reasonSchema.optional(),
  })
  .strict();

export function registerInboxRoutes(app: HttpApp, inbox: InboxService): void {
  app.get(
    '/v1/inbox',
    {
      config: { access: readAccess },
      schema: {
        tags: ['messaging'],
        summary: 'List inbound messages, newest first, without their payloads',
        querystring: listInboxQuerySchema.extend(pageQuerySchema.shape).strict(),
        response: { 200: pageSchema(inboxMessageSummarySchema), 400: errorResponseSchema },
      },
    },
    async (request) => inbox.list(request.query),
  );

  app.get(
    '/v1/inbox/:id',
    {
      config: { access: readAccess },
      schema: {
        tags: ['messaging'],
        summary: 'One inbound message with its raw payload, its first payload if edited, status, error and outcome',
        params,
        response: { 200: inboxMessageSchema, 404: errorResponseSchema },
      },
    },
    async (request) => inbox.get(request.params.id),
  );

  app.post(
    '/v1/inbox/:id/replay',
    {
      config: { access: operateAccess },
      schema: {
        tags: ['messaging'],
        summary: 'Process a failed or dead message again now, optionally with a corrected payload',
        description:
          'The message goes back to `received` with a fresh attempt budget and is processed before the answer. ' +
          'When `payload` is given it replaces the current one; the payload first received is kept as `originalPayload`.',
        params,
        // Fastify hands a request without a body to the schema as null, so null means "no body".
        body: replayBodySchema.nullish(),
        response: { 200: inboxMessageSchema, 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => inbox.replay(request.params.id, request.body ?? {}),
  );

  app.post(
    '/v1/inbox/:id/discard',
    {
      config: { access: operateAccess },
      schema: {
        tags: ['messaging'],
        summary: 'Give up on a failed or dead message, saying why',
        params,
        body: z.object({ reason: reasonSchema }).strict(),
        response: { 200: inboxMessageSchema, 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => inbox.discard(request.params.id, request.body.reason),
  );
}
