import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * What the browser tests run against: the real hub started as `crossdock demo` (the simulated
 * distributor network driving it over HTTP, files and webhooks) and Debian's Chromium driven by
 * playwright-core. Nothing is mocked; the dashboard talks to the hub's public API as in production.
 */
export interface Hub {
  base: string;
  adminKey: string;
  /** Creates an API key with the roles given and returns its secret. */
  key(name: string, roles: string[]): Promise<string>;
  /** Calls the API as admin (or with the key given), for set-up and for checking what the UI did. */
  api<T = unknown>(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: T }>;
  output(): string;
  /** The demo's own directory: its database and the partners' folders (`<dataDir>/partners`). */
  dataDir: string;
  stop(): Promise<void>;
}

const bin = new URL('../../bin/crossdock.js', import.meta.url).pathname;
export const screenshotDir = new URL('../../test-results/screenshots/', import.meta.url).pathname;

export function chromiumPath(): string | undefined {
  const candidates = [process.env.CROSSDOCK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p));
}

/**
 * `config`, when given, is written as the hub's config file (JSON, merged over the defaults and
 * under the CROSSDOCK_* variables, as in production), e.g. `{ webhooks: { allowHttpTargets: true } }`.
 */
export async function startHub(
  options: { seed?: number; speed?: number; ordersPerDay?: number; skus?: number; env?: Record<string, string>; config?: object } = {},
): Promise<Hub> {
  const dir = mkdtempSync(join(tmpdir(), 'crossdock-ui-'));
  let configFile = '';
  if (options.config !== undefined) {
    configFile = join(dir, 'crossdock.test-config.json');
    writeFileSync(configFile, JSON.stringify(options.config, null, 2));
  }
  const env = { ...process.env, CROSSDOCK_HTTP_PORT: '0', CROSSDOCK_CONFIG: configFile, CROSSDOCK_LOG_LEVEL: 'warn', ...options.env };
  const args = [
    bin, 'demo',
    '--speed', String(options.speed ?? 2),
    '--skus', String(options.skus ?? 150),
    '--orders-per-day', String(options.ordersPerDay ?? 600),
    '--seed', String(options.seed ?? 5),
    '--data-dir', join(dir, 'demo'),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { env, cwd: dir });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!(/API docs\s+(http:\/\/\S+)\/docs/.test(out) && /Admin API key\s+(\S+)/.test(out))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      assert.fail(`the demo did not start; output:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const base = /API docs\s+(http:\/\/\S+)\/docs/.exec(out)![1]!;
  const adminKey = /Admin API key\s+(\S+)/.exec(out)![1]!;
  const api: Hub['api'] = async (method, path, body, key) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key ?? adminKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as never };
  };
  return {
    base,
    adminKey,
    api,
    async key(name, roles) {
      const res = await api<{ secret: string }>('POST', '/v1/api-keys', { name, roles });
      assert.equal(res.status, 201, `creating key ${name}: ${JSON.stringify(res.body)}`);
      return res.body.secret;
    },
    output: () => out,
    dataDir: join(dir, 'demo'),
    async stop() {
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
      if (code === 'timeout') child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Browsing {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot under test-results/screenshots/<name>.png. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with the flags a closed network needs: without the background
 * networking switches it keeps trying to reach Google's hosts.
 */
export async function openBrowser(): Promise<Browsing> {
  const executablePath = chromiumPath();
  assert.ok(executablePath, 'Chromium is not installed: apt-get install chromium (or set CROSSDOCK_CHROMIUM)');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  mkdirSync(screenshotDir, { recursive: true });
  return {
    browser,
    context,
    page,
    async screenshot(name) {
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}

/** Signs in through the sign-in form, as a person would, and waits for the overview. */
export async function signIn(page: Page, base: string, credential: string): Promise<void> {
  // Each test starts signed out, whatever the test before it left behind: a test that fails
  // before its own sign-out must not make the next one fail too.
  await page.goto(`${base}/app/`);
  await page.evaluate(() => (globalThis as unknown as { sessionStorage: { clear(): void } }).sessionStorage.clear());
  await page.reload();
  await page.getByTestId('credential').fill(credential);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('who').waitFor();
}

/** Opens a tab of the integration console from the navigation, as a signed-in person would, and waits for its section. */
export async function openIntegrationsTab(page: Page, tab: string, section: string): Promise<void> {
  await page.getByTestId('nav-integrations').click();
  await page.getByTestId('page-integrations').waitFor();
  await page.getByTestId(`tab-${tab}`).click();
  await page.getByTestId(section).waitFor();
}

/** Polls until `until` holds, failing with `what` after `ms`. */
export async function eventually<T>(what: string, until: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await until();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
