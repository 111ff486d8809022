import type { Generated } from 'kysely';

/** Row types of the platform's own tables (keys, inbox, outbox, timers). */
export interface ApiKeyRow {
  id: string;
  name: string;
  secret_hash: string;
  /** JSON array of role names. */
  roles: string;
  partner_code: string | null;
  rate_limit_per_minute: number | null;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface InboxMessageRow {
  id: string;
  source: string;
  dedupe_key: string;
  message_type: string;
  content_type: string;
  payload: string;
  /** The payload as first received, kept when an operator edits the message before a replay. */
  original_payload: string | null;
  received_at: number;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  error_code: string | null;
  error_message: string | null;
  /** JSON array of error details. */
  error_details: string | null;
  /** JSON of the first outcome; a duplicate answers with it. */
  outcome: string | null;
  processed_at: number | null;
  correlation_id: string | null;
  /** How many times an operator replayed the message. */
  replay_count: Generated<number>;
  discarded_at: number | null;
  /** The reason an operator gave at the last replay or discard. */
  operator_note: string | null;
}

export interface OutboxEventRow {
  seq: Generated<number>;
  id: string;
  source: string;
  type: string;
  subject: string;
  time: number;
  correlation_id: string | null;
  causation_id: string | null;
  schema_version: string;
  /** JSON document. */
  data: string;
}

export interface OutboxDeliveryRow {
  id: Generated<number>;
  event_seq: number;
  subscriber: string;
  subject: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  delivered_at: number | null;
  dead_at: number | null;
  discarded_at: number | null;
  replay_count: Generated<number>;
  /** The reason an operator gave at the last replay or discard. */
  operator_note: string | null;
}

export interface TimerRow {
  id: string;
  kind: string;
  timer_key: string;
  due_at: number;
  /** JSON document handed to the handler. */
  payload: string;
  status: string;
  created_at: number;
  fired_at: number | null;
  cancelled_at: number | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export interface PlatformTables {
  api_keys: ApiKeyRow;
  inbox_messages: InboxMessageRow;
  outbox_events: OutboxEventRow;
  outbox_deliveries: OutboxDeliveryRow;
  timers: TimerRow;
}
