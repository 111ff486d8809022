export { createIdempotencyService, type IdempotencyService, type IdempotencyDeps } from './idempotency.service.ts';
export { installIdempotency } from './idempotency.plugin.ts';
export { IDEMPOTENCY_HEADER, REPLAYED_HEADER, type IdempotencyRouteConfig } from './idempotency.types.ts';
export type { IdempotencyTables, IdempotencyKeyRow } from './idempotency.tables.ts';
