import type { Executor } from '../platform/db/store.ts';
import type { SimStats } from './sim-context.ts';

/**
 * What a run did, read from the hub's own tables (orders by state, line fill, exceptions) next to
 * what the simulated systems sent. Fill rate is shipped units over ordered units (less cancelled)
 * of orders placed at least `settledBeforeMs` ago, so orders still in the warehouse do not count
 * as misses.
 */
export interface RunSummary {
  orders: number;
  ordersByState: Record<string, number>;
  ordersByChannel: Record<string, number>;
  lines: number;
  unitsOrdered: number;
  unitsShipped: number;
  fillRate: number | null;
  exceptionsByType: Record<string, number>;
  openExceptions: number;
  sent: SimStats;
}

export async function summarise(db: Executor, stats: SimStats, settledBeforeMs: number): Promise<RunSummary> {
  const orders = await db.selectFrom('orders').select(['id', 'state', 'channel', 'received_at']).execute();
  const lines = await db.selectFrom('order_lines').select(['order_id', 'ordered_quantity', 'shipped_quantity', 'cancelled_quantity']).execute();
  const exceptions = await db.selectFrom('exceptions').select(['type', 'state']).execute();
  const count = <T>(items: T[], key: (t: T) => string) => items.reduce<Record<string, number>>((acc, t) => ((acc[key(t)] = (acc[key(t)] ?? 0) + 1), acc), {});
  const settled = new Set(orders.filter((o) => Number(o.received_at) <= settledBeforeMs).map((o) => o.id));
  let wanted = 0;
  let shipped = 0;
  for (const l of lines) {
    if (!settled.has(l.order_id)) continue;
    wanted += Number(l.ordered_quantity) - Number(l.cancelled_quantity);
    shipped += Number(l.shipped_quantity);
  }
  return {
    orders: orders.length,
    ordersByState: sortKeys(count(orders, (o) => o.state)),
    ordersByChannel: sortKeys(count(orders, (o) => o.channel)),
    lines: lines.length,
    unitsOrdered: lines.reduce((s, l) => s + Number(l.ordered_quantity), 0),
    unitsShipped: lines.reduce((s, l) => s + Number(l.shipped_quantity), 0),
    fillRate: wanted > 0 ? Math.round((shipped / wanted) * 10_000) / 10_000 : null,
    exceptionsByType: sortKeys(count(exceptions, (e) => e.type)),
    openExceptions: exceptions.filter((e) => e.state === 'open' || e.state === 'claimed').length,
    sent: stats,
  };
}

const sortKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
