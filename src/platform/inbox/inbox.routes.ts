import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { PartnerScope } from '../auth/partner-scope.ts';
import { access } from '../auth/roles.ts';
import { AppError } from '../errors.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import { principalOf } from '../http/access.ts';
import type { HttpApp } from '../http/types.ts';
import { pageQuerySchema, pageSchema } from '../pagination.ts';
import type { InboxService } from './inbox.service.ts';
import { inboxReplaySchema } from './inbox.audit.ts';
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

/**
 * `scope` names the messages of a trading partner: a key scoped to one lists only those, and any
 * other message is, to it, a message that does not exist (404, as an unknown id).
 */
export function registerInboxRoutes(app: HttpApp, inbox: InboxService, scope: PartnerScope): void {
  const sourcesOf = async (request: FastifyRequest) => {
    const { partnerCode } = principalOf(request);
    return partnerCode === null ? undefined : scope.inboxSources(partnerCode);
  };
  const hidden = (id: string) => new AppError('not_found', `inbox message ${id} does not exist`, [{ path: 'id', message: 'unknown message id' }]);
  /** The message, or 404 when the caller may not see it. */
  const visible = async (id: string, sources: readonly string[] | undefined) => {
    const message = await inbox.get(id);
    if (sources !== undefined && !sources.includes(message.source)) throw hidden(id);
    return message;
  };
  /** Answers 404 for a message the caller may not see, before anything is done to it. */
  const assertVisible = async (request: FastifyRequest, id: string) => {
    const sources = await sourcesOf(request);
    if (sources !== undefined) await visible(id, sources);
  };

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
    async (request) => inbox.list({ ...request.query, sources: await sourcesOf(request) }),
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
    async (request) => visible(request.params.id, await sourcesOf(request)),
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
          'When `payload` is given it replaces the current one; the payload first received is kept as `originalPayload`. ' +
          'Each replay is audited with the caller\'s key, the reason and the payload before and after (`GET /v1/inbox/{id}/replays`).',
        params,
        // Fastify hands a request without a body to the schema as null, so null means "no body".
        body: replayBodySchema.nullish(),
        response: { 200: inboxMessageSchema, 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => {
      await assertVisible(request, request.params.id);
      return inbox.replay(request.params.id, { ...request.body, actor: principalOf(request).keyId });
    },
  );

  app.get(
    '/v1/inbox/:id/replays',
    {
      config: { access: readAccess },
      schema: {
        tags: ['messaging'],
        summary: 'The audit of a message\'s replays, oldest first: who replayed it, when, why, and the payload before and after an edit',
        params,
        response: { 200: z.object({ items: z.array(inboxReplaySchema) }), 404: errorResponseSchema },
      },
    },
    async (request) => {
      await assertVisible(request, request.params.id);
      return { items: await inbox.replays(request.params.id) };
    },
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
    async (request) => {
      await assertVisible(request, request.params.id);
      return inbox.discard(request.params.id, request.body.reason);
    },
  );
}
