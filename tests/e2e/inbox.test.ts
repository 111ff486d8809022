import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AppError } from '../../src/platform/errors.ts';

let t: TestApp;
let failedId: string;
let processedId: string;

before(async () => {
  t = await createTestApp();
  // A handler as a connector would register it: reject an order with no lines, accept the rest.
  t.app.services.inbox.registerHandler('test.order', async (_tx, message) => {
    const order = JSON.parse(message.payload) as { lines?: unknown[] };
    if (!order.lines?.length) throw new AppError('validation_failed', 'an order needs at least one line', [{ path: 'lines', message: 'empty' }]);
    return { lines: order.lines.length };
  });
  const receive = (dedupeKey: string, payload: string) =>
    t.app.services.inbox.receiveAndProcess({ source: 'edi:ACME', dedupeKey, messageType: 'test.order', contentType: 'application/json', payload });
  failedId = (await receive('po-1', '{"lines":[]}')).message.id;
  processedId = (await receive('po-2', '{"lines":[1,2]}')).message.id;
});
after(async () => t.dispose());

test('operators list and read messages; roles without inbox access are refused', async () => {
  const list = await t.app.http.inject({ method: 'GET', url: '/v1/inbox?status=failed', headers: t.as('viewer') });
  assert.equal(list.statusCode, 200);
  const body = list.json();
  assert.deepEqual(body.items.map((m: { id: string }) => m.id), [failedId]);
  assert.equal(body.items[0].payload, undefined, 'lists leave payloads out');
  assert.equal(body.nextCursor, null);

  const one = await t.app.http.inject({ method: 'GET', url: `/v1/inbox/${failedId}`, headers: t.as('integration') });
  assert.equal(one.statusCode, 200);
  assert.equal(one.json().payload, '{"lines":[]}');
  assert.equal(one.json().error.code, 'validation_failed');

  const paged = await t.app.http.inject({ method: 'GET', url: '/v1/inbox?limit=1', headers: t.as('admin') });
  assert.equal(paged.json().items.length, 1);
  const next = await t.app.http.inject({ method: 'GET', url: `/v1/inbox?limit=1&cursor=${paged.json().nextCursor}`, headers: t.as('admin') });
  assert.equal(next.json().items.length, 1);
  assert.notEqual(next.json().items[0].id, paged.json().items[0].id);

  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/inbox', headers: t.as('customer_service') })).statusCode, 403);
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/inbox' })).statusCode, 401);
  const missing = await t.app.http.inject({ method: 'GET', url: '/v1/inbox/no-such-message', headers: t.as('admin') });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'not_found');
  const badCursor = await t.app.http.inject({ method: 'GET', url: '/v1/inbox?cursor=nonsense', headers: t.as('admin') });
  assert.equal(badCursor.statusCode, 400);
  assert.equal(badCursor.json().error.code, 'invalid_cursor');
});

test('a viewer may not replay; an integration key replays with an edited payload and the original is kept', async () => {
  const denied = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${failedId}/replay`, headers: t.as('viewer'), payload: {} });
  assert.equal(denied.statusCode, 403);

  const replayed = await t.app.http.inject({
    method: 'POST',
    url: `/v1/inbox/${failedId}/replay`,
    headers: t.as('integration'),
    payload: { payload: '{"lines":[1]}', reason: 'partner confirmed one line' },
  });
  assert.equal(replayed.statusCode, 200);
  const message = replayed.json();
  assert.equal(message.status, 'processed');
  assert.deepEqual(message.outcome, { lines: 1 });
  assert.equal(message.payload, '{"lines":[1]}');
  assert.equal(message.originalPayload, '{"lines":[]}');
  assert.equal(message.operatorNote, 'partner confirmed one line');

  const again = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${failedId}/replay`, headers: t.as('admin') });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'invalid_state');
});

test('discard needs a reason and only applies to failed or dead messages', async () => {
  const { message } = await t.app.services.inbox.receiveAndProcess({
    source: 'edi:ACME',
    dedupeKey: 'po-3',
    messageType: 'test.order',
    contentType: 'application/json',
    payload: '{}',
  });
  assert.equal(message.status, 'failed');
  const noReason = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${message.id}/discard`, headers: t.as('integration'), payload: {} });
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().error.details[0].path, 'body.reason');
  const byViewer = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${message.id}/discard`, headers: t.as('viewer'), payload: { reason: 'dup' } });
  assert.equal(byViewer.statusCode, 403);
  const discarded = await t.app.http.inject({
    method: 'POST',
    url: `/v1/inbox/${message.id}/discard`,
    headers: t.as('integration'),
    payload: { reason: 'sent twice under different control numbers' },
  });
  assert.equal(discarded.statusCode, 200);
  assert.equal(discarded.json().status, 'discarded');
  const processed = await t.app.http.inject({ method: 'POST', url: `/v1/inbox/${processedId}/discard`, headers: t.as('admin'), payload: { reason: 'x' } });
  assert.equal(processed.statusCode, 409);
});

test('/metrics shows inbox depth by status', async () => {
  const res = await t.app.http.inject({ method: 'GET', url: '/metrics' });
  assert.match(res.body, /crossdock_inbox_messages\{status="processed"\} 2/);
  assert.match(res.body, /crossdock_inbox_messages\{status="discarded"\} 1/);
  assert.match(res.body, /crossdock_inbox_messages\{status="dead"\} 0/);
});
