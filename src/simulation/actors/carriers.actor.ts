import { DAY_MS, HOUR_MS } from '../demand.rules.ts';
import { isoAt, type Actor, type SimContext } from '../sim-context.ts';

/**
 * Carriers post milestones for the shipments the warehouses hand them: departed within hours, in
 * transit the next day, sometimes delayed (with a new estimate), delivered after the service's
 * transit days. One carrier has an outage window, drawn from the seed: it sends nothing while it
 * lasts and catches up afterwards, with the times the milestones really happened.
 */
interface Tracked {
  shipmentId: string;
  carrierScac: string;
  pending: Array<{ type: string; atMs: number; detail?: string; estimatedDeliveryAt?: string }>;
}

export interface Carriers extends Actor {
  handOver(shipments: Array<{ shipmentId: string; carrierScac: string; transitDays: number; shippedAtMs: number }>, ctx: SimContext): void;
}

export function carriers(startMs: number, r: { int(min: number, max: number): number }): Carriers {
  const tracked: Tracked[] = [];
  // The outage: ODFL's tracking feed is down for 4–8 hours somewhere in the first two days.
  const outageStart = startMs + r.int(6, 40) * HOUR_MS;
  const outage = { scac: 'ODFL', startMs: outageStart, endMs: outageStart + r.int(4, 8) * HOUR_MS };
  return {
    name: 'carriers',
    handOver(shipments, ctx) {
      for (const s of shipments) {
        const departed = s.shippedAtMs + ctx.r.int(1, 4) * HOUR_MS;
        let deliveredAt = s.shippedAtMs + Math.max(1, s.transitDays) * DAY_MS + ctx.r.int(-3, 3) * HOUR_MS;
        const pending: Tracked['pending'] = [{ type: 'departed', atMs: departed }];
        if (s.transitDays >= 2) pending.push({ type: 'in_transit', atMs: departed + DAY_MS });
        if (ctx.r.chance(0.06)) {
          const slip = ctx.r.int(1, 3) * DAY_MS;
          pending.push({ type: 'delayed', atMs: departed + 12 * HOUR_MS, detail: ctx.r.pick(['weather', 'linehaul capacity', 'address correction']), estimatedDeliveryAt: isoAt(deliveredAt + slip) });
          deliveredAt += slip;
        }
        pending.push({ type: 'delivered', atMs: deliveredAt });
        tracked.push({ shipmentId: s.shipmentId, carrierScac: s.carrierScac, pending });
      }
    },
    async step(ctx, _fromMs, nowMs) {
      const down = (scac: string) => scac === outage.scac && nowMs >= outage.startMs && nowMs < outage.endMs;
      for (const t of [...tracked]) {
        if (down(t.carrierScac)) continue;
        while (t.pending.length > 0 && t.pending[0]!.atMs <= nowMs) {
          const m = t.pending.shift()!;
          const body = { type: m.type, occurredAt: isoAt(m.atMs), ...(m.detail && { detail: m.detail }), ...(m.estimatedDeliveryAt && { estimatedDeliveryAt: m.estimatedDeliveryAt }) };
          await ctx.call(ctx.keys.carriers, { method: 'POST', url: `/v1/shipments/${t.shipmentId}/milestones`, body });
          ctx.stats.milestones++;
        }
        if (t.pending.length === 0) tracked.splice(tracked.indexOf(t), 1);
      }
    },
  };
}
