export { createOutboxService, type OutboxService, type OutboxDeps } from './outbox.service.ts';
export { registerOutboxRoutes } from './outbox.routes.ts';
export { matchesType } from './outbox.rules.ts';
export type { DeadLetterNotice, DeadLetterObserver, Delivery, DeliveryStatus, DispatchReport, EventEnvelope, FeedFollower, FollowerHealth, NewEvent, Subscriber } from './outbox.types.ts';
