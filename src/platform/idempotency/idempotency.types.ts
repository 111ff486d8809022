/** What a route declares to opt in: `config: { access, idempotency: { required: true } }`. */
export interface IdempotencyRouteConfig {
  /** When true a request without an `Idempotency-Key` header is refused with 400. */
  required: boolean;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** Headers stored with a response and sent again on a replay; the correlation id is always the new request's. */
export const replayedHeaderNames = ['content-type', 'location', 'etag'] as const;

/** 1–200 printable ASCII characters (space to tilde). */
export const idempotencyKeyPattern = /^[\x20-\x7E]{1,200}$/;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** The body exactly as first sent. */
  body: Buffer;
}

export type BeginResult =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

export interface IdempotencyClaim {
  scope: string;
  key: string;
  fingerprint: string;
}
