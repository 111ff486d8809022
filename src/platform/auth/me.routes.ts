import { z } from 'zod';
import { principalOf } from '../http/access.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import type { HttpApp } from '../http/types.ts';
import { access, roleSchema, type Principal } from './roles.ts';

export const meSchema = z.object({
  kind: z.enum(['api_key', 'oidc']).describe('How the caller signed in'),
  name: z.string().describe("The API key's name, or the OIDC token's name claim (its subject when it has none)"),
  roles: z.array(roleSchema),
  partnerCode: z.string().nullable().describe('Set when the caller acts for one trading partner only'),
});
export type Me = z.infer<typeof meSchema>;

/** OIDC principals carry `oidc:<sub>` as their key id; API key ids are hexadecimal and never contain a colon. */
export const meOf = (principal: Principal): Me => ({
  kind: principal.keyId.startsWith('oidc:') ? 'oidc' : 'api_key',
  name: principal.name,
  roles: [...principal.roles],
  partnerCode: principal.partnerCode,
});

/** Who the caller is, so a client (the dashboard) can show the name and offer only what the roles allow. */
export function registerMeRoutes(app: HttpApp): void {
  app.get(
    '/v1/me',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['access'],
        summary: 'Who the caller is: how it signed in, its name, roles and trading partner',
        response: { 200: meSchema, 401: errorResponseSchema },
      },
    },
    async (request) => meOf(principalOf(request)),
  );
}
