/**
 * The returns domain: RMAs from authorisation to credit (DESIGN §5 step 6). The flow that moves
 * goods and money lives in `src/orchestration/order-returns.ts`; other code imports from here only.
 */
export * from './returns.types.ts';
export {
  applyCredit,
  applyDisposition,
  applyExpiry,
  applyReceipt,
  checkAuthorization,
  claimedQuantity,
  creditFor,
  dispositionDeltas,
  expiresAtMsOf,
  receiptDeltas,
  restockEverything,
  returnLifecycle,
  rmaNumberOf,
  undisposed,
  windowOpenedAtMs,
  type AppliedDisposition,
  type ReturnRefusal,
  type ReturnProblem,
  type ShipmentFacts,
} from './returns.rules.ts';
export { createReturnService, type ReturnService, type ReturnListQuery } from './returns.service.ts';
export { registerReturnRoutes, type ReturnCommands } from './returns.routes.ts';
export type { ReturnTables } from './returns.tables.ts';
