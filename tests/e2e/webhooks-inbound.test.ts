import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleShopifyOrder } from '../../src/connectors/shopify/shopify.test-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { crossdockRequest, footprint, PARTNER_SECRET, seedWebCatalog, SHOP_OLD_SECRET, shopifyRequest, webhookSources } from '../helpers/webhooks.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({
    config: {
      webhooks: {
        sources: { ...webhookSources, flood: { scheme: 'crossdock', secrets: [PARTNER_SECRET] } },
        rateLimitPerMinute: 30,
      },
    },
  });
  await seedWebCatalog(t);
});
after(async () => t.dispose());

const canonicalOrder = (externalOrderNumber: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ channel: 'WEB', externalOrderNumber, customerCode: 'CUST-WEB', shipToCode: 'ST-WEB', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }], ...fields });

test('a signed Shopify orders/create webhook becomes one canonical order through the same intake as REST', async () => {
  const raw = JSON.stringify(sampleShopifyOrder(), null, 2);
  const first = await t.app.http.inject(shopifyRequest(raw, { webhookId: 'b1e0c9d8-0001' }));
  assert.equal(first.statusCode, 200, first.body);
  const answer = first.json();
  assert.deepEqual([answer.result, answer.status, answer.outcome.result], ['accepted', 'processed', 'created']);
  const order = answer.outcome.order;
  assert.deepEqual(
    [order.channel, order.externalOrderNumber, order.customerCode, order.customerPo, order.shipToCode, order.state],
    ['WEB', '5674321098765', 'CUST-WEB', '#1042', 'ST-DOCK', 'validated'],
  );
  assert.deepEqual(order.lines.map((l: { sku: string; orderedQuantity: number; unitPriceMinor: number }) => [l.sku, l.orderedQuantity, l.unitPriceMinor]), [
    ['SKU-1', 3, 1049],
    ['SKU-2', 2, 1099],
  ]);
  assert.deepEqual(order.holds, [], 'prices at list: no pricing hold');

  const message = await t.app.services.inbox.get(answer.messageId);
  assert.equal(message.payload, raw, 'the raw body is kept byte for byte');
  assert.deepEqual([message.source, message.dedupeKey, message.messageType], ['webhook:shop', 'b1e0c9d8-0001', 'shopify.orders.create']);

  // Shopify retries the same webhook: the inbox answers with the first outcome, nothing happens again.
  const retried = await t.app.http.inject(shopifyRequest(raw, { webhookId: 'b1e0c9d8-0001' }));
  assert.equal(retried.statusCode, 200);
  assert.deepEqual([retried.json().result, retried.json().messageId, retried.json().outcome.order.id], ['duplicate', answer.messageId, order.id]);

  // The same order under another webhook id, signed with the secret being rotated out: the order's
  // own dedupe on (channel, Shopify order id) answers with the order already taken.
  const again = await t.app.http.inject(shopifyRequest(JSON.stringify(sampleShopifyOrder()), { webhookId: 'b1e0c9d8-0002', secret: SHOP_OLD_SECRET }));
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual([again.json().result, again.json().outcome.result, again.json().outcome.order.id], ['accepted', 'exists', order.id]);

  const listed = await t.app.http.inject({ method: 'GET', url: '/v1/orders?externalOrderNumber=5674321098765', headers: t.as('viewer') });
  assert.equal(listed.json().items.length, 1);
});

test('an unknown SKU gets intake’s own precise error; the message waits in the inbox, and an edited replay takes it in', async () => {
  const items = sampleShopifyOrder().line_items as Array<Record<string, unknown>>;
  const raw = JSON.stringify(sampleShopifyOrder({ id: 5_674_321_098_766, admin_graphql_api_id: 'gid://shopify/Order/5674321098766', line_items: [items[0], { ...items[1], sku: 'NOPE' }] }));
  const res = await t.app.http.inject(shopifyRequest(raw, { webhookId: 'b1e0c9d8-0003' }));
  assert.equal(res.statusCode, 422, res.body);
  const { error } = res.json();
  assert.equal(error.code, 'unprocessable');
  assert.deepEqual([error.details[0].path, error.details[0].code], ['lines.1.sku', 'unknown_item']);
  assert.match(error.details[0].message, /line 2: sku NOPE is not a known item/);
  const messageId = error.details.at(-1).message.match(/inbox\/(\S+)/)[1];
  assert.equal((await t.app.services.inbox.get(messageId)).status, 'failed');

  const replayed = await t.app.http.inject({
    method: 'POST',
    url: `/v1/inbox/${messageId}/replay`,
    headers: t.as('integration'),
    payload: { payload: raw.replace('"sku":"NOPE"', '"sku":"SKU-2"'), reason: 'variant SKU fixed in Shopify' },
  });
  assert.equal(replayed.statusCode, 200, replayed.body);
  assert.equal(replayed.json().status, 'processed');
  assert.equal(replayed.json().outcome.order.externalOrderNumber, '5674321098766');
  const retried = await t.app.http.inject(shopifyRequest(raw, { webhookId: 'b1e0c9d8-0003' }));
  assert.deepEqual([retried.statusCode, retried.json().result, retried.json().status], [200, 'duplicate', 'processed']);
});

test('our own scheme: a signed canonical order is taken once; replays, stale timestamps and forgeries change nothing', async () => {
  const body = canonicalOrder('P-100');
  const first = await t.app.http.inject(crossdockRequest(t, body, { eventId: 'evt-100' }));
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().outcome.result, 'created');
  const before = await footprint(t);

  const replay = await t.app.http.inject(crossdockRequest(t, body, { eventId: 'evt-100' }));
  assert.deepEqual([replay.statusCode, replay.json().result], [200, 'duplicate']);

  const captured = crossdockRequest(t, body, { eventId: 'evt-100' });
  t.clock.advance(301_000);
  const expired = await t.app.http.inject(captured);
  assert.deepEqual([expired.statusCode, expired.json().error.code], [401, 'webhook_timestamp_expired']);
  assert.equal(expired.json().error.details[0].path, 'headers.x-crossdock-signature');
  // A captured request re-sent with a new event id and an old timestamp is still stale.
  const renamed = await t.app.http.inject({ ...captured, headers: { ...captured.headers, 'x-crossdock-event-id': 'evt-101' } });
  assert.equal(renamed.json().error.code, 'webhook_timestamp_expired');
  // The sender's own retry, signed afresh, is recognised by its event id.
  const resigned = await t.app.http.inject(crossdockRequest(t, body, { eventId: 'evt-100' }));
  assert.deepEqual([resigned.statusCode, resigned.json().result], [200, 'duplicate']);

  const forgeries = [
    crossdockRequest(t, body, { eventId: 'evt-102', secret: 'not-the-partner-secret-at-all' }),
    { ...crossdockRequest(t, body, { eventId: 'evt-103' }), payload: canonicalOrder('P-999') },
    { ...crossdockRequest(t, body, { eventId: 'evt-104' }), headers: { 'content-type': 'application/json', 'x-crossdock-event-id': 'evt-104', 'x-crossdock-event-type': 'orders.intake' } },
    shopifyRequest(JSON.stringify(sampleShopifyOrder({ id: 1 })), { webhookId: 'forged-1', secret: 'shpss_guessed_0123456789abcdef' }),
    { ...shopifyRequest(JSON.stringify(sampleShopifyOrder({ id: 2 })), { webhookId: 'forged-2' }), payload: JSON.stringify(sampleShopifyOrder({ id: 3 })) },
  ];
  for (const forged of forgeries) {
    const res = await t.app.http.inject(forged);
    assert.deepEqual([res.statusCode, res.json().error.code], [401, 'webhook_signature_invalid'], res.body);
  }
  assert.deepEqual(await footprint(t), before, 'forged, expired and replayed requests left no message and no order');
});

test('refusals before storage: unknown source, unsupported topic, missing event id, invalid UTF-8', async () => {
  const before = await footprint(t);
  const unknown = await t.app.http.inject({ ...crossdockRequest(t, canonicalOrder('P-200'), { eventId: 'evt-200' }), url: '/v1/webhooks/nowhere' });
  assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'not_found']);
  const badName = await t.app.http.inject({ ...crossdockRequest(t, canonicalOrder('P-200'), { eventId: 'evt-200' }), url: '/v1/webhooks/Not_A_Source' });
  assert.deepEqual([badName.statusCode, badName.json().error.code], [400, 'validation_failed']);

  const topic = await t.app.http.inject(shopifyRequest(JSON.stringify(sampleShopifyOrder()), { webhookId: 'b1e0c9d8-0009', topic: 'products/update' }));
  assert.deepEqual([topic.statusCode, topic.json().error.code], [422, 'webhook_topic_unsupported']);
  assert.match(topic.json().error.message, /takes orders\/create/);

  const noId = crossdockRequest(t, canonicalOrder('P-201'), { eventId: 'x' });
  delete (noId.headers as Record<string, string>)['x-crossdock-event-id'];
  const missing = await t.app.http.inject(noId);
  assert.deepEqual([missing.statusCode, missing.json().error.details[0].path], [400, 'headers.x-crossdock-event-id']);

  const latin1 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]);
  const notUtf8 = await t.app.http.inject(crossdockRequest(t, latin1, { eventId: 'evt-202' }));
  assert.deepEqual([notUtf8.statusCode, notUtf8.json().error.details[0].path], [400, 'body']);
  assert.deepEqual(await footprint(t), before);
});

test('rate limits apply without an API key, per source and caller, and answer 429 with Retry-After', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) {
    statuses.push((await t.app.http.inject({ ...crossdockRequest(t, '{}', { eventId: `flood-${i}`, source: 'flood', secret: 'forged-secret-0123456789' }) })).statusCode);
  }
  assert.deepEqual([...new Set(statuses.slice(0, 30))], [401]);
  const limited = await t.app.http.inject(crossdockRequest(t, '{}', { eventId: 'flood-x', source: 'flood' }));
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  const other = await t.app.http.inject(crossdockRequest(t, canonicalOrder('P-300'), { eventId: 'evt-300' }));
  assert.equal(other.statusCode, 200, 'another source keeps its own budget');
});

test('health per inbound source: requests and failures over the window, last outcomes and the inbox backlog', async () => {
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/integrations/webhooks', headers: t.as('viewer') });
  assert.equal(res.statusCode, 200, res.body);
  const shop = res.json().inbound.find((s: { source: string }) => s.source === 'shop');
  assert.deepEqual(shop.topics, ['orders/create']);
  assert.equal(shop.scheme, 'shopify');
  assert.ok(shop.requests >= 6 && shop.failures >= 3, JSON.stringify(shop));
  assert.equal(shop.errorRate, shop.failures / shop.requests);
  assert.ok(shop.lastSuccessAt !== null && shop.lastFailureAt !== null);
  assert.match(shop.lastError, /^webhook_/);
  assert.deepEqual(shop.backlog, { waiting: 0, failed: 0, dead: 0 }, 'the failed message was replayed');
  const flood = res.json().inbound.find((s: { source: string }) => s.source === 'flood');
  assert.deepEqual([flood.requests, flood.failures, flood.lastSuccessAt], [30, 30, null], 'rate-limited requests never reached the source');
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/integrations/webhooks', headers: t.as('customer_service') })).statusCode, 403);
});
