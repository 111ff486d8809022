import type { Executor, Tx } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { isoTime } from '../../platform/clock.ts';
import * as repo from './fulfillment.repo.ts';
import { fulfillmentRequestSchema, type FulfillmentRequest } from './fulfillment.types.ts';
import { planRelease, type HeldStock, type ReleaseLocation } from './release.rules.ts';

/** Fulfillment requests: what each warehouse is asked to pick, pack and ship. */
export function createFulfillmentService(deps: { db: Executor; ids: IdGenerator }) {
  return {
    /**
     * Plans and stores the requests for stock held for one order, inside the caller's transaction.
     * Returns them for the caller's announcements (a 940 or an API call per request, by connectors).
     */
    async releaseIn(tx: Tx, orderId: string, held: readonly HeldStock[], locations: ReadonlyMap<string, ReleaseLocation>, nowMs: number): Promise<FulfillmentRequest[]> {
      const booked = await repo.linesBooked(tx, [...new Set(held.map((h) => h.locationCode))], nowMs);
      const plans = planRelease(held, locations, (loc, at) => booked.get(`${loc}@${at}`) ?? 0, nowMs);
      const requests = plans.map((p) =>
        fulfillmentRequestSchema.parse({
          id: deps.ids.next(),
          orderId,
          locationCode: p.locationCode,
          state: 'pending',
          lines: p.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity })),
          releasedAt: isoTime(nowMs),
          shipByAt: isoTime(p.shipByAtMs),
        }),
      );
      await repo.insertRequests(
        tx,
        requests.map((r, i) => ({
          id: r.id,
          order_id: orderId,
          location_code: r.locationCode,
          state: r.state,
          ship_by_at: plans[i]!.shipByAtMs,
          line_count: r.lines.length,
          document: JSON.stringify({ ...r, reservationIds: plans[i]!.lines.flatMap((l) => l.reservationIds) }),
          released_at: nowMs,
        })),
      );
      return requests;
    },

    async listForOrder(orderId: string, executor: Executor = deps.db): Promise<Array<FulfillmentRequest & { reservationIds: string[] }>> {
      return (await repo.listForOrder(executor, orderId)).map((r) => JSON.parse(r.document) as FulfillmentRequest & { reservationIds: string[] });
    },

    async list(filter: { locationCode?: string | undefined; state?: string | undefined; limit: number }): Promise<FulfillmentRequest[]> {
      return (await repo.list(deps.db, filter)).map((r) => {
        // The stored document also names the reservations it carries; the canonical request does not.
        const { reservationIds: _reservationIds, ...request } = JSON.parse(r.document) as FulfillmentRequest & { reservationIds: string[] };
        return fulfillmentRequestSchema.parse(request);
      });
    },
  };
}

export type FulfillmentService = ReturnType<typeof createFulfillmentService>;
