import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real command, as a user runs it, against a temporary embedded database. */
const bin = new URL('../../bin/crossdock.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'crossdock-cli-'));
const env = { ...process.env, CROSSDOCK_STORE_SQLITE_PATH: join(dir, 'hub.db'), CROSSDOCK_LOG_LEVEL: 'warn', CROSSDOCK_CONFIG: '' };
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, cwd: dir, encoding: 'utf8', timeout: 60_000 });

test('start serves /healthz and /docs over real HTTP, prints a bootstrap key once, and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, [bin, 'start'], { env: { ...env, CROSSDOCK_HTTP_PORT: '0' }, cwd: dir });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!/API docs\s+(http:\/\/\S+)\/docs/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const base = /API docs\s+(http:\/\/\S+)\/docs/.exec(out)?.[1];
  assert.ok(base, `the hub printed its address:\n${out}`);
  const key = /(cdk_[0-9a-f]{32}_[A-Za-z0-9_-]{43})/.exec(out)?.[1];
  assert.ok(key, 'a bootstrap admin key was printed');

  assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
  assert.equal((await fetch(`${base}/docs/`)).status, 200);
  assert.equal((await fetch(`${base}/v1/items`)).status, 401);
  assert.equal((await fetch(`${base}/v1/items`, { headers: { authorization: `Bearer ${key}` } })).status, 200);

  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a clean shutdown exits 0');

  const again = spawn(process.execPath, [bin, 'start'], { env: { ...env, CROSSDOCK_HTTP_PORT: '0' }, cwd: dir });
  let secondOut = '';
  again.stdout.on('data', (chunk) => (secondOut += chunk));
  const secondExit = new Promise<number | null>((resolve) => again.on('exit', (code) => resolve(code)));
  while (!/Press Ctrl\+C/.test(secondOut) && Date.now() < deadline + 30_000) await new Promise((r) => setTimeout(r, 50));
  assert.doesNotMatch(secondOut, /cdk_/, 'no second bootstrap key once one exists');
  again.kill('SIGINT');
  assert.equal(await secondExit, 0);
});

test('keys create, list and revoke', () => {
  const created = run('keys', 'create', '--name', 'erp', '--role', 'integration', '--partner', 'ACME');
  assert.equal(created.status, 0, created.stderr);
  const id = /created key ([0-9a-f]{32})/.exec(created.stdout)?.[1];
  assert.ok(id);
  assert.match(created.stdout, /cdk_[0-9a-f]{32}_/);
  const listed = run('keys', 'list');
  assert.match(listed.stdout, new RegExp(`${id}\\s+active\\s+integration\\s+ACME\\s+erp`));
  assert.doesNotMatch(listed.stdout, /cdk_/, 'secrets are never listed');
  assert.equal(run('keys', 'revoke', id!).status, 0);
  assert.match(run('keys', 'list').stdout, new RegExp(`${id}\\s+revoked`));
  const bad = run('keys', 'create', '--name', 'x', '--role', 'wizard');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown role wizard/);
});

test('import applies good rows, reports bad ones by line and column, and exits 1', () => {
  const file = join(dir, 'items.csv');
  writeFileSync(
    file,
    [
      'sku,description,baseUnit,packSizes,itemClass,status,unitCostMinor,listPriceMinor,currency',
      'A-1,Widget,EA,CA=12,HW,active,100,200,USD',
      'A-2,Gadget,EA,,HW,active,-1,200,USD',
      'A-3,Gizmo,EA,,HW,active,100,250,USD',
      '',
    ].join('\n'),
  );
  const result = run('import', 'items', file);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /3 received, 2 created, 0 updated, 0 unchanged, 1 failed/);
  assert.match(result.stdout, /line 3, column unitCostMinor, key A-2: validation_failed/);
  assert.match(result.stderr, /importing items: 2\/2 \(100%\)/, 'progress is shown on stderr');
  const unknownKind = run('import', 'widgets', file);
  assert.equal(unknownKind.status, 2);
  assert.match(unknownKind.stderr, /unknown kind "widgets"/);
});

test('a bad configuration value stops the process naming the key', () => {
  const result = spawnSync(process.execPath, [bin, 'migrate'], { env: { ...env, CROSSDOCK_STORE_KIND: 'oracle' }, encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /store\.kind: .*\[from env CROSSDOCK_STORE_KIND\]/);
});
