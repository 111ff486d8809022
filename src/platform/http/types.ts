import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Access, Principal } from '../auth/roles.ts';
import type { IdempotencyRouteConfig } from '../idempotency/idempotency.types.ts';

/** The Fastify instance every route module registers on: zod schemas give validation, types and OpenAPI. */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; required on every route (see access in auth/roles.ts). */
    access?: Access;
    /** Honour the Idempotency-Key header (see platform/idempotency); POST, PUT, PATCH, DELETE only. */
    idempotency?: IdempotencyRouteConfig;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
