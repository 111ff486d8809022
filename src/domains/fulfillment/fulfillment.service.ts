import type { Executor, Tx } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { isoTime } from '../../platform/clock.ts';
import * as repo from './fulfillment.repo.ts';
import { fulfillmentRequestSchema, type FulfillmentRequest } from './fulfillment.types.ts';
import { planRelease, type HeldStock, type ReleaseLocation } from './release.rules.ts';
import { createShipmentService } from './shipments.service.ts';

/** A request as stored: the canonical request plus the reservations it carries to the warehouse. */
export type StoredFulfillmentRequest = FulfillmentRequest & { reservationIds: string[] };

/** Fulfillment requests: what each warehouse is asked to pick, pack and ship. */
export function createFulfillmentService(deps: { db: Executor; ids: IdGenerator }) {
  return {
    shipments: createShipmentService({ db: deps.db }),

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

    async listForOrder(orderId: string, executor: Executor = deps.db): Promise<StoredFulfillmentRequest[]> {
      return (await repo.listForOrder(executor, orderId)).map((r) => JSON.parse(r.document) as StoredFulfillmentRequest);
    },

    async getRequest(id: string, executor: Executor = deps.db): Promise<StoredFulfillmentRequest | undefined> {
      const row = await repo.findRequest(executor, id);
      return row && (JSON.parse(row.document) as StoredFulfillmentRequest);
    },

    /**
     * Closes a request once its warehouse has confirmed it: `shipped`, or `cancelled` when nothing of
     * it shipped. False when it was closed already (the caller decides what that means).
     */
    async closeIn(tx: Tx, request: StoredFulfillmentRequest, state: 'shipped' | 'cancelled'): Promise<boolean> {
      return repo.closeRequest(tx, request.id, state, JSON.stringify({ ...request, state }));
    },

    /**
     * Takes cancelled order lines out of a request the warehouse has not confirmed yet, with the
     * reservations that held them. A request left with no lines is cancelled. `closed` means the
     * warehouse confirmed it first; the caller decides what that means.
     */
    async withdrawLinesIn(tx: Tx, request: StoredFulfillmentRequest, lineNumbers: ReadonlySet<number>, reservationIds: ReadonlySet<string>): Promise<'unchanged' | 'reduced' | 'cancelled' | 'closed'> {
      const lines = request.lines.filter((l) => !lineNumbers.has(l.lineNumber));
      if (lines.length === request.lines.length) return 'unchanged';
      const next = { ...request, lines, reservationIds: request.reservationIds.filter((id) => !reservationIds.has(id)) };
      if (lines.length === 0) return (await repo.closeRequest(tx, request.id, 'cancelled', JSON.stringify({ ...next, lines: request.lines, state: 'cancelled' }))) ? 'cancelled' : 'closed';
      return (await repo.rewriteOpenRequest(tx, request.id, JSON.stringify(next), lines.length)) ? 'reduced' : 'closed';
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
