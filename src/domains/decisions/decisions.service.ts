import type { Executor, Tx } from '../../platform/db/store.ts';
import { isoTime } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';
import * as repo from './decisions.repo.ts';
import type { DecisionRow } from './decisions.tables.ts';
import { decisionSchema, type Decision, type DecisionQuery, type DecisionSubject, type NewDecision } from './decisions.types.ts';

export interface DecisionDeps {
  db: Executor;
  ids: IdGenerator;
}

export interface DecisionService {
  /**
   * Stores decisions in the caller's transaction, so a decision exists exactly when the change it
   * explains was committed. Assigns ids; returns the decisions as stored (madeAt in UTC). A decision
   * the schema refuses is a bug in the code that made it, so this throws a plain Error, not an AppError.
   */
  record(tx: Tx, decisions: readonly NewDecision[]): Promise<Decision[]>;
  /** Every decision about one object, oldest first. Callers inside a transaction pass it as `executor`. */
  listForSubject(subject: DecisionSubject, executor?: Executor): Promise<Decision[]>;
  /** Newest first; 400 `invalid_cursor` for a cursor this list did not return. */
  list(query: DecisionQuery): Promise<Page<Decision>>;
  /** 404 `not_found` when there is no such decision. */
  get(id: string): Promise<Decision>;
}

const toDecision = (row: DecisionRow): Decision => JSON.parse(row.document) as Decision;

/** The order of a subject that is an order or an order's line (`<orderId>:<lineNumber>`). */
function orderOf(subject: Decision['subject']): string | null {
  if (subject.type === 'order') return subject.id;
  if (subject.type === 'order_line') return subject.id.slice(0, Math.max(0, subject.id.indexOf(':'))) || null;
  return null;
}

function toRow(decision: Decision): DecisionRow {
  return {
    id: decision.id,
    kind: decision.kind,
    subject_type: decision.subject.type,
    subject_id: decision.subject.id,
    outcome: decision.outcome,
    policy_id: decision.policyId,
    policy_version: decision.policyVersion,
    made_by: decision.madeBy,
    applied_automatically: decision.appliedAutomatically ? 1 : 0,
    made_at: Date.parse(decision.madeAt),
    document: JSON.stringify(decision),
    order_id: orderOf(decision.subject),
  };
}

export function createDecisionService(deps: DecisionDeps): DecisionService {
  const { db, ids } = deps;

  function validated(input: NewDecision, index: number): Decision {
    const parsed = decisionSchema.safeParse({ ...input, id: ids.next() });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`invalid decision [${index}] (${input.kind} about ${input.subject?.type} ${input.subject?.id}) at ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
        cause: parsed.error,
      });
    }
    // One spelling of time in storage, whatever offset the maker used; the column holds the same instant.
    return { ...parsed.data, madeAt: isoTime(Date.parse(parsed.data.madeAt)) };
  }

  return {
    async record(tx, decisions) {
      // Every decision is checked before any is written, so a bad one stores none of its batch.
      const stored = decisions.map(validated);
      await repo.insertDecisions(tx, stored.map(toRow));
      return stored;
    },

    async listForSubject(subject, executor = db) {
      return (await repo.listBySubject(executor, subject.type, subject.id)).map(toDecision);
    },

    async list(query) {
      const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['n', 's'] as const);
      const rows = await repo.listDecisions(db, {
        kind: query.kind,
        outcome: query.outcome,
        subject: query.subject,
        orderId: query.orderId,
        sinceMs: query.since === undefined ? undefined : Date.parse(query.since),
        before,
        limit: query.limit + 1,
      });
      return toPage(rows, query.limit, toDecision, (row) => [row.made_at, row.id]);
    },

    async get(id) {
      const row = await repo.findDecision(db, id);
      if (!row) throw new AppError('not_found', `decision ${id} does not exist`, [{ path: 'params.id', message: 'no such decision' }]);
      return toDecision(row);
    },
  };
}
