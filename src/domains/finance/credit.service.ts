import type { Executor, Tx } from '../../platform/db/store.ts';
import * as repo from './credit.repo.ts';
import type { CreditUpdate } from './credit.types.ts';

export type CreditClaim =
  | { result: 'claimed' }
  | { result: 'stale'; latestAsOfMs: number }
  /** The reference was seen before; `status` is what became of it (`claimed` means it was never finished). */
  | { result: 'duplicate'; status: string };

/**
 * The credit updates received: each reference takes effect once (I5), and an update older than the
 * newest one claimed is stale. Applying an update to master data is the caller's (orchestration's)
 * work between `claim` and `finishIn`; a crash between them leaves the update `claimed`, and sending
 * the same reference again finishes it.
 */
export function createCreditUpdateService(deps: { db: Executor }) {
  return {
    async claim(customerCode: string, update: CreditUpdate, nowMs: number): Promise<CreditClaim> {
      const asOfMs = Date.parse(update.asOf);
      return deps.db.transaction().execute(async (tx): Promise<CreditClaim> => {
        const known = await repo.findUpdate(tx, customerCode, update.reference);
        if (known) return { result: 'duplicate', status: known.status };
        const latest = await repo.latestAsOf(tx, customerCode);
        const stale = latest !== null && asOfMs < latest;
        const row = { customer_code: customerCode, reference: update.reference, as_of: asOfMs, status: stale ? 'stale' : 'claimed', received_at: nowMs, document: JSON.stringify(update) };
        if (!(await repo.insertUpdateIfNew(tx, row))) {
          // The same reference arrived concurrently and its insert won.
          return { result: 'duplicate', status: (await repo.findUpdate(tx, customerCode, update.reference))?.status ?? 'claimed' };
        }
        return stale ? { result: 'stale', latestAsOfMs: latest } : { result: 'claimed' };
      });
    },

    /** Whether no newer update has been claimed since; an older one must not overwrite it. */
    async isNewest(customerCode: string, update: CreditUpdate): Promise<boolean> {
      const latest = await repo.latestAsOf(deps.db, customerCode);
      return latest === null || latest <= Date.parse(update.asOf);
    },

    /** Records the outcome of a claimed update; false when another attempt finished it first. */
    finishIn: (tx: Tx, customerCode: string, update: CreditUpdate, status: 'applied' | 'superseded') =>
      repo.finishUpdate(tx, customerCode, update.reference, status, JSON.stringify(update)),
  };
}

export type CreditUpdateService = ReturnType<typeof createCreditUpdateService>;
