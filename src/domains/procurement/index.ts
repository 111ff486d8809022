/**
 * The procurement domain: replenishment parameters and proposals, purchase orders and transfers
 * (DESIGN §5 step 7). Other code imports from here only.
 */
export * from './procurement.types.ts';
export type { ProcurementTables } from './procurement.tables.ts';
export { purchaseOrderLifecycle, transferLifecycle, type PurchaseOrderEvent, type TransferEvent } from './procurement.lifecycle.ts';
export {
  cancelTransfer,
  expectedQuantity,
  inboundOf,
  openLineQuantity,
  receivePurchaseOrder,
  receiveTransfer,
  releaseTransfer,
  shipPurchaseOrder,
  shipTransfer,
  transferQuantities,
  type StepOutcome,
} from './procurement.rules.ts';
export { planReplenishment, needOf, surplusOf, projectedOf, type ReplenishmentPosition, type ReplenishmentProposal, type ReplenishmentPlan, type UnresolvedNeed, type PositionParameters } from './replenishment.rules.ts';
export {
  createProcurementService,
  dateAfterDays,
  documentNotFound,
  poNumberFor,
  purchaseOrderEvent,
  stepRefusal,
  transferEvent,
  type ProcurementService,
  type StepAnswer,
} from './procurement.service.ts';
export { registerProcurementRoutes, purchaseOrderStepSchema, transferStepSchema, emptyBodySchema } from './procurement.routes.ts';
