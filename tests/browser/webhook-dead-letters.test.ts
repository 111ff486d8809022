import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, openBrowser, openIntegrationsTab, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * Outbound webhook dead letters in the integration console, against the demo hub. A local receiver
 * subscribed to order events answers 500, so with a budget of two attempts its deliveries die
 * within seconds. The operator finds one under Integrations → Webhook deliveries, reads its error
 * and the body it posts, brings the receiver back and replays it with a reason: the page and the
 * API show it delivered, replayed once with the reason kept, and the receiver gets the same event,
 * correctly signed. A viewer reads a dead letter too but is offered no command, and the API refuses one.
 */
let hub: Hub;
let browsing: Browsing;
let operatorKey: string;
let viewerKey: string;
let subscriptionId: string;
let secret: string;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}
/** What the receiver was sent, in order, and whether it takes deliveries now. */
const receiver = { accept: false, received: [] as Received[], server: undefined as Server | undefined, url: '' };

interface Delivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  replayCount: number;
  lastError: string | null;
  lastStatusCode: number | null;
  operatorNote: string | null;
  deliveredAt: string | null;
  /** Only on a single delivery, not in lists. */
  payload: string;
}

/** Whether a body carries a valid `t=…,v1=…` signature made with the subscription's secret. */
function signedWith(secretUsed: string, header: string | string[] | undefined, body: string): boolean {
  if (typeof header !== 'string') return false;
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1) return false;
  const expected = createHmac('sha256', secretUsed).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

async function deadLetters(): Promise<Delivery[]> {
  const res = await hub.api<{ items: Delivery[] }>('GET', `/v1/webhook-deliveries?subscriptionId=${subscriptionId}&status=dead&limit=10`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

before(async () => {
  receiver.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = receiver.accept ? 204 : 500;
      receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered, { 'content-type': 'text/plain' });
      res.end(answered === 500 ? 'receiver down for maintenance' : undefined);
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/orders`;

  // A local http receiver is allowed (tests only); two attempts, moments apart, and a breaker that
  // stays closed, so deliveries die quickly instead of being held by an open circuit.
  hub = await startHub({
    seed: 47,
    config: {
      webhooks: {
        allowPrivateTargets: true,
        allowHttpTargets: true,
        attemptsMax: 2,
        retryDelayMsBase: 1_000,
        retryDelayMsMax: 2_000,
        pollIntervalMs: 100,
        breakerFailureThreshold: 1_000,
        breakerCoolDownMs: 1_000,
      },
    },
  });
  browsing = await openBrowser();
  operatorKey = await hub.key('ui-webhooks', ['integration']);
  viewerKey = await hub.key('ui-webhooks-viewer', ['viewer']);
  const created = await hub.api<{ subscription: { id: string }; secret: string }>('POST', '/v1/webhook-subscriptions', {
    url: receiver.url,
    eventTypes: ['crossdock.order.received'],
    description: 'browser test receiver',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  subscriptionId = created.body.subscription.id;
  secret = created.body.secret;
  // The demo takes orders continuously: two of them die here, one for each test.
  await eventually('two webhook deliveries are dead', async () => (await deadLetters()).length >= 2, 90_000);
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
  if (receiver.server) {
    receiver.server.closeAllConnections();
    await new Promise<void>((resolve) => receiver.server!.close(() => resolve()));
  }
});

test('replay a webhook dead letter: find it, read its error and body, bring the receiver back and replay it', { timeout: 120_000 }, async () => {
  const dead = (await deadLetters())[0]!;
  assert.equal(dead.attempts, 2);
  assert.equal(dead.lastStatusCode, 500);
  const refusedBefore = receiver.received.filter((r) => r.headers['x-crossdock-delivery-id'] === dead.id);
  assert.deepEqual(refusedBefore.map((r) => [r.answered, r.headers['x-crossdock-delivery-attempt']]), [[500, '1'], [500, '2']]);
  assert.ok(refusedBefore.every((r) => signedWith(secret, r.headers['x-crossdock-signature'], r.body)), 'every attempt is signed with the subscription secret');

  const { page } = browsing;
  await signIn(page, hub.base, operatorKey);
  await openIntegrationsTab(page, 'webhooks', 'webhook-deliveries');

  // The tab opens on the dead letters; any status and back to dead goes through the filter.
  const filter = page.getByTestId('webhook-status');
  assert.equal(await filter.inputValue(), 'dead');
  await filter.selectOption('any');
  await eventually('the address keeps the filter', async () => page.url().includes('status=any'));
  await filter.selectOption('dead');
  await eventually('the address keeps the filter', async () => page.url().includes('status=dead'));
  const row = page.locator(`[data-testid="webhook-table"] tr[data-row="${dead.id}"]`);
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /crossdock\.order\.received/);
  assert.match(await row.innerText(), /500/);
  await row.click();
  await eventually('the address keeps the delivery', async () => page.url().includes(`delivery=${dead.id}`));

  // The delivery: dead after its two attempts, the receiver's answer, and the event it posts.
  const detail = page.getByTestId('webhook-delivery-detail');
  await detail.waitFor();
  assert.match(await detail.locator('h2').innerText(), new RegExp(dead.id));
  assert.equal(await page.getByTestId('webhook-delivery-status').innerText(), 'dead');
  assert.match(await page.getByTestId('webhook-delivery-attempts').innerText(), /^2\b/);
  assert.match(await page.getByTestId('webhook-delivery-error').innerText(), /500 HTTP 500: receiver down for maintenance/);
  const body = await page.getByTestId('webhook-payload').innerText();
  assert.match(body, new RegExp(`"id": "${dead.eventId}"`));
  assert.match(body, /"type": "crossdock\.order\.received"/);

  // The receiver is back; replay with a reason, confirmed in the dialog.
  receiver.accept = true;
  await page.getByTestId('replay').click();
  await page.getByTestId('replay-reason').fill('receiver back after maintenance');
  await page.getByTestId('confirm').click();
  await eventually('the page shows the delivery delivered', async () => (await page.getByTestId('webhook-delivery-status').innerText()) === 'delivered', 40_000);
  await eventually('the page shows the replay', async () => /^1 · 1 replayed/.test(await page.getByTestId('webhook-delivery-attempts').innerText()), 15_000);
  assert.equal(await page.getByTestId('webhook-delivery-note').innerText(), 'receiver back after maintenance');
  assert.equal(await page.getByTestId('replay').count(), 0, 'a delivered delivery offers no replay');
  await browsing.screenshot('integrations-webhook-dead-letter');

  // The API agrees: delivered on the first attempt of its fresh budget, replayed once, the reason kept.
  const replayed = await hub.api<Delivery>('GET', `/v1/webhook-deliveries/${dead.id}`);
  assert.equal(replayed.status, 200);
  assert.equal(replayed.body.status, 'delivered');
  assert.equal(replayed.body.attempts, 1);
  assert.equal(replayed.body.replayCount, 1);
  assert.equal(replayed.body.operatorNote, 'receiver back after maintenance');
  assert.equal(replayed.body.lastError, null);
  assert.equal(replayed.body.lastStatusCode, 204);
  assert.ok(replayed.body.deliveredAt);

  // The receiver got the same event, signed, exactly once accepted.
  const accepted = receiver.received.filter((r) => r.headers['x-crossdock-delivery-id'] === dead.id && r.answered === 204);
  assert.equal(accepted.length, 1);
  const got = accepted[0]!;
  assert.equal(got.headers['x-crossdock-event-id'], dead.eventId);
  assert.equal(got.headers['x-crossdock-event-type'], 'crossdock.order.received');
  assert.equal((JSON.parse(got.body) as { id: string }).id, dead.eventId);
  assert.equal(got.body, replayed.body.payload, 'the receiver got the body the hub shows');
  assert.equal(got.body, refusedBefore[0]!.body, 'the replay posts the body first attempted');
  assert.ok(signedWith(secret, got.headers['x-crossdock-signature'], got.body), 'the replay is signed with the subscription secret');
  assert.ok(!signedWith('not-the-secret-of-this-subscription', got.headers['x-crossdock-signature'], got.body));

  // The dead letters no longer list it.
  await page.getByTestId('webhook-status').selectOption('any');
  await page.getByTestId('webhook-status').selectOption('dead');
  await eventually('the dead list no longer holds the delivery', async () => (await row.count()) === 0, 15_000);
  await page.getByTestId('sign-out').click();
});

test('a viewer reads a webhook dead letter but is offered no replay or discard, and the API refuses a replay', { timeout: 90_000 }, async () => {
  const dead = (await deadLetters())[0]!;
  const { page } = browsing;
  await signIn(page, hub.base, viewerKey);
  await page.goto(`${hub.base}/app/#/integrations?tab=webhooks&delivery=${dead.id}`);
  await page.getByTestId('webhook-delivery-detail').waitFor();
  await page.locator(`[data-testid="webhook-table"] tr[data-row="${dead.id}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('webhook-delivery-status').innerText(), 'dead');
  assert.match(await page.getByTestId('webhook-delivery-error').innerText(), /HTTP 500/);
  assert.match(await page.getByTestId('webhook-payload').innerText(), new RegExp(dead.eventId));
  assert.equal(await page.getByTestId('replay').count(), 0);
  assert.equal(await page.getByTestId('discard').count(), 0);

  const forced = await hub.api<{ error: { code: string } }>('POST', `/v1/webhook-deliveries/${dead.id}/replay`, {}, viewerKey);
  assert.equal(forced.status, 403);
  assert.equal(forced.body.error.code, 'forbidden');
  const still = await hub.api<Delivery>('GET', `/v1/webhook-deliveries/${dead.id}`);
  assert.equal(still.body.status, 'dead');
  assert.equal(still.body.replayCount, 0);
  await page.getByTestId('sign-out').click();
});
