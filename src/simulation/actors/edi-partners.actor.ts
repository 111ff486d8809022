import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawLines, ordersPerHour, poisson, HOUR_MS } from '../demand.rules.ts';
import { CHANNEL_SHARE, requestedDate, type Actor, type SimContext } from '../sim-context.ts';
import { build850Interchange, type PurchaseOrder850 } from '../x12-850.ts';
import { priceList } from './web-store.actor.ts';

/**
 * EDI retail partners: each collects its stores' purchase orders and drops them as one X12 file of
 * 850s into its watched folder, written under a temporary name and renamed when whole (the folder
 * never takes a `.tmp` file). Quantities are in cases when the SKU packs evenly, as retailers order.
 */
export function ediPartners(): Actor {
  const control = new Map<string, number>();
  let counter = 0;
  return {
    name: 'edi-partners',
    async step(ctx: SimContext, fromMs: number, nowMs: number) {
      const partners = ctx.model.ediPartners;
      if (partners.length === 0) return;
      const n = poisson(ctx.r, ordersPerHour(ctx.demand, nowMs) * CHANNEL_SHARE.EDI * ((nowMs - fromMs) / HOUR_MS));
      const byPartner = new Map<string, PurchaseOrder850[]>();
      const prices = priceList(ctx);
      const packOf = packSizes(ctx);
      for (let i = 0; i < n; i++) {
        const partner = ctx.r.pick(partners);
        const customer = ctx.model.simCustomers.find((c) => c.code === partner.customerCode)!;
        const lines = drawLines(ctx.r, ctx.demand, nowMs, 'retail').map((l) => {
          const pack = packOf.get(l.sku) ?? 1;
          const cases = Math.max(1, Math.round(l.quantity / pack));
          return pack > 1 && pack <= 24 ? { sku: l.sku, quantity: cases, unit: 'CS' as const, unitPriceMinor: pack * (prices.get(l.sku) ?? 0) } : { sku: l.sku, quantity: l.quantity, unit: 'EA' as const, unitPriceMinor: prices.get(l.sku) ?? 0 };
        });
        const po = { poNumber: `${partner.code}-PO-${String(++counter).padStart(6, '0')}`, shipToCode: ctx.r.pick(customer.shipToCodes), requestedDate: requestedDate(ctx.r, nowMs), lines };
        byPartner.set(partner.code, [...(byPartner.get(partner.code) ?? []), po]);
        ctx.stats.ordersSubmitted.EDI++;
        ctx.stats.linesSubmitted += lines.length;
        ctx.stats.unitsOrdered += lines.reduce((s, l) => s + l.quantity * (l.unit === 'CS' ? (packOf.get(l.sku) ?? 1) : 1), 0);
      }
      for (const partner of partners) {
        const orders = byPartner.get(partner.code);
        if (!orders) continue;
        const number = (control.get(partner.code) ?? 0) + 1;
        control.set(partner.code, number);
        const text = build850Interchange(partner, ctx.model.ourInterchangeId, number, new Date(nowMs), orders);
        const dir = ctx.folders.ediIn.get(partner.code)!;
        const name = `${partner.code}-850-${String(number).padStart(9, '0')}.x12`;
        writeFileSync(join(dir, `${name}.tmp`), text);
        renameSync(join(dir, `${name}.tmp`), join(dir, name));
        ctx.say(`${partner.code} dropped ${name} with ${orders.length} purchase order(s)`);
      }
    },
  };
}

const packCache = new WeakMap<object, Map<string, number>>();
function packSizes(ctx: SimContext): Map<string, number> {
  let packs = packCache.get(ctx.model);
  if (!packs) packCache.set(ctx.model, (packs = new Map(ctx.model.items.map((i) => [i.sku, i.packSizes?.find((p) => p.unit === 'CA')?.quantity ?? 1]))));
  return packs;
}
