import { createHash } from 'node:crypto';
import type { Executor } from '../platform/db/store.ts';

/**
 * The SHA-256 of the hub's event log: every outbox event in sequence order, with its id, time, type,
 * subject, correlation and data. Ids and times come from the seeded generator and the manual clock,
 * so two runs of the same seed give the same hash. The sequence number itself is left out: on
 * PostgreSQL a rolled-back append leaves a gap, which is not part of what happened.
 */
export async function eventLogHash(db: Executor): Promise<{ sha256: string; events: number }> {
  const hash = createHash('sha256');
  let events = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('outbox_events')
      .select(['seq', 'id', 'time', 'type', 'subject', 'source', 'correlation_id', 'causation_id', 'data'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(2_000)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      hash.update(`${row.id}|${Number(row.time)}|${row.source}|${row.type}|${row.subject}|${row.correlation_id ?? ''}|${row.causation_id ?? ''}|${row.data}\n`);
      events++;
    }
    after = Number(rows[rows.length - 1]!.seq);
  }
  return { sha256: hash.digest('hex'), events };
}
