import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * The only routes that answer without an API key. Anything else public is a bug. Inbound webhooks
 * are authenticated by their source's signature instead (tests/e2e/webhooks-*.test.ts check it),
 * and the sign-in at the identity provider by the code and PKCE verifier it redeems
 * (tests/e2e/oidc-sign-in.test.ts).
 */
const publicAllowlist = [
  /^\/$/,
  /^\/app(\/.*)?$/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/openapi\.json$/,
  /^\/docs(\/.*)?$/,
  /^\/v1\/webhooks\/:source$/,
  /^\/v1\/auth\/sign-in-options$/,
  /^\/v1\/auth\/oidc\/token$/,
];
/** Routes deliberately left out of the OpenAPI document: the document itself, the docs UI and the dashboard's page and assets. */
const undocumented = [/^\/openapi\.json$/, /^\/docs(\/.*)?$/, /^\/$/, /^\/app(\/.*)?$/];

const isPublic = (url: string) => publicAllowlist.some((re) => re.test(url));
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const concrete = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, 'no-such-$1');

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

test('every route is documented in OpenAPI, except the document and the docs UI', async () => {
  const doc = (await t.app.http.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  assert.ok(t.app.routes.length > 10, 'routes were collected');
  const missing = t.app.routes
    .filter((r) => !undocumented.some((re) => re.test(r.url)))
    .filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(missing, []);
});

test('only allowlisted routes are public, and every other route refuses a request with no key', async () => {
  const wronglyPublic = t.app.routes.filter((r) => r.access.kind === 'public' && !isPublic(r.url)).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(wronglyPublic, []);
  const open: string[] = [];
  for (const route of t.app.routes.filter((r) => !isPublic(r.url))) {
    const res = await t.app.http.inject({ method: route.method as 'GET', url: concrete(route.url), payload: route.method === 'GET' ? undefined : {} });
    if (res.statusCode !== 401 || res.json().error?.code !== 'unauthorized') open.push(`${route.method} ${route.url} → ${res.statusCode}`);
  }
  assert.deepEqual(open, []);
});

test('bad input to every protected endpoint gets a 4xx with a code and a message, never a 5xx', async () => {
  const problems: string[] = [];
  const check = (label: string, res: { statusCode: number; json(): { error?: { code?: string; message?: string } } }) => {
    if (res.statusCode >= 500) problems.push(`${label} → ${res.statusCode}`);
    if (res.statusCode >= 400) {
      const body = res.json();
      if (!body.error?.code || !body.error.message) problems.push(`${label} → ${res.statusCode} without error code/message`);
    }
  };
  for (const route of t.app.routes.filter((r) => !isPublic(r.url))) {
    const url = concrete(route.url);
    const label = `${route.method} ${route.url}`;
    if (route.method === 'GET' || route.method === 'DELETE') {
      const res = await t.app.http.inject({ method: route.method, url: `${url}?limit=-5&cursor=%00garbage`, headers: t.as('admin') });
      check(`${label} (bad query)`, res);
      if (res.statusCode < 400 && route.url.includes(':')) problems.push(`${label} answered ${res.statusCode} for an unknown id`);
      continue;
    }
    const malformed = await t.app.http.inject({
      method: route.method as 'POST',
      url,
      headers: { ...t.as('admin'), 'content-type': 'application/json' },
      payload: '{"unterminated":',
    });
    check(`${label} (malformed JSON)`, malformed);
    const wrongShape = await t.app.http.inject({ method: route.method as 'POST', url, headers: t.as('admin'), payload: [1, 2, 3] });
    check(`${label} (array body)`, wrongShape);
    if (wrongShape.statusCode < 400) problems.push(`${label} accepted an array body with ${wrongShape.statusCode}`);
  }
  assert.deepEqual(problems, []);
});
