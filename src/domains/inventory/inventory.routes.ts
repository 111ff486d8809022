import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import type { Executor } from '../../platform/db/store.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { receiveJsonAndProcess, unprocessedError, type InboxService } from '../../platform/inbox/index.ts';
import { inventoryEventBatchSchema } from './ingest.validate.ts';
import { listSources } from './ingest.repo.ts';
import { movementsOfSku } from './ledger.repo.ts';
import { decodeCursor, encodeCursor, pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { inventorySnapshotSchema } from './inventory.types.ts';
import { INVENTORY_EVENTS_MESSAGE, INVENTORY_SNAPSHOT_MESSAGE } from './inventory.inbox.ts';

const writers = access.roles('integration', 'warehouse');

const movementSchema = z.object({
  id: z.string(),
  sku: z.string(),
  locationCode: z.string(),
  kind: z.string().describe('The movement type: receipt, shipment, adjustment, reservation, correction…'),
  quantity: z.number().describe('The change in base units of the bucket it moved: on hand, else reserved, quarantined, damaged or in transit'),
  onHandAfter: z.number().nullable().describe('On hand at the location right after this movement'),
  source: z.string().nullable().describe('Who reported it: a source system, or the hub for its own movements'),
  reference: z.string().nullable().describe('The document it belongs to, else the reservation it moved'),
  occurredAt: z.string(),
  recordedAt: z.string().describe('When the hub took it in'),
});

type MovementRow = Awaited<ReturnType<typeof movementsOfSku>>[number];

/** A movement changes one bucket as a rule (a transfer out may change two); on hand is what people read first. */
function movementView(row: MovementRow): z.infer<typeof movementSchema> {
  const deltas = [row.d_on_hand, row.d_reserved, row.d_quarantined, row.d_damaged, row.d_in_transit].map(Number);
  return {
    id: row.id,
    sku: row.sku,
    locationCode: row.location_code,
    kind: row.type,
    quantity: deltas.find((d) => d !== 0) ?? 0,
    onHandAfter: row.on_hand_after === null || row.on_hand_after === undefined ? null : Number(row.on_hand_after),
    source: row.source,
    reference: row.reference ?? row.reservation_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    recordedAt: new Date(Number(row.received_at)).toISOString(),
  };
}

const intakeResponse = z.object({
  messageId: z.string(),
  /** `exists` when the same body was received from the same caller before. */
  received: z.enum(['accepted', 'exists']),
  status: z.string(),
  outcome: z.unknown(),
});

/**
 * Both intake routes keep the raw body in the inbox and process it in the same request (see
 * receiveJsonAndProcess). A body that fails processing stays there as `failed` with its error, for a
 * person to fix and replay; a passing failure is retried by the inbox and answered 202.
 */
async function intake(inbox: InboxService, input: { source: string; messageType: string; body: unknown; correlationId: string }) {
  const { result, message } = await receiveJsonAndProcess(inbox, input);
  if (message.status === 'failed' || message.status === 'dead') throw unprocessedError(message);
  return { messageId: message.id, received: result, status: message.status, outcome: message.outcome };
}

/** 200 once processed; 202 when processing hit a passing failure and the inbox will retry it. */
const statusFor = (answer: { status: string }) => (answer.status === 'received' ? 202 : 200);


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

  app.get(
    '/v1/inventory/movements',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['inventory'],
        summary: 'Ledger movements of a SKU, newest first, with the on-hand after each; optionally at one location',
        querystring: z
          .object({ sku: z.string().min(1).max(64), locationCode: z.string().min(1).max(64).optional() })
          .extend(pageQuerySchema.shape)
          .strict(),
        response: { 200: pageSchema(movementSchema), 400: errorResponseSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const beforeSeq = q.cursor === undefined ? undefined : decodeCursor(q.cursor, ['n'] as const)[0];
      const rows = await movementsOfSku(deps.db, { sku: q.sku, locationCode: q.locationCode, beforeSeq, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { items: page.map(movementView), nextCursor: rows.length > q.limit && last ? encodeCursor([Number(last.seq)]) : null };
    },
  );
}
