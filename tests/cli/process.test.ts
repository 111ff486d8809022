import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `crossdock process recompute`, as an operator runs it, against a temporary embedded database. */
const bin = new URL('../../bin/crossdock.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'crossdock-cli-process-'));
const env = { ...process.env, CROSSDOCK_STORE_SQLITE_PATH: join(dir, 'hub.db'), CROSSDOCK_LOG_LEVEL: 'warn', CROSSDOCK_CONFIG: '' };
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, cwd: dir, encoding: 'utf8', timeout: 60_000 });

test('process recompute rebuilds the KPI facts and reports what it read; a wrong action prints the usage', () => {
  const recomputed = run('process', 'recompute', '--backfill');
  assert.equal(recomputed.status, 0, recomputed.stderr);
  assert.match(recomputed.stdout, /recomputed the KPI facts on SQLite at .* in \d+ ms: \d+ events, \d+ objects, \d+ facts, log at sequence \d+; \d+ events backfilled from the outbox/);
  assert.match(recomputed.stdout, /read the log in \d+ ms, folded it in \d+ ms, stored the facts in \d+ ms/);
  const wrong = run('process', 'rebuild');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /crossdock process recompute \[--backfill\]/);
});
