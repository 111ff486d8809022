/** Row types of the idempotency store: one row per (API key, Idempotency-Key) while it is retained. */
export interface IdempotencyKeyRow {
  /** Whose key this is: the API key id of the caller, so two integrations never collide. */
  scope: string;
  idem_key: string;
  /** `METHOD url sha256(body)`: a reuse of the key with anything else is refused. */
  fingerprint: string;
  /** `in_progress` while the first request runs, `completed` once its answer is stored. */
  status: string;
  created_at: number;
  completed_at: number | null;
  response_status: number | null;
  /** JSON object of the replayed headers (content-type, location, etag). */
  response_headers: string | null;
  /** The response body exactly as sent: UTF-8 text, or base64 when `response_body_encoding` says so. */
  response_body: string | null;
  response_body_encoding: string | null;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeyRow;
}
