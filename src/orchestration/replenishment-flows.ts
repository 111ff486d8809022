import { createBackorderAllocation, type BackorderDeps } from './backorders.ts';
import { createReplenishment, type ReplenishmentDeps } from './replenishment.ts';
import { createReplenishmentSupply } from './replenishment-supply.ts';
import type { ReplenishmentFlows } from './replenishment.routes.ts';

/**
 * Procure-to-stock (DESIGN §3): the replenishment run, the purchase-order and transfer steps that
 * move goods, and backorder allocation when supply arrives (its outbox subscriber registers here).
 */
export function createReplenishmentFlows(deps: ReplenishmentDeps & Pick<BackorderDeps, 'allocation'>): ReplenishmentFlows {
  return {
    replenishment: createReplenishment(deps),
    supply: createReplenishmentSupply(deps),
    backorders: createBackorderAllocation(deps),
  };
}
