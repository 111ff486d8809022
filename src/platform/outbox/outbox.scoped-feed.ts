import type { SubjectCondition } from '../auth/partner-scope.ts';
import type { Executor } from '../db/store.ts';
import * as repo from './outbox.repo.ts';
import type { FeedPage } from './outbox.types.ts';
import { toEnvelope } from './outbox.view.ts';

/**
 * Events looked at per event a scoped reader may be given. A reader who sees few of the hub's events
 * (a trading partner's key) would otherwise make every poll read everything since its last event;
 * bounded, a poll reads at most this many times its `limit`, and `nextAfter` moves past what it read.
 */
const SCANNED_PER_ITEM = 10;

/**
 * The feed as a reader who may see only some events reads it: the same order and guarantee (a reader
 * that has seen sequence n has seen every committed event before it that it may see), with
 * `nextAfter` advanced past events it may not see, so the next poll starts after them.
 */
export async function readScopedFeed(db: Executor, filter: repo.FeedFilter, visible: SubjectCondition): Promise<FeedPage> {
  const scanned = await repo.scanFeed(db, { ...filter, limit: filter.limit * SCANNED_PER_ITEM }, visible);
  const seqs: number[] = [];
  let nextAfter = filter.after;
  for (const row of scanned) {
    // SQLite answers the condition as 0 or 1, PostgreSQL as a boolean.
    const seen = row.visible === true || Number(row.visible) === 1;
    if (seen && seqs.length === filter.limit) break;
    if (seen) seqs.push(Number(row.seq));
    nextAfter = Number(row.seq);
  }
  const rows = seqs.length === 0 ? [] : await repo.eventsBySeq(db, seqs);
  return { items: rows.map(toEnvelope), nextAfter };
}
