import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, openBrowser, openIntegrationsTab, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * Outbox dead letters in the integration console, against the demo hub. The trading partners'
 * outbound folders are taken away (a plain file stands where each folder was, as when a partner's
 * share is not mounted), and two orders are placed for a partner of the demo, so the purchase order
 * acknowledgements (855s) the hub writes for them fail; with short retry delays their deliveries
 * die within seconds. The operator finds one under Integrations → Outbox dead letters, reads the
 * subscriber, the error and the event, puts the folders back and replays it with a reason: it
 * leaves the dead letters, and the 855 for its order is in the partner's folder. A viewer reads the
 * other but is offered no replay or discard, and the API refuses one.
 */
let hub: Hub;
let browsing: Browsing;
let operatorKey: string;
let viewerKey: string;

interface DeadLetter {
  id: number;
  subscriber: string;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  replayCount: number;
  operatorNote: string | null;
  event: { id: string; type: string; data: { orderId: string } };
}

/** Each partner's outbound folder, where the hub writes the documents it sends. */
const outboundFolders = () => {
  const root = join(hub.dataDir, 'partners', 'edi');
  return readdirSync(root).map((partner) => join(root, partner, 'out'));
};

/** Takes the folders away: each is moved aside and a file stands in its place. */
function unmountOutboundFolders(): void {
  for (const folder of outboundFolders()) {
    if (existsSync(folder) && statSync(folder).isDirectory()) renameSync(folder, `${folder}-held`);
    writeFileSync(folder, 'the partner share is not mounted\n');
  }
}

function mountOutboundFolders(): void {
  for (const folder of outboundFolders()) {
    rmSync(folder, { force: true });
    if (existsSync(`${folder}-held`)) renameSync(`${folder}-held`, folder);
    else mkdirSync(folder, { recursive: true });
  }
}

async function deadLetters(key?: string): Promise<DeadLetter[]> {
  const res = await hub.api<{ items: DeadLetter[] }>('GET', '/v1/outbox/dead-letters?subscriber=edi.855&limit=50', undefined, key);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

/** The orders this test places, by purchase order number, once placed. */
const placed = new Map<string, string>();

/** The dead letter of the acknowledgement of the order placed with this purchase order number. */
async function deadLetterOf(po: string, key?: string): Promise<DeadLetter | undefined> {
  return (await deadLetters(key)).find((d) => d.event.data.orderId === placed.get(po));
}

before(async () => {
  // Retries moments apart (the demo's clock runs 120 times real time), so deliveries die in seconds.
  hub = await startHub({ seed: 61, config: { outbox: { retryDelayMsBase: 1_000, retryDelayMsMax: 2_000 } } });
  browsing = await openBrowser();
  operatorKey = await hub.key('ui-outbox', ['integration']);
  viewerKey = await hub.key('ui-outbox-viewer', ['viewer']);
  // An order a partner of the demo placed by EDI: the two orders below are placed like it.
  let partnerOrderId: string | undefined;
  await eventually(
    'a trading partner has placed an order',
    async () => {
      const orders = await hub.api<{ items: Array<{ id: string; partnerCode: string | null }> }>('GET', '/v1/orders?limit=200');
      partnerOrderId = orders.body.items.find((o) => o.partnerCode)?.id;
      return partnerOrderId !== undefined;
    },
    60_000,
  );
  const like = (await hub.api<{ channel: string; partnerCode: string; customerCode: string; shipToCode: string; lines: Array<{ sku: string }> }>('GET', `/v1/orders/${partnerOrderId}`)).body;
  unmountOutboundFolders();
  for (const po of ['UI-DL-1', 'UI-DL-2']) {
    const body = { channel: like.channel, partnerCode: like.partnerCode, externalOrderNumber: po, customerPo: po, customerCode: like.customerCode, shipToCode: like.shipToCode, lines: [{ lineNumber: 1, sku: like.lines[0]!.sku, quantity: 1 }] };
    const created = await hub.api<{ order: { id: string } }>('POST', '/v1/orders', body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    placed.set(po, created.body.order.id);
  }
  await eventually('both acknowledgements are dead letters', async () => (await deadLetterOf('UI-DL-1')) !== undefined && (await deadLetterOf('UI-DL-2')) !== undefined, 90_000);
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
});

test('replay an outbox dead letter: find it, read its error and event, put the folder back and replay it', { timeout: 120_000 }, async () => {
  const dead = (await deadLetterOf('UI-DL-1'))!;
  assert.equal(dead.status, 'dead');
  assert.equal(dead.attempts, 8, 'a folder that is not there is retried, the whole attempt budget');
  assert.match(dead.lastError ?? '', /out is not a folder/);
  const order = await hub.api<{ partnerCode: string }>('GET', `/v1/orders/${dead.event.data.orderId}`);
  assert.equal(order.status, 200, JSON.stringify(order.body));

  const { page } = browsing;
  await signIn(page, hub.base, operatorKey);
  await openIntegrationsTab(page, 'dead-letters', 'dead-letters');
  const row = page.locator(`[data-testid="dead-letter-table"] tr[data-row="${dead.id}"]`);
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /edi\.855/);
  assert.match(await row.innerText(), new RegExp(dead.event.type.replaceAll('.', '\\.')));
  await row.click();

  // The dead letter: its subscriber, its error and the event it carries.
  const detail = page.getByTestId('dead-letter-detail');
  await detail.waitFor();
  const shown = await detail.innerText();
  assert.match(shown, /edi\.855/);
  assert.match(shown, /dead/);
  assert.ok(shown.includes(dead.lastError!), 'the error is shown as kept');
  assert.match(await page.getByTestId('dead-letter-event').innerText(), new RegExp(dead.event.id));

  // The folders are back; replay with a reason, confirmed in the dialog.
  mountOutboundFolders();
  await page.getByTestId('replay').click();
  await page.getByTestId('replay-reason').fill('partner share mounted again');
  await page.getByTestId('confirm').click();
  await eventually('the dead letters no longer list it', async () => (await row.count()) === 0, 20_000);
  await eventually('the API no longer lists it', async () => !(await deadLetters()).some((d) => d.id === dead.id), 20_000);
  await browsing.screenshot('integrations-outbox-dead-letter');

  // Delivered: the partner's folder holds the acknowledgement of the order's purchase order.
  const po = 'UI-DL-1';
  const folder = join(hub.dataDir, 'partners', 'edi', order.body.partnerCode, 'out');
  const acknowledges = () => readdirSync(folder).some((name) => name.includes('-855-') && readFileSync(join(folder, name), 'utf8').includes(`*${po}*`));
  await eventually(`an 855 for ${po} is in ${folder}`, async () => acknowledges(), 30_000);
  await page.getByTestId('sign-out').click();
});

test('a viewer reads an outbox dead letter but is offered no replay or discard, and the API refuses a replay', { timeout: 90_000 }, async () => {
  const dead = (await deadLetterOf('UI-DL-2', viewerKey))!;
  assert.equal(dead.status, 'dead');
  const { page } = browsing;
  await signIn(page, hub.base, viewerKey);
  await page.goto(`${hub.base}/app/#/integrations?tab=dead-letters`);
  const row = page.locator(`[data-testid="dead-letter-table"] tr[data-row="${dead.id}"]`);
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.getByTestId('dead-letter-detail').waitFor();
  assert.match(await page.getByTestId('dead-letter-event').innerText(), new RegExp(dead.event.id));
  assert.equal(await page.getByTestId('replay').count(), 0);
  assert.equal(await page.getByTestId('discard').count(), 0);

  const forced = await hub.api<{ error: { code: string } }>('POST', `/v1/outbox/deliveries/${dead.id}/replay`, {}, viewerKey);
  assert.equal(forced.status, 403);
  assert.equal(forced.body.error.code, 'forbidden');
  assert.ok((await deadLetters()).some((d) => d.id === dead.id && d.replayCount === 0), 'still dead, never replayed');
  await page.getByTestId('sign-out').click();
});
