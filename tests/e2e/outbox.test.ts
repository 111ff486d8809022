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
/**
 * The /metrics figures for deliveries by status, checked against the store. Other subscribers of the
 * hub (exception raising, documents) take deliveries too, so exact totals would test them.
 */
async function deliveryMetrics(): Promise<Record<string, number>> {
  const body = (await t.app.http.inject({ method: 'GET', url: '/metrics' })).body;
  const figures: Record<string, number> = {};
  for (const m of body.matchAll(/crossdock_outbox_deliveries\{status="(\w+)"\} (\d+)/g)) figures[m[1]!] = Number(m[2]);
  assert.deepEqual(figures, await t.app.services.outbox.countDeliveriesByStatus());
  return figures;
}
/** Drives the dispatcher until nothing is due, as the background loop would. */
async function dispatchUntilQuiet(): Promise<void> {
  for (let i = 0; i < 10; i++) if ((await t.app.services.outbox.dispatchDue()).delivered === 0) return;
}

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
  await dispatchUntilQuiet();
  const list = await t.app.http.inject({ method: 'GET', url: '/v1/outbox/dead-letters', headers: t.as('viewer') });
  assert.equal(list.statusCode, 200);
  const letters = list.json().items as Array<{ id: number; event: EventEnvelope; lastError: string }>;
  assert.deepEqual(letters.map((l) => l.event.subject), ['order/1', 'order/2']);
  assert.match(letters[0]!.lastError, /410 Gone/);

  const before = await deliveryMetrics();
  assert.equal(before.dead, 2);
  assert.equal(before.pending, 0);
  const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
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
  const afterReplay = await deliveryMetrics();
  assert.equal(afterReplay.pending, 1);
  assert.equal(afterReplay.dead, 1);
  await dispatchUntilQuiet();
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

  await dispatchUntilQuiet();
  const final = await deliveryMetrics();
  // The replayed letter is now delivered too (and the exceptions it raised and cleared made events
  // of their own); the discarded one is the only discarded delivery.
  assert.ok((final.delivered ?? 0) >= (before.delivered ?? 0) + 1);
  assert.equal(final.discarded, 1);
  assert.equal(final.dead, 0);
});
