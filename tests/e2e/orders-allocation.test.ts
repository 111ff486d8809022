import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createOrderAllocation } from '../../src/orchestration/order-allocation.ts';
import { uuidV7Generator } from '../../src/platform/ids.ts';
import { seededRandom } from '../../src/platform/random.ts';
import { submitSampleOrder } from '../helpers/orders.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';

/** From intake to allocation without a person: the outbox hands each received order to allocation. */
let t: TestApp;
before(async () => {
  t = await createTestApp();
  const catalog = t.app.services.catalog;
  await seedSampleCatalog(catalog);
  await catalog.locations.create(sampleWestLocation);
  const stock = (sequence: number, sku: string, locationCode: string, quantity: number) => ({
    source: `WMS-${locationCode}`,
    sequence,
    type: 'receipt',
    sku,
    locationCode,
    quantity,
    occurredAt: new Date(t.clock.now()).toISOString(),
  });
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/events',
    headers: t.as('integration'),
    payload: { events: [stock(1, 'SKU-1', 'DC-EAST', 30), stock(2, 'SKU-2', 'DC-EAST', 4), stock(1, 'SKU-2', 'DC-WEST', 3)] },
  });
  assert.equal(res.json().outcome.applied, 3, res.body);
});
after(async () => t.dispose());

const submit = (externalOrderNumber: string, lines: unknown[]) => submitSampleOrder(t, externalOrderNumber, lines);
const getOrder = async (id: string) => (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: t.as('viewer') })).json();
const reserved = async (sku: string, location: string) =>
  (await t.testStore.store.db.selectFrom('inventory_positions').select(['reserved']).where('sku', '=', sku).where('location_code', '=', location).executeTakeFirstOrThrow()).reserved;

test('a received order is allocated by itself: reservations taken, order allocated and released at once, decisions announced', async () => {
  const id = await submit('ALLOC-1', [{ lineNumber: 1, sku: 'SKU-1', quantity: 12 }]);
  assert.equal((await getOrder(id)).state, 'validated');
  await t.app.services.outbox.dispatchDue();
  const order = await getOrder(id);
  // A first allocation releases what it reserved in the same transaction: one delivery, one commit.
  assert.equal(order.state, 'released');
  assert.equal(order.lines[0].allocatedQuantity, 12);
  assert.equal(await reserved('SKU-1', 'DC-EAST'), 12);
  const events = await t.testStore.store.db.selectFrom('outbox_events').select(['type', 'data']).where('subject', '=', `order:${id}`).orderBy('seq').execute();
  assert.deepEqual(events.map((e) => e.type), ['crossdock.order.received', 'crossdock.order.allocated', 'crossdock.order.released']);
  // The event names each line's decision; the decision itself, with its reasons, is read from the store.
  // It names the partner that placed the order, so a partner's 855 step need not read the order to know.
  assert.equal(order.partnerCode, 'ACME');
  assert.equal(JSON.parse(events[1]!.data).partnerCode, 'ACME');
  const announced = JSON.parse(events[1]!.data).decisions[0];
  assert.deepEqual(Object.keys(announced).sort(), ['id', 'outcome', 'subject']);
  assert.deepEqual([announced.subject, announced.outcome], [{ type: 'order_line', id: `${id}:1` }, 'allocate']);
  const decision = (await t.app.http.inject({ method: 'GET', url: `/v1/decisions/${announced.id}`, headers: t.as('viewer') })).json();
  assert.equal(decision.policyId, 'sourcing');
  assert.equal(decision.policyVersion, 0, 'the default sourcing policy was in force');
  assert.ok(decision.reasons.length > 0);
  assert.equal(decision.inputs.quantity, 12, 'its inputs are recorded too');
  const recorded = await t.app.http.inject({ method: 'GET', url: `/v1/decisions?kind=sourcing&subjectType=${decision.subject.type}&subjectId=${encodeURIComponent(decision.subject.id)}`, headers: t.as('viewer') });
  assert.equal(recorded.json().items.length, 1, 'the decision can be read with its reasons');
  assert.deepEqual(recorded.json().items[0].reasons, decision.reasons);
  const again = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/allocate`, headers: t.as('planner') });
  assert.deepEqual([again.json().result, again.json().reason], ['skipped', 'every line is allocated']);
  assert.equal(await reserved('SKU-1', 'DC-EAST'), 12, 'running allocation again takes nothing more');
});

test('more than the network holds: what exists is reserved across locations, the rest backordered', async () => {
  const id = await submit('ALLOC-2', [{ lineNumber: 1, sku: 'SKU-2', quantity: 10 }]);
  await t.app.services.outbox.dispatchDue();
  const order = await getOrder(id);
  // What was reserved went to the warehouses at once; the rest waits as a backorder.
  assert.equal(order.state, 'released');
  assert.equal(order.lines[0].state, 'released');
  assert.equal(order.lines[0].allocatedQuantity + order.lines[0].backorderedQuantity, 10);
  assert.equal(order.lines[0].allocatedQuantity, (await reserved('SKU-2', 'DC-EAST')) + (await reserved('SKU-2', 'DC-WEST')));
  assert.ok(order.lines[0].allocatedQuantity <= 7, 'never more than on hand (I3, I7)');
});

test('an order on hold is not allocated until the hold is released', async () => {
  // A price 20% under contract places a pricing hold.
  const id = await submit('ALLOC-3', [{ lineNumber: 1, sku: 'SKU-1', quantity: 1, unitPriceMinor: 800 }]);
  await t.app.services.outbox.dispatchDue();
  assert.equal((await getOrder(id)).state, 'validated');
  const res = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/allocate`, headers: t.as('planner') });
  assert.deepEqual([res.json().result, res.json().reason], ['skipped', 'the order has open pricing hold(s)']);
  assert.equal((await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/allocate`, headers: t.as('viewer') })).statusCode, 403);
});

test('an allocated order is released to its warehouses by itself, due at the local cutoff; intake to released is touchless', async () => {
  const id = await submit('ALLOC-4', [{ lineNumber: 1, sku: 'SKU-1', quantity: 6 }]);
  await t.app.services.outbox.dispatchDue(); // allocation
  await t.app.services.outbox.dispatchDue(); // release
  const order = await getOrder(id);
  assert.equal(order.state, 'released');
  assert.equal(order.lines[0].state, 'released');
  const events = await t.testStore.store.db.selectFrom('outbox_events').select(['type', 'data']).where('type', '=', 'crossdock.fulfillment.release_requested').execute();
  const request = events.map((e) => JSON.parse(e.data).request).find((r: { orderId: string }) => r.orderId === id);
  assert.equal(request.locationCode, 'DC-EAST');
  assert.deepEqual(request.lines, [{ lineNumber: 1, sku: 'SKU-1', quantity: 6 }]);
  // DC-EAST cuts off at 15:30 New York time; the test clock stands at 2026-01-01T00:00Z (19:00 the evening before there).
  assert.equal(request.shipByAt, '2026-01-01T20:30:00.000Z');
  const again = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/release`, headers: t.as('warehouse') });
  assert.deepEqual([again.json().result, again.json().reason], ['skipped', 'no allocated stock waits for release']);
  const types = (await t.testStore.store.db.selectFrom('outbox_events').select(['type']).where('subject', '=', `order:${id}`).orderBy('seq').execute()).map((e) => e.type);
  assert.deepEqual(types, ['crossdock.order.received', 'crossdock.order.allocated', 'crossdock.order.released']);
});

test('orders allocated together commit together; one whose plan counted on stock an earlier one took is planned again, not backordered', async () => {
  await t.app.services.catalog.items.create({ sku: 'SKU-B1', description: 'Batch item', itemClass: 'PPE', unitCostMinor: 100, listPriceMinor: 200 });
  const stocked = await t.app.http.inject({
    method: 'POST',
    url: '/v1/inventory/events',
    headers: t.as('integration'),
    payload: {
      events: [
        { locationCode: 'DC-EAST', sequence: 3 },
        { locationCode: 'DC-WEST', sequence: 2 },
      ].map(({ locationCode, sequence }) => ({ source: `WMS-${locationCode}`, sequence, type: 'receipt', sku: 'SKU-B1', locationCode, quantity: 5, occurredAt: new Date(t.clock.now()).toISOString() })),
    },
  });
  assert.equal(stocked.json().outcome.applied, 2, stocked.body);
  // Both are received before the dispatcher runs, so both are planned on the same ATP and both plans
  // want the same location's five; the first takes them, the second is planned again after the commit.
  const first = await submit('BATCH-1', [{ lineNumber: 1, sku: 'SKU-B1', quantity: 5 }]);
  const second = await submit('BATCH-2', [{ lineNumber: 1, sku: 'SKU-B1', quantity: 5 }]);
  await t.app.services.outbox.dispatchDue();
  const orders = [await getOrder(first), await getOrder(second)];
  assert.deepEqual(
    orders.map((o) => [o.state, o.lines[0].allocatedQuantity, o.lines[0].backorderedQuantity]),
    [
      ['released', 5, 0],
      ['released', 5, 0],
    ],
  );
  assert.deepEqual([await reserved('SKU-B1', 'DC-EAST'), await reserved('SKU-B1', 'DC-WEST')], [5, 5]);
  // Each order's decision names where it ended up; the second's was made again on what was left.
  const decisionsOf = async (id: string) =>
    (await t.app.http.inject({ method: 'GET', url: `/v1/decisions?kind=sourcing&subjectType=order_line&subjectId=${encodeURIComponent(`${id}:1`)}`, headers: t.as('viewer') })).json().items;
  const [a, b] = [await decisionsOf(first), await decisionsOf(second)];
  assert.equal(a.length, 1);
  assert.equal(b.length, 1, 'the plan given back left no decision behind');
  assert.deepEqual([a[0].inputs.shipCompleteLocation, b[0].inputs.shipCompleteLocation], ['DC-EAST', 'DC-WEST']);
  assert.equal(b[0].inputs.candidates.find((c: { locationCode: string }) => c.locationCode === 'DC-EAST').atp, 0, 'the second was planned on what the first left');
});

test('in a batch, an order whose write fails is rolled back alone and answered with its error; the others commit', async () => {
  const good = await submit('BATCH-3', [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }]);
  const bad = await submit('BATCH-4', [{ lineNumber: 1, sku: 'SKU-1', quantity: 2 }]);
  const reservedBefore = await reserved('SKU-1', 'DC-EAST');
  const s = t.app.services;
  // The store fails while the second order's decisions are written, after its reservations were.
  const failing = createOrderAllocation({
    db: t.testStore.store.db,
    clock: t.clock,
    catalog: s.catalog,
    policies: s.policies,
    inventory: s.inventory,
    orders: s.orders,
    outbox: s.outbox,
    procurement: s.procurement,
    ids: uuidV7Generator(t.clock, seededRandom(9)),
    decisions: { ...s.decisions, record: (tx, decisions) => (decisions.some((d) => d.subject.id.startsWith(bad)) ? Promise.reject(new Error('disk I/O error')) : s.decisions.record(tx, decisions)) },
  });
  const answers = await failing.allocateMany([good, bad]);
  assert.deepEqual(
    answers.map((a) => (a.ok ? a.result.result : (a.error as Error).message)),
    ['allocated', 'disk I/O error'],
  );
  assert.equal((await getOrder(good)).state, 'allocated');
  assert.equal((await getOrder(bad)).state, 'validated');
  assert.equal(await reserved('SKU-1', 'DC-EAST'), reservedBefore + 1, 'what the failed order reserved was rolled back with it');
  // Delivered as usual, the failed order is allocated on its own and the other is skipped.
  await s.outbox.dispatchDue();
  assert.equal((await getOrder(bad)).state, 'released');
  assert.equal(await reserved('SKU-1', 'DC-EAST'), reservedBefore + 3);
});
