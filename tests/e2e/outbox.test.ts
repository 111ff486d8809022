import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { ExternalError } from '../../src/platform/errors.ts';
import type { EventEnvelope, NewEvent } from '../../src/platform/outbox/index.ts';

let t: TestApp;
const delivered: EventEnvelope[] = [];
let partnerAccepts = false;

before(async () => {
  t = await createTestApp({
    subscribers: [
      {
        name: 'partner-webhook',
        types: ['crossdock.orders.*'],
        async deliver(event) {
          if (!partnerAccepts) throw new ExternalError('410 Gone', { retryable: false });
          delivered.push(event);
        },
      },
    ],
  });
});
after(async () => t.dispose());

const append = (events: NewEvent[]) =>
  t.testStore.store.db.transaction().execute(async (tx) => {
    for (const e of events) await t.app.services.outbox.append(tx, e);
  });
const order = (n: number, type = 'crossdock.orders.released'): NewEvent => ({ source: '/crossdock/orders', type, subject: `order/${n}`, data: { n } });

test('the event feed reads envelopes in order for readers; other roles are refused', async () => {
  await append([order(1), order(2, 'crossdock.orders.closed'), { source: '/crossdock/inventory', type: 'crossdock.inventory.adjusted', subject: 'item/A', data: { n: 3 } }]);
  const all = await t.app.http.inject({ method: 'GET', url: '/v1/events?after=0&limit=2', headers: t.as('integration') });
  assert.equal(all.statusCode, 200);
  const page = all.json();
  assert.deepEqual(page.items.map((e: EventEnvelope) => e.type), ['crossdock.orders.released', 'crossdock.orders.closed']);
  assert.equal(page.items[0].specversion, '1.0');
  const rest = await t.app.http.inject({ method: 'GET', url: `/v1/events?after=${page.nextAfter}`, headers: t.as('viewer') });
  assert.deepEqual(rest.json().items.map((e: EventEnvelope) => e.subject), ['item/A']);
  const filtered = await t.app.http.inject({ method: 'GET', url: '/v1/events?type=crossdock.orders.*&subject=order/2', headers: t.as('viewer') });
  assert.deepEqual(filtered.json().items.map((e: EventEnvelope) => e.data), [{ n: 2 }]);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/events', headers: t.as('warehouse') })).statusCode, 403);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/events?type=not a type', headers: t.as('admin') })).statusCode, 400);
});

test('dead letters are listed, replayed by integration keys and then delivered', async () => {
  await t.app.services.outbox.dispatchDue();
  const list = await t.app.http.inject({ method: 'GET', url: '/v1/outbox/dead-letters', headers: t.as('viewer') });
  assert.equal(list.statusCode, 200);
  const letters = list.json().items as Array<{ id: number; event: EventEnvelope; lastError: string }>;
  assert.deepEqual(letters.map((l) => l.event.subject), ['order/1', 'order/2']);
  assert.match(letters[0]!.lastError, /410 Gone/);

  const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
  assert.match(metrics.body, /crossdock_outbox_deliveries\{status="dead"\} 2/);
  assert.match(metrics.body, /crossdock_outbox_deliveries\{status="pending"\} 0/);
  assert.match(metrics.body, /crossdock_outbox_dead_letters_total\{subscriber="partner-webhook"\} 2/);

  const byViewer = await t.app.http.inject({ method: 'POST', url: `/v1/outbox/deliveries/${letters[0]!.id}/replay`, headers: t.as('viewer') });
  assert.equal(byViewer.statusCode, 403);
  partnerAccepts = true;
  const replayed = await t.app.http.inject({
    method: 'POST',
    url: `/v1/outbox/deliveries/${letters[0]!.id}/replay`,
    headers: t.as('integration'),
    payload: { reason: 'partner restored the endpoint' },
  });
  assert.equal(replayed.statusCode, 200);
  assert.equal(replayed.json().status, 'pending');
  const afterReplay = await t.app.http.inject({ method: 'GET', url: '/metrics' });
  assert.match(afterReplay.body, /crossdock_outbox_deliveries\{status="pending"\} 1/);
  await t.app.services.outbox.dispatchDue();
  assert.deepEqual(delivered.map((e) => e.subject), ['order/1']);

  const discarded = await t.app.http.inject({
    method: 'POST',
    url: `/v1/outbox/deliveries/${letters[1]!.id}/discard`,
    headers: t.as('admin'),
    payload: { reason: 'order closed events are not wanted by this partner' },
  });
  assert.equal(discarded.statusCode, 200);
  assert.equal(discarded.json().status, 'discarded');
  const twice = await t.app.http.inject({ method: 'POST', url: `/v1/outbox/deliveries/${letters[1]!.id}/replay`, headers: t.as('admin') });
  assert.equal(twice.statusCode, 409);
  const unknown = await t.app.http.inject({ method: 'POST', url: '/v1/outbox/deliveries/987654/replay', headers: t.as('admin') });
  assert.equal(unknown.statusCode, 404);

  const final = await t.app.http.inject({ method: 'GET', url: '/metrics' });
  assert.match(final.body, /crossdock_outbox_deliveries\{status="delivered"\} 1/);
  assert.match(final.body, /crossdock_outbox_deliveries\{status="discarded"\} 1/);
  assert.match(final.body, /crossdock_outbox_deliveries\{status="dead"\} 0/);
});
