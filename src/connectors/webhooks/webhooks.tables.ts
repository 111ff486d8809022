/**
 * Webhook rows. Times are epoch milliseconds from the injected clock; JSON lists are text.
 */

/** An outbound subscription: where to post which events, signed with its secret. */
export interface WebhookSubscriptionRow {
  id: string;
  url: string;
  /** Used while the primary endpoint's circuit is open; null when the subscription has none. */
  fallback_url: string | null;
  /** JSON array of event types and prefix patterns (`crossdock.order.*`). */
  event_types: string;
  /** Kept to sign with: an HMAC needs the secret itself, so it cannot be stored hashed. Never returned after creation. */
  secret: string;
  description: string | null;
  /** `active` or `deleted`. */
  status: string;
  /** The subscription receives the events appended after this outbox sequence (those after its creation). */
  start_after_seq: number;
  created_at: number;
  created_by: string | null;
  deleted_at: number | null;
}

/** One event for one subscription: the body to post, and how its delivery goes. */
export interface WebhookDeliveryRow {
  id: string;
  subscription_id: string;
  event_id: string;
  event_seq: number;
  event_type: string;
  /** The CloudEvents envelope exactly as it is posted. */
  payload: string;
  /** `pending`, `delivered`, `dead` or `discarded`. */
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_status_code: number | null;
  /** `primary` or `fallback`: where the last attempt went. */
  last_endpoint: string | null;
  created_at: number;
  delivered_at: number | null;
  dead_at: number | null;
  discarded_at: number | null;
  replay_count: number;
  operator_note: string | null;
}

/** The circuit breaker and last outcomes of one endpoint URL, shared by every subscription using it. */
export interface WebhookEndpointRow {
  url: string;
  state: string;
  consecutive_failures: number;
  since_at: number | null;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
  /** Grows with every change; writes are conditional on it, so nodes never overwrite each other's transitions. */
  version: number;
}

/** How far the fan-out has read the outbox's event feed. */
export interface WebhookCursorRow {
  name: string;
  last_seq: number;
}

/** Requests and failures per minute, per inbound source (`in`) or outbound endpoint (`out`), for health. */
export interface WebhookTrafficRow {
  direction: string;
  name: string;
  bucket_start: number;
  requests: number;
  failures: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
}

export interface WebhookTables {
  webhook_subscriptions: WebhookSubscriptionRow;
  webhook_deliveries: WebhookDeliveryRow;
  webhook_endpoints: WebhookEndpointRow;
  webhook_cursors: WebhookCursorRow;
  webhook_traffic: WebhookTrafficRow;
}
