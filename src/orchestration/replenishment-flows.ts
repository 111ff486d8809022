import { createBackorderAllocation, type BackorderDeps } from './backorders.ts';
import { createReplenishment, type ReplenishmentDeps } from './replenishment.ts';
import { createReplenishmentSupply } from './replenishment-supply.ts';
import { createTransferSteps, type TransferStepsDeps } from './replenishment-transfers.ts';
import type { ReplenishmentFlows } from './replenishment.routes.ts';

/**
 * Procure-to-stock (DESIGN §3): the replenishment run, the purchase-order and transfer steps that
 * move goods (a transfer's also hold stock at its origin and serve the order sourcing chose it for),
 * and backorder allocation when supply arrives (its outbox subscriber registers here).
 */
export function createReplenishmentFlows(deps: ReplenishmentDeps & Pick<BackorderDeps, 'allocation'> & Pick<TransferStepsDeps, 'orders'>): ReplenishmentFlows {
  return {
    replenishment: createReplenishment(deps),
    supply: createReplenishmentSupply(deps),
    transfers: createTransferSteps(deps),
    backorders: createBackorderAllocation(deps),
  };
}
