import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, type TestStore } from '../../../tests/helpers/store.ts';
import { startReceiver, type WebhookReceiver } from '../../../tests/helpers/webhook-receiver.ts';
import { parseConfig } from '../../config.ts';
import { ManualClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { createMetrics } from '../../platform/http/metrics.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { createOutboxService, type OutboxService } from '../../platform/outbox/index.ts';
import { seededRandom } from '../../platform/random.ts';
import { postJson } from './delivery.http.ts';
import { createWebhookDispatcher } from './dispatch.service.ts';
import { createSubscriptionService } from './subscriptions.service.ts';

let t: TestStore;
let outbox: OutboxService;
let target: WebhookReceiver;
const clock = new ManualClock();
const random = seededRandom(7);
const ids = uuidV7Generator(clock, random);
const config = parseConfig({ webhooks: { allowPrivateTargets: true, allowHttpTargets: true } });
/** DNS as the tests say it answers: a public name, a name that also has a private address, and no answer. */
const dns: Record<string, string[]> = { 'hooks.example.com': ['93.184.215.14'], 'rebind.example.com': ['93.184.215.14', '10.0.0.5'], 'v6.example.com': ['2606:4700::1111', 'fe80::1'] };
const resolveHost = async (host: string) => {
  const found = dns[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

before(async () => {
  t = await createTestStore();
  outbox = createOutboxService({ db: t.store.db, kind: t.store.kind, clock, ids, random, config: config.outbox, metrics: createMetrics() });
  target = await startReceiver(200);
});
after(async () => {
  await target.close();
  await t.dispose();
});

test('a name is refused when any address it resolves to is refused, and when it does not resolve', async () => {
  const strict = createSubscriptionService({ db: t.store.db, clock, ids, random, config: parseConfig({}).webhooks, resolveHost });
  const refusal = async (url: string) => {
    const error = await strict.create({ url, eventTypes: ['*'] }, null).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof AppError, url);
    assert.equal(error.code, 'webhook_target_refused');
    return error.message;
  };
  assert.match(await refusal('https://rebind.example.com/hook'), /resolves to 10\.0\.0\.5, a private-network address/);
  assert.match(await refusal('https://v6.example.com/hook'), /resolves to fe80::1, a link-local address/);
  assert.match(await refusal('https://nx.example.com/hook'), /does not resolve \(getaddrinfo ENOTFOUND nx\.example\.com\)/);
  const made = await strict.create({ url: 'https://hooks.example.com/hook', eventTypes: ['crossdock.*'] }, 'key-1');
  assert.equal(made.subscription.url, 'https://hooks.example.com/hook');
  await strict.remove(made.subscription.id);
});

test('two dispatchers working at once (two nodes) send each delivery once', async () => {
  const subscriptions = createSubscriptionService({ db: t.store.db, clock, ids, random, config: config.webhooks, resolveHost });
  await subscriptions.create({ url: target.url, eventTypes: ['crossdock.twin.*'] }, null);
  await t.store.db.transaction().execute((tx) =>
    outbox.appendMany(
      tx,
      Array.from({ length: 20 }, (_, n) => ({ source: '/test', type: 'crossdock.twin.happened', subject: `twin:${n}`, data: { n } })),
    ),
  );
  const node = () => createWebhookDispatcher({ db: t.store.db, clock, ids, random, config: config.webhooks, outbox, post: postJson, record: async () => undefined });
  const [a, b] = await Promise.all([node().dispatchDue(), node().dispatchDue()]);
  assert.equal(a.delivered + b.delivered, 20);
  assert.equal(a.fannedOut + b.fannedOut, 20, 'an event read by both fan-outs is one delivery');
  assert.equal(target.received.length, 20);
  assert.equal(new Set(target.received.map((r) => r.headers['x-crossdock-event-id'])).size, 20);
});
