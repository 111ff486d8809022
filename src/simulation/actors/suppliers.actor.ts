import { DAY_MS, HOUR_MS } from '../demand.rules.ts';
import { isoAt, type Actor, type SimContext } from '../sim-context.ts';

/**
 * Purchasing and the suppliers. The buyer sets reorder points for the best sellers at every
 * warehouse, runs replenishment every six hours and sends what it proposes. Suppliers acknowledge a
 * sent order within a day (sometimes confirming less), ship it after their lead time (drawn around
 * their mean, so it varies), and sometimes slip past the date they gave; the warehouse receives it on
 * arrival (`receive`, which posts the ledger receipt) and puts it on the shelf.
 */
interface Tracked {
  id: string;
  supplierCode: string;
  locationCode: string;
  lines: Array<{ lineNumber: number; sku: string; quantity: number }>;
  next: 'acknowledge' | 'ship' | 'receive';
  atMs: number;
  confirmed?: Map<number, number>;
}

const ymd = (ms: number) => isoAt(ms).slice(0, 10);

export function suppliers(): Actor & { setUp(ctx: SimContext): Promise<void> } {
  const tracked = new Map<string, Tracked>();
  let lastRun = -1;
  let receipts = 0;
  return {
    name: 'suppliers',
    async setUp(ctx) {
      const top = ctx.model.skusByPopularity.slice(0, Math.min(60, ctx.model.skusByPopularity.length));
      for (const location of ctx.model.locations) {
        for (const sku of top) {
          const onHand = ctx.stock.get(location.code, sku);
          const body = { method: 'reorder_point', reorderPoint: Math.max(1, Math.round(onHand * 0.85)), reorderQuantity: Math.max(1, Math.round(onHand * 0.4)), supplierCode: ctx.model.supplierBySku.get(sku) };
          await ctx.call(ctx.keys.procurement, { method: 'PUT', url: `/v1/replenishment/parameters/${sku}/${location.code}`, body });
        }
      }
    },
    async step(ctx, _fromMs, nowMs) {
      const run = Math.floor(nowMs / (6 * HOUR_MS));
      if (run !== lastRun) {
        lastRun = run;
        await ctx.call(ctx.keys.procurement, { method: 'POST', url: '/v1/replenishment/run', body: {} });
        const proposed = await ctx.call(ctx.keys.procurement, { method: 'GET', url: '/v1/purchase-orders?state=proposed&limit=200' });
        for (const po of (proposed.json().items ?? []) as Array<{ id: string; poNumber: string; supplierCode: string; locationCode: string; lines: Tracked['lines'] }>) {
          const sent = await ctx.call(ctx.keys.procurement, { method: 'POST', url: `/v1/purchase-orders/${po.id}/send`, body: {} });
          if (sent.status !== 200) continue;
          ctx.stats.purchaseOrdersSent++;
          tracked.set(po.id, { id: po.id, supplierCode: po.supplierCode, locationCode: po.locationCode, lines: po.lines, next: 'acknowledge', atMs: nowMs + ctx.r.int(2, 20) * HOUR_MS });
        }
        if (proposed.json().items?.length) ctx.say(`purchasing sent ${proposed.json().items.length} purchase order(s) to suppliers`);
      }
      for (const po of [...tracked.values()].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1))) {
        if (po.atMs > nowMs) continue;
        const supplier = ctx.model.suppliers.find((s) => s.code === po.supplierCode)!;
        if (po.next === 'acknowledge') {
          const leadMs = Math.max(1, ctx.r.normal(supplier.leadTimeDaysMean, supplier.leadTimeDaysStdDev)) * DAY_MS;
          po.confirmed = new Map(po.lines.map((l) => [l.lineNumber, ctx.r.chance(0.05) ? Math.max(1, Math.floor(l.quantity * 0.7)) : l.quantity]));
          await ctx.call(ctx.keys.procurement, { method: 'POST', url: `/v1/purchase-orders/${po.id}/acknowledge`, body: { expectedDate: ymd(nowMs + leadMs), lines: [...po.confirmed].map(([lineNumber, quantity]) => ({ lineNumber, quantity })) } });
          // A slip: one order in eight ships days after the date the supplier gave.
          po.next = 'ship';
          po.atMs = nowMs + leadMs - DAY_MS + (ctx.r.chance(0.125) ? ctx.r.int(1, 4) * DAY_MS : 0);
        } else if (po.next === 'ship') {
          const arrival = nowMs + ctx.r.int(12, 36) * HOUR_MS;
          await ctx.call(ctx.keys.procurement, { method: 'POST', url: `/v1/purchase-orders/${po.id}/ship`, body: { expectedDate: ymd(arrival) } });
          po.next = 'receive';
          po.atMs = arrival;
        } else {
          const lines = po.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: po.confirmed?.get(l.lineNumber) ?? l.quantity }));
          const res = await ctx.call(ctx.keys.wms, { method: 'POST', url: `/v1/purchase-orders/${po.id}/receive`, body: { receiptNumber: `RCV-${String(++receipts).padStart(7, '0')}`, lines } });
          tracked.delete(po.id);
          if (res.status !== 200) continue;
          for (const l of lines) ctx.stock.add(po.locationCode, po.lines.find((x) => x.lineNumber === l.lineNumber)!.sku, l.quantity);
          ctx.stats.purchaseOrdersReceived++;
        }
      }
    },
  };
}
