import { creditOpenValueMinor, unbilledValueMinor } from './line.rules.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import * as repo from './orders.repo.ts';
import type { Order } from './orders.types.ts';

/** Reading and writing whole orders, for the flows that move them along (orchestration). */
export function createOrderStore(deps: { db: Executor; kind: StoreKind }) {
  const parse = (document: string) => JSON.parse(document) as Order;
  return {
    async get(id: string, executor: Executor = deps.db): Promise<Order | undefined> {
      const row = await repo.findOrder(executor, id);
      return row && parse(row.document);
    },

    async lockForUpdate(tx: Tx, id: string): Promise<Order | undefined> {
      const row = await repo.lockOrder(tx, deps.kind, id);
      return row && parse(row.document);
    },

    /** Saves `after` when the stored order is still `before`'s version; false when someone else changed it. */
    async save(tx: Tx, before: Order, after: Order): Promise<boolean> {
      const changedLines = after.lines.filter((line, i) => JSON.stringify(line) !== JSON.stringify(before.lines[i]));
      const valueMinor = unbilledValueMinor(after.lines);
      const saved = await repo.saveOrder(
        tx,
        {
          id: after.id,
          state: after.state,
          document: JSON.stringify(after),
          version: after.version,
          openHolds: after.holds.filter((h) => h.resolvedAt === undefined).length,
          updatedAt: Date.parse(after.updatedAt),
          valueMinor,
        },
        changedLines.map((l) => ({
          line_number: l.lineNumber,
          sku: l.sku,
          state: l.state,
          allocated_quantity: l.allocatedQuantity,
          shipped_quantity: l.shippedQuantity,
          invoiced_quantity: l.invoicedQuantity,
          cancelled_quantity: l.cancelledQuantity,
        })),
        before.version,
      );
      // The stored value is always the document's unbilled value (intake stores the same sum), so
      // the change to the customer's open orders follows from the two documents.
      if (saved) await repo.addOpenOrdersValue(tx, after.customerCode, creditOpenValueMinor(after.state, valueMinor) - creditOpenValueMinor(before.state, unbilledValueMinor(before.lines)));
      return saved;
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
