import { z } from 'zod';
import type { HttpApp } from '../http/types.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import { access } from './roles.ts';
import { apiKeySchema, createApiKeyInputSchema, type ApiKeyService } from './api-keys.service.ts';

export function registerApiKeyRoutes(app: HttpApp, keys: ApiKeyService): void {
  app.post(
    '/v1/api-keys',
    {
      config: { access: access.roles() },
      schema: {
        tags: ['access'],
        summary: 'Create an API key; the secret is returned once and never again',
        body: createApiKeyInputSchema,
        response: { 201: z.object({ key: apiKeySchema, secret: z.string() }), 400: errorResponseSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await keys.create(request.body)),
  );

  app.get(
    '/v1/api-keys',
    {
      config: { access: access.roles() },
      schema: { tags: ['access'], summary: 'List API keys (never their secrets)', response: { 200: z.object({ items: z.array(apiKeySchema) }) } },
    },
    async () => ({ items: await keys.list() }),
  );

  app.post(
    '/v1/api-keys/:id/revoke',
    {
      config: { access: access.roles() },
      schema: {
        tags: ['access'],
        summary: 'Revoke an API key; revoking twice is harmless',
        params: z.object({ id: z.string().min(1) }),
        response: { 200: apiKeySchema, 404: errorResponseSchema },
      },
    },
    async (request) => keys.revoke(request.params.id),
  );
}
