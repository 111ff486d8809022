import { z } from 'zod';
import type { Tx } from '../db/store.ts';
import type { CommitHooks } from '../db/after-commit.ts';

/**
 * Inbox statuses. `received` waits for (another) processing attempt; `processed` took effect;
 * `failed` was rejected as invalid and needs a person (edit and replay, or discard); `dead` kept
 * failing for a reason that looked temporary until attempts ran out; `discarded` was given up on by
 * a person, with a reason. Only `failed` and `dead` may be replayed or discarded.
 */
export const inboxStatuses = ['received', 'processed', 'failed', 'dead', 'discarded'] as const;
export type InboxStatus = (typeof inboxStatuses)[number];
export const inboxStatusSchema = z.enum(inboxStatuses);

const text = (max: number) => z.string().min(1).max(max);

export const receiveInputSchema = z
  .object({
    /** The sending system, e.g. `wms-east` or `edi:ACME`; the dedupe key is unique within it. */
    source: text(200),
    /** The sender's own identity of the message (ISA control number, webhook id, file name + hash). */
    dedupeKey: text(500),
    /** Selects the handler, e.g. `inventory.adjustment` or `edi.850`. */
    messageType: text(200),
    contentType: text(200),
    /** The message exactly as it arrived; it is stored byte for byte and never reformatted. */
    payload: z.string(),
    correlationId: text(128).nullable().optional(),
  })
  .strict();
export type ReceiveInput = z.input<typeof receiveInputSchema>;

export const inboxErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.array(z.object({ path: z.string().optional(), message: z.string() }).passthrough()),
});

export const inboxMessageSummarySchema = z.object({
  id: z.string(),
  source: z.string(),
  dedupeKey: z.string(),
  messageType: z.string(),
  contentType: z.string(),
  status: inboxStatusSchema,
  attempts: z.number().int(),
  receivedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  processedAt: z.string().nullable(),
  /** What the handler returned the first time it succeeded; a duplicate is answered with it. */
  outcome: z.unknown().nullable(),
  error: inboxErrorSchema.nullable(),
  correlationId: z.string().nullable(),
  /** True when an operator replaced the payload; the first one is kept as `originalPayload`. */
  edited: z.boolean(),
  replayCount: z.number().int(),
  discardedAt: z.string().nullable(),
  operatorNote: z.string().nullable(),
});
export type InboxMessageSummary = z.infer<typeof inboxMessageSummarySchema>;

export const inboxMessageSchema = inboxMessageSummarySchema.extend({
  payload: z.string(),
  /** The payload as first received, when an operator has edited it; otherwise null. */
  originalPayload: z.string().nullable(),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

export interface ReceiveResult {
  /** `exists` when the source already sent this dedupe key; the message then shows the first outcome. */
  result: 'accepted' | 'exists';
  message: InboxMessage;
}

/**
 * Processes one message inside the transaction that also marks it processed, so the effect and the
 * status commit together. Returns the outcome to keep (JSON). Throw an AppError to reject the message
 * as invalid (it becomes `failed` at once); throw an ExternalError with `retryable: true`, or any
 * other error, to have it retried with backoff. Use only `tx` for database work: on SQLite a query on
 * the database outside the transaction would wait for the transaction to finish, forever.
 */
/** `hooks.afterCommit` runs work that must wait for the commit, such as announcing changes. */
export type InboxHandler = (tx: Tx, message: InboxMessage, hooks: CommitHooks) => Promise<unknown>;

export const listInboxQuerySchema = z.object({
  status: inboxStatusSchema.optional(),
  source: text(200).optional(),
  messageType: text(200).optional(),
});
export type ListInboxQuery = z.infer<typeof listInboxQuerySchema> & {
  limit: number;
  cursor?: string | undefined;
  /** Only messages from these sources (a key scoped to a trading partner sees its own). */
  sources?: readonly [string, ...string[]] | undefined;
};

export interface ProcessReport {
  processed: number;
  failed: number;
  retrying: number;
  dead: number;
}

/**
 * Told, after the fact, when a message fails (rejected as invalid, or dead after its retries) and
 * when a failed or dead message is settled: processed on a replay, or discarded. The exceptions flow
 * uses it to raise and clear invalid orders and integration failures. An observer handles its own
 * errors: the message's status is already recorded.
 */
export interface InboxFailureObserver {
  failed(message: InboxMessage): Promise<void>;
  settled(message: InboxMessage, how: 'processed' | 'discarded'): Promise<void>;
}
