import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './config.ts';

const noFile = join(tmpdir(), 'crossdock-no-such-config.json');

test('defaults give an embedded hub on loopback with no set-up', () => {
  const config = loadConfig({ env: { CROSSDOCK_CONFIG: undefined }, file: undefined });
  assert.equal(config.store.kind, 'sqlite');
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.http.port, 8080);
});

test('environment variables override the file, which overrides defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossdock-config-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ http: { port: 9000, host: '0.0.0.0' }, log: { level: 'warn' } }));
  const config = loadConfig({ file, env: { CROSSDOCK_HTTP_PORT: '9100' } });
  assert.equal(config.http.port, 9100);
  assert.equal(config.http.host, '0.0.0.0');
  assert.equal(config.log.level, 'warn');
});

test('a bad value names the key, what is wrong and where it came from', () => {
  assert.throws(
    () => loadConfig({ file: undefined, env: { CROSSDOCK_HTTP_PORT: '70000' } }),
    (e: unknown) => e instanceof ConfigError && /http\.port: .*65535.*\[from env CROSSDOCK_HTTP_PORT\]/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ env: { CROSSDOCK_HTTP_PORT: 'eighty' } }),
    (e: unknown) => e instanceof ConfigError && /CROSSDOCK_HTTP_PORT: expected a whole number, got "eighty"/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ env: { CROSSDOCK_AUTH_BOOTSTRAP_ADMIN_KEY: 'maybe' } }),
    (e: unknown) => e instanceof ConfigError && /expected true or false/.test(e.message),
  );
});

test('unknown keys, a missing named file and postgres without a URL are refused', () => {
  assert.throws(
    () => parseConfig({ http: { prot: 1 } }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('http.prot'),
  );
  assert.throws(
    () => loadConfig({ file: noFile, env: {} }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('does not exist'),
  );
  assert.throws(
    () => parseConfig({ store: { kind: 'postgres' } }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('store.postgresUrl'),
  );
});

test('a config file that is not JSON is reported with its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossdock-config-'));
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{ "http": ');
  assert.throws(
    () => loadConfig({ file, env: {} }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('broken.json: not valid JSON'),
  );
});
