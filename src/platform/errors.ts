/**
 * One registry of error codes. Every error a caller can see has a stable snake_case code and exactly
 * one HTTP status, defined here and nowhere else.
 */
export const errorStatusByCode = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_csv: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  /** A webhook whose signature is missing, malformed or made with none of its source's secrets. */
  webhook_signature_invalid: 401,
  /** A correctly signed webhook whose signed timestamp is outside the tolerance (a replay, or a clock far off). */
  webhook_timestamp_expired: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  already_exists: 409,
  conflict: 409,
  version_conflict: 409,
  invalid_state: 409,
  /** A reservation asked for more than is free (sellable on hand minus reserved) at the location. */
  insufficient_stock: 409,
  /** The first request with this Idempotency-Key is still running; retry after the Retry-After seconds. */
  idempotency_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  unprocessable: 422,
  /** A record names another (a substitute SKU, a channel) that does not exist. */
  unknown_reference: 422,
  /** A shipment confirmation ships more of a line than its fulfillment request released, or a line it did not release. */
  over_shipment: 422,
  /** A shipment or carrier milestone dated further ahead of the hub's clock than clocks can disagree (REPORTED_TIME_SKEW_MS). */
  time_ahead_of_clock: 422,
  /** A return asked for after the returns policy's window (counted from delivery, else shipment) closed. */
  outside_return_window: 422,
  /** A return asks for more of a line than shipped less what other RMAs hold, or for a line that never shipped. */
  exceeds_returnable: 422,
  /** The action is not one the exception's type allows, or no command is registered for it. */
  action_not_allowed: 422,
  /** A signed webhook whose topic its source is not configured to take. */
  webhook_topic_unsupported: 422,
  /** A webhook subscription URL that is not https, or is or resolves to a loopback, private, link-local or metadata address. */
  webhook_target_refused: 422,
  rate_limited: 429,
  internal_error: 500,
  not_ready: 503,
  dependency_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatusByCode;

export interface ErrorDetail {
  /** Where the problem is: a JSON path such as `packSizes.0.quantity`, a CSV column, a header. */
  path?: string;
  message: string;
  [extra: string]: unknown;
}

/** An expected failure that a caller can act on; rendered as `{ error: { code, message, details } }`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = [], headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return errorStatusByCode[this.code];
  }
}

/**
 * A failure of something outside the hub (a partner endpoint, a carrier API, a database that went
 * away). `retryable` says whether trying again later can succeed; delivery loops use it to choose
 * between a backoff and a dead letter.
 */
export class ExternalError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ExternalError';
    this.retryable = options.retryable;
  }
}

/** Errors of unknown kind are treated as retryable: giving up early loses messages. */
export const isRetryable = (error: unknown): boolean =>
  error instanceof ExternalError ? error.retryable : !(error instanceof AppError);

/** A broken invariant is a bug, never a business outcome. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
