import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCrossdock } from '../../src/connectors/webhooks/index.ts';
import type { Connector, ConnectorDetail } from '../../src/connectors/console/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { crossdockRequest, PARTNER_SECRET, seedWebCatalog } from '../helpers/webhooks.ts';

/**
 * The integration console over real failures: a receiver answering 500 (with a fallback taking the
 * traffic while its circuit is open, and giving it back when it closes), a CSV file with a bad row,
 * a webhook whose order is rejected and is then edited and replayed, and an outbox subscriber whose
 * system is down — each seen in `GET /v1/integrations`, on the selected store.
 */
const root = mkdtempSync(join(tmpdir(), 'crossdock-console-'));
const COOL_DOWN_MS = 60_000;
const BACKOFF_MAX_MS = 10_000;

let t: TestApp;
const receivers: WebhookReceiver[] = [];
before(async () => {
  t = await createTestApp({
    config: {
      webhooks: {
        sources: { partner: { scheme: 'crossdock', secrets: [PARTNER_SECRET] } },
        allowPrivateTargets: true,
        allowHttpTargets: true,
        attemptsMax: 6,
        breakerFailureThreshold: 2,
        breakerCoolDownMs: COOL_DOWN_MS,
        retryDelayMsBase: 1_000,
        retryDelayMsMax: BACKOFF_MAX_MS,
        requestTimeoutMs: 300,
      },
      files: {
        folders: [
          { name: 'acme-orders', kind: 'csv-orders', path: join(root, 'acme-orders'), partnerCode: 'ACME', csv: { defaults: { channel: 'EDI', partnerCode: 'ACME' } } },
          { name: 'wms-events', kind: 'csv-inventory-events', path: join(root, 'wms-events') },
        ],
      },
    },
    subscribers: [
      {
        name: 'erp-sync',
        types: ['crossdock.console.*'],
        deliver: async () => {
          throw new Error('ERP is down for maintenance');
        },
      },
    ],
  });
  await seedWebCatalog(t);
  await t.app.services.inventory.availability.refreshMasterData();
});
after(async () => {
  await t.dispose();
  for (const r of receivers) await r.close();
  rmSync(root, { recursive: true, force: true });
});

const receiver = async (mode: number) => {
  const r = await startReceiver(mode);
  receivers.push(r);
  return r;
};
const emit = (type: string, subject = 'console:1') =>
  t.testStore.store.db.transaction().execute((tx) => t.app.services.outbox.append(tx, { source: '/crossdock/test', type, subject, data: { n: 1 } }));
const dispatch = () => t.app.services.webhooks.dispatchDue();
const connectors = async (headers = t.as('viewer')) => {
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/integrations', headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items as Connector[];
};
const connector = async (kind: string, name: string) => {
  const found = (await connectors()).find((c) => c.kind === kind && c.name === name);
  assert.ok(found, `${kind} ${name} is listed`);
  return found;
};
const detail = async (kind: string, name: string, headers = t.as('viewer')) =>
  t.app.http.inject({ method: 'GET', url: `/v1/integrations/${kind}/${encodeURIComponent(name)}`, headers });

test('a receiver answering 500 opens its circuit; its fallback takes the deliveries, signed the same way, and traffic returns when it closes', async () => {
  const primary = await receiver(500);
  const fallback = await receiver(200);
  const created = await t.app.http.inject({
    method: 'POST',
    url: '/v1/webhook-subscriptions',
    headers: t.as('integration'),
    payload: { url: primary.url, fallbackUrl: fallback.url, eventTypes: ['crossdock.console.*'] },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { subscription, secret } = created.json() as { subscription: { id: string }; secret: string };
  const deliveries = async () =>
    (await t.app.http.inject({ method: 'GET', url: `/v1/webhook-deliveries?subscriptionId=${subscription.id}`, headers: t.as('viewer') })).json().items as Array<{ status: string; lastEndpoint: string }>;

  await emit('crossdock.console.happened', 'console:1');
  await dispatch();
  t.clock.advance(BACKOFF_MAX_MS);
  await dispatch();
  const open = await connector('webhook-out', primary.url);
  assert.deepEqual([open.breaker?.state, open.errorRate.lastHour, open.backlog.retrying], ['open', { requests: 2, failures: 2, errorRate: 1 }, 1]);
  assert.equal(open.status, 'failing', 'every request of the hour failed, whatever the fallback does');
  assert.match(open.lastError ?? '', /^HTTP 500/);
  assert.ok(open.reasons.includes('circuit open; traffic goes to the fallback'), open.reasons.join('; '));
  const failures = (await detail('webhook-out', primary.url)).json() as ConnectorDetail;
  assert.deepEqual(failures.recentFailures.map((f) => [f.ref?.type, f.status]), [['webhook-delivery', 'retrying']]);

  t.clock.advance(BACKOFF_MAX_MS);
  await dispatch();
  await emit('crossdock.console.happened', 'console:2');
  await dispatch();
  assert.deepEqual([primary.received.length, fallback.received.length], [2, 2], 'while open, no request to the primary; both events went to the fallback');
  assert.deepEqual((await deliveries()).map((d) => [d.status, d.lastEndpoint]), [['delivered', 'fallback'], ['delivered', 'fallback']]);
  for (const sent of fallback.received) assert.deepEqual(verifyCrossdock(String(sent.headers['x-crossdock-signature']), Buffer.from(sent.body), [secret], t.clock.now(), 300), { ok: true });
  const standIn = await connector('webhook-out', fallback.url);
  assert.deepEqual([standIn.status, standIn.details['roles'], standIn.errorRate.lastHour.requests], ['healthy', ['fallback'], 2]);

  primary.answer(200);
  t.clock.advance(COOL_DOWN_MS);
  await emit('crossdock.console.happened', 'console:3');
  await dispatch();
  assert.deepEqual([primary.received.length, fallback.received.length], [3, 2], 'the cool-down over, the next delivery is the primary’s trial');
  assert.deepEqual((await deliveries()).at(-1), { ...(await deliveries()).at(-1), status: 'delivered', lastEndpoint: 'primary' });
  const closed = await connector('webhook-out', primary.url);
  assert.deepEqual([closed.breaker?.state, closed.backlog], ['closed', { pending: 0, retrying: 0, dead: 0 }]);
  assert.ok(closed.lastSuccessAt !== null);
});

test('a CSV file with a bad row shows on its folder: last failure, error rate and the file waiting in error/', async () => {
  await t.app.services.files.pollFolders();
  writeFileSync(join(root, 'acme-orders', 'in', 'orders-bad.csv'), 'external_order_number,customerCode,shipToCode,lineNumber,sku,quantity\r\nCSV-9,CUST-ACME,ST-001,1,SKU-1,lots\r\n');
  await t.app.services.files.pollFolders();
  await t.app.services.files.pollFolders();
  const folder = await connector('folder', 'acme-orders');
  assert.deepEqual([folder.status, folder.partnerCode, folder.backlog.dead, folder.errorRate.lastHour], ['failing', 'ACME', 1, { requests: 1, failures: 1, errorRate: 1 }]);
  assert.match(folder.lastError ?? '', /^orders-bad\.csv \(rejected\): expected a whole number, got "lots"/);
  const failures = (await detail('folder', 'acme-orders')).json() as ConnectorDetail;
  assert.deepEqual(failures.recentFailures.map((f) => [f.ref?.type, f.status]), [['file', 'rejected']]);
  assert.equal((await connector('folder', 'wms-events')).status, 'idle');
});

test('a rejected webhook message shows on its source; an edited replay takes it in, keeps the raw payload and records who edited what', async () => {
  const order = (sku: string) => JSON.stringify({ channel: 'WEB', externalOrderNumber: 'WEB-77', customerCode: 'CUST-WEB', shipToCode: 'ST-WEB', lines: [{ lineNumber: 1, sku, quantity: 1 }] });
  const raw = order('NOPE');
  const res = await t.app.http.inject(crossdockRequest(t, raw, { eventId: 'evt-console-1' }));
  assert.equal(res.statusCode, 422, res.body);

  const inbound = await connector('webhook-in', 'partner');
  assert.deepEqual([inbound.status, inbound.inboxSource, inbound.backlog.dead, inbound.errorRate.lastHour.failures], ['failing', 'webhook:partner', 1, 1]);
  const source = (await detail('inbox-source', 'webhook:partner')).json() as ConnectorDetail;
  assert.equal(source.status, 'failing');
  const [failure] = source.recentFailures;
  assert.deepEqual([failure?.ref?.type, failure?.status], ['inbox-message', 'failed']);
  assert.match(failure?.error ?? '', /SKU NOPE|sku NOPE/);
  const messageId = failure!.ref!.id;

  const listed = await t.app.http.inject({ method: 'GET', url: '/v1/inbox?source=webhook:partner&status=failed', headers: t.as('viewer') });
  assert.deepEqual(listed.json().items.map((m: { id: string }) => m.id), [messageId]);
  assert.equal((await t.app.http.inject({ method: 'GET', url: `/v1/inbox/${messageId}`, headers: t.as('viewer') })).json().payload, raw, 'the raw payload as received');

  const fixed = order('SKU-1');
  const refused = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${messageId}/replay`, headers: t.as('viewer'), payload: { payload: fixed } });
  assert.equal(refused.statusCode, 403, 'a viewer reads, never edits');
  const replayed = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${messageId}/replay`, headers: t.as('integration'), payload: { payload: fixed, reason: 'SKU typo' } });
  assert.equal(replayed.statusCode, 200, replayed.body);
  assert.deepEqual([replayed.json().status, replayed.json().payload, replayed.json().originalPayload], ['processed', fixed, raw]);

  const keys = (await t.app.http.inject({ method: 'GET', url: '/v1/api-keys', headers: t.as('admin') })).json().items as Array<{ id: string; name: string }>;
  const audit = (await t.app.http.inject({ method: 'GET', url: `/v1/inbox/${messageId}/replays`, headers: t.as('viewer') })).json().items;
  assert.deepEqual(
    audit.map((a: Record<string, unknown>) => [a['actor'], a['reason'], a['statusBefore'], a['edited'], a['payloadBefore'], a['payloadAfter']]),
    [[keys.find((k) => k.name === 'test integration')!.id, 'SKU typo', 'failed', true, raw, fixed]],
  );
  const settled = await connector('inbox-source', 'webhook:partner');
  assert.deepEqual([settled.backlog, settled.status], [{ pending: 0, retrying: 0, dead: 0 }, 'healthy']);
});

test('an outbox subscriber whose system is down shows retrying deliveries and its error', async () => {
  await t.app.services.outbox.dispatchDue();
  const erp = await connector('outbox-subscriber', 'erp-sync');
  assert.equal(erp.status, 'failing');
  assert.ok(erp.backlog.retrying >= 1);
  assert.match(erp.lastError ?? '', /ERP is down/);
  const log = await connector('outbox-subscriber', 'process.log');
  assert.deepEqual([log.status, log.backlog.retrying, log.backlog.dead], ['healthy', 0, 0], 'the process log takes every event');
});

test('viewers and integration keys read the console, other roles are refused, and a partner’s key sees only its own connectors', async () => {
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/integrations', headers: t.as('warehouse') })).statusCode, 403);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/integrations?kind=folder', headers: t.as('integration') })).statusCode, 200);
  const list = await t.app.http.inject({ method: 'GET', url: '/v1/integrations', headers: t.as('viewer') });
  const body = list.json() as { summary: Record<string, number>; items: Connector[] };
  assert.equal(Object.values(body.summary).reduce((a, b) => a + b, 0), body.items.length);
  assert.equal(body.items[0]!.status, 'failing', 'most serious first');

  const { secret } = await t.app.services.keys.create({ name: 'acme viewer', roles: ['viewer'], partnerCode: 'ACME' });
  const acme = { authorization: `Bearer ${secret}` };
  const seen = (await connectors(acme)).map((c) => `${c.kind} ${c.name}`).sort();
  assert.deepEqual(seen, ['edi-partner ACME', 'folder acme-orders']);
  assert.equal((await detail('edi-partner', 'ACME', acme)).statusCode, 200);
  for (const [kind, name] of [['webhook-out', receivers[0]!.url], ['outbox-subscriber', 'process.log'], ['folder', 'wms-events'], ['inbox-source', 'webhook:partner']] as const) {
    const hidden = await detail(kind, name, acme);
    assert.deepEqual([hidden.statusCode, hidden.json().error.code], [404, 'not_found'], `${kind} ${name} is hidden from a partner's key`);
  }
  assert.equal((await detail('folder', 'no-such-folder')).statusCode, 404);
  assert.equal((await detail('nonsense', 'x')).statusCode, 400);
});
