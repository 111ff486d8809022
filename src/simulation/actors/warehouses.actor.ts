import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOUR_MS } from '../demand.rules.ts';
import { CARRIERS, WAREHOUSES } from '../master-data.generator.ts';
import { isoAt, type Actor, type FeedEvent, type SimContext } from '../sim-context.ts';

/**
 * The three warehouses. Each keeps its own physical count (`ctx.stock`) and works the fulfillment
 * requests the hub releases (read from the event feed): it picks them after a while and ships them
 * later, confirming with `POST /v1/shipments` — shipping what is really on the shelf, so a shelf
 * that is short makes a short ship.
 *
 * The two realtime WMSs post every movement as it happens to `POST /v1/inventory/events`
 * (receipts of the opening stock, picks, shrink and found-stock adjustments), numbered per source.
 * The legacy WMS posts nothing as it happens: every hour it writes a complete snapshot CSV into its
 * watched folder, and its shrink is only seen there, as drift.
 */
interface OpenRequest {
  id: string;
  locationCode: string;
  lines: Array<{ lineNumber: number; sku: string; quantity: number }>;
  pickAtMs: number;
  shipAtMs: number;
  picked: boolean;
  attempts: number;
}

export interface Warehouses extends Actor {
  /** Posts (or, for the legacy WMS, counts) the opening stock; run once at set-up. */
  openingStock(ctx: SimContext): Promise<void>;
  /** The shipments confirmed in this step, for the carriers. */
  takeShipped(): Array<{ shipmentId: string; carrierScac: string; transitDays: number; shippedAtMs: number }>;
}

export function warehouses(): Warehouses {
  const sequence = new Map<string, number>();
  const open: OpenRequest[] = [];
  let shipped: ReturnType<Warehouses['takeShipped']> = [];
  let shipmentCounter = 0;
  let lastSnapshotHour = -1;
  const legacy = WAREHOUSES.find((w) => w.batch)!;
  const sourceOf = (location: string) => (location === legacy.code ? 'legacy-wms-east' : `wms-${location.toLowerCase()}`);

  async function postEvents(ctx: SimContext, location: string, moves: Array<{ type: string; sku: string; quantity: number; reasonCode?: string; reference?: string }>) {
    if (moves.length === 0) return;
    const source = sourceOf(location);
    for (let start = 0; start < moves.length; start += 5_000) {
      const events = moves.slice(start, start + 5_000).map((m) => {
        const seq = (sequence.get(source) ?? 0) + 1;
        sequence.set(source, seq);
        return { source, sequence: seq, locationCode: location, occurredAt: isoAt(ctx.clock.now()), ...m };
      });
      const res = await ctx.call(ctx.keys.wms, { method: 'POST', url: '/v1/inventory/events', body: { events } });
      ctx.stats.inventoryEventsPosted += events.length;
      // Events the ledger refused inside an accepted batch are unexpected too: count them.
      const rejected = res.status === 200 ? Number(res.json().outcome?.rejected ?? 0) : 0;
      if (rejected > 0) ctx.stats.refusals['POST /v1/inventory/events rejected events'] = (ctx.stats.refusals['POST /v1/inventory/events rejected events'] ?? 0) + rejected;
    }
  }

  function writeSnapshot(ctx: SimContext) {
    const asOf = isoAt(ctx.clock.now());
    const rows = ctx.stock.counts(legacy.code).map(([sku, onHand]) => `legacy-wms-east,${legacy.code},${asOf},true,${sku},${onHand}`);
    const name = `snapshot-${asOf.replaceAll(':', '').replace(/\.\d+Z$/, 'Z')}.csv`;
    const dir = ctx.folders.legacySnapshotIn;
    writeFileSync(join(dir, `${name}.tmp`), ['source,locationCode,asOf,complete,sku,onHand', ...rows].join('\n') + '\n');
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
    ctx.stats.snapshotsWritten++;
  }

  return {
    name: 'warehouses',
    async openingStock(ctx) {
      const ranked = ctx.model.skusByPopularity;
      for (const w of WAREHOUSES) {
        const moves = ranked.map((sku, rank) => ({ sku, quantity: Math.max(0, Math.round((4_000 / Math.sqrt(rank + 1)) * (0.5 + ctx.r.next()))) }));
        for (const m of moves) ctx.stock.add(w.code, m.sku, m.quantity);
        // The opening balances are loaded once at go-live, the legacy WMS's too (from its last count,
        // under its own source name), so its first hourly snapshot finds no drift to raise.
        await postEvents(ctx, w.code, moves.filter((m) => m.quantity > 0).map((m) => ({ type: 'receipt', ...m, reference: 'opening-stock' })));
      }
      writeSnapshot(ctx);
      lastSnapshotHour = Math.floor(ctx.clock.now() / HOUR_MS);
    },
    onEvent(ctx, event: FeedEvent) {
      if (event.type !== 'crossdock.fulfillment.release_requested') return;
      const request = event.data.request as { id: string; locationCode: string; lines: OpenRequest['lines'] };
      const now = ctx.clock.now();
      const pickAtMs = now + ctx.r.int(10, 90) * 60_000;
      open.push({ ...request, pickAtMs, shipAtMs: pickAtMs + ctx.r.int(30, 180) * 60_000, picked: false, attempts: 0 });
    },
    takeShipped() {
      const out = shipped;
      shipped = [];
      return out;
    },
    async step(ctx, _fromMs, nowMs) {
      // Picks (realtime WMSs tell the hub; the legacy one does not).
      const picks = new Map<string, Array<{ type: string; sku: string; quantity: number; reference: string }>>();
      for (const request of open) {
        if (request.picked || request.pickAtMs > nowMs) continue;
        request.picked = true;
        if (request.locationCode === legacy.code) continue;
        const list = picks.get(request.locationCode) ?? [];
        for (const l of request.lines) list.push({ type: 'pick', sku: l.sku, quantity: l.quantity, reference: `fr:${request.id}` });
        picks.set(request.locationCode, list);
      }
      for (const [location, moves] of picks) await postEvents(ctx, location, moves);

      // Shipments: what is on the shelf goes; the carrier is chosen per shipment.
      for (const request of open.filter((q) => q.picked && q.shipAtMs <= nowMs)) {
        const lines: Array<{ lineNumber: number; quantity: number }> = [];
        const taken: Array<[string, number]> = [];
        for (const l of request.lines) {
          const damaged = ctx.r.chance(0.01) ? 1 : 0;
          const quantity = Math.max(0, Math.min(l.quantity - damaged, ctx.stock.get(request.locationCode, l.sku)));
          ctx.stats.shortShippedUnits += l.quantity - quantity;
          if (quantity > 0) {
            lines.push({ lineNumber: l.lineNumber, quantity });
            taken.push([l.sku, quantity]);
          }
        }
        const carrier = ctx.r.pick(CARRIERS);
        const service = ctx.r.pick<{ code: string; transitDays: number }>(carrier.services);
        const shipmentNumber = `${request.locationCode}-SHP-${String(++shipmentCounter).padStart(7, '0')}`;
        const res = await ctx.call(ctx.keys.wms, {
          method: 'POST',
          url: '/v1/shipments',
          body: { fulfillmentRequestId: request.id, shipmentNumber, shippedAt: isoAt(nowMs), carrierScac: carrier.scac, serviceCode: service.code, trackingNumber: `${carrier.scac}${String(shipmentCounter).padStart(12, '0')}`, lines },
        }, [200, 201, 409]);
        const code = res.status === 409 ? (res.json().error?.code as string) : '';
        if (code === 'insufficient_stock' && ++request.attempts < 5) {
          // The hub has not seen our stock yet (the legacy snapshot is hourly): try again later.
          request.shipAtMs = nowMs + HOUR_MS;
          continue;
        }
        open.splice(open.indexOf(request), 1);
        if (res.status !== 201) continue;
        for (const [sku, q] of taken) ctx.stock.add(request.locationCode, sku, -q);
        ctx.stats.shipments++;
        ctx.stats.unitsShipped += taken.reduce((s, [, q]) => s + q, 0);
        shipped.push({ shipmentId: res.json().shipment.id, carrierScac: carrier.scac, transitDays: service.transitDays, shippedAtMs: nowMs });
      }

      // Rolling cycle counts: a realtime WMS counts a few bins every few minutes, so its feed is never
      // silent for long (the hub discounts a silent source's stock, and stops promising it).
      for (const w of WAREHOUSES) {
        if (w.batch) continue;
        const counts = Array.from({ length: ctx.r.int(1, 3) }, () => ctx.r.pick(ctx.model.skusByPopularity));
        await postEvents(ctx, w.code, [...new Set(counts)].map((sku) => ({ type: 'cycle_count', sku, quantity: ctx.stock.get(w.code, sku), reasonCode: 'rolling_count' })));
      }

      // Shrink and found stock: realtime WMSs report it, the legacy one lets the snapshot show it.
      for (const w of WAREHOUSES) {
        if (!ctx.r.chance(0.05)) continue;
        const sku = ctx.model.skusByPopularity[ctx.r.int(0, Math.min(200, ctx.model.skusByPopularity.length) - 1)]!;
        const delta = ctx.r.chance(0.7) ? -ctx.r.int(1, 3) : ctx.r.int(1, 3);
        if (ctx.stock.get(w.code, sku) + delta < 0) continue;
        ctx.stock.add(w.code, sku, delta);
        if (!w.batch) await postEvents(ctx, w.code, [{ type: 'adjustment', sku, quantity: delta, reasonCode: delta < 0 ? 'shrink' : 'found' }]);
      }

      // The legacy WMS's hourly snapshot.
      const hour = Math.floor(nowMs / HOUR_MS);
      if (hour > lastSnapshotHour) {
        lastSnapshotHour = hour;
        writeSnapshot(ctx);
      }
    },
  };
}

/** Receipts of purchase orders arrive on the shelf; the hub posts the ledger receipt itself (procurement `receive`). */
export function receiveOnShelf(ctx: SimContext, location: string, sku: string, quantity: number): void {
  ctx.stock.add(location, sku, quantity);
}
