export * from './orders.types.ts';
export * from './lifecycle.rules.ts';
export { orderLifecycle, type OrderContext, type OrderEvent, type OrderState } from './order.lifecycle.ts';
export { createOrdersModule, registerOrdersModuleRoutes, type OrdersModule } from './orders.module.ts';
export { ORDER_INTAKE_MESSAGE } from './orders.inbox.ts';
export { type IntakeOutcome, type IntakeRules } from './intake.service.ts';
export * from './sourcing.policy.ts';
export * from './sourcing.types.ts';
export { decideSourcing, backorderPriority } from './sourcing.rules.ts';
