/** Row types of the inbox's audit table (migration 0023); the messages' own table is in platform.tables.ts. */

/** One replay of an inbox message: who, when, why, and — when the payload was edited — what it was and became. */
export interface InboxReplayRow {
  id: string;
  message_id: string;
  at: number;
  /** The API key id of whoever replayed it; null when the hub itself did. */
  actor: string | null;
  reason: string | null;
  /** `failed` or `dead`: what the message was when it was replayed. */
  status_before: string;
  /** The payload before the edit and the one put in its place; both null when it was replayed unedited. */
  payload_before: string | null;
  payload_after: string | null;
}

export interface InboxAuditTables {
  inbox_replays: InboxReplayRow;
}
