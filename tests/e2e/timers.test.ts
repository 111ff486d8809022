import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  t.app.services.timers.registerHandler('test.sla', async () => undefined);
});
after(async () => t.dispose());

test('operators see timers by status and kind; the view is read-only and role-checked', async () => {
  const { db } = t.testStore.store;
  const now = t.clock.now();
  await t.app.services.timers.schedule(db, { kind: 'test.sla', key: 'hold-1', dueAt: now + 1_000, payload: { holdId: 'h1' } });
  await t.app.services.timers.schedule(db, { kind: 'test.sla', key: 'hold-2', dueAt: now + 60_000 });
  t.clock.advance(1_000);
  await t.app.services.timers.fireDue();

  const pending = await t.app.http.inject({ method: 'GET', url: '/v1/timers?status=pending', headers: t.as('viewer') });
  assert.equal(pending.statusCode, 200);
  assert.deepEqual(pending.json().items.map((x: { key: string }) => x.key), ['hold-2']);
  const fired = await t.app.http.inject({ method: 'GET', url: '/v1/timers?status=fired&kind=test.sla', headers: t.as('integration') });
  assert.deepEqual(fired.json().items.map((x: { key: string; payload: unknown }) => [x.key, x.payload]), [['hold-1', { holdId: 'h1' }]]);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/timers?status=late', headers: t.as('admin') })).statusCode, 400);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/timers', headers: t.as('planner') })).statusCode, 403);
});

test('startWorkers runs the outbox, inbox and timer loops, and close stops them', async () => {
  const delivered: string[] = [];
  const loops = await createTestApp({
    config: { outbox: { pollIntervalMs: 5 }, inbox: { pollIntervalMs: 5 }, timers: { pollIntervalMs: 5 } },
    subscribers: [{ name: 'probe', types: '*', deliver: async (event) => void delivered.push(event.type) }],
  });
  try {
    const { app, testStore } = loops;
    const handled: string[] = [];
    app.services.inbox.registerHandler('test.note', async () => void handled.push('message'));
    app.services.timers.registerHandler('test.sla', async () => void handled.push('timer'));
    await app.services.inbox.receive({ source: 's', dedupeKey: 'k', messageType: 'test.note', contentType: 'text/plain', payload: 'hi' });
    await app.services.timers.schedule(testStore.store.db, { kind: 'test.sla', key: 'due-now', dueAt: loops.clock.now() });
    await testStore.store.db.transaction().execute((tx) =>
      app.services.outbox.append(tx, { source: '/test', type: 'crossdock.test.happened', subject: 'x', data: {} }),
    );
    app.startWorkers();
    const deadline = Date.now() + 5_000;
    while ((handled.length < 2 || delivered.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([...handled].sort(), ['message', 'timer']);
    assert.deepEqual(delivered, ['crossdock.test.happened']);

    await app.close();
    await testStore.store.db.transaction().execute((tx) =>
      app.services.outbox.append(tx, { source: '/test', type: 'crossdock.test.after-close', subject: 'x', data: {} }),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(delivered, ['crossdock.test.happened'], 'no loop runs after close');
  } finally {
    await loops.dispose();
  }
});

test('with the loops running, an order taken in is allocated and released at once, not at the next interval of the dispatcher, and logged by the feed follower on its own loop', async () => {
  // Ten minutes between ticks: only the nudge after intake, and the ticks that follow while there is
  // work, can deliver anything within this test.
  const hub = await createTestApp({ config: { outbox: { pollIntervalMs: 600_000 } } });
  try {
    const { app } = hub;
    await seedSampleCatalog(app.services.catalog);
    const stock = await app.http.inject({
      method: 'POST',
      url: '/v1/inventory/events',
      headers: hub.as('integration'),
      payload: { events: [{ source: 'WMS-DC-EAST', sequence: 1, type: 'receipt', sku: 'SKU-1', locationCode: 'DC-EAST', quantity: 10, occurredAt: new Date(hub.clock.now()).toISOString() }] },
    });
    assert.equal(stock.statusCode, 200, stock.body);
    app.startWorkers();
    const id = await submitSampleOrder(hub, 'NUDGED-1', [{ lineNumber: 1, sku: 'SKU-1', quantity: 4 }]);
    const { db } = hub.testStore.store;
    const pendingOf = async () => Number((await db.selectFrom('outbox_deliveries').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()).n);
    const deadline = Date.now() + 10_000;
    let state = '';
    let pending = -1;
    while (Date.now() < deadline) {
      state = (await app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: hub.as('viewer') })).json().state;
      pending = await pendingOf();
      if (state === 'released' && pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(state, 'released');
    // The allocation's own events (released, reservations) were delivered by the ticks that followed it.
    assert.equal(pending, 0, 'every delivery made, none left for the next interval');
    // The process log follows the feed every `outbox.followIntervalMs` (250 ms), whatever the
    // dispatcher's interval: the release is logged long before the dispatcher's next tick.
    const releasesLogged = async () => (await hub.app.processLogDb.selectFrom('process_events').select('activity').where('type', '=', 'crossdock.order.released').execute()).length;
    let logged = 0;
    while (Date.now() < deadline && (logged = await releasesLogged()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(logged, 1);
  } finally {
    await hub.dispose();
  }
});
