import { isoTime } from '../../platform/clock.ts';
import type { Executor, Tx } from '../../platform/db/store.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import * as repo from './credit-memos.repo.ts';
import { creditMemoSchema, type CreditMemo } from './finance.types.ts';

/** What a credit memo is issued for: one return, its lines priced by the caller. */
export type IssueCreditMemoInput = Omit<CreditMemo, 'id' | 'issuedAt' | 'totalMinor'> & {
  /** The order's trading partner, kept beside the memo for partner-scoped keys. */
  partnerCode?: string | undefined;
};

/** Credit memos: money owed back to a customer for goods returned under an RMA. */
export function createCreditMemoService(deps: { db: Executor; ids: IdGenerator }) {
  const parse = (document: string) => creditMemoSchema.parse(JSON.parse(document));

  return {
    /**
     * Issues the return's credit memo inside the caller's transaction, once: the database keeps one
     * memo per return, so a second call (a retried flow) answers `exists` with the first and changes
     * nothing.
     */
    async issueIn(tx: Tx, input: IssueCreditMemoInput, nowMs: number): Promise<{ result: 'issued' | 'exists'; creditMemo: CreditMemo }> {
      const { partnerCode, ...document } = input;
      const memo = creditMemoSchema.parse({
        ...document,
        id: deps.ids.next(),
        totalMinor: input.lines.reduce((sum, l) => sum + l.amountMinor, 0),
        issuedAt: isoTime(nowMs),
      });
      const inserted = await repo.insertIfNew(tx, {
        id: memo.id,
        return_id: memo.returnId,
        order_id: memo.orderId,
        partner_code: partnerCode ?? null,
        customer_code: memo.customerCode,
        total_minor: memo.totalMinor,
        currency: memo.currency,
        issued_at: nowMs,
        document: JSON.stringify(memo),
      });
      if (inserted) return { result: 'issued', creditMemo: memo };
      const existing = await repo.findByReturn(tx, input.returnId);
      invariant(existing, `a conflict on credit_memos.return_id implies return ${input.returnId} has a memo`);
      return { result: 'exists', creditMemo: parse(existing.document) };
    },

    /** 404 `not_found` when absent, or when a partner-scoped key asks for another partner's memo. */
    async get(id: string, partnerCode: string | null = null): Promise<CreditMemo> {
      const row = await repo.findById(deps.db, id);
      if (!row || (partnerCode !== null && row.partner_code !== partnerCode)) throw new AppError('not_found', `credit memo ${id} does not exist`, [{ path: 'params.id', message: 'unknown credit memo id' }]);
      return parse(row.document);
    },

    async findByReturn(returnId: string, executor: Executor = deps.db): Promise<CreditMemo | undefined> {
      const row = await repo.findByReturn(executor, returnId);
      return row && parse(row.document);
    },

    async listForOrder(orderId: string): Promise<CreditMemo[]> {
      return (await repo.listForOrder(deps.db, orderId)).map((r) => parse(r.document));
    },
  };
}

export type CreditMemoService = ReturnType<typeof createCreditMemoService>;
