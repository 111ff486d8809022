import { sql } from 'kysely';
import type { Executor, Tx } from '../platform/db/store.ts';
import type { AllocationResult, Applied, InventoryChanges, Planned } from './order-allocation.ts';

/** One order's answer from `allocateMany`: its result, or the error its allocation met. */
export type BatchAllocationResult = { ok: true; result: AllocationResult } | { ok: false; error: unknown };

/** The steps of one order's allocation (order-allocation.ts) that a batch puts together. */
export interface AllocationSteps {
  db: Executor;
  planOf(orderId: string): Promise<{ done: AllocationResult } | { planned: Planned }>;
  applyPlan(tx: Tx, planned: Planned, onRefusal: 'backorder' | 'give_back'): Promise<Applied>;
  /** One order on its own, planned again while it changes. */
  allocate(orderId: string): Promise<AllocationResult>;
  publish(changes: InventoryChanges): void;
}

export function createBatchAllocation(steps: AllocationSteps) {
  /**
   * Allocates several orders with one commit (group commit): each is planned as `allocate` plans it,
   * then all are written in one transaction, each inside a savepoint of its own. An order whose write
   * fails is rolled back to its savepoint and answered with its error while the others commit. One
   * that changed since it was read, or whose plan counted on stock an order before it in the batch
   * took, is rolled back too and allocated again on its own after the commit, on fresh ATP, so a
   * batch decides nothing that orders allocated one by one would not.
   */
  return async function allocateMany(orderIds: readonly string[]): Promise<BatchAllocationResult[]> {
    const answers = new Array<BatchAllocationResult | undefined>(orderIds.length);
    const planned: Array<{ index: number; planned: Planned }> = [];
    for (const [index, orderId] of orderIds.entries()) {
      try {
        const planning = await steps.planOf(orderId);
        if ('done' in planning) answers[index] = { ok: true, result: planning.done };
        else planned.push({ index, planned: planning.planned });
      } catch (error) {
        answers[index] = { ok: false, error };
      }
    }
    const changes: InventoryChanges[] = [];
    if (planned.length > 0) {
      await steps.db.transaction().execute(async (tx) => {
        for (const { index, planned: p } of planned) {
          await sql`savepoint allocation`.execute(tx);
          let written: Applied | undefined;
          try {
            written = await steps.applyPlan(tx, p, 'give_back');
          } catch (error) {
            answers[index] = { ok: false, error };
          }
          if (written?.applied === 'written') {
            answers[index] = { ok: true, result: written.result };
            changes.push(written.changes);
          } else {
            await sql`rollback to savepoint allocation`.execute(tx);
          }
          await sql`release savepoint allocation`.execute(tx);
        }
      });
    }
    for (const c of changes) steps.publish(c);
    // The orders given back, each on its own now that the others' reservations are committed.
    for (const [index, orderId] of orderIds.entries()) {
      if (answers[index] !== undefined) continue;
      try {
        answers[index] = { ok: true, result: await steps.allocate(orderId) };
      } catch (error) {
        answers[index] = { ok: false, error };
      }
    }
    return answers.map((a) => a!);
  };
}
