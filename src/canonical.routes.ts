import { z } from 'zod';
import { access } from './platform/auth/roles.ts';
import { AppError } from './platform/errors.ts';
import { errorResponseSchema } from './platform/http/error-handler.ts';
import type { HttpApp } from './platform/http/types.ts';
import { canonicalJsonSchema, canonicalSchemas } from './canonical.ts';

export function registerCanonicalRoutes(app: HttpApp): void {
  app.get(
    '/v1/schemas',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['model'],
        summary: 'Names of the canonical entities whose JSON Schema is published',
        response: { 200: z.object({ items: z.array(z.object({ name: z.string(), url: z.string() })) }) },
      },
    },
    async () => ({ items: Object.keys(canonicalSchemas).sort().map((name) => ({ name, url: `/v1/schemas/${name}` })) }),
  );

  app.get(
    '/v1/schemas/:name',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['model'],
        summary: 'JSON Schema (2020-12) of one canonical entity',
        params: z.object({ name: z.string().min(1).max(64) }),
        response: { 200: z.record(z.string(), z.unknown()), 404: errorResponseSchema },
      },
    },
    async (request) => {
      const schema = canonicalJsonSchema(request.params.name);
      if (!schema) {
        throw new AppError('not_found', `no canonical schema named "${request.params.name}"`, [
          { path: 'params.name', message: `known: ${Object.keys(canonicalSchemas).sort().join(', ')}` },
        ]);
      }
      return schema;
    },
  );
}
