import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * Sign-in with OIDC tokens: a real HTTP server plays the identity provider's JWKS endpoint, serving
 * the public halves of key pairs made here; tokens are signed here with the private halves. Times are
 * the hub's injected clock.
 */
const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'crossdock-api';
let t: TestApp;
let server: Server;
let jwksRequests = 0;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

before(async () => {
  server = createServer((req, res) => {
    jwksRequests++;
    const jwk = (key: KeyObject, kid: string) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig' });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk(rsa.publicKey, 'rsa-1'), jwk(ec.publicKey, 'ec-1')] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t = await createTestApp({ config: { auth: { oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUri: `http://127.0.0.1:${port}/jwks`, rolesClaim: 'crossdock_roles' } } } });
});
after(async () => {
  await t.dispose();
  await new Promise((resolve) => server.close(resolve));
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(claims: Record<string, unknown>, options: { kid?: string; alg?: 'RS256' | 'ES256'; key?: KeyObject } = {}): string {
  const alg = options.alg ?? 'RS256';
  const input = `${b64({ alg, typ: 'JWT', kid: options.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1') })}.${b64(claims)}`;
  const key = options.key ?? (alg === 'RS256' ? rsa.privateKey : ec.privateKey);
  const signature = alg === 'RS256' ? sign('sha256', Buffer.from(input), key) : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
const seconds = (ms: number) => Math.floor(ms / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-42',
  email: 'ann@example.com',
  crossdock_roles: ['viewer', 'not-a-role'],
  exp: seconds(t.clock.now() + 3_600_000),
  iat: seconds(t.clock.now()),
  ...extra,
});
const me = (bearer: string) => t.app.http.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${bearer}` } });

test('a valid RS256 or ES256 token signs in: /v1/me answers kind oidc with the known roles only', async () => {
  const res = await me(token(claims()));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { kind: 'oidc', name: 'ann@example.com', roles: ['viewer'], partnerCode: null });
  const ecRes = await me(token(claims({ sub: 'svc-7', email: undefined, aud: ['other', AUDIENCE], partner_code: 'ACME', crossdock_roles: 'finance' }), { alg: 'ES256' }));
  assert.equal(ecRes.statusCode, 200, ecRes.body);
  assert.deepEqual(ecRes.json(), { kind: 'oidc', name: 'svc-7', roles: ['finance'], partnerCode: 'ACME' });
  assert.equal(jwksRequests, 1, 'the key set is fetched once and cached');
});

test('API keys still sign in alongside OIDC', async () => {
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/me', headers: t.as('planner') });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { kind: 'api_key', name: 'test planner', roles: ['planner'], partnerCode: null });
});

test('refused tokens are 401 with a message naming the problem', async () => {
  const now = t.clock.now();
  const cases: Array<[string, string, RegExp]> = [
    ['expired', token(claims({ exp: seconds(now - 120_000) })), /expired/],
    ['wrong audience', token(claims({ aud: 'someone-else' })), /audience/],
    ['wrong issuer', token(claims({ iss: 'https://evil.example' })), /issuer/],
    ['bad signature', token(claims(), { key: stranger.privateKey }), /signature/],
    ['unknown kid', token(claims(), { kid: 'rotated-away' }), /kid "rotated-away"/],
    ['no known roles', token(claims({ crossdock_roles: ['superuser'] })), /no known role/],
    ['not yet valid', token(claims({ nbf: seconds(now + 600_000) })), /not valid before/],
    ['alg none', `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64(claims())}.c2ln`, /algorithm/],
  ];
  for (const [name, bearer, message] of cases) {
    const res = await me(bearer);
    assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
    assert.equal(res.json().error.code, 'unauthorized', name);
    assert.match(res.json().error.message, message, name);
  }
});

test('an unknown kid refetches the key set, at most once a minute', async () => {
  const before = jwksRequests;
  t.clock.advance(61_000);
  assert.equal((await me(token(claims(), { kid: 'new-key' }))).statusCode, 401);
  assert.equal(jwksRequests, before + 1, 'refetched once for the unknown kid');
  assert.equal((await me(token(claims(), { kid: 'new-key' }))).statusCode, 401);
  assert.equal(jwksRequests, before + 1, 'not again within the minute');
});

test('an OIDC viewer may read but not call a route that needs customer_service (403)', async () => {
  const viewer = token(claims());
  const read = await t.app.http.inject({ method: 'GET', url: '/v1/orders', headers: { authorization: `Bearer ${viewer}` } });
  assert.equal(read.statusCode, 200, read.body);
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/orders',
    headers: { authorization: `Bearer ${viewer}` },
    payload: { channel: 'EDI', partnerCode: 'ACME', externalOrderNumber: 'OIDC-1', customerCode: 'CUST-ACME', shipToCode: 'ST-001', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 1 }] },
  });
  assert.equal(res.statusCode, 403, res.body);
  assert.equal(res.json().error.code, 'forbidden');
});
