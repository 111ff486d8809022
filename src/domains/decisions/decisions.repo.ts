import { insertRows, insertShape } from '../../platform/db/insert-rows.ts';
import type { Executor, Tx } from '../../platform/db/store.ts';
import type { DecisionRow } from './decisions.tables.ts';

/** SQL only: recorded decisions. */

export async function insertDecisions(tx: Tx, rows: readonly DecisionRow[]): Promise<void> {
  await insertRows(tx, DECISIONS, rows);
}

const DECISIONS = insertShape('decisions', ['id', 'kind', 'subject_type', 'subject_id', 'outcome', 'policy_id', 'policy_version', 'made_by', 'applied_automatically', 'made_at', 'document', 'order_id']);

export const findDecision = (db: Executor, id: string): Promise<DecisionRow | undefined> =>
  db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();

/** Every decision about one object, oldest first. */
export const listBySubject = (db: Executor, subjectType: string, subjectId: string): Promise<DecisionRow[]> =>
  db
    .selectFrom('decisions')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('made_at')
    .orderBy('id')
    .execute();

export interface DecisionFilter {
  kind?: string | undefined;
  outcome?: string | undefined;
  subject?: { type: string; id: string } | undefined;
  /** Decisions about this order and its lines. */
  orderId?: string | undefined;
  /** Epoch milliseconds; decisions made at or after it. */
  sinceMs?: number | undefined;
  /** The (made_at, id) of the last row of the previous page; rows strictly older follow. */
  before?: readonly [number, string] | undefined;
  limit: number;
}

/** Newest first, keyset-paged on (made_at, id). */
export function listDecisions(db: Executor, filter: DecisionFilter): Promise<DecisionRow[]> {
  let query = db.selectFrom('decisions').selectAll();
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.subject !== undefined) query = query.where('subject_type', '=', filter.subject.type).where('subject_id', '=', filter.subject.id);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.sinceMs !== undefined) query = query.where('made_at', '>=', filter.sinceMs);
  if (filter.before !== undefined) {
    const [madeAt, id] = filter.before;
    query = query.where((eb) => eb.or([eb('made_at', '<', madeAt), eb.and([eb('made_at', '=', madeAt), eb('id', '<', id)])]));
  }
  return query.orderBy('made_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}
