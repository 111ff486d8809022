import type { Executor } from '../platform/db/store.ts';
import { lineQuantityProblem, lineStates, orderStates, type Order } from '../domains/orders/index.ts';
import type { Violation } from './invariants.ts';
import { orderHistory } from './invariants.history.ts';

/**
 * Orders against their own rules and their announcements: I4 for holds, I6 (states and the path
 * between them), I7 (quantities per line, shipments and invoices agreeing with them) and I8 (each
 * announced state change has one outbox row, and the stored state is the last one announced).
 */

interface OrderRecord {
  id: string;
  state: string;
  order: Order;
}

type LineKey = `${string}#${number}`;
const lineKey = (orderId: string, lineNumber: number): LineKey => `${orderId}#${lineNumber}`;

/** Sums per order line of the `lines[].quantity` of stored documents (shipments, invoices). */
function sumByLine(rows: ReadonlyArray<{ order_id: string; document: string }>, include: (doc: { state?: string }) => boolean = () => true): Map<LineKey, number> {
  const sums = new Map<LineKey, number>();
  for (const row of rows) {
    const doc = JSON.parse(row.document) as { state?: string; lines: Array<{ lineNumber: number; quantity: number }> };
    if (!include(doc)) continue;
    for (const l of doc.lines) sums.set(lineKey(row.order_id, l.lineNumber), (sums.get(lineKey(row.order_id, l.lineNumber)) ?? 0) + Number(l.quantity));
  }
  return sums;
}

export async function checkOrders(db: Executor): Promise<Violation[]> {
  const violations: Violation[] = [];
  const add = (invariant: Violation['invariant'], orderId: string, message: string) => violations.push({ invariant, subject: `order:${orderId}`, message });

  const orders: OrderRecord[] = (await db.selectFrom('orders').select(['id', 'state', 'document']).orderBy('id').execute()).map((r) => ({
    id: r.id,
    state: r.state,
    order: JSON.parse(r.document) as Order,
  }));
  const lineRows = await db.selectFrom('order_lines').selectAll().execute();
  const shipped = sumByLine(await db.selectFrom('shipments').select(['order_id', 'document']).execute());
  const invoiced = sumByLine(await db.selectFrom('invoices').select(['order_id', 'document']).execute(), (doc) => doc.state !== 'void');
  const rowsByLine = new Map(lineRows.map((r) => [lineKey(r.order_id, Number(r.line_number)), r]));

  for (const { id, state, order } of orders) {
    // I6: the states themselves.
    if (!(orderStates as readonly string[]).includes(state)) add('I6', id, `state ${state} is not an order state`);
    if (order.state !== state) add('I6', id, `the row says ${state} but the document says ${order.state}`);
    for (const line of order.lines) {
      const at = `line ${line.lineNumber}`;
      if (!(lineStates as readonly string[]).includes(line.state)) add('I6', id, `${at} has state ${line.state}, not a line state`);
      // I7: the line's own quantities, then the row queues read, then what shipments and invoices say.
      const problem = lineQuantityProblem(line);
      if (problem) add('I7', id, problem);
      if ((state === 'invoiced' || state === 'closed') && line.invoicedQuantity !== line.shippedQuantity) {
        add('I7', id, `${at}: the order is ${state} but invoiced ${line.invoicedQuantity} differs from shipped ${line.shippedQuantity}`);
      }
      const row = rowsByLine.get(lineKey(id, line.lineNumber));
      rowsByLine.delete(lineKey(id, line.lineNumber));
      if (!row) add('I7', id, `${at} has no order_lines row`);
      else {
        const pairs = [
          ['ordered', row.ordered_quantity, line.orderedQuantity],
          ['allocated', row.allocated_quantity, line.allocatedQuantity],
          ['shipped', row.shipped_quantity, line.shippedQuantity],
          ['invoiced', row.invoiced_quantity, line.invoicedQuantity],
          ['cancelled', row.cancelled_quantity, line.cancelledQuantity],
        ] as const;
        for (const [name, stored, documented] of pairs) {
          if (Number(stored) !== documented) add('I7', id, `${at}: ${name} is ${Number(stored)} in order_lines but ${documented} in the document`);
        }
        if (row.state !== line.state) add('I6', id, `${at}: state ${row.state} in order_lines but ${line.state} in the document`);
      }
      const confirmed = shipped.get(lineKey(id, line.lineNumber)) ?? 0;
      if (confirmed !== line.shippedQuantity) add('I7', id, `${at}: shipments confirm ${confirmed} units but the line says ${line.shippedQuantity} shipped`);
      const billed = invoiced.get(lineKey(id, line.lineNumber)) ?? 0;
      if (billed !== line.invoicedQuantity) add('I7', id, `${at}: invoices bill ${billed} units but the line says ${line.invoicedQuantity} invoiced`);
    }
    // I4 for holds: a resolved hold has both its time and its resolution, an open one neither.
    for (const hold of order.holds) {
      if ((hold.resolvedAt === undefined) !== (hold.resolution === undefined)) add('I4', id, `hold ${hold.id} has resolvedAt ${hold.resolvedAt} with resolution ${hold.resolution}`);
    }
  }
  for (const row of rowsByLine.values()) add('I7', row.order_id, `order_lines has line ${row.line_number}, which the order's document does not`);

  violations.push(...(await orderHistory(db, new Map(orders.map((o) => [o.id, o.state])))));
  return violations;
}
