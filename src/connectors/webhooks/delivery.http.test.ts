import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReceiver, type WebhookReceiver } from '../../../tests/helpers/webhook-receiver.ts';
import { postJson } from './delivery.http.ts';

let target: WebhookReceiver;
let redirecting: Server;
let redirectUrl: string;
before(async () => {
  target = await startReceiver(200);
  redirecting = createServer((_req, res) => res.writeHead(307, { location: target.url }).end());
  await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/moved`;
});
after(async () => {
  await target.close();
  redirecting.closeAllConnections();
  await new Promise((resolve) => redirecting.close(resolve));
});

const options = { timeoutMs: 2_000, allowPrivate: true };

test('a 2xx is a success; the body and headers arrive as given', async () => {
  const outcome = await postJson(target.url, '{"a":1}', { 'content-type': 'application/json', 'x-test': 'yes' }, options);
  assert.deepEqual(outcome, { ok: true, statusCode: 200, error: null });
  assert.deepEqual([target.received.at(-1)!.body, target.received.at(-1)!.headers['x-test']], ['{"a":1}', 'yes']);
});

test('every delivery checks its target again: a loopback address or a name resolving to one is refused without a request', async () => {
  const before = target.received.length;
  const literal = await postJson(target.url, '{}', {}, { ...options, allowPrivate: false });
  assert.deepEqual([literal.ok, literal.statusCode], [false, null]);
  assert.match(literal.error!, /127\.0\.0\.1 is a loopback address; refused/);
  const named = await postJson(target.url.replace('127.0.0.1', 'localhost'), '{}', {}, { ...options, allowPrivate: false });
  assert.equal(named.ok, false);
  assert.match(named.error!, /localhost resolves to (127\.0\.0\.1|::1), a loopback address; refused/);
  assert.equal(target.received.length, before, 'no request reached the server');
});

test('redirects are not followed: a 3xx is a failure naming its status', async () => {
  const before = target.received.length;
  const outcome = await postJson(redirectUrl, '{}', {}, options);
  assert.deepEqual([outcome.ok, outcome.statusCode], [false, 307]);
  assert.equal(target.received.length, before);
});
