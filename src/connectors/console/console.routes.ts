import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { PartnerScope } from '../../platform/auth/partner-scope.ts';
import { access } from '../../platform/auth/roles.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { ConsoleScope, IntegrationConsole } from './console.service.ts';
import { connectorDetailSchema, connectorKinds, connectorListSchema } from './console.types.ts';

// Reading health is for operators and viewers; acting on messages (replay, discard) stays on the inbox,
// webhook and outbox routes, which only the integration role (and admin) may call.
const readAccess = access.roles('integration', 'viewer');

/**
 * The integration console's API: every connector's health in one list, and one connector with its
 * recent failures. A key scoped to a trading partner sees only that partner's connectors.
 */
export function registerConsoleRoutes(app: HttpApp, integrations: IntegrationConsole, partnerScope: PartnerScope): void {
  const scopeOf = async (request: FastifyRequest): Promise<ConsoleScope> => {
    const { partnerCode } = principalOf(request);
    return partnerCode === null ? null : { partnerCode, inboxSources: await partnerScope.inboxSources(partnerCode) };
  };

  app.get(
    '/v1/integrations',
    {
      config: { access: readAccess },
      schema: {
        tags: ['integrations'],
        summary: 'Every connector’s health: last success and failure, error rate over the last hour and 24 hours, breaker, backlog and a derived status',
        description:
          'Connectors are outbound webhook endpoints, inbound webhook sources, watched folders, EDI trading partners, inbox sources and outbox subscribers, ' +
          'most serious status first. See docs/integrations.md for each field and the status rule.',
        querystring: z.object({ kind: z.enum(connectorKinds).optional() }).strict(),
        response: { 200: connectorListSchema, 400: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => integrations.list(await scopeOf(request), request.query),
  );

  app.get(
    '/v1/integrations/:kind/:name',
    {
      config: { access: readAccess },
      schema: {
        tags: ['integrations'],
        summary: 'One connector’s health with its most recent failures (messages, deliveries, files, EDI groups), newest first',
        description: 'Names holding `/` (endpoint URLs, inbox sources) are given URL-encoded.',
        params: z.object({ kind: z.enum(connectorKinds), name: z.string().min(1).max(2_100) }),
        response: { 200: connectorDetailSchema, 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => integrations.get(request.params.kind, request.params.name, await scopeOf(request)),
  );
}
