import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { RaiseInput } from '../../src/domains/exceptions/index.ts';

/**
 * GET /v1/exceptions/summary on a manual clock: live exceptions per queue by state and SLA state, per
 * type, partner-scoped; past due counts as breached before the SLA timer records it (in the summary,
 * in each exception's `slaState` and in the crossdock_exceptions_open gauge alike).
 */
let t: TestApp;
let start = 0;
const MIN = 60_000;
before(async () => {
  t = await createTestApp();
  start = t.clock.now();
});
after(async () => t.dispose());

const raise = (input: RaiseInput) => t.testStore.store.db.transaction().execute((trx) => t.app.services.exceptions.raiseIn(trx, input));
const creditHold = (orderId: string, partnerCode: string | null = null): RaiseInput => ({
  type: 'credit_hold',
  subject: { type: 'order', id: orderId },
  partnerCode,
  facts: { customerCode: 'CUST-1', exposureMinor: 1_200_000, limitMinor: 1_000_000 },
  rootCause: { code: 'credit_limit_exceeded', message: 'over the limit' },
});
const shortage = (lineId: string): RaiseInput => ({ type: 'stock_shortage', subject: { type: 'order_line', id: lineId }, rootCause: { code: 'no_stock', message: 'none anywhere' } });
const summary = async (headers = t.as('viewer')) => {
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/exceptions/summary', headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as {
    generatedAt: string;
    total: number;
    byQueue: Array<{ queue: string; open: number; claimed: number; onTrack: number; atRisk: number; breached: number }>;
    byType: Array<{ type: string; count: number }>;
  };
};
async function gauge(labels: Record<string, string>): Promise<number> {
  const text = (await t.app.http.inject({ method: 'GET', url: '/metrics' })).body;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => l.startsWith('crossdock_exceptions_open{') && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

test('counts live exceptions by queue, state and SLA standing, and by type', async () => {
  assert.deepEqual(await summary(), { generatedAt: new Date(start).toISOString(), total: 0, byQueue: [], byType: [] });
  // Credit holds: finance, 4 h SLA. Stock shortages: planner, 2 h SLA.
  await raise(creditHold('o-1'));
  t.clock.set(start + 210 * MIN);
  const second = await raise(creditHold('o-2', 'ACME'));
  await raise(shortage('o-3#1'));
  const closed = await raise(shortage('o-4#1'));
  await t.testStore.store.db.transaction().execute((trx) => t.app.services.exceptions.resolveIn(trx, { type: 'stock_shortage', subject: closed.exception.subject }, { reason: 'stock arrived', by: 'condition' }));
  const claim = await t.app.http.inject({ method: 'POST', url: `/v1/exceptions/${second.exception.id}/claim`, headers: t.as('finance') });
  assert.equal(claim.statusCode, 200, claim.body);

  // At 3.5 h: o-1 has half an hour of its four left (at risk); o-2 and the shortage have their whole window.
  assert.deepEqual(await summary(), {
    generatedAt: new Date(start + 210 * MIN).toISOString(),
    total: 3,
    byQueue: [
      { queue: 'finance', open: 1, claimed: 1, onTrack: 1, atRisk: 1, breached: 0 },
      { queue: 'planner', open: 1, claimed: 0, onTrack: 1, atRisk: 0, breached: 0 },
    ],
    byType: [
      { type: 'credit_hold', count: 2 },
      { type: 'stock_shortage', count: 1 },
    ],
  });

  // At 4 h exactly o-1 is due: breached for the summary, in its view and in the gauge, before the SLA
  // timer has run.
  t.clock.set(start + 240 * MIN);
  const due = await summary();
  assert.deepEqual(due.byQueue.find((q) => q.queue === 'finance'), { queue: 'finance', open: 1, claimed: 1, onTrack: 1, atRisk: 0, breached: 1 });
  assert.equal(await gauge({ queue: 'finance', sla_state: 'breached' }), 1);
  const queue = await t.app.http.inject({ method: 'GET', url: '/v1/exceptions?queue=finance&sort=slaDue', headers: t.as('viewer') });
  assert.equal(queue.statusCode, 200, queue.body);
  assert.deepEqual(
    (queue.json() as { items: Array<{ subject: { id: string }; slaState: string | null }> }).items.map((e) => [e.subject.id, e.slaState]),
    [
      ['o-1', 'breached'],
      ['o-2', 'on_track'],
    ],
    'the queue shows what the summary counts',
  );
  const gone = await t.app.http.inject({ method: 'GET', url: `/v1/exceptions/${closed.exception.id}`, headers: t.as('viewer') });
  assert.equal((gone.json() as { slaState: string | null }).slaState, null, 'a closed exception has no SLA state');

  // At 4.5 h the SLA clock records o-1's breach: nothing a reader sees changes.
  t.clock.set(start + 270 * MIN);
  await t.app.services.timers.fireDue(1_000);
  const after = await summary();
  assert.deepEqual(after.byQueue.find((q) => q.queue === 'finance'), { queue: 'finance', open: 1, claimed: 1, onTrack: 1, atRisk: 0, breached: 1 });
  assert.equal(after.byQueue.find((q) => q.queue === 'planner')!.onTrack, 1, 'the shortage has 1.5 h of its 2 h left');
  assert.equal(await gauge({ queue: 'finance', sla_state: 'breached' }), 1);
  const breached = after.byQueue.reduce((sum, q) => sum + q.breached, 0);
  const within = after.byQueue.reduce((sum, q) => sum + q.onTrack + q.atRisk, 0);
  assert.deepEqual([breached, within], [await gauge({ sla_state: 'breached' }), await gauge({ sla_state: 'within' })]);
});

test('a partner-scoped key counts only its partner’s exceptions', async () => {
  const key = (await t.app.services.keys.create({ name: 'acme viewer', roles: ['viewer'], partnerCode: 'ACME' })).secret;
  const scoped = await summary({ authorization: `Bearer ${key}` });
  assert.equal(scoped.total, 1);
  assert.deepEqual(scoped.byQueue, [{ queue: 'finance', open: 0, claimed: 1, onTrack: 1, atRisk: 0, breached: 0 }]);
  assert.deepEqual(scoped.byType, [{ type: 'credit_hold', count: 1 }]);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/exceptions/summary' })).statusCode, 401);
});
