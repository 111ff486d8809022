import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * The hub serves the dashboard itself: `/` leads to `/app/`, the page names its assets by content
 * hash, the assets are cacheable for good, and a stale asset name is a 404 telling the user to
 * reload, not an old build. The page holds no data, so it needs no key; the browser suite
 * (tests/browser/) proves the screens against a running hub.
 */
let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

test('the root redirects to the dashboard, whose page references hashed assets that are served', { timeout: 60_000 }, async () => {
  const root = await t.app.http.inject({ method: 'GET', url: '/' });
  assert.equal(root.statusCode, 302);
  assert.equal(root.headers.location, '/app/');

  const page = await t.app.http.inject({ method: 'GET', url: '/app/' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  const js = /\/app\/assets\/(app\.[0-9a-f]+\.js)/.exec(page.body)?.[1];
  const css = /\/app\/assets\/(app\.[0-9a-f]+\.css)/.exec(page.body)?.[1];
  assert.ok(js && css, `the page names its script and stylesheet: ${page.body}`);

  const script = await t.app.http.inject({ method: 'GET', url: `/app/assets/${js}` });
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers['content-type']), /javascript/);
  assert.match(String(script.headers['cache-control']), /immutable/);
  assert.ok(script.body.length > 10_000, 'the bundle includes React and the screens');
  assert.ok(script.body.includes('/v1/me'), 'the bundle signs in through the public API');

  const style = await t.app.http.inject({ method: 'GET', url: `/app/assets/${css}` });
  assert.equal(style.statusCode, 200);
  assert.match(String(style.headers['content-type']), /text\/css/);
});

test('an asset from another build is a 404 that says to reload', async () => {
  const res = await t.app.http.inject({ method: 'GET', url: '/app/assets/app.000000000000.js' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'not_found');
  assert.match(res.json().error.message, /reload/);
});
