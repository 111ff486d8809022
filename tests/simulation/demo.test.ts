import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The demo as a newcomer starts it (`npm start` runs `crossdock demo`): a real process with the
 * simulated network on an accelerated clock. It prints an admin key and the API address; the key
 * works, and orders from the network reach released and then shipped or invoiced. Run at 10
 * simulated minutes per real second so the warehouses ship within seconds.
 */
const bin = new URL('../../bin/crossdock.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'crossdock-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('crossdock demo prints a working key and orders flow to released and shipped', { timeout: 180_000 }, async () => {
  const env = { ...process.env, CROSSDOCK_HTTP_PORT: '0', CROSSDOCK_CONFIG: '', CROSSDOCK_LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [bin, 'demo', '--speed', '10', '--skus', '150', '--orders-per-day', '600', '--seed', '3', '--data-dir', join(dir, 'demo')], { env, cwd: dir });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const wait = async (what: string, until: () => Promise<boolean> | boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!(await until())) {
        if (Date.now() > deadline) assert.fail(`${what} did not happen within ${ms / 1000} s; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await wait('the demo printing its key and address', () => /API docs\s+(http:\/\/\S+)\/docs/.test(out) && /Admin API key\s+(\S+)/.test(out), 90_000);
    const base = /API docs\s+(http:\/\/\S+)\/docs/.exec(out)![1]!;
    const key = /Admin API key\s+(\S+)/.exec(out)![1]!;
    const get = (url: string) => fetch(`${base}${url}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await get('/v1/items?limit=1')).status, 200, 'the printed key works');

    const count = async (state: string) => ((await (await get(`/v1/orders?state=${state}&limit=100`)).json()) as { items: unknown[] }).items.length;
    await wait('an order reaching released (or beyond)', async () => (await count('released')) + (await count('shipped')) + (await count('invoiced')) > 0, 60_000);
    await wait('an order shipping', async () => (await count('shipped')) + (await count('invoiced')) > 0, 90_000);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `a clean shutdown exits 0; output:\n${out}`);
  }
});
