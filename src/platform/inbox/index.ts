export { createInboxService, type InboxService, type InboxDeps } from './inbox.service.ts';
export { registerInboxRoutes } from './inbox.routes.ts';
export {
  inboxStatuses,
  type InboxStatus,
  type InboxFailureObserver,
  type InboxHandler,
  type InboxMessage,
  type InboxMessageSummary,
  type ReceiveInput,
  type ReceiveResult,
} from './inbox.types.ts';
export { receiveJsonAndProcess, unprocessedError } from './inbox.intake.ts';
