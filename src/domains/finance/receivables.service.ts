import type { Executor, Tx } from '../../platform/db/store.ts';
import * as creditRepo from './credit.repo.ts';
import * as repo from './receivables.repo.ts';
import type { ReceivableAdjustment } from './credit.types.ts';

export type RecordedAdjustment =
  /** `counted` says whether the customer's figure should move; false when a newer ERP figure covers it. */
  | { result: 'recorded'; counted: boolean }
  | { result: 'duplicate' };

/**
 * Crossdock's view of a customer's open receivables between two ERP reports: the ERP's figure plus
 * the invoices and credit memos issued after the figure's as-of time. Each document is recorded once
 * (I5), so a redelivered invoice or memo moves nothing twice. Writing the figure into master data is
 * the caller's (orchestration's) work, in the same transaction.
 */
export function createReceivablesService(deps: { db: Executor }) {
  return {
    /**
     * Records the adjustment in the caller's transaction, once. It is counted unless a credit update
     * as of its issue time or later is applied or being applied: that figure includes it already.
     * Read the customer's record before calling this, in the same transaction, so that a credit
     * update written in between fails the caller's version check rather than being overwritten.
     */
    async recordIn(tx: Tx, adjustment: ReceivableAdjustment, nowMs: number): Promise<RecordedAdjustment> {
      const latestAsOfMs = await creditRepo.latestAsOf(tx, adjustment.customerCode);
      const counted = latestAsOfMs === null || latestAsOfMs < adjustment.occurredAtMs;
      const inserted = await repo.insertIfNew(tx, {
        document_id: adjustment.documentId,
        document_type: adjustment.documentType,
        customer_code: adjustment.customerCode,
        amount_minor: adjustment.amountMinor,
        currency: adjustment.currency,
        occurred_at: adjustment.occurredAtMs,
        counted: counted ? 1 : 0,
        recorded_at: nowMs,
      });
      return inserted ? { result: 'recorded', counted } : { result: 'duplicate' };
    },

    /**
     * What an ERP figure as of `asOfMs` cannot include yet: the customer's adjustments issued after
     * it. A credit update adds this to the figure it reports.
     */
    issuedAfter: (customerCode: string, asOfMs: number, executor: Executor = deps.db) => repo.sumAfter(executor, customerCode, asOfMs),
  };
}

export type ReceivablesService = ReturnType<typeof createReceivablesService>;
