import { createHash } from 'node:crypto';
import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { InboxService, InboxMessage } from '../../platform/inbox/index.ts';
import { inventoryEventBatchSchema } from './ingest.validate.ts';
import { listSources } from './ingest.repo.ts';
import { inventorySnapshotSchema } from './inventory.types.ts';
import { INVENTORY_EVENTS_MESSAGE, INVENTORY_SNAPSHOT_MESSAGE } from './inventory.inbox.ts';

const writers = access.roles('integration', 'warehouse');

const intakeResponse = z.object({
  messageId: z.string(),
  /** `exists` when the same body was received from the same caller before. */
  received: z.enum(['accepted', 'exists']),
  status: z.string(),
  outcome: z.unknown(),
});

/**
 * Both intake routes store the raw body in the inbox first (dedupe key: a hash of the body), then
 * process it in the same request. An Idempotency-Key header gets the platform's contract: the stored
 * answer again, byte for byte. A body that fails processing is kept there as `failed` with its
 * error, for a person to fix and replay.
 */
async function intake(inbox: InboxService, input: { source: string; messageType: string; body: unknown; correlationId: string }) {
  const payload = JSON.stringify(input.body);
  // The same body from the same caller is one message; an Idempotency-Key is handled by the
  // platform contract before this runs (same key, other body → 422).
  const dedupeKey = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
  const { result, message } = await inbox.receiveAndProcess({
    source: input.source,
    dedupeKey,
    messageType: input.messageType,
    contentType: 'application/json',
    payload,
    correlationId: input.correlationId,
  });
  failIfRejected(message);
  return { messageId: message.id, received: result, status: message.status, outcome: message.outcome };
}

/** 200 once processed; 202 when processing hit a passing failure and the inbox will retry it. */
const statusFor = (answer: { status: string }) => (answer.status === 'received' ? 202 : 200);

function failIfRejected(message: InboxMessage): void {
  if (message.status !== 'failed' && message.status !== 'dead') return;
  const error = message.error;
  throw new AppError('unprocessable', `message ${message.id} was kept but not processed: ${error?.message ?? 'unknown error'}`, [
    ...(error?.details ?? []),
    { path: 'messageId', message: `inspect or replay it at /v1/inbox/${message.id}` },
  ]);
}

const idempotencyHeaders = z
  .object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Same key and body: the stored answer again, byte for byte; same key, other body: 422 idempotency_key_reused'),
  })
  .passthrough();

export function registerInventoryRoutes(app: HttpApp, deps: { inbox: InboxService; db: Executor }): void {
  const intakeRoute = (url: string, messageType: string, body: z.ZodType, summary: string, description?: string) =>
    app.post(
      url,
      {
        config: { access: writers, idempotency: { required: false } },
        schema: {
          tags: ['inventory'],
          summary,
          ...(description !== undefined && { description }),
          headers: idempotencyHeaders,
          body,
          response: { 200: intakeResponse, 202: intakeResponse, 400: errorResponseSchema, 422: errorResponseSchema },
        },
      },
      async (request, reply) => {
        const answer = await intake(deps.inbox, {
          source: `api:${principalOf(request).keyId}`,
          messageType,
          body: request.body,
          correlationId: request.id,
        });
        return reply.code(statusFor(answer)).send(answer);
      },
    );

  intakeRoute(
    '/v1/inventory/events',
    INVENTORY_EVENTS_MESSAGE,
    inventoryEventBatchSchema,
    'Post a batch of inventory events (receipts, shipments, adjustments, counts, transfers, returns, dispositions)',
    'Each event is validated on its own and answered `applied`, `exists` (duplicate sequence), `held` (waiting for a gap in the ' +
      "source's sequence) or `rejected` with a code. The raw batch is kept in the inbox whatever happens.",
  );
  intakeRoute(
    '/v1/inventory/snapshots',
    INVENTORY_SNAPSHOT_MESSAGE,
    inventorySnapshotSchema,
    'Post an absolute on-hand count as of a time; drift is posted as correction movements and announced',
  );

  app.get(
    '/v1/inventory/sources',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['inventory'],
        summary: 'Sequence state per source: the next number expected, numbers skipped after a gap timeout, last report',
        response: {
          200: z.object({
            items: z.array(z.object({ source: z.string(), nextExpected: z.number(), skipped: z.array(z.number()), lastReceivedAt: z.string().nullable() })),
          }),
        },
      },
    },
    async () => ({
      items: (await listSources(deps.db)).map((row) => ({
        source: row.source,
        nextExpected: row.next_expected,
        skipped: JSON.parse(row.skipped) as number[],
        lastReceivedAt: row.last_received_at === null ? null : new Date(row.last_received_at).toISOString(),
      })),
    }),
  );
}
