import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openBrowser, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * Orders against the demo hub: a person searches by the customer PO the simulator sent, opens the
 * order and reads its lines and timeline, and the screens show what the API answers for the same
 * order (quantities, the events from intake to release).
 */
let hub: Hub;
let browsing: Browsing;
before(async () => {
  hub = await startHub({ seed: 31, speed: 2 });
  browsing = await openBrowser();
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
});

interface OrderDoc {
  id: string;
  channel: string;
  shipToCode?: string;
  partnerCode?: string;
  holds: Array<{ id: string; type: string; resolution?: string; resolvedBy?: string }>;
  externalOrderNumber: string;
  customerCode: string;
  customerPo?: string;
  state: string;
  lines: Array<{ lineNumber: number; sku: string; orderedQuantity: number; allocatedQuantity: number; unitPriceMinor: number }>;
}

interface TimelineDoc {
  items: Array<{ id: string; activity: string }>;
}

test('find an order and read its timeline', { timeout: 120_000 }, async () => {
  // An order the simulator placed that has gone through allocation and release, with a customer PO.
  const order = await eventually(
    'the simulator placing an order that is released',
    async () => (await hub.api<{ items: OrderDoc[] }>('GET', '/v1/orders?state=released&limit=20')).body.items.find((o) => o.customerPo),
    60_000,
  );
  const po = order.customerPo!;
  const matches = (await hub.api<{ items: OrderDoc[] }>('GET', `/v1/orders?q=${encodeURIComponent(po)}&limit=50`)).body.items;
  assert.ok(matches.some((o) => o.id === order.id), 'the API finds the order by its customer PO');
  const timeline = await eventually('the timeline holding intake and release', async () => {
    const res = await hub.api<TimelineDoc>('GET', `/v1/orders/${order.id}/timeline?limit=100`);
    const activities = res.body.items?.map((t) => t.activity) ?? [];
    return activities.includes('Order received') && activities.includes('Order released') ? res.body : undefined;
  });

  const key = await hub.key('ui-cs-orders', ['customer_service']);
  const { page } = browsing;
  await signIn(page, hub.base, key);
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('page-orders').waitFor();
  // Before searching, the newest orders are listed.
  await page.locator('[data-testid="order-list"] tbody tr').first().waitFor({ timeout: 20_000 });
  await page.getByTestId('order-search').fill(po);
  await page.getByTestId('order-search-submit').click();
  await eventually('the search in the address', async () => page.url().includes(`q=${encodeURIComponent(po)}`), 5_000);
  const row = page.locator(`[data-testid="order-list"] tr[data-row="${order.id}"]`);
  await row.waitFor({ timeout: 15_000 });
  // The list is the server's answer for the same search, nothing more.
  await eventually('the list showing the API\'s matches only', async () => (await page.locator('[data-testid="order-list"] tbody tr').count()) === matches.length, 10_000);
  assert.match(await row.innerText(), new RegExp(order.externalOrderNumber));
  await browsing.screenshot('orders');

  await row.click();
  await page.getByTestId('page-order').waitFor();
  assert.ok(page.url().includes(`#/orders/${order.id}`));
  await page.getByTestId('order-header').waitFor();
  const header = await page.getByTestId('order-header').innerText();
  assert.match(header, new RegExp(order.customerCode));
  assert.match(header, new RegExp(po));
  assert.match(await page.getByTestId('order-heading').innerText(), new RegExp(order.externalOrderNumber));
  const lines = page.locator('[data-testid="order-lines"] tbody tr');
  assert.equal(await lines.count(), order.lines.length);
  const first = order.lines[0]!;
  const firstRow = page.locator(`[data-testid="order-lines"] tr[data-line="${first.lineNumber}"]`);
  assert.match(await firstRow.innerText(), new RegExp(first.sku));
  assert.equal((await firstRow.locator('[data-qty="ordered"]').innerText()).replaceAll(',', ''), String(first.orderedQuantity));
  await browsing.screenshot('order');

  await page.getByTestId('tab-timeline').click();
  await page.locator('[data-testid="order-timeline"] tbody tr').first().waitFor({ timeout: 15_000 });
  assert.ok(page.url().includes('tab=timeline'));
  const shown = await page.locator('[data-testid="order-timeline"] [data-activity]').evaluateAll((els) => els.map((e) => e.getAttribute('data-activity')));
  // Oldest first, as the API answers: intake comes before release.
  assert.equal(shown[0], timeline.items[0]!.activity);
  assert.ok(shown.includes('Order received'), `timeline shows ${shown.join(', ')}`);
  assert.ok(shown.includes('Order released'), `timeline shows ${shown.join(', ')}`);
  assert.ok(shown.indexOf('Order received') < shown.indexOf('Order released'));
  await browsing.screenshot('order-timeline');

  // Sourcing decisions with their reasons.
  await page.getByTestId('tab-decisions').click();
  await page.locator('[data-testid="order-decisions"] [data-decision-kind="sourcing"]').first().waitFor({ timeout: 15_000 });
  assert.ok((await page.locator('[data-testid="order-decisions"] .reasons li').count()) > 0);
  await page.getByTestId('sign-out').click();
});

test('the list sorts on the server, and a hold is released from the order page', { timeout: 90_000 }, async () => {
  const key = await hub.key('ui-cs-holds', ['customer_service']);
  const { page } = browsing;
  await signIn(page, hub.base, key);
  await page.goto(`${hub.base}/app/#/orders`);
  await page.getByTestId('order-sort').selectOption('oldest');
  const oldest = (await hub.api<{ items: OrderDoc[] }>('GET', '/v1/orders?sort=oldest&limit=1')).body.items[0]!;
  await eventually('the oldest order first', async () => (await page.locator('[data-testid="order-list"] tbody tr').first().getAttribute('data-row')) === oldest.id, 10_000);

  // An order priced far off contract waits on a pricing hold owned by customer service.
  const template = (await hub.api<{ items: OrderDoc[] }>('GET', '/v1/orders?limit=20')).body.items.find((o) => o.shipToCode && !o.partnerCode)!;
  const created = await hub.api<{ order: OrderDoc }>('POST', '/v1/orders', {
    channel: template.channel,
    externalOrderNumber: 'UI-HOLD-1',
    customerCode: template.customerCode,
    shipToCode: template.shipToCode,
    lines: [{ lineNumber: 1, sku: template.lines[0]!.sku, quantity: 1, unitPriceMinor: 1 }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const order = created.body.order;
  const hold = order.holds.find((h) => h.type === 'pricing')!;
  assert.ok(hold, 'intake placed a pricing hold');

  // Found by its external number.
  await page.getByTestId('order-search').fill('UI-HOLD-1');
  await page.getByTestId('order-search-submit').click();
  await page.locator(`[data-testid="order-list"] tr[data-row="${order.id}"]`).click();
  await page.getByTestId('order-holds').waitFor();
  await page.getByTestId(`release-${hold.id}`).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('hold-reason').fill('price confirmed with the buyer');
  await dialog.getByTestId('confirm').click();
  const released = await eventually('the hold released in the hub', async () => {
    const res = await hub.api<OrderDoc>('GET', `/v1/orders/${order.id}`);
    const h = res.body.holds.find((x) => x.id === hold.id);
    return h?.resolution === 'released' ? h : undefined;
  });
  assert.match(released.resolvedBy ?? '', /ui-cs-holds|key:/);
  await eventually('the page showing it released', async () => /released/.test(await page.locator(`[data-testid="order-holds"] tr[data-hold="${hold.id}"]`).innerText()), 10_000);
  assert.equal(await page.getByTestId(`release-${hold.id}`).count(), 0);
  await page.getByTestId('sign-out').click();
});

test('a backordered line shows when its units are expected, as the API estimates it', { timeout: 90_000 }, async () => {
  // An item nobody stocks, so an order for it waits for supply.
  const sku = 'UI-BO-ITEM';
  const item = await hub.api('POST', '/v1/items', { sku, description: 'Backorder estimate item', itemClass: 'UI-TEST', unitCostMinor: 100, listPriceMinor: 150 });
  assert.equal(item.status, 201, JSON.stringify(item.body));
  const templates = (await hub.api<{ items: OrderDoc[] }>('GET', '/v1/orders?limit=50')).body.items.filter((o) => o.shipToCode && !o.partnerCode);
  let template: OrderDoc | undefined;
  for (const candidate of templates) {
    const customer = await hub.api<{ acceptsBackorders: boolean }>('GET', `/v1/customers/${candidate.customerCode}`);
    if (customer.body.acceptsBackorders) {
      template = candidate;
      break;
    }
  }
  assert.ok(template, 'a customer of the demo that accepts backorders');
  const created = await hub.api<{ order: OrderDoc }>('POST', '/v1/orders', {
    channel: template.channel,
    externalOrderNumber: 'UI-BACKORDER-1',
    customerCode: template.customerCode,
    shipToCode: template.shipToCode,
    lines: [{ lineNumber: 1, sku, quantity: 3 }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const orderId = created.body.order.id;
  await eventually('the order backordered', async () => (await hub.api<OrderDoc>('GET', `/v1/orders/${orderId}`)).body.state === 'backordered', 30_000);

  // Ten units on their way on a purchase order.
  const location = (await hub.api<{ items: Array<{ code: string; sellable: boolean }> }>('GET', '/v1/locations?limit=100')).body.items.find((l) => l.sellable)!;
  const supplier = (await hub.api<{ items: Array<{ code: string }> }>('GET', '/v1/suppliers?limit=1')).body.items[0]!;
  const po = await hub.api<{ purchaseOrder: { id: string } }>('POST', '/v1/purchase-orders', { poNumber: 'UI-BO-PO', supplierCode: supplier.code, locationCode: location.code, lines: [{ lineNumber: 1, sku, quantity: 10 }] });
  assert.equal(po.status, 201, JSON.stringify(po.body));
  assert.equal((await hub.api('POST', `/v1/purchase-orders/${po.body.purchaseOrder.id}/send`)).status, 200);
  assert.equal((await hub.api('POST', `/v1/purchase-orders/${po.body.purchaseOrder.id}/ship`, { expectedDate: '2030-06-01' })).status, 200);
  const waiting = await eventually('the API estimating the line', async () => {
    const res = await hub.api<{ items: Array<{ orderId: string; lineNumber: number; expectedAvailableAt: string | null; coveredBy: string | null }> }>('GET', `/v1/backorders?sku=${sku}`);
    return res.body.items.find((w) => w.orderId === orderId && w.coveredBy === 'po:UI-BO-PO');
  });
  assert.match(waiting.expectedAvailableAt ?? '', /^2030-0[56]-/);

  const key = await hub.key('ui-cs-backorders', ['customer_service']);
  const { page } = browsing;
  await signIn(page, hub.base, key);
  await page.goto(`${hub.base}/app/#/orders/${orderId}`);
  const estimate = page.getByTestId('backorder-estimate-1');
  await estimate.waitFor({ timeout: 20_000 });
  assert.match(await estimate.innerText(), /^expected .+ \(po:UI-BO-PO\)$/);
  await browsing.screenshot('order-backorder-estimate');
  await page.getByTestId('sign-out').click();

  // A planner's Backorders screen: the SKU's waiting lines in rank order, with the same estimate,
  // and allocation by hand (nothing is in stock yet, so nothing is tried).
  const plannerKey = await hub.key('ui-planner-backorders', ['planner']);
  await signIn(page, hub.base, plannerKey);
  await page.getByTestId('nav-backorders').click();
  await page.getByTestId('page-backorders').waitFor();
  await page.getByTestId('backorders-sku').fill(sku);
  await page.getByTestId('backorders-sku-submit').click();
  const row = page.locator(`[data-testid="backorder-list"] tr[data-row="${orderId}:1"]`);
  await row.waitFor({ timeout: 20_000 });
  const ranked = (await hub.api<{ items: Array<{ orderId: string }> }>('GET', `/v1/backorders?sku=${sku}`)).body.items.map((w) => w.orderId);
  const shown = await page.locator('[data-testid="backorder-list"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')!.split(':')[0]));
  assert.deepEqual(shown, ranked, 'the lines in the order the API ranks them');
  assert.match(await row.innerText(), /UI-BACKORDER-1[\s\S]*po:UI-BO-PO/);
  assert.notEqual(await row.getByTestId('backorder-expected').innerText(), 'no supply known');
  await page.getByTestId('allocate-backorders').click();
  await page.getByRole('dialog').getByTestId('confirm').click();
  await eventually('the attempts reported', async () => (await page.getByTestId('backorder-attempts').count()) > 0 && /nothing was tried/.test(await page.getByTestId('backorder-attempts').innerText()), 10_000);
  await browsing.screenshot('backorders');
  await page.getByTestId('sign-out').click();
});
