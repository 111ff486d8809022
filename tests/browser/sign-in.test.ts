import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { startIdentityProvider, type IdentityProvider } from '../helpers/identity-provider.ts';
import { eventually, openBrowser, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * Sign-in and the overview, against the demo hub with the simulator running: a wrong key is refused
 * with the hub's message, a real key shows the overview with live KPIs, orders and exceptions, and a
 * viewer sees no admin-only controls while the API itself refuses the viewer's forced requests.
 * People also sign in at the company's identity provider (a real one on a loopback socket), or with
 * a token it issued pasted in.
 */
let hub: Hub;
let browsing: Browsing;
// The company's identity provider: discovery, keys, authorization and token endpoints. Its key is
// made here, so that the tests can also sign tokens of their own with it.
const idpKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
let idp: IdentityProvider;

before(async () => {
  // The demo's clock is simulated, so the provider's tokens are valid for a year.
  idp = await startIdentityProvider({ clientId: 'crossdock', accessAudience: 'crossdock-api', nowMs: () => Date.now(), tokenLifetimeS: 365 * 86_400, keyPair: idpKeys, kid: 'ui-1' });
  hub = await startHub({
    seed: 11,
    env: {
      CROSSDOCK_OIDC_ISSUER: idp.issuer,
      CROSSDOCK_OIDC_AUDIENCE: 'crossdock',
      CROSSDOCK_OIDC_JWKS_URI: `${idp.issuer}/jwks`,
      CROSSDOCK_OIDC_CLIENT_ID: 'crossdock',
      CROSSDOCK_OIDC_PROVIDER_NAME: 'Example SSO',
    },
  });
  browsing = await openBrowser();
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
  await idp?.close();
});

/** An ID token as the identity provider would sign it. The demo's clock is simulated, so the token is valid for a year. */
function oidcToken(claims: Record<string, unknown>): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${b64({ alg: 'RS256', kid: 'ui-1', typ: 'JWT' })}.${b64({ iss: idp.issuer, aud: 'crossdock', exp: Math.floor(Date.now() / 1000) + 365 * 86_400, ...claims })}`;
  return `${body}.${sign('sha256', Buffer.from(body), idpKeys.privateKey).toString('base64url')}`;
}

test('a wrong key is refused with the hub\'s reason, and nothing else is shown', { timeout: 60_000 }, async () => {
  const { page } = browsing;
  await page.goto(`${hub.base}/app/`);
  await page.getByTestId('credential').fill('cdk_not_a_real_key');
  await page.getByTestId('sign-in-submit').click();
  const error = page.getByTestId('error');
  await error.waitFor();
  assert.match(await error.innerText(), /unauthorized/);
  assert.equal(await page.getByTestId('who').count(), 0);
});

test('an admin signs in and the overview shows KPIs, the live order flow and exceptions by queue', { timeout: 90_000 }, async () => {
  const { page } = browsing;
  await signIn(page, hub.base, hub.adminKey);
  await page.getByTestId('page-overview').waitFor();
  assert.match(await page.getByTestId('who').innerText(), /admin/);
  // The simulator places orders; the flow table fills without a reload.
  await page.locator('[data-testid="order-flow"] tbody tr').first().waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="kpi-touchless_rate"] .kpi-value').filter({ hasNotText: '…' }).waitFor();
  // Connector health lists what the integrations console reports, one tile per connector.
  const connectors = await hub.api<{ items: unknown[] }>('GET', '/v1/integrations');
  assert.ok(connectors.body.items.length > 0, 'the demo network has connectors');
  await eventually('the connector tiles', async () => (await page.locator('[data-testid="connector-health"] .health').count()) >= connectors.body.items.length);
  await eventually('several orders in the live flow', async () => (await page.locator('[data-testid="order-flow"] tbody tr').count()) >= 5, 60_000);
  await browsing.screenshot('overview');
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
});

test('a viewer signs in read-only, and the API refuses a command the viewer forces from the page', { timeout: 60_000 }, async () => {
  const viewer = await hub.key('ui-viewer', ['viewer']);
  const { page } = browsing;
  await signIn(page, hub.base, viewer);
  assert.match(await page.getByTestId('who').innerText(), /viewer/);
  // A forced request from the viewer's own page, with its own credential, to a command it may not run.
  const answer = await page.evaluate(async (key) => {
    const res = await fetch('/v1/orders', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
    return { status: res.status, body: (await res.json()) as { error: { code: string } } };
  }, viewer);
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'forbidden');
  await page.getByTestId('sign-out').click();
});

test('a planner signs in with an OIDC token from the identity provider; the hub takes name and roles from its claims', { timeout: 60_000 }, async () => {
  const { page } = browsing;
  await signIn(page, hub.base, oidcToken({ sub: 'u-42', email: 'pat.planner@example.test', roles: ['planner'] }));
  const who = await page.getByTestId('who').innerText();
  assert.match(who, /pat\.planner@example\.test/);
  assert.match(who, /planner/);
  // A planner does not see the integrations console, which the API keeps to integration, viewer and admin.
  assert.equal(await page.getByTestId('nav-integrations').count(), 0);
  await page.getByTestId('sign-out').click();

  // A token signed by anyone else is refused, and the page says why.
  const forged = oidcToken({ sub: 'u-43', roles: ['admin'] }).replace(/\.[^.]+$/, '.' + Buffer.from('forged').toString('base64url'));
  await page.getByTestId('credential').fill(forged);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('error').waitFor();
  assert.match(await page.getByTestId('error').innerText(), /unauthorized/);
});

test('a person signs in at the identity provider and comes back signed in; a refusal there is shown', { timeout: 60_000 }, async () => {
  const { page } = browsing;
  await page.goto(`${hub.base}/app/#/orders`);
  await page.evaluate(() => (globalThis as unknown as { sessionStorage: { clear(): void } }).sessionStorage.clear());
  await page.reload();
  idp.signInAs = { sub: 'u-51', email: 'sam.service@example.test', roles: ['customer_service'] };
  const button = page.getByTestId('sign-in-provider');
  assert.equal(await button.innerText(), 'Sign in with Example SSO');
  await button.click();
  // To the provider and back: the provider saw PKCE and a nonce, and the hub redeemed the code.
  await page.getByTestId('who').waitFor();
  const who = await page.getByTestId('who').innerText();
  assert.match(who, /sam\.service@example\.test/);
  assert.match(who, /customer service/);
  const url = new URL(page.url());
  assert.equal(url.search, '', 'the code and state are taken out of the address');
  assert.equal(url.hash, '#/orders', 'back on the screen the sign-in started from');
  await page.getByTestId('page-orders').waitFor();
  assert.equal(idp.tokenRequests.at(-1)?.['grant_type'], 'authorization_code');
  assert.match(idp.tokenRequests.at(-1)?.['code_verifier'] ?? '', /^[A-Za-z0-9_-]{43}$/);
  // A reload keeps the tab signed in, without going back to the provider.
  const redeemed = idp.tokenRequests.length;
  await page.reload();
  await page.getByTestId('who').waitFor();
  assert.equal(idp.tokenRequests.length, redeemed);
  await page.getByTestId('sign-out').click();

  idp.refuseNext = 'access_denied';
  await page.getByTestId('sign-in-provider').click();
  await page.getByTestId('error').waitFor();
  assert.match(await page.getByTestId('error').innerText(), /access_denied/);
  assert.equal(await page.getByTestId('who').count(), 0);
  await browsing.screenshot('sign-in-refused');
});

test('every screen fits a 1280-pixel laptop screen without sideways scrolling', { timeout: 90_000 }, async () => {
  const { page } = browsing;
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, hub.base, hub.adminKey);
  const screens = ['overview', 'exceptions', 'orders', 'inventory', 'integrations', 'process', 'policies'];
  const overflowing: string[] = [];
  for (const screen of screens) {
    await page.getByTestId(`nav-${screen}`).click();
    // Not "network idle": the page's long poll of the change feed keeps a request open throughout.
    await page.getByTestId(`page-${screen}`).waitFor();
    await page
      .locator('.loading')
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    await page.waitForTimeout(500);
    const widths = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return { scroll: doc.documentElement.scrollWidth, client: doc.documentElement.clientWidth };
    });
    if (widths.scroll > widths.client + 1) overflowing.push(`${screen}: ${widths.scroll} px wide in ${widths.client} px`);
  }
  assert.deepEqual(overflowing, []);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.getByTestId('sign-out').click();
});
