import type { Executor } from '../platform/db/store.ts';
import type { Violation } from './invariants.ts';
import type { SimStats } from './sim-context.ts';

/**
 * The checks a seeded run makes once its faults have healed, which stored state alone cannot make
 * mid-run (docs/invariants.md, "What cannot be checked from stored state"):
 *
 * - I5: every order the network sent took effect exactly once: the hub stores as many orders as the
 *   simulated systems placed (each counted once, however often the transport delivered it).
 * - I6: every order placed during the fault steps has settled: it is invoiced, closed or cancelled,
 *   or it waits on an owner: an open hold naming the role that owns it, or an open exception about
 *   the order (exceptions are owned work, in a role's queue), or it is still moving: the hub announced
 *   something about it in the last hours of the run (a short shipment's remainder released again
 *   needs a pick and a ship more than the healing steps may leave), so it is late, not stuck.
 */
const SETTLED = new Set(['invoiced', 'closed', 'cancelled']);

/** How recent an announcement keeps an unsettled order counted as moving. */
export const MOVING_WINDOW_MS = 6 * 3_600_000;

export async function settledAtEnd(db: Executor, stats: SimStats, placedBeforeMs: number, nowMs: number): Promise<{ orders: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  const rows = await db.selectFrom('orders').select(['id', 'state', 'document']).orderBy('id').execute();
  const sent = stats.ordersSubmitted.EDI + stats.ordersSubmitted.WEB + stats.ordersSubmitted.SALES;
  if (rows.length !== sent) {
    violations.push({ invariant: 'I5', subject: 'orders', message: `the network placed ${sent} orders but the hub stores ${rows.length}` });
  }
  const owned = new Set(
    (await db.selectFrom('exceptions').select(['subject_id', 'owner_role']).where('subject_type', '=', 'order').where('closed_at', 'is', null).execute())
      .filter((e) => e.owner_role.length > 0)
      .map((e) => e.subject_id),
  );
  const moving = new Set(
    (await db.selectFrom('outbox_events').select('subject').where('subject', 'like', 'order:%').where('time', '>=', nowMs - MOVING_WINDOW_MS).execute()).map((e) => e.subject.slice('order:'.length)),
  );
  for (const row of rows) {
    const doc = JSON.parse(row.document) as { receivedAt?: string; createdAt?: string; holds?: Array<{ ownerRole?: string; resolvedAt?: string }> };
    const placed = Date.parse(doc.receivedAt ?? doc.createdAt ?? '');
    if (Number.isFinite(placed) && placed > placedBeforeMs) continue;
    if (SETTLED.has(row.state) || owned.has(row.id) || moving.has(row.id)) continue;
    const held = (doc.holds ?? []).some((h) => h.resolvedAt === undefined && typeof h.ownerRole === 'string' && h.ownerRole.length > 0);
    if (!held) violations.push({ invariant: 'I6', subject: `order:${row.id}`, message: `placed during the faults, still ${row.state} after they healed, with no open hold or exception owned by a role` });
  }
  return { orders: rows.length, violations };
}
