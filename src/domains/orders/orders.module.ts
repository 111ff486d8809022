import type { Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind } from '../../platform/db/store.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { createIntakeService, type IntakeRules } from './intake.service.ts';
import { creditPolicy, definePolicyKind, holdsPolicy, pricingPolicy, type PolicyService } from '../policies/index.ts';
import { defaultSourcingPolicy, sourcingPolicySchema } from './sourcing.policy.ts';
import type { Tx } from '../../platform/db/store.ts';
import { registerOrderInboxHandlers } from './orders.inbox.ts';
import { registerOrderRoutes } from './orders.routes.ts';
import { createOrderStore } from './orders.service.ts';
import { checkLifecycle } from './lifecycle.rules.ts';
import { orderLifecycle } from './order.lifecycle.ts';

export interface OrdersModuleDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  inbox: InboxService;
  outbox: OutboxService;
  policies: PolicyService;
}

/** The orders domain's own policy kind; the others it reads are built in. */
export const sourcingPolicyKind = definePolicyKind({
  kind: 'sourcing',
  description: 'How order lines are sourced: ship-complete preference, splits, scoring weights, confidence floor, transfers, substitutions, backorders.',
  schema: sourcingPolicySchema,
  defaults: defaultSourcingPolicy,
});

/** Intake's rules from the credit, pricing and holds policies in force. */
async function intakeRulesFrom(policies: PolicyService, tx: Tx): Promise<IntakeRules> {
  const [credit, pricing, holds] = await Promise.all([policies.activeOf(creditPolicy, tx), policies.activeOf(pricingPolicy, tx), policies.activeOf(holdsPolicy, tx)]);
  return {
    holds: { credit: holds.document.credit, pricing: holds.document.pricing },
    priceVarianceToleranceRatio: pricing.document.varianceToleranceRatio,
    creditExposureToleranceRatio: credit.document.exposureToleranceRatio,
    policyVersions: { credit: credit.version, pricing: pricing.version, holds: holds.version },
  };
}

/** Builds the orders domain and registers its inbox handler. */
export function createOrdersModule(deps: OrdersModuleDeps) {
  // A broken lifecycle table is a bug in this release; it stops the hub before it takes an order.
  const problems = checkLifecycle(orderLifecycle);
  if (problems.length > 0) throw new Error(`the order lifecycle is inconsistent:\n${problems.join('\n')}`);
  deps.policies.registerPolicyKind(sourcingPolicyKind);
  const intake = createIntakeService({ clock: deps.clock, kind: deps.kind, ids: deps.ids, catalog: deps.catalog, outbox: deps.outbox, rules: (tx) => intakeRulesFrom(deps.policies, tx) });
  registerOrderInboxHandlers(deps.inbox, intake);
  return { intake, store: createOrderStore({ db: deps.db, kind: deps.kind }) };
}

export type OrdersModule = ReturnType<typeof createOrdersModule>;

export function registerOrdersModuleRoutes(app: HttpApp, deps: { inbox: InboxService; db: Executor }): void {
  registerOrderRoutes(app, deps);
}
