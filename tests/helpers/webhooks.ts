import { signCrossdock, signShopify } from '../../src/connectors/webhooks/index.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';
import type { TestApp } from './app.ts';

export const SHOP_SECRET = 'shpss_current_0123456789abcdef';
export const SHOP_OLD_SECRET = 'shpss_previous_0123456789abcdef';
export const PARTNER_SECRET = 'whsec_partner_0123456789abcdef';

/** Webhook sources as an operator configures them: a Shopify store and a partner signing with our scheme. */
export const webhookSources = {
  shop: { scheme: 'shopify' as const, secrets: [SHOP_SECRET, SHOP_OLD_SECRET], orderDefaults: { channelCode: 'WEB', customerCode: 'CUST-WEB', shipToCode: 'ST-WEB' } },
  partner: { scheme: 'crossdock' as const, secrets: [PARTNER_SECRET] },
};

/**
 * The sample catalog plus a web store: channel WEB and the customer web orders are billed to, with
 * a default ship-to and one at the sample Shopify order's address (1 Main St, 07102).
 */
export async function seedWebCatalog(t: TestApp): Promise<void> {
  const { catalog } = t.app.services;
  await seedSampleCatalog(catalog);
  await catalog.channels.create({ code: 'WEB', name: 'Web store', type: 'web_store' });
  await catalog.customers.create({
    code: 'CUST-WEB',
    name: 'Web store customers',
    channels: ['WEB'],
    creditLimitMinor: 1_000_000_00,
    paymentTermsDays: 0,
    shipTos: [
      { code: 'ST-WEB', name: 'Web orders (one-off addresses)', address: { line1: '500 Commerce Way', city: 'Newark', region: 'NJ', postalCode: '07105', country: 'US' } },
      { code: 'ST-DOCK', name: 'Acme dock', address: { line1: '1 Main St', city: 'Newark', region: 'NJ', postalCode: '07102', country: 'US' } },
    ],
  });
}

type Headers = Record<string, string>;

/** A Shopify webhook as Shopify sends it: HMAC of the raw body, a webhook id and a topic. */
export function shopifyRequest(body: string | Buffer, options: { webhookId: string; topic?: string; secret?: string; headers?: Headers }) {
  return {
    method: 'POST' as const,
    url: '/v1/webhooks/shop',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': signShopify(options.secret ?? SHOP_SECRET, body),
      'x-shopify-webhook-id': options.webhookId,
      'x-shopify-topic': options.topic ?? 'orders/create',
      'x-shopify-shop-domain': 'crossdock-test.myshopify.com',
      'x-shopify-api-version': '2025-10',
      ...options.headers,
    },
  };
}

/** A webhook signed with our scheme at the test clock's time (or `atMs`). */
export function crossdockRequest(t: TestApp, body: string | Buffer, options: { eventId: string; topic?: string; secret?: string; atMs?: number; source?: string; headers?: Headers }) {
  const seconds = Math.floor((options.atMs ?? t.clock.now()) / 1000);
  return {
    method: 'POST' as const,
    url: `/v1/webhooks/${options.source ?? 'partner'}`,
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-crossdock-signature': signCrossdock(options.secret ?? PARTNER_SECRET, seconds, body),
      'x-crossdock-event-id': options.eventId,
      'x-crossdock-event-type': options.topic ?? 'orders.intake',
      ...options.headers,
    },
  };
}

/** What a forged request must not change: inbox messages and orders. */
export async function footprint(t: TestApp): Promise<{ messages: number; orders: number }> {
  const counts = await t.app.services.inbox.countByStatus();
  const orders = await t.testStore.store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { messages: Object.values(counts).reduce((a, b) => a + b, 0), orders: Number(orders.n) };
}
