import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyCrossdock } from '../../src/connectors/webhooks/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const BACKOFF_MAX_MS = 10_000;
const COOL_DOWN_MS = 60_000;

let t: TestApp;
const receivers: WebhookReceiver[] = [];
before(async () => {
  t = await createTestApp({
    config: {
      webhooks: {
        // Tests post to a real server on 127.0.0.1 over http: both are refused in production.
        allowPrivateTargets: true,
        allowHttpTargets: true,
        attemptsMax: 4,
        breakerFailureThreshold: 3,
        breakerCoolDownMs: COOL_DOWN_MS,
        retryDelayMsBase: 1_000,
        retryDelayMsMax: BACKOFF_MAX_MS,
        requestTimeoutMs: 300,
      },
    },
  });
});
after(async () => {
  await t.dispose();
  for (const r of receivers) await r.close();
});

const receiver = async (mode: Parameters<typeof startReceiver>[0] = 200) => {
  const r = await startReceiver(mode);
  receivers.push(r);
  return r;
};
const emit = (type: string, subject = 'test:1', data: unknown = { n: 1 }) =>
  t.testStore.store.db.transaction().execute((tx) => t.app.services.outbox.append(tx, { source: '/crossdock/test', type, subject, data }));
const subscribe = async (body: Record<string, unknown>) => {
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/webhook-subscriptions', headers: t.as('integration'), payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { subscription: { id: string }; secret: string };
};
const dispatch = () => t.app.services.webhooks.dispatchDue();
const deliveriesOf = async (subscriptionId: string) =>
  (await t.app.http.inject({ method: 'GET', url: `/v1/webhook-deliveries?subscriptionId=${subscriptionId}`, headers: t.as('viewer') })).json().items as Array<{
    id: string;
    eventType: string;
    status: string;
    attempts: number;
    lastEndpoint: string | null;
    lastStatusCode: number | null;
    lastError: string | null;
  }>;
const endpointHealth = async (url: string) => {
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/integrations/webhooks', headers: t.as('integration') });
  return res.json().outbound.find((e: { endpoint: string }) => e.endpoint === url);
};

test('an event committed after a subscription reaches it once, signed with the secret shown at creation', async () => {
  const target = await receiver();
  await emit('crossdock.alpha.happened', 'alpha:0');
  const { subscription, secret } = await subscribe({ url: target.url, eventTypes: ['crossdock.alpha.*'], description: 'alpha' });
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  const shown = await t.app.http.inject({ method: 'GET', url: `/v1/webhook-subscriptions/${subscription.id}`, headers: t.as('viewer') });
  assert.equal(shown.json().secret, undefined, 'the secret is never shown again');
  assert.deepEqual(shown.json().eventTypes, ['crossdock.alpha.*']);

  const event = await emit('crossdock.alpha.happened', 'alpha:1', { sku: 'SKU-1' });
  await emit('crossdock.other.happened');
  const report = await dispatch();
  assert.deepEqual([report.fannedOut, report.delivered], [1, 1]);
  assert.equal(target.received.length, 1, 'the event before the subscription and the unmatched type are not sent');
  const [sent] = target.received;
  assert.equal(sent!.headers['x-crossdock-event-id'], event.id);
  assert.equal(sent!.headers['x-crossdock-event-type'], 'crossdock.alpha.happened');
  assert.deepEqual(verifyCrossdock(String(sent!.headers['x-crossdock-signature']), Buffer.from(sent!.body), [secret], t.clock.now(), 300), { ok: true });
  assert.deepEqual(JSON.parse(sent!.body), event, 'the body is the CloudEvents envelope');

  await dispatch();
  assert.equal(target.received.length, 1, 'delivered once');
  const [delivery] = await deliveriesOf(subscription.id);
  assert.deepEqual([delivery!.status, delivery!.attempts, delivery!.lastEndpoint, delivery!.lastStatusCode], ['delivered', 1, 'primary', 200]);
});

test('failures retry with backoff; the circuit opens after N failures, sends nothing while open, and one trial closes it', async () => {
  const target = await receiver(500);
  const { subscription } = await subscribe({ url: target.url, eventTypes: ['crossdock.bravo.*'] });
  await emit('crossdock.bravo.happened', 'bravo:1');
  assert.equal((await dispatch()).retrying, 1);
  await dispatch();
  assert.equal(target.received.length, 1, 'not due again before its backoff');
  for (let i = 0; i < 2; i++) {
    t.clock.advance(BACKOFF_MAX_MS);
    await dispatch();
  }
  assert.equal(target.received.length, 3);
  const open = await endpointHealth(target.url);
  assert.deepEqual([open.breaker.state, open.breaker.consecutiveFailures, open.failures, open.errorRate], ['open', 3, 3, 1]);
  assert.equal(open.breaker.retryAt, new Date(Date.parse(open.breaker.since) + COOL_DOWN_MS).toISOString());

  await emit('crossdock.bravo.happened', 'bravo:2');
  t.clock.advance(BACKOFF_MAX_MS);
  const held = await dispatch();
  assert.deepEqual([held.held, target.received.length], [2, 3], 'while open no request is made and deliveries wait');
  const waiting = await deliveriesOf(subscription.id);
  assert.deepEqual(waiting.map((d) => [d.status, d.attempts]), [['pending', 3], ['pending', 0]], 'waiting spends no attempt');
  assert.equal((await endpointHealth(target.url)).backlog.pending, 2);

  target.answer(200);
  t.clock.advance(COOL_DOWN_MS);
  const recovered = await dispatch();
  assert.deepEqual([recovered.delivered, target.received.length], [2, 5], 'the trial succeeded and closed the circuit for the next one');
  const healthy = await endpointHealth(target.url);
  assert.deepEqual([healthy.breaker.state, healthy.breaker.consecutiveFailures, healthy.backlog.pending], ['closed', 0, 0]);
  assert.ok(healthy.lastSuccessAt !== null && healthy.lastError?.startsWith('HTTP 500'));
});

test('while the primary is open-circuit, deliveries go to the subscription’s fallback endpoint', async () => {
  const primary = await receiver(503);
  const fallback = await receiver(200);
  const { subscription, secret } = await subscribe({ url: primary.url, fallbackUrl: fallback.url, eventTypes: ['crossdock.charlie.*'] });
  await emit('crossdock.charlie.happened', 'charlie:1');
  for (let i = 0; i < 3; i++) {
    await dispatch();
    t.clock.advance(BACKOFF_MAX_MS);
  }
  assert.deepEqual([primary.received.length, fallback.received.length], [3, 0]);
  await dispatch();
  assert.deepEqual([primary.received.length, fallback.received.length], [3, 1]);
  const [delivery] = await deliveriesOf(subscription.id);
  assert.deepEqual([delivery!.status, delivery!.lastEndpoint, delivery!.attempts], ['delivered', 'fallback', 4]);
  assert.equal(verifyCrossdock(String(fallback.received[0]!.headers['x-crossdock-signature']), Buffer.from(fallback.received[0]!.body), [secret], t.clock.now(), 300).ok, true);
  const health = await endpointHealth(fallback.url);
  assert.deepEqual(health.roles, ['fallback']);
  assert.deepEqual(health.subscriptionIds, [subscription.id]);
});

test('a delivery that keeps failing becomes a dead letter, listed, replayed through the API and delivered', async () => {
  const target = await receiver(400);
  const { subscription } = await subscribe({ url: target.url, eventTypes: ['crossdock.delta.*'] });
  await emit('crossdock.delta.happened', 'delta:1');
  for (let i = 0; i < 6 && (await deliveriesOf(subscription.id))[0]?.status !== 'dead'; i++) {
    await dispatch();
    t.clock.advance(COOL_DOWN_MS);
  }
  const [dead] = await deliveriesOf(subscription.id);
  assert.deepEqual([dead!.status, dead!.attempts, dead!.lastStatusCode], ['dead', 4, 400]);
  assert.match(dead!.lastError!, /^HTTP 400: refused with 400/);
  assert.equal(target.received.length, 4);

  const listed = await t.app.http.inject({ method: 'GET', url: '/v1/webhook-deliveries?status=dead', headers: t.as('viewer') });
  assert.deepEqual(listed.json().items.map((d: { id: string }) => d.id), [dead!.id]);
  const one = await t.app.http.inject({ method: 'GET', url: `/v1/webhook-deliveries/${dead!.id}`, headers: t.as('viewer') });
  assert.equal(JSON.parse(one.json().payload).type, 'crossdock.delta.happened');

  assert.equal((await t.app.http.inject({ method: 'POST', url: `/v1/webhook-deliveries/${dead!.id}/replay`, headers: t.as('viewer'), payload: {} })).statusCode, 403);
  target.answer(204);
  const replayed = await t.app.http.inject({ method: 'POST', url: `/v1/webhook-deliveries/${dead!.id}/replay`, headers: t.as('integration'), payload: { reason: 'receiver fixed' } });
  assert.equal(replayed.statusCode, 200, replayed.body);
  assert.deepEqual([replayed.json().status, replayed.json().attempts, replayed.json().replayCount, replayed.json().operatorNote], ['pending', 0, 1, 'receiver fixed']);
  const again = await t.app.http.inject({ method: 'POST', url: `/v1/webhook-deliveries/${dead!.id}/replay`, headers: t.as('integration'), payload: {} });
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'invalid_state']);

  // The failed trial left the circuit open: the replay waits for the cool-down like any delivery.
  t.clock.advance(COOL_DOWN_MS);
  await dispatch();
  const [delivered] = await deliveriesOf(subscription.id);
  assert.deepEqual([delivered!.status, delivered!.lastStatusCode, target.received.length], ['delivered', 204, 5]);
});

test('a receiver that never answers is abandoned after the request timeout and retried', async () => {
  const target = await receiver('hang');
  const { subscription } = await subscribe({ url: target.url, eventTypes: ['crossdock.echo.happened'] });
  await emit('crossdock.echo.happened', 'echo:1');
  assert.equal((await dispatch()).retrying, 1);
  const [delivery] = await deliveriesOf(subscription.id);
  assert.deepEqual([delivery!.status, delivery!.attempts, delivery!.lastError], ['pending', 1, 'no answer within 300 ms']);
  target.answer(200);
  t.clock.advance(BACKOFF_MAX_MS);
  await dispatch();
  assert.equal((await deliveriesOf(subscription.id))[0]!.status, 'delivered');
});

test('deleting a subscription discards what it still had to send, and it receives nothing more', async () => {
  const target = await receiver(500);
  const { subscription } = await subscribe({ url: target.url, eventTypes: ['crossdock.foxtrot.*'] });
  await emit('crossdock.foxtrot.happened', 'foxtrot:1');
  await dispatch();
  const removed = await t.app.http.inject({ method: 'DELETE', url: `/v1/webhook-subscriptions/${subscription.id}`, headers: t.as('integration') });
  assert.deepEqual([removed.statusCode, removed.json().status], [200, 'deleted']);
  assert.deepEqual((await deliveriesOf(subscription.id)).map((d) => d.status), ['discarded']);
  await emit('crossdock.foxtrot.happened', 'foxtrot:2');
  t.clock.advance(BACKOFF_MAX_MS);
  await dispatch();
  assert.equal(target.received.length, 1);
  assert.equal((await deliveriesOf(subscription.id)).length, 1);
  const active = await t.app.http.inject({ method: 'GET', url: '/v1/webhook-subscriptions?status=active&limit=500', headers: t.as('viewer') });
  assert.ok(!active.json().items.some((s: { id: string }) => s.id === subscription.id));
});

test('targets on loopback, private, link-local, CGNAT, unique-local or metadata addresses are refused by default', async () => {
  const strict = await createTestApp();
  try {
    const create = (body: Record<string, unknown>, role: Parameters<TestApp['as']>[0] = 'integration') =>
      strict.app.http.inject({ method: 'POST', url: '/v1/webhook-subscriptions', headers: strict.as(role), payload: { eventTypes: ['*'], ...body } });
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ url: 'http://93.184.215.14/hook' }, 'body.url', /must use https/],
      [{ url: 'https://127.0.0.1/hook' }, 'body.url', /loopback/],
      [{ url: 'https://[::1]/hook' }, 'body.url', /loopback/],
      [{ url: 'https://10.1.2.3/hook' }, 'body.url', /private-network/],
      [{ url: 'https://169.254.169.254/latest/meta-data/' }, 'body.url', /cloud metadata/],
      [{ url: 'https://100.64.12.1/hook' }, 'body.url', /carrier-grade NAT/],
      [{ url: 'https://[fd00::1]/hook' }, 'body.url', /unique-local/],
      [{ url: 'https://localhost:8443/hook' }, 'body.url', /this machine/],
      [{ url: 'https://93.184.215.14/hook', fallbackUrl: 'https://192.168.0.10/hook' }, 'body.fallbackUrl', /private-network/],
    ];
    for (const [body, path, message] of cases) {
      const res = await create(body);
      assert.equal(res.statusCode, 422, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(res.json().error.code, 'webhook_target_refused');
      assert.equal(res.json().error.details[0].path, path);
      assert.match(res.json().error.message, message);
    }
    const ok = await create({ url: 'https://93.184.215.14/hook' });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal((await create({ url: 'https://93.184.215.14/hook' }, 'viewer')).statusCode, 403);
    const scoped = (await strict.app.services.keys.create({ name: 'acme', roles: ['integration'], partnerCode: 'ACME' })).secret;
    const partner = await strict.app.http.inject({ method: 'GET', url: '/v1/webhook-subscriptions', headers: { authorization: `Bearer ${scoped}` } });
    assert.equal(partner.statusCode, 403, 'a partner-scoped key could read every partner’s events through a subscription');
  } finally {
    await strict.dispose();
  }
});
