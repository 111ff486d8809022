import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openBrowser, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * The integration console against the demo hub with the simulator running. A failed message is made
 * deterministically: an inventory snapshot for a location master data does not know is kept in the
 * inbox as `failed`. The operator finds it from its connector's recent failures, reads the raw
 * payload, corrects the location and replays it with confirmation; the API then shows it processed,
 * the edit audited and the stock counted. A viewer reads the same message but is offered no command.
 */
let hub: Hub;
let browsing: Browsing;
let operatorKey: string;
let viewerKey: string;
const sku = 'UIDLQ-1';

before(async () => {
  hub = await startHub({ seed: 31 });
  browsing = await openBrowser();
  operatorKey = await hub.key('ui-integration', ['integration']);
  viewerKey = await hub.key('ui-viewer', ['viewer']);
  const created = await hub.api('POST', '/v1/items', {
    sku,
    description: 'Dead letter test widget',
    baseUnit: 'EA',
    packSizes: [],
    status: 'active',
    itemClass: 'BREAKROOM',
    unitCostMinor: 100,
    listPriceMinor: 180,
    currency: 'USD',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
});

/** Posts a snapshot the hub keeps but cannot process (unknown location); returns the inbox message. */
async function failedSnapshot(locationCode: string, onHand: number): Promise<{ id: string; source: string }> {
  const now = await hub.api<{ asOf: string }>('GET', `/v1/availability/${sku}`);
  const res = await hub.api<{ error: { code: string; details: Array<{ path: string; message: string }> } }>('POST', '/v1/inventory/snapshots', {
    source: 'ui-legacy-wms',
    locationCode,
    asOf: now.body.asOf,
    counts: [{ sku, onHand }],
  });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  const pointer = res.body.error.details.find((d) => d.path === 'messageId')!.message;
  const id = /\/v1\/inbox\/(\S+)/.exec(pointer)![1]!;
  const message = await hub.api<{ status: string; source: string }>('GET', `/v1/inbox/${id}`);
  assert.equal(message.body.status, 'failed');
  return { id, source: message.body.source };
}

test('replay a dead letter: find the failed message, read its raw payload, correct it and replay it', { timeout: 120_000 }, async () => {
  const failed = await failedSnapshot('DC-NOWHERE', 12);
  const { page } = browsing;
  await signIn(page, hub.base, operatorKey);
  await page.getByTestId('nav-integrations').click();
  await page.getByTestId('page-integrations').waitFor();

  // The connector the message came through is failing, and its recent failures lead to the message.
  const row = page.locator(`[data-testid="connector-table"] tr[data-row="inbox-source/${failed.source}"]`);
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /failing|degraded/);
  await browsing.screenshot('integrations');
  await row.click();
  await eventually('the address keeps the connector', async () => page.url().includes('kind=inbox-source') && page.url().includes('name='));
  await page.getByTestId('connector-detail').waitFor();
  await page.getByTestId(`failure-${failed.id}`).click();

  // The message: its error and raw payload as received.
  const detail = page.getByTestId('message-detail');
  await detail.waitFor();
  assert.match(page.url(), new RegExp(`message=${failed.id}`));
  assert.equal(await page.getByTestId('message-status').innerText(), 'failed');
  assert.match(await page.getByTestId('message-error').innerText(), /no location DC-NOWHERE/);
  assert.match(await page.getByTestId('raw-payload').innerText(), /"locationCode": "DC-NOWHERE"/);
  await browsing.screenshot('message-detail');

  // Correct the location and replay, confirming in the dialog with a reason for the audit.
  await page.getByTestId('edit-payload').click();
  const editor = page.getByTestId('payload-editor');
  const corrected = (await editor.inputValue()).replace('DC-NOWHERE', 'DC-WEST');
  await editor.fill(corrected);
  await page.getByTestId('replay').click();
  await page.getByTestId('replay-reason').fill('location code typo in the WMS export');
  await page.getByTestId('confirm').click();
  await eventually('the page shows the message processed', async () => (await page.getByTestId('message-status').innerText()) === 'processed', 20_000);
  await page.locator('[data-testid="replays"] tbody tr').first().waitFor();

  // The API agrees: processed, the edit kept beside the payload first received, the replay audited.
  const message = await hub.api<{ status: string; edited: boolean; payload: string; originalPayload: string; replayCount: number }>('GET', `/v1/inbox/${failed.id}`);
  assert.equal(message.body.status, 'processed');
  assert.equal(message.body.edited, true);
  assert.equal(message.body.replayCount, 1);
  assert.match(message.body.payload, /DC-WEST/);
  assert.match(message.body.originalPayload, /DC-NOWHERE/);
  const replays = await hub.api<{ items: Array<{ edited: boolean; reason: string; statusBefore: string }> }>('GET', `/v1/inbox/${failed.id}/replays`);
  assert.equal(replays.body.items.length, 1);
  assert.deepEqual(
    { edited: replays.body.items[0]!.edited, reason: replays.body.items[0]!.reason, statusBefore: replays.body.items[0]!.statusBefore },
    { edited: true, reason: 'location code typo in the WMS export', statusBefore: 'failed' },
  );
  const stock = await hub.api<{ locations: Array<{ locationCode: string; buckets: { onHand: number } }> }>('GET', `/v1/availability/${sku}`);
  assert.equal(stock.body.locations.find((l) => l.locationCode === 'DC-WEST')?.buckets.onHand, 12, 'the corrected snapshot was counted');

  // The list no longer offers it among the failed messages.
  await page.getByTestId('inbox-status').selectOption('failed');
  await eventually('the failed list no longer holds the message', async () => (await page.locator(`[data-testid="inbox-table"] tr[data-row="${failed.id}"]`).count()) === 0, 15_000);
  await page.getByTestId('sign-out').click();
});

test('a viewer reads failed messages and their payloads but is offered no replay or discard, and the API refuses one', { timeout: 90_000 }, async () => {
  const failed = await failedSnapshot('DC-ATLANTIS', 3);
  const { page } = browsing;
  await signIn(page, hub.base, viewerKey);
  await page.goto(`${hub.base}/app/#/integrations?tab=inbox&message=${failed.id}`);
  await page.getByTestId('message-detail').waitFor();
  assert.equal(await page.getByTestId('message-status').innerText(), 'failed');
  assert.match(await page.getByTestId('raw-payload').innerText(), /DC-ATLANTIS/);
  await page.locator(`[data-testid="inbox-table"] tr[data-row="${failed.id}"]`).waitFor();
  assert.equal(await page.getByTestId('replay').count(), 0);
  assert.equal(await page.getByTestId('discard').count(), 0);
  assert.equal(await page.getByTestId('edit-payload').count(), 0);
  const forced = await hub.api<{ error: { code: string } }>('POST', `/v1/inbox/${failed.id}/replay`, {}, viewerKey);
  assert.equal(forced.status, 403);
  assert.equal(forced.body.error.code, 'forbidden');
  await page.getByTestId('sign-out').click();

  // The operator discards it, saying why; the hub keeps the reason.
  await signIn(page, hub.base, operatorKey);
  await page.goto(`${hub.base}/app/#/integrations?tab=inbox&message=${failed.id}`);
  await page.getByTestId('discard').click();
  await page.getByTestId('discard-reason').fill('test location, never existed');
  await page.getByTestId('confirm').click();
  await eventually('the page shows the message discarded', async () => (await page.getByTestId('message-status').innerText()) === 'discarded', 15_000);
  const message = await hub.api<{ status: string; operatorNote: string }>('GET', `/v1/inbox/${failed.id}`);
  assert.equal(message.body.status, 'discarded');
  assert.match(message.body.operatorNote, /never existed/);
});
