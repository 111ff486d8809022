import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signCrossdock, signShopify } from '../../src/connectors/webhooks/index.ts';
import { sampleShopifyOrder } from '../../src/connectors/shopify/shopify.test-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { footprint, PARTNER_SECRET, seedWebCatalog, SHOP_SECRET, webhookSources } from '../helpers/webhooks.ts';

/**
 * Webhook bodies and signature headers from a fuzzer: mutated, truncated, huge, not UTF-8, headers in
 * the wrong format. Whatever arrives, the answer is a structured 4xx (or a 2xx for an authentic
 * request), never a 5xx; and a request not signed with the source's secret changes nothing.
 */

const BODY_LIMIT_BYTES = 64 * 1024;
let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { webhooks: { sources: webhookSources, bodyLimitBytes: BODY_LIMIT_BYTES, rateLimitPerMinute: 1_000_000 } } });
  await seedWebCatalog(t);
});
after(async () => t.dispose());

const validOrder = Buffer.from(JSON.stringify(sampleShopifyOrder()));

/** Bodies: the real order, the order with bytes changed, cut short, random bytes, nothing, or too big. */
const bodyArb = fc.oneof(
  fc.constant(validOrder),
  fc.tuple(fc.nat({ max: validOrder.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
    const mutated = Buffer.from(validOrder);
    mutated[at] = byte;
    return mutated;
  }),
  fc.nat({ max: validOrder.length - 1 }).map((n) => validOrder.subarray(0, n)),
  fc.uint8Array({ maxLength: 2_000 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 500 }).map((s) => Buffer.from(s)),
  fc.constant(Buffer.alloc(0)),
  fc.constant(Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(BODY_LIMIT_BYTES, 0x61), Buffer.from('"}')])),
);

/** How a header value relates to the body: signed correctly, signed over something else, or junk. */
const signingArb = fc.constantFrom('correct', 'other-body', 'wrong-secret', 'junk', 'missing', 'huge');
const junkHeaderArb = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => s.replace(/[\r\n]/g, '')),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a).toString('base64')),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a).toString('hex')),
  fc.tuple(fc.integer({ min: -10, max: 2 ** 40 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 70 })).map(([ts, hex]) => `t=${ts},v1=${hex}`),
  fc.constantFrom('t=,v1=', ',,,', '=', 'v1', 't=1700000000', `t=${Number.MAX_SAFE_INTEGER},v1=${'0'.repeat(64)}`),
);
const tokenArb = fc.oneof(fc.constant('evt-1'), fc.string({ maxLength: 300 }).map((s) => s.replace(/[\r\n]/g, '')), fc.constant(undefined));
const topicFor = (scheme: 'shopify' | 'crossdock') => fc.oneof(fc.constant(scheme === 'shopify' ? 'orders/create' : 'orders.intake'), fc.string({ maxLength: 50 }).map((s) => s.replace(/[\r\n]/g, '')));
const contentTypeArb = fc.oneof(fc.constant('application/json'), fc.constant(undefined), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '*/*'));

const ok = (status: number) => status === 200 || status === 202;

async function check(res: { statusCode: number; body: string }, authentic: boolean, before: Awaited<ReturnType<typeof footprint>>) {
  assert.ok(res.statusCode < 500, `answered ${res.statusCode}: ${res.body}`);
  if (!ok(res.statusCode)) {
    const error = JSON.parse(res.body).error;
    assert.ok(typeof error?.code === 'string' && typeof error.message === 'string' && error.message.length > 0, res.body);
  }
  if (!authentic) {
    assert.ok(!ok(res.statusCode), 'a request not signed with the secret is never accepted');
    assert.deepEqual(await footprint(t), before, 'it changed nothing');
  }
}

const headerValue = (signing: string, correct: string, other: string, wrong: string, junk: string): string | undefined =>
  ({ correct, 'other-body': other, 'wrong-secret': wrong, junk, missing: undefined, huge: 'A'.repeat(20_000) })[signing];

test('Shopify webhooks: any body and any header give a structured 4xx or an authentic 2xx; forgeries change nothing', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(bodyArb, signingArb, junkHeaderArb, tokenArb, topicFor('shopify'), contentTypeArb, async (body, signing, junk, webhookId, topic, contentType) => {
      const before = await footprint(t);
      const signature = headerValue(signing, signShopify(SHOP_SECRET, body), signShopify(SHOP_SECRET, validOrder.subarray(1)), signShopify('shpss_not_the_secret_0123456', body), junk);
      const headers: Record<string, string> = {};
      if (signature !== undefined) headers['x-shopify-hmac-sha256'] = signature;
      if (webhookId !== undefined) headers['x-shopify-webhook-id'] = webhookId === 'evt-1' ? `fuzz-${n++}` : webhookId;
      headers['x-shopify-topic'] = topic;
      if (contentType !== undefined) headers['content-type'] = contentType;
      const res = await t.app.http.inject({ method: 'POST', url: '/v1/webhooks/shop', headers, payload: body });
      const authentic = signing === 'correct' || (signing === 'other-body' && body.equals(validOrder.subarray(1)));
      await check(res, authentic, before);
      if (body.length > BODY_LIMIT_BYTES) assert.equal(res.statusCode, 413);
    }),
    { numRuns: 150 },
  );
});

test('our scheme: any body, signature header format and timestamp give a structured 4xx or an authentic 2xx; forgeries change nothing', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(bodyArb, signingArb, junkHeaderArb, tokenArb, topicFor('crossdock'), fc.integer({ min: -1_000, max: 1_000 }), async (body, signing, junk, eventId, topic, skewSeconds) => {
      const before = await footprint(t);
      const at = Math.floor(t.clock.now() / 1000) + skewSeconds;
      const signature = headerValue(signing, signCrossdock(PARTNER_SECRET, at, body), signCrossdock(PARTNER_SECRET, at, validOrder.subarray(1)), signCrossdock('whsec_not_the_secret_0123456', at, body), junk);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-crossdock-event-type': topic };
      if (signature !== undefined) headers['x-crossdock-signature'] = signature;
      if (eventId !== undefined) headers['x-crossdock-event-id'] = eventId === 'evt-1' ? `fuzz-${n++}` : eventId;
      const res = await t.app.http.inject({ method: 'POST', url: '/v1/webhooks/partner', headers, payload: body });
      const signed = signing === 'correct' || (signing === 'other-body' && body.equals(validOrder.subarray(1)));
      await check(res, signed && Math.abs(skewSeconds) <= 300, before);
      if (signed && Math.abs(skewSeconds) > 300 && body.length <= BODY_LIMIT_BYTES) assert.equal(JSON.parse(res.body).error.code, 'webhook_timestamp_expired');
    }),
    { numRuns: 150 },
  );
});
