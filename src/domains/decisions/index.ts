/**
 * The decisions domain: every decision a rule, a model or a person made, with its reasons, inputs and
 * policy version (DESIGN §2.6, §9). Domains record through `DecisionService.record` inside the
 * transaction of the change the decision explains. Other code imports from here only.
 */
export * from './decisions.types.ts';
export { createDecisionService, type DecisionDeps, type DecisionService } from './decisions.service.ts';
export { registerDecisionRoutes } from './decisions.routes.ts';
export type { DecisionTables } from './decisions.tables.ts';
