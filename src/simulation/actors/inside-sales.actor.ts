import { drawLines, ordersPerHour, poisson, HOUR_MS } from '../demand.rules.ts';
import { CHANNEL_SHARE, requestedDate, type Actor, type SimContext } from '../sim-context.ts';

/**
 * Inside sales: business customers' orders keyed in by the sales desk and sent with
 * `POST /v1/orders` under an Idempotency-Key. The desk's client sometimes retries a request whose
 * answer it did not see (same key, same body), which the hub must answer from the first attempt.
 */
export function insideSales(): Actor {
  let counter = 0;
  return {
    name: 'inside-sales',
    async step(ctx: SimContext, fromMs: number, nowMs: number) {
      const customers = ctx.model.simCustomers.filter((c) => c.channel === 'SALES');
      if (customers.length === 0) return;
      const n = poisson(ctx.r, ordersPerHour(ctx.demand, nowMs) * CHANNEL_SHARE.SALES * ((nowMs - fromMs) / HOUR_MS));
      for (let i = 0; i < n; i++) {
        const customer = customers[ctx.r.weighted(customers.map((c) => c.weight))]!;
        const lines = drawLines(ctx.r, ctx.demand, nowMs, 'business');
        const number = `SO-${String(++counter).padStart(6, '0')}`;
        const body = {
          channel: 'SALES',
          externalOrderNumber: number,
          customerCode: customer.code,
          customerPo: `${customer.code}-${counter}`,
          shipToCode: ctx.r.pick(customer.shipToCodes),
          requestedDeliveryDate: requestedDate(ctx.r, nowMs),
          lines: lines.map((l, k) => ({ lineNumber: k + 1, sku: l.sku, quantity: l.quantity, unit: 'EA' })),
        };
        const request = { method: 'POST' as const, url: '/v1/orders', headers: { 'idempotency-key': `sales-desk-${number}` }, body };
        await ctx.call(ctx.keys.salesDesk, request);
        if (ctx.r.chance(0.02)) await ctx.call(ctx.keys.salesDesk, request);
        ctx.stats.ordersSubmitted.SALES++;
        ctx.stats.linesSubmitted += lines.length;
        ctx.stats.unitsOrdered += lines.reduce((s, l) => s + l.quantity, 0);
      }
      if (n > 0) ctx.say(`inside sales keyed ${n} order(s), last ${`SO-${String(counter).padStart(6, '0')}`}`);
    },
  };
}
