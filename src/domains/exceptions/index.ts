/**
 * The exceptions domain: exceptions as owned work (DESIGN §7) — a registry of types, raising and
 * resolving inside domain transactions, role queues, claims, SLA escalation, actions and an audit
 * trail. Other code imports from here only; docs/exceptions.md describes the interface.
 */
export * from './exceptions.types.ts';
export { actionDescriptions, builtinRegistry, effectiveRegistry, type ExceptionRegistry, type ExceptionTypeDefinition } from './exceptions.registry.ts';
export { exceptionsPolicyKind, defaultPriorityWeights, type ExceptionsPolicy, type PriorityWeights } from './exceptions.policy.ts';
export { priorityOf } from './priority.rules.ts';
export { actionSpecs, checkActionBody, inputNeeds, type ActionInputs, type ActionSpec, type InputNeed } from './action-inputs.rules.ts';
export {
  createExceptionService,
  type EventOptions,
  type ExceptionDeps,
  type ExceptionService,
  type RaiseResult,
  type ResolveInput,
  type ResolveResult,
} from './exceptions.service.ts';
export type { ActionAnswer, ActionContext, ActionHandler, ActionResult } from './exceptions.actions.ts';
export { EXCEPTION_SLA_TIMER, slaTimerKey } from './exceptions.sla.ts';
export { EXCEPTION_EVENT_SOURCE } from './exceptions.view.ts';
export { registerExceptionRoutes } from './exceptions.routes.ts';
export type { ExceptionTables } from './exceptions.tables.ts';
