import { isoTime } from '../clock.ts';
import type { OutboxEventRow } from '../db/platform.tables.ts';
import type { Selectable } from 'kysely';
import type { DeliveryWithEvent } from './outbox.repo.ts';
import type { Delivery, DeliveryStatus, EventEnvelope } from './outbox.types.ts';

/** Rows to API shapes: the stored event becomes its CloudEvents envelope. */
export function toEnvelope(row: Omit<Selectable<OutboxEventRow>, 'subject'> & { subject: string }): EventEnvelope {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: isoTime(row.time),
    datacontenttype: 'application/json',
    data: JSON.parse(row.data) as unknown,
    sequence: String(row.seq),
    dataschemaversion: row.schema_version,
    ...(row.correlation_id === null ? {} : { correlationid: row.correlation_id }),
    ...(row.causation_id === null ? {} : { causationid: row.causation_id }),
  };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : isoTime(ms));

export function toDelivery(row: DeliveryWithEvent): Delivery {
  return {
    id: Number(row.id),
    subscriber: row.subscriber,
    subject: row.subject,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: isoTime(row.next_attempt_at),
    lastError: row.last_error,
    deliveredAt: isoOrNull(row.delivered_at),
    deadAt: isoOrNull(row.dead_at),
    discardedAt: isoOrNull(row.discarded_at),
    replayCount: row.replay_count,
    operatorNote: row.operator_note,
    event: toEnvelope({ ...row, id: row.event_id }),
  };
}
