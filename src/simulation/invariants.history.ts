import type { Executor } from '../platform/db/store.ts';
import { orderLifecycle, type OrderState } from '../domains/orders/index.ts';
import type { Violation } from './invariants.ts';

/**
 * An order's history is what the outbox announced about it (subject `order:<id>`), in sequence
 * order. State changes are announced with `data.from` and `data.to`; two announcements lack them
 * and are read by their type: `crossdock.order.received` (the state is in `data.order`) and
 * `crossdock.order.released` (the move the table gives `release` from the current state).
 *
 * I6: every announced move is a row of the transitions table, and nothing moves out of a terminal
 * state. I8: an order has exactly one `received` announcement; every announced move starts where the
 * previous one ended (a missing or doubled announcement breaks the chain); the stored state is the
 * last one announced; and nothing is announced about an order that was not stored.
 * I4 for holds: each hold is resolved (released, rejected, or its rejection cancels the order) in at
 * most one announcement.
 */

interface Announcement {
  seq: number;
  type: string;
  data: { from?: string; to?: string; order?: { state?: string }; hold?: { id?: string }; holdId?: string; reason?: string };
}

const isTerminal = (state: string) => (orderLifecycle.terminal as readonly string[]).includes(state);
const allowed = (from: string, to: string) => orderLifecycle.transitions.some((t) => t.from === from && t.to === to);

/** Where `release` takes an order from `from`, or undefined when the table has no such row. */
const releaseTarget = (from: string): string | undefined => orderLifecycle.transitions.find((t) => t.from === (from as OrderState) && t.event === 'release')?.to;

/** The hold an announcement resolves, if it resolves one. */
function resolvedHold(a: Announcement): string | undefined {
  if (a.type === 'crossdock.order.hold_released' || a.type === 'crossdock.order.hold_rejected') return a.data.hold?.id ?? a.data.holdId;
  if (a.type === 'crossdock.order.cancelled' && a.data.reason === 'hold_rejected') return a.data.holdId;
  return undefined;
}

export async function orderHistory(db: Executor, stored: ReadonlyMap<string, string>): Promise<Violation[]> {
  const rows = await db.selectFrom('outbox_events').select(['seq', 'type', 'subject', 'data']).where('subject', 'like', 'order:%').orderBy('seq').execute();
  const bySubject = new Map<string, Announcement[]>();
  for (const r of rows) {
    const id = r.subject.slice('order:'.length);
    const list = bySubject.get(id) ?? [];
    list.push({ seq: Number(r.seq), type: r.type, data: JSON.parse(r.data) as Announcement['data'] });
    bySubject.set(id, list);
  }

  const violations: Violation[] = [];
  for (const [id, announcements] of bySubject) {
    const add = (invariant: Violation['invariant'], message: string) => violations.push({ invariant, subject: `order:${id}`, message });
    const state = stored.get(id);
    if (state === undefined) {
      add('I8', `${announcements.length} event(s) were published about an order that is not stored (first: ${announcements[0]!.type})`);
      continue;
    }
    const received = announcements.filter((a) => a.type === 'crossdock.order.received');
    if (received.length !== 1) add('I8', `announced as received ${received.length} times`);

    let current: string | undefined;
    let previous: Announcement | undefined;
    const resolutions = new Map<string, number>();
    for (const a of announcements) {
      const hold = resolvedHold(a);
      if (hold) resolutions.set(hold, (resolutions.get(hold) ?? 0) + 1);

      let from: string | undefined;
      let to: string | undefined;
      if (a.type === 'crossdock.order.received') {
        to = a.data.order?.state;
        if (current !== undefined) add('I8', `event ${a.seq} announces the order as received again`);
        current = to;
        previous = a;
        continue;
      } else if (a.data.from !== undefined && a.data.to !== undefined) {
        from = a.data.from;
        to = a.data.to;
      } else if (a.type === 'crossdock.order.released' && current !== undefined) {
        from = current;
        to = releaseTarget(current);
        if (to === undefined) {
          add('I6', `event ${a.seq} announces a release from ${current}, which the table does not allow`);
          continue;
        }
      } else continue;

      // A cancellation that leaves only shipped units announces the same move twice on purpose: as
      // the lines cancelled, and as the order shipped, which invoicing listens for.
      const sameMoveAgain =
        a.type === 'crossdock.order.shipped' && previous?.type === 'crossdock.order.lines_cancelled' && previous.data.from === from && previous.data.to === to;
      if (sameMoveAgain) continue;

      if (current === undefined) add('I8', `event ${a.seq} (${a.type}) announces ${from} → ${to} before the order was announced as received`);
      else if (from !== current) add('I8', `event ${a.seq} (${a.type}) announces ${from} → ${to}, but the last announced state was ${current}`);
      if (current !== undefined && isTerminal(current)) add('I6', `event ${a.seq} (${a.type}) moves the order out of terminal state ${current}`);
      if (!allowed(from, to!)) add('I6', `event ${a.seq} (${a.type}) announces ${from} → ${to}, which the transitions table does not have`);
      current = to;
      previous = a;
    }
    if (current !== undefined && current !== state) add('I8', `the stored state is ${state} but the last announced state is ${current}`);
    for (const [hold, times] of resolutions) if (times > 1) add('I4', `hold ${hold} was resolved ${times} times`);
  }
  for (const id of stored.keys()) if (!bySubject.has(id)) violations.push({ invariant: 'I8', subject: `order:${id}`, message: 'the order is stored but was never announced' });
  return violations;
}
