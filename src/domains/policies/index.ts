/**
 * The policies domain: versioned, validated policy documents with history and activation
 * (DESIGN §2.5). It knows no policy by itself: kinds are registered at composition time. Other code
 * imports from here only.
 */
export * from './policies.types.ts';
export { diffDocuments } from './policies.diff.ts';
export { ACTIVE_CACHE_MAX_AGE_MS, createPolicyService, type PolicyDeps, type PolicyService } from './policies.service.ts';
export { registerPolicyRoutes } from './policies.routes.ts';
export type { PolicyTables } from './policies.tables.ts';
export {
  builtinPolicyKinds,
  creditPolicy,
  holdsPolicy,
  invoicingPolicy,
  pricingPolicy,
  returnsPolicy,
  shortShipPolicy,
} from './builtin-kinds.ts';
