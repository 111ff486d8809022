#!/usr/bin/env node
// Runs the whole test suite: the type check, every test once on SQLite, then every storage test
// (files named *.db.test.ts) again on PostgreSQL. PostgreSQL comes from CROSSDOCK_TEST_POSTGRES_URL
// or, when the server binaries are installed, from a throwaway cluster started by scripts/pg-up.sh.
// With CROSSDOCK_REQUIRE_POSTGRES=1 (as in CI) a missing PostgreSQL fails the run instead of
// skipping it.
//
// Property tests use a fixed fast-check seed (tests/helpers/fast-check-seed.ts); CROSSDOCK_FC_SEED=random
// explores new ones.
//
// Usage: node scripts/test.mjs [--store sqlite|postgres] [--no-typecheck] [path-substring ...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values, positionals } = parseArgs({
  options: {
    store: { type: 'string' },
    'no-typecheck': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found.sort();
}

const all = ['src', 'tests'].flatMap((d) => findTests(join(root, d)));
const selected = positionals.length ? all.filter((f) => positionals.some((p) => f.includes(p))) : all;
const storageTests = selected.filter((f) => f.endsWith('.db.test.ts') || f.includes('/e2e/'));
const browserTests = selected.filter((f) => f.includes('/browser/'));
const plainTests = selected.filter((f) => !storageTests.includes(f) && !browserTests.includes(f));

const totals = [];

/**
 * The longest test file, half of the seed check's 1,000 seeds, takes about 8 minutes on CI.
 * CROSSDOCK_TEST_TIMEOUT_MS sets another limit for longer runs (more seeds, a longer soak); 0 sets none.
 */
const TEST_TIMEOUT_MS = Number(process.env.CROSSDOCK_TEST_TIMEOUT_MS ?? 20 * 60 * 1000);
if (!Number.isInteger(TEST_TIMEOUT_MS) || TEST_TIMEOUT_MS < 0) {
  console.error(`CROSSDOCK_TEST_TIMEOUT_MS must be a whole number of milliseconds, 0 for no limit; got "${process.env.CROSSDOCK_TEST_TIMEOUT_MS}"`);
  process.exit(2);
}

function run(label, files, env) {
  return new Promise((resolve) => {
    if (files.length === 0) return resolve({ label, tests: 0, pass: 0, fail: 0 });
    console.log(`\n=== ${label}: ${files.length} files`);
    // A test file that hangs fails after TEST_TIMEOUT_MS instead of holding the run until CI's own
    // limit stops it with nothing said. On Node 20 the limit applies to each file as a whole.
    const timeout = TEST_TIMEOUT_MS > 0 ? [`--test-timeout=${TEST_TIMEOUT_MS}`] : [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './tests/helpers/fast-check-seed.ts', '--test', '--test-reporter=spec', '--test-concurrency=2', ...timeout, ...files],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      out += chunk;
    });
    child.on('close', (code) => {
      const count = (name) => Number(out.match(new RegExp(`ℹ ${name} (\\d+)`))?.[1] ?? 0);
      const result = { label, tests: count('tests'), pass: count('pass'), fail: count('fail'), code };
      if (code !== 0 && result.fail === 0) result.fail = 1;
      resolve(result);
    });
  });
}

function postgresUrl() {
  if (process.env.CROSSDOCK_TEST_POSTGRES_URL) return process.env.CROSSDOCK_TEST_POSTGRES_URL;
  const started = spawnSync('bash', [join(root, 'scripts/pg-up.sh')], { encoding: 'utf8' });
  if (started.status === 0) return started.stdout.trim().split('\n').pop();
  console.log(`\nPostgreSQL not available: ${started.stderr.trim() || 'pg-up.sh failed'}`);
  return undefined;
}

let failed = false;
if (!values['no-typecheck'] && positionals.length === 0) {
  console.log('=== typecheck (tsc --noEmit)');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) failed = true;
  console.log('=== typecheck of the dashboard (tsc --noEmit -p web)');
  const web = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'web')], { stdio: 'inherit' });
  if (web.status !== 0) failed = true;
}

const stores = values.store ? [values.store] : ['sqlite', 'postgres'];
if (stores.includes('sqlite')) {
  totals.push(await run('unit and storage tests on SQLite', [...plainTests, ...storageTests], { CROSSDOCK_TEST_STORE: 'sqlite' }));
}
if (stores.includes('postgres') && storageTests.length > 0) {
  const url = postgresUrl();
  if (url) {
    totals.push(
      await run('storage tests on PostgreSQL', storageTests, { CROSSDOCK_TEST_STORE: 'postgres', CROSSDOCK_TEST_POSTGRES_URL: url }),
    );
  } else if (process.env.CROSSDOCK_REQUIRE_POSTGRES === '1') {
    console.log('CROSSDOCK_REQUIRE_POSTGRES=1 but no PostgreSQL could be started');
    failed = true;
  } else {
    console.log('Skipping the PostgreSQL run (install postgresql or set CROSSDOCK_TEST_POSTGRES_URL).');
  }
}
// The browser suite needs Chromium (Debian's package, or CROSSDOCK_CHROMIUM). Without it the suite
// is skipped with a notice, unless CROSSDOCK_REQUIRE_BROWSER=1 (as in CI), which fails the run.
if (browserTests.length > 0) {
  const chromium = [process.env.CROSSDOCK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
  if (chromium) {
    totals.push(await run('browser tests (Chromium)', browserTests, { CROSSDOCK_TEST_STORE: 'sqlite', CROSSDOCK_CHROMIUM: chromium }));
  } else if (process.env.CROSSDOCK_REQUIRE_BROWSER === '1') {
    console.log('CROSSDOCK_REQUIRE_BROWSER=1 but Chromium is not installed');
    failed = true;
  } else {
    console.log('\nSkipping the browser tests (apt-get install chromium, or set CROSSDOCK_CHROMIUM).');
  }
}

console.log('\n=== summary');
for (const t of totals.filter((t) => t.tests > 0 || t.fail > 0)) console.log(`${t.label}: ${t.tests} tests, ${t.pass} passed, ${t.fail} failed`);
const pass = totals.reduce((a, t) => a + t.pass, 0);
const fail = totals.reduce((a, t) => a + t.fail, 0) + (failed ? 1 : 0);
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail > 0 ? 1 : 0);
