import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { InboxService } from './inbox.service.ts';
import type { InboxMessage, ReceiveResult } from './inbox.types.ts';

/**
 * The intake of a JSON body received over HTTP: stored raw in the inbox first, keyed by a hash of the
 * body (the same body from the same caller is one message), then processed in the same request.
 * An Idempotency-Key is the HTTP layer's business and is handled before this runs.
 */
export function receiveJsonAndProcess(inbox: InboxService, input: { source: string; messageType: string; body: unknown; correlationId: string }): Promise<ReceiveResult> {
  const payload = JSON.stringify(input.body);
  return inbox.receiveAndProcess({
    source: input.source,
    dedupeKey: `sha256:${createHash('sha256').update(payload).digest('hex')}`,
    messageType: input.messageType,
    contentType: 'application/json',
    payload,
    correlationId: input.correlationId,
  });
}

/** The 422 for a message that was kept but not processed, with its error and where to replay it. */
export function unprocessedError(message: InboxMessage): AppError {
  const error = message.error;
  return new AppError('unprocessable', `message ${message.id} was kept but not processed: ${error?.message ?? 'it is waiting to be retried'}`, [
    ...(error?.details ?? []),
    { path: 'messageId', message: `inspect or replay it at /v1/inbox/${message.id}` },
  ]);
}
