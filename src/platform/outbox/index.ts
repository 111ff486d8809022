export { createOutboxService, type OutboxService, type OutboxDeps } from './outbox.service.ts';
export { registerOutboxRoutes } from './outbox.routes.ts';
export { matchesType } from './outbox.rules.ts';
export type { DeadLetterNotice, DeadLetterObserver, Delivery, DeliverySettlement, DeliveryStatus, DispatchReport, EventEnvelope, FeedFollower, FollowerHealth, NewEvent, Subscriber } from './outbox.types.ts';
export { createChangeWatch, type ChangeWatch, type Changes } from './outbox.changes.ts';
export { registerChangeRoutes } from './outbox.changes.routes.ts';
