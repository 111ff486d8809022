import { signShopify } from '../../connectors/webhooks/index.ts';
import { drawLines, ordersPerHour, poisson, HOUR_MS } from '../demand.rules.ts';
import { CHANNEL_SHARE, isoAt, type Actor, type SimContext } from '../sim-context.ts';

/**
 * The web store: Shopify `orders/create` webhooks, signed with the app secret (HMAC-SHA256 of the raw
 * body, base64) and posted to `POST /v1/webhooks/{source}`. Shopify retries a webhook whose answer
 * it did not get, under the same webhook id; a few of those retries are sent.
 */
export function webStore(): Actor {
  let counter = 0;
  return {
    name: 'web-store',
    async step(ctx: SimContext, fromMs: number, nowMs: number) {
      const n = poisson(ctx.r, ordersPerHour(ctx.demand, nowMs) * CHANNEL_SHARE.WEB * ((nowMs - fromMs) / HOUR_MS));
      const prices = priceList(ctx);
      for (let i = 0; i < n; i++) {
        counter++;
        const id = 7_000_000_000 + counter;
        const lines = drawLines(ctx.r, ctx.demand, nowMs, 'consumer');
        const order = {
          id,
          admin_graphql_api_id: `gid://shopify/Order/${id}`,
          name: `#${1000 + counter}`,
          email: `buyer${counter}@example.com`,
          created_at: isoAt(nowMs),
          currency: 'USD',
          financial_status: 'paid',
          line_items: lines.map((l, k) => ({ id: id * 10 + k, sku: l.sku, title: l.sku, quantity: l.quantity, price: dollars(prices.get(l.sku) ?? 0), gift_card: false })),
          shipping_address: { name: `Buyer ${counter}`, address1: `${100 + (counter % 900)} Elm St`, city: 'Springfield', province_code: 'IL', zip: '62701', country_code: 'US' },
        };
        const raw = JSON.stringify(order);
        const webhookId = `sim-webhook-${counter}`;
        const request = {
          method: 'POST' as const,
          url: `/v1/webhooks/${ctx.webStore.source}`,
          headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': signShopify(ctx.webStore.secret, raw), 'x-shopify-webhook-id': webhookId, 'x-shopify-topic': 'orders/create' },
          body: raw,
        };
        // The webhook route takes no API key: the signature authenticates it. `call` adds one anyway; it is ignored.
        await ctx.call(ctx.keys.feed, request, [200, 201, 202]);
        if (ctx.r.chance(0.03)) await ctx.call(ctx.keys.feed, request, [200, 201, 202]);
        ctx.stats.ordersSubmitted.WEB++;
        ctx.stats.linesSubmitted += lines.length;
        ctx.stats.unitsOrdered += lines.reduce((s, l) => s + l.quantity, 0);
      }
      if (n > 0) ctx.say(`web store sent ${n} Shopify order webhook(s)`);
    },
  };
}

const dollars = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

const cache = new WeakMap<object, Map<string, number>>();
/** List prices by SKU, built once per model. */
export function priceList(ctx: SimContext): Map<string, number> {
  let prices = cache.get(ctx.model);
  if (!prices) cache.set(ctx.model, (prices = new Map(ctx.model.items.map((i) => [i.sku, i.listPriceMinor]))));
  return prices;
}
