import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { startIdentityProvider, type IdentityProvider } from '../helpers/identity-provider.ts';

/**
 * The dashboard's sign-in at the identity provider, over real HTTP to a provider on a loopback
 * socket: the hub reads the provider's endpoints from its discovery document, redeems the code with
 * the PKCE verifier (and the client secret it holds), checks the nonce, and hands back a token it
 * then accepts on every request. A code used twice, a wrong verifier and a foreign nonce are refused
 * with the reason; a hub without the set-up offers API keys only.
 */
const CLIENT_ID = 'crossdock-dashboard';
const SECRET = 'not-a-real-secret';
const REDIRECT = 'http://127.0.0.1:8080/app/';
let t: TestApp;
let idp: IdentityProvider;

before(async () => {
  let clock: TestApp['clock'] | undefined;
  idp = await startIdentityProvider({ clientId: CLIENT_ID, clientSecret: SECRET, accessAudience: 'crossdock-api', nowMs: () => clock?.now() ?? Date.now() });
  t = await createTestApp({
    config: {
      auth: {
        oidc: {
          issuer: idp.issuer,
          audience: CLIENT_ID,
          jwksUri: `${idp.issuer}/jwks`,
          signIn: { clientId: CLIENT_ID, clientSecret: SECRET, providerName: 'Example SSO' },
        },
      },
    },
  });
  clock = t.clock;
});
after(async () => {
  await t?.dispose();
  await idp?.close();
});

/** What the dashboard does before it leaves for the provider, and the provider's answer. */
async function authorize(claims: Record<string, unknown>, options: { verifier?: string; nonce?: string } = {}) {
  const verifier = options.verifier ?? randomBytes(32).toString('base64url');
  const nonce = options.nonce ?? randomBytes(16).toString('base64url');
  idp.signInAs = claims;
  const url = new URL(`${idp.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'openid profile email',
    state: 'state-1',
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const back = new URL(res.headers.get('location')!);
  return { code: back.searchParams.get('code')!, verifier, nonce };
}
const exchange = (body: object) => t.app.http.inject({ method: 'POST', url: '/v1/auth/oidc/token', payload: body });

test('the sign-in options name the provider and its authorization endpoint, read from discovery', async () => {
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/auth/sign-in-options' });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    apiKey: true,
    oidc: { providerName: 'Example SSO', authorizationEndpoint: `${idp.issuer}/authorize`, clientId: CLIENT_ID, scope: 'openid profile email' },
  });
  assert.doesNotMatch(res.body, new RegExp(SECRET), 'the client secret stays on the hub');
});

test('a code with its verifier and nonce gives a token the hub then accepts, with the roles from the claims', async () => {
  const { code, verifier, nonce } = await authorize({ sub: 'u-7', email: 'ann@example.com', roles: ['customer_service', 'not-a-role'] });
  const res = await exchange({ code, codeVerifier: verifier, redirectUri: REDIRECT, nonce });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.me, { kind: 'oidc', name: 'ann@example.com', roles: ['customer_service'], partnerCode: null });
  assert.equal(body.expiresAt, new Date((Math.floor(t.clock.now() / 1000) + 3_600) * 1000).toISOString());
  const sent = idp.tokenRequests.at(-1)!;
  assert.deepEqual(
    { grant: sent['grant_type'], client: sent['client_id'], secret: sent['client_secret'], verifier: sent['code_verifier'], redirect: sent['redirect_uri'] },
    { grant: 'authorization_code', client: CLIENT_ID, secret: SECRET, verifier, redirect: REDIRECT },
  );
  const me = await t.app.http.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${body.token}` } });
  assert.equal(me.statusCode, 200, me.body);
  assert.equal(me.json().name, 'ann@example.com');
  const orders = await t.app.http.inject({ method: 'GET', url: '/v1/orders', headers: { authorization: `Bearer ${body.token}` } });
  assert.equal(orders.statusCode, 200, orders.body);
});

test('a code used twice, a wrong verifier and a nonce from another sign-in are refused with the reason', async () => {
  const first = await authorize({ sub: 'u-8', email: 'bo@example.com', roles: ['viewer'] });
  assert.equal((await exchange({ code: first.code, codeVerifier: first.verifier, redirectUri: REDIRECT, nonce: first.nonce })).statusCode, 200);
  const again = await exchange({ code: first.code, codeVerifier: first.verifier, redirectUri: REDIRECT, nonce: first.nonce });
  assert.equal(again.statusCode, 401, again.body);
  assert.match(again.json().error.message, /invalid_grant/);

  const second = await authorize({ sub: 'u-8', roles: ['viewer'] });
  const wrongVerifier = await exchange({ code: second.code, codeVerifier: randomBytes(32).toString('base64url'), redirectUri: REDIRECT, nonce: second.nonce });
  assert.equal(wrongVerifier.statusCode, 401, wrongVerifier.body);
  assert.match(wrongVerifier.json().error.message, /PKCE/);

  const third = await authorize({ sub: 'u-8', roles: ['viewer'] });
  const foreign = await exchange({ code: third.code, codeVerifier: third.verifier, redirectUri: REDIRECT, nonce: randomBytes(16).toString('base64url') });
  assert.equal(foreign.statusCode, 401, foreign.body);
  assert.match(foreign.json().error.message, /nonce/);

  const noRoles = await authorize({ sub: 'u-9', roles: ['superuser'] });
  const refused = await exchange({ code: noRoles.code, codeVerifier: noRoles.verifier, redirectUri: REDIRECT, nonce: noRoles.nonce });
  assert.equal(refused.statusCode, 401, refused.body);
  assert.match(refused.json().error.message, /no known role/);
});

test('a malformed exchange is a 400 naming the field', async () => {
  const res = await exchange({ code: 'x', codeVerifier: 'short', redirectUri: REDIRECT, nonce: 'n'.repeat(16) });
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /codeVerifier/);
});

test('a hub without the set-up offers API keys only, and one whose provider is down says so', async () => {
  const plain = await createTestApp();
  try {
    const options = await plain.app.http.inject({ method: 'GET', url: '/v1/auth/sign-in-options' });
    assert.deepEqual(options.json(), { apiKey: true, oidc: null });
    const res = await plain.app.http.inject({ method: 'POST', url: '/v1/auth/oidc/token', payload: { code: 'c', codeVerifier: 'v'.repeat(43), redirectUri: REDIRECT, nonce: 'n'.repeat(16) } });
    assert.equal(res.statusCode, 404, res.body);
  } finally {
    await plain.dispose();
  }
  const down = await createTestApp({ config: { auth: { oidc: { issuer: 'http://127.0.0.1:9', audience: CLIENT_ID, jwksUri: 'http://127.0.0.1:9/jwks', signIn: { clientId: CLIENT_ID } } } } });
  try {
    const res = await down.app.http.inject({ method: 'GET', url: '/v1/auth/sign-in-options' });
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error.code, 'dependency_unavailable');
    assert.match(res.json().error.message, /discovery document/);
  } finally {
    await down.dispose();
  }
});
