import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openBrowser, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * The ATP explorer and the SKU page against the demo hub with the simulator running. The SKU is one
 * the test adds to master data, so nothing else moves its stock: every number the page shows is the
 * effect of the inventory events the test posts through the public API while the page is open.
 */
let hub: Hub;
let browsing: Browsing;
const sku = 'UIATP-1';
const source = 'ui-test-wms';
let sequence = 0;

before(async () => {
  hub = await startHub({ seed: 21 });
  browsing = await openBrowser();
  const created = await hub.api('POST', '/v1/items', {
    sku,
    description: 'Dashboard test widget',
    baseUnit: 'EA',
    packSizes: [{ unit: 'CA', quantity: 12 }],
    status: 'active',
    itemClass: 'BREAKROOM',
    unitCostMinor: 250,
    listPriceMinor: 399,
    currency: 'USD',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
});

/** Posts one event from the test's own source, next in its sequence, as a WMS would. */
async function postEvent(event: { type: string; locationCode: string; quantity: number; reference: string }) {
  const now = await hub.api<{ asOf: string }>('GET', `/v1/availability/${sku}`);
  sequence += 1;
  const res = await hub.api<{ status: string; outcome: { applied: number } }>('POST', '/v1/inventory/events', {
    events: [{ source, sequence, sku, occurredAt: now.body.asOf, ...event }],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.outcome.applied, 1, JSON.stringify(res.body));
}

const text = (testId: string) => browsing.page.getByTestId(testId).innerText();

test('see ATP change after an inventory event, and the ledger movement on the SKU page', { timeout: 120_000 }, async () => {
  const { page } = browsing;
  await signIn(page, hub.base, hub.adminKey);
  await page.getByTestId('nav-inventory').click();
  await page.getByTestId('page-inventory').waitFor();

  // Find the SKU by the start of its code, as a planner would, and open its availability.
  await page.getByTestId('sku-query').fill('UIATP');
  await page.getByTestId('sku-query-submit').click();
  await page.locator(`[data-testid="sku-results"] tr[data-row="${sku}"]`).click();
  await page.getByTestId('atp-network').waitFor();
  assert.equal(await text('atp-network-value'), '0');
  assert.equal(await page.getByTestId('atp-row-DC-WEST').count(), 0, 'no position before any event');
  assert.match(page.url(), new RegExp(`sku=${sku}`));

  // A marker on the window proves the page was not reloaded while the numbers changed.
  await page.evaluate(() => ((globalThis as unknown as { __kept: boolean }).__kept = true));
  await postEvent({ type: 'receipt', locationCode: 'DC-WEST', quantity: 40, reference: 'ASN-UI-1' });
  await eventually('the explorer shows the received units as ATP', async () => (await page.getByTestId('atp-DC-WEST').count()) > 0 && (await text('atp-DC-WEST')) === '40', 20_000);
  assert.equal(await text('onhand-DC-WEST'), '40');
  assert.equal(await text('atp-network-value'), '40');
  assert.equal(await page.evaluate(() => (globalThis as unknown as { __kept?: boolean }).__kept), true, 'the page was reloaded');
  // Freshness and confidence per source come with every location.
  await page.getByTestId(`source-DC-WEST-wms-dc-west`).or(page.locator('[data-testid^="source-DC-WEST-"]')).first().waitFor();
  assert.match(await page.getByTestId('atp-row-DC-WEST').innerText(), /conf \d/);

  // The location filter narrows the answer; the address keeps it.
  await page.getByTestId('atp-location').selectOption('DC-WEST');
  await eventually('the filter is in the address', async () => page.url().includes('location=DC-WEST'));
  await page.getByTestId('atp-location').selectOption('');
  await eventually('the filter is cleared', async () => !page.url().includes('location='));
  // A "by" date is shown as the date asked; each location says up to when it counted inbound supply.
  await page.getByTestId('atp-date').fill('2030-01-15');
  // textContent: the label's style sets it in capitals.
  await eventually('the date is asked', async () => (await page.getByTestId('atp-by-date').count()) > 0 && (await page.getByTestId('atp-by-date').textContent()) === 'By 2030-01-15', 20_000);
  assert.match((await page.getByTestId('atp-by-date-DC-WEST').getAttribute('title')) ?? '', /^Inbound supply counted up to /);
  assert.equal(await text('atp-by-date-DC-WEST'), '40', 'no inbound supply: ATP by date is ATP');
  await page.getByTestId('atp-date').fill('');
  await eventually('the date is cleared', async () => (await page.getByTestId('atp-by-date').count()) === 0);
  await page.getByTestId('atp-DC-WEST').waitFor();
  await browsing.screenshot('inventory-explorer');

  // The SKU page: item facts, ATP and the ledger movement the receipt made.
  await page.getByTestId('open-sku').click();
  await page.getByTestId('page-sku').waitFor();
  await eventually('the item facts are shown', async () => /Dashboard test widget/.test(await text('sku-facts')));
  const movements = page.locator('[data-testid="movements"] tbody tr');
  await movements.first().waitFor();
  const first = await movements.first().innerText();
  assert.match(first, /ASN-UI-1/);
  assert.match(first, /\+40/);
  assert.match(first, /DC-WEST/);

  // A shipment while the SKU page is open: the ledger and ATP follow without a reload.
  await postEvent({ type: 'ship', locationCode: 'DC-WEST', quantity: 15, reference: 'SHIP-UI-1' });
  await eventually('the shipment appears in the ledger', async () => /SHIP-UI-1/.test(await movements.first().innerText()), 20_000);
  assert.match(await movements.first().innerText(), /-15/);
  assert.equal(await movements.count(), 2);
  await eventually('ATP follows the shipment', async () => (await text('atp-DC-WEST')) === '25', 20_000);
  const api = await hub.api<{ locations: Array<{ locationCode: string; atp: number }> }>('GET', `/v1/availability/${sku}`);
  assert.equal(api.body.locations.find((l) => l.locationCode === 'DC-WEST')?.atp, 25, 'the page shows what the API says');

  // Stock held for an order shows among the SKU's reservations and comes off ATP.
  const held = await hub.api('POST', '/v1/reservations', { orderId: '01950000-0000-7000-8000-0000000000a1', lineNumber: 1, sku, locationCode: 'DC-WEST', quantity: 5 });
  assert.equal(held.status, 201, JSON.stringify(held.body));
  const reservations = page.locator('[data-testid="reservations"] tbody tr');
  await eventually('the reservation appears on the SKU page', async () => (await reservations.count()) === 1 && /01950000-0000-7000-8000-0000000000a1/.test(await reservations.first().innerText()), 20_000);
  await eventually('ATP counts the reservation', async () => (await text('atp-DC-WEST')) === '20', 20_000);
  await browsing.screenshot('sku-page');
});
