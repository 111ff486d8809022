import { z } from 'zod';
import type { Store } from '../db/store.ts';
import { pendingMigrations } from '../db/migrator.ts';
import { access } from '../auth/roles.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from './metrics.ts';
import type { HttpApp } from './types.ts';

/** Liveness, readiness, metrics and the OpenAPI document: the only routes that need no key. */
export function registerSystemRoutes(app: HttpApp, deps: { store: Store; metrics: Metrics; refreshGauges: () => Promise<void> }): void {
  app.get(
    '/healthz',
    {
      config: { access: access.public },
      schema: { tags: ['system'], summary: 'Liveness: the process is up', response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: access.public },
      schema: {
        tags: ['system'],
        summary: 'Readiness: the database answers and every migration is applied',
        response: { 200: z.object({ status: z.literal('ready'), store: z.enum(['sqlite', 'postgres']) }) },
      },
    },
    async () => {
      let pending: string[];
      try {
        await deps.store.ping();
        pending = await pendingMigrations(deps.store);
      } catch {
        throw new AppError('not_ready', 'the database is not reachable');
      }
      if (pending.length > 0) {
        throw new AppError('not_ready', `migrations not applied: ${pending.join(', ')}`, [{ path: 'migrations', message: 'run `crossdock migrate`' }]);
      }
      return { status: 'ready' as const, store: deps.store.kind };
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: access.public },
      schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] },
    },
    async (_request, reply) => {
      await deps.refreshGauges();
      reply.header('content-type', deps.metrics.contentType);
      return deps.metrics.scrape();
    },
  );

  app.get(
    '/openapi.json',
    { config: { access: access.public }, schema: { tags: ['system'], summary: 'The OpenAPI 3 document of this API', hide: true } },
    async () => app.swagger(),
  );
}
