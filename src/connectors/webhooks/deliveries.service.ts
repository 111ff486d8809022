import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';
import * as repo from './webhooks.repo.ts';
import type { WebhookDeliveryRow } from './webhooks.tables.ts';
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookDeliverySummary } from './webhooks.types.ts';

const iso = (ms: number | null) => (ms === null ? null : isoTime(Number(ms)));

function toSummary(row: WebhookDeliveryRow): WebhookDeliverySummary {
  const status = row.status as WebhookDeliveryStatus;
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type,
    sequence: Number(row.event_seq),
    status,
    attempts: row.attempts,
    nextAttemptAt: status === 'pending' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    lastEndpoint: row.last_endpoint === null ? null : (row.last_endpoint as 'primary' | 'fallback'),
    createdAt: isoTime(Number(row.created_at)),
    deliveredAt: iso(row.delivered_at),
    deadAt: iso(row.dead_at),
    discardedAt: iso(row.discarded_at),
    replayCount: row.replay_count,
    operatorNote: row.operator_note,
  };
}

const toDelivery = (row: WebhookDeliveryRow): WebhookDelivery => ({ ...toSummary(row), payload: row.payload });

/** Reading deliveries, and what an operator does with dead letters: replay or discard. */
export function createDeliveryService(deps: { db: Executor; clock: Clock }) {
  const { db, clock } = deps;

  const load = async (id: string): Promise<WebhookDeliveryRow> => {
    const row = await repo.findDelivery(db, id);
    if (!row) throw new AppError('not_found', `webhook delivery ${id} does not exist`, [{ path: 'params.id', message: 'unknown delivery id' }]);
    return row;
  };
  const notDead = (row: WebhookDeliveryRow, action: string) =>
    new AppError('invalid_state', `webhook delivery ${row.id} is ${row.status}; only dead letters can be ${action}`, [{ path: 'status', message: row.status }]);

  return {
    get: async (id: string): Promise<WebhookDelivery> => toDelivery(await load(id)),

    async list(query: { subscriptionId?: string | undefined; status?: WebhookDeliveryStatus | undefined; limit: number; cursor?: string | undefined }): Promise<Page<WebhookDeliverySummary>> {
      const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.listDeliveries(db, { subscriptionId: query.subscriptionId, status: query.status, afterId, limit: query.limit + 1 });
      return toPage(rows, query.limit, toSummary, (row) => [row.id]);
    },

    /** A dead letter goes back to pending, due at once, with a fresh attempt budget; its circuit still decides when it is sent. */
    async replay(id: string, reason?: string): Promise<WebhookDelivery> {
      if (!(await repo.reopenDeadDelivery(db, id, clock.now(), reason ?? null))) throw notDead(await load(id), 'replayed');
      return toDelivery(await load(id));
    },

    async discard(id: string, reason: string): Promise<WebhookDelivery> {
      if ((await repo.discardDeliveries(db, { id }, ['dead'], clock.now(), reason)) !== 1) throw notDead(await load(id), 'discarded');
      return toDelivery(await load(id));
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
