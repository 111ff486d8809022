import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../config.ts';
import { webhookSecretsEnvName } from './webhooks.config.ts';

const configFile = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'crossdock-webhooks-')), 'c.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};
const shopSource = { scheme: 'shopify', orderDefaults: { channelCode: 'WEB', customerCode: 'CUST-WEB' } };

test('a source’s secrets come from the environment, current first then previous, and never appear in errors', () => {
  assert.equal(webhookSecretsEnvName('my-shop'), 'CROSSDOCK_WEBHOOK_SECRETS_MY_SHOP');
  const file = configFile({ webhooks: { sources: { 'my-shop': shopSource } } });
  const config = loadConfig({ file, env: { CROSSDOCK_WEBHOOK_SECRETS_MY_SHOP: 'new-secret-0123456789, old-secret-0123456789' } });
  assert.deepEqual(config.webhooks.sources['my-shop']!.secrets, ['new-secret-0123456789', 'old-secret-0123456789']);

  assert.throws(
    () => loadConfig({ file, env: { CROSSDOCK_WEBHOOK_SECRETS_MY_SHOP: 'tiny-s3cr3t' } }),
    (e: unknown) => e instanceof ConfigError && /webhooks\.sources\.my-shop\.secrets\.0: a webhook secret needs at least 16 characters/.test(e.message) && !e.message.includes('tiny-s3cr3t'),
  );
  assert.throws(
    () => loadConfig({ file, env: {} }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('webhooks.sources.my-shop.secrets'),
    'a source without a secret does not start',
  );
  assert.throws(
    () => loadConfig({ file, env: { CROSSDOCK_WEBHOOK_SECRETS_MY_SHOP: 'a-secret-0123456789', CROSSDOCK_WEBHOOK_SECRETS_MY_SHOPP: 'a-secret-0123456789' } }),
    (e: unknown) => e instanceof ConfigError && /CROSSDOCK_WEBHOOK_SECRETS_MY_SHOPP: names no source/.test(e.message),
  );
});

test('at most two secrets; a Shopify source needs its order defaults; source names are URL-safe', () => {
  const secrets = ['a-secret-0123456789', 'b-secret-0123456789'];
  assert.throws(() => parseConfig({ webhooks: { sources: { shop: { ...shopSource, secrets: [...secrets, 'c-secret-0123456789'] } } } }), ConfigError);
  assert.throws(
    () => parseConfig({ webhooks: { sources: { shop: { scheme: 'shopify', secrets } } } }),
    (e: unknown) => e instanceof ConfigError && e.message.includes('webhooks.sources.shop.orderDefaults'),
  );
  assert.throws(() => parseConfig({ webhooks: { sources: { 'My Shop': { ...shopSource, secrets } } } }), ConfigError);
  const parsed = parseConfig({ webhooks: { sources: { partner: { scheme: 'crossdock', secrets } } } });
  assert.deepEqual([parsed.webhooks.allowPrivateTargets, parsed.webhooks.timestampToleranceSeconds], [false, 300]);
});
