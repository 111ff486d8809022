/**
 * The integration console's answers (connectors, inbox, outbox and webhook dead letters), written
 * from src/connectors/console/console.types.ts, src/platform/inbox, src/platform/outbox and
 * src/connectors/webhooks. Only the fields the screens use are listed.
 */
import type { Connector } from './types.ts';

export const connectorKinds = ['webhook-out', 'webhook-in', 'folder', 'edi-partner', 'inbox-source', 'outbox-subscriber'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

export interface RecentFailure {
  at: string | null;
  ref: { type: 'inbox-message' | 'webhook-delivery' | 'outbox-delivery' | 'file' | 'edi-group'; id: string } | null;
  status: string;
  error: string | null;
}

export type ConnectorDetail = Connector & { recentFailures: RecentFailure[] };

export const inboxStatuses = ['received', 'processed', 'failed', 'dead', 'discarded'] as const;
export type InboxStatus = (typeof inboxStatuses)[number];

export interface InboxMessageSummary {
  id: string;
  source: string;
  dedupeKey: string;
  messageType: string;
  contentType: string;
  status: InboxStatus;
  attempts: number;
  receivedAt: string;
  nextAttemptAt: string | null;
  processedAt: string | null;
  outcome: unknown;
  error: { code: string; message: string; details: Array<{ path?: string; message: string }> } | null;
  correlationId: string | null;
  edited: boolean;
  replayCount: number;
  discardedAt: string | null;
  operatorNote: string | null;
}

export interface InboxMessage extends InboxMessageSummary {
  payload: string;
  originalPayload: string | null;
}

export interface InboxReplay {
  id: string;
  messageId: string;
  at: string;
  actor: string | null;
  reason: string | null;
  statusBefore: string;
  edited: boolean;
  payloadBefore: string | null;
  payloadAfter: string | null;
}

/** An outbox delivery to an internal subscriber (`GET /v1/outbox/dead-letters`). */
export interface OutboxDelivery {
  id: number;
  subscriber: string;
  subject: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
  discardedAt: string | null;
  replayCount: number;
  operatorNote: string | null;
  event: { id: string; type: string; subject?: string; time?: string; data?: unknown } & Record<string, unknown>;
}

export const webhookDeliveryStatuses = ['pending', 'delivered', 'dead', 'discarded'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

export interface WebhookDeliverySummary {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  sequence: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  lastEndpoint: 'primary' | 'fallback' | null;
  createdAt: string;
  deliveredAt: string | null;
  deadAt: string | null;
  discardedAt: string | null;
  replayCount: number;
  operatorNote: string | null;
}

export interface WebhookDelivery extends WebhookDeliverySummary {
  payload: string;
}
