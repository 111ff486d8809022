import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openBrowser, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * The exceptions workbench against the demo hub: an order priced far off contract is put on a
 * pricing hold, which raises a pricing_variance exception in the customer_service queue. A customer
 * service user finds it in their queue, claims it and releases the hold through the workbench; the
 * API then shows the exception resolved by that action and the hold released. Another keeps a hold,
 * which needs a reason: the dialog asks for what the hub describes and the hub refuses it without.
 */
let hub: Hub;
let browsing: Browsing;
before(async () => {
  // One simulated hour per real minute: the 8-hour pricing SLA stays on track for the whole test.
  hub = await startHub({ seed: 23, speed: 1 });
  browsing = await openBrowser();
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
});

interface OrderDoc {
  id: string;
  channel: string;
  externalOrderNumber: string;
  customerCode: string;
  shipToCode?: string;
  partnerCode?: string;
  lines: Array<{ sku: string; unitPriceMinor: number }>;
  holds: Array<{ id: string; type: string; resolvedAt?: string; resolution?: string }>;
}

interface ExceptionDoc {
  id: string;
  type: string;
  state: string;
  queueRole: string;
  assignee: { name: string } | null;
  summary: { what: string };
  resolution: { outcome: string; by: string; action: string | null; reason: string; actor: { name: string } } | null;
}

/**
 * Places an order priced far below contract, from the master data of an order the simulator placed
 * (its customer, channel, ship-to and SKU), and waits for the pricing_variance exception it raises.
 */
async function pricingException(externalOrderNumber: string): Promise<{ order: OrderDoc; holdId: string; exception: ExceptionDoc }> {
  const template = await eventually(
    'the simulator placing an order with a ship-to code',
    async () => (await hub.api<{ items: OrderDoc[] }>('GET', '/v1/orders?limit=20')).body.items.find((o) => o.shipToCode && !o.partnerCode && o.lines[0]!.unitPriceMinor > 100),
    60_000,
  );
  const created = await hub.api<{ order: OrderDoc }>('POST', '/v1/orders', {
    // The customer's own channel: intake refuses a customer ordering through another.
    channel: template.channel,
    externalOrderNumber,
    customerCode: template.customerCode,
    customerPo: `PO-${externalOrderNumber}`,
    shipToCode: template.shipToCode,
    // Far below the contract price: intake places a pricing hold, owned by customer service.
    lines: [{ lineNumber: 1, sku: template.lines[0]!.sku, quantity: 2, unitPriceMinor: 1 }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const order = created.body.order;
  const hold = order.holds.find((h) => h.type === 'pricing');
  assert.ok(hold, `intake placed no pricing hold: ${JSON.stringify(order.holds)}`);
  const exception = await eventually('the pricing_variance exception being raised', async () => {
    const res = await hub.api<{ items: ExceptionDoc[] }>('GET', `/v1/exceptions?type=pricing_variance&subjectType=order_line&subjectId=${order.id}:1`);
    return res.body.items[0];
  });
  return { order, holdId: hold.id, exception };
}

test('work an exception through to resolution', { timeout: 150_000 }, async () => {
  const { order, holdId, exception } = await pricingException('UI-EXC-1');
  assert.equal(exception.queueRole, 'customer_service');
  assert.equal(exception.state, 'open');

  const key = await hub.key('ui-cs', ['customer_service']);
  const { page } = browsing;
  await signIn(page, hub.base, key);
  await page.getByTestId('nav-exceptions').click();
  await page.getByTestId('page-exceptions').waitFor();
  // The user's own queue is the default.
  assert.equal(await page.getByTestId('queue-filter').inputValue(), 'customer_service');
  await page.getByTestId('type-filter').selectOption('pricing_variance');
  const row = page.locator(`[data-testid="exception-queue"] tr[data-row="${exception.id}"]`);
  await row.waitFor({ timeout: 20_000 });
  await eventually('the SLA state shown as on track', async () => /on track/.test(await page.getByTestId(`sla-${exception.id}`).innerText()), 15_000);

  await row.click();
  const detail = page.locator(`[data-testid="exception-detail"][data-exception-id="${exception.id}"]`);
  await detail.waitFor();
  assert.match(page.url(), new RegExp(`[?&]id=${exception.id}`));
  assert.match(await detail.getByTestId('exception-summary').innerText(), /UI-EXC-1/);
  assert.match(await detail.getByTestId('exception-state').innerText(), /open/);
  // Related objects link to the dashboard's screens: the order goes to its order page.
  const orderLink = detail.locator(`[data-testid="related-links"] a[href="#/orders/${order.id}"]`).first();
  assert.equal(await orderLink.count(), 1);
  // Only the actions its type allows are offered.
  assert.equal(await detail.getByTestId('action-release_hold').count(), 1);
  assert.equal(await detail.getByTestId('action-keep_hold').count(), 1);
  assert.equal(await detail.getByTestId('action-resolve').count(), 0);

  // Claim, with confirmation.
  await detail.getByTestId('claim').click();
  await page.getByRole('dialog').getByTestId('confirm').click();
  const claimed = await eventually('the claim reaching the hub', async () => {
    const res = await hub.api<ExceptionDoc>('GET', `/v1/exceptions/${exception.id}`);
    return res.body.state === 'claimed' ? res.body : undefined;
  });
  assert.equal(claimed.assignee?.name, 'ui-cs');
  await eventually('the detail showing the claim', async () => /claimed/.test(await detail.getByTestId('exception-state').innerText()), 10_000);
  assert.match(await detail.getByTestId('exception-assignee').innerText(), /ui-cs/);
  await detail.locator('[data-testid="audit-table"] [data-what="claimed"]').waitFor({ timeout: 10_000 });
  await browsing.screenshot('exceptions');

  // Release the hold: the action that clears the condition resolves the exception.
  await detail.getByTestId('action-release_hold').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('action-reason').fill('price agreed with the buyer by phone');
  await dialog.getByTestId('confirm').click();
  const resolved = await eventually('the exception resolved in the hub', async () => {
    const res = await hub.api<ExceptionDoc>('GET', `/v1/exceptions/${exception.id}`);
    return res.body.state === 'resolved' ? res.body : undefined;
  });
  assert.equal(resolved.resolution?.by, 'action');
  assert.equal(resolved.resolution?.action, 'release_hold');
  assert.equal(resolved.resolution?.actor.name, 'ui-cs');
  const after = await hub.api<OrderDoc>('GET', `/v1/orders/${order.id}`);
  assert.equal(after.body.holds.find((h) => h.id === holdId)?.resolution, 'released');

  // The UI shows it resolved, the answer of the action, and the queue (live ones) no longer lists it.
  await eventually('the detail showing the resolution', async () => /resolved/.test(await detail.getByTestId('exception-state').innerText()), 10_000);
  assert.match(await detail.getByTestId('exception-resolution').innerText(), /release_hold/);
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await detail.getByTestId('action-release_hold').count(), 0);

  // The resolved filter finds it again, from the server.
  await page.getByTestId('state-filter').selectOption('resolved');
  await row.waitFor({ timeout: 10_000 });
  await page.getByTestId('sign-out').click();
});

test('a colleague\'s claim shows on the open exception without a reload: the page hears it from the change feed', { timeout: 120_000 }, async () => {
  const { exception } = await pricingException('UI-EXC-LIVE');
  const key = await hub.key('ui-cs-watcher', ['customer_service']);
  const colleague = await hub.key('ui-cs-colleague', ['customer_service']);
  const { page } = browsing;
  await signIn(page, hub.base, key);
  await page.getByTestId('nav-exceptions').click();
  await page.getByTestId('type-filter').selectOption('pricing_variance');
  const row = page.locator(`[data-testid="exception-queue"] tr[data-row="${exception.id}"]`);
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  const detail = page.locator(`[data-testid="exception-detail"][data-exception-id="${exception.id}"]`);
  await detail.waitFor();
  assert.match(await detail.getByTestId('exception-state').innerText(), /open/);
  // The page listens: a long poll from a known position is under way.
  await page.waitForRequest((request) => /\/v1\/changes\?after=\d+&waitMs=/.test(request.url()), { timeout: 30_000 });

  const heard = page.waitForResponse(async (response) => {
    if (!response.url().includes('/v1/changes?after=')) return false;
    const body = (await response.json().catch(() => ({ topics: [] }))) as { topics: string[] };
    return body.topics.includes('exception');
  });
  const claimed = await hub.api('POST', `/v1/exceptions/${exception.id}/claim`, {}, colleague);
  assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
  await heard;
  // While the feed is heard the page polls only every 24 s (6 × 4 s), so this shows the change came
  // from the feed (a reload within a second of hearing it), not from a poll.
  await eventually('the detail showing the colleague\'s claim', async () => /ui-cs-colleague/.test(await detail.getByTestId('exception-assignee').innerText().catch(() => '')), 10_000);
  assert.match(await detail.getByTestId('exception-state').innerText(), /claimed/);
  await page.getByTestId('sign-out').click();
});

test('a role outside the queue sees no commands, and the hub refuses its forced claim', { timeout: 60_000 }, async () => {
  const { exception: target } = await pricingException('UI-EXC-2');
  const planner = await hub.key('ui-planner', ['planner']);
  const { page } = browsing;
  await signIn(page, hub.base, planner);
  await page.goto(`${hub.base}/app/#/exceptions?queue=customer_service&id=${target.id}`);
  const detail = page.locator(`[data-testid="exception-detail"][data-exception-id="${target.id}"]`);
  await detail.waitFor();
  assert.equal(await detail.getByTestId('claim').count(), 0);
  assert.match(await detail.getByTestId('exception-actions').innerText(), /Only the customer service queue/);
  const answer = await page.evaluate(
    async ({ key, id }) => {
      const res = await fetch(`/v1/exceptions/${id}/claim`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
      return res.status;
    },
    { key: planner, id: target.id },
  );
  assert.equal(answer, 403);
  await page.getByTestId('sign-out').click();
});

test('an action that needs a reason: the dialog asks for what the hub describes, and the hub refuses it without', { timeout: 120_000 }, async () => {
  const { order, holdId, exception } = await pricingException('UI-EXC-3');
  // What the hub says keep_hold takes: a reason, required. The dialog must ask for it, and the hub must hold to it.
  const types = await hub.api<{ items: Array<{ type: string; actionDetails: Array<{ name: string; title: string; inputs: Record<string, string> }> }> }>('GET', '/v1/exception-types');
  const keepHold = types.body.items.find((t) => t.type === 'pricing_variance')?.actionDetails.find((a) => a.name === 'keep_hold');
  assert.deepEqual(keepHold?.inputs, { reason: 'required' });

  const key = await hub.key('ui-cs-keep', ['customer_service']);
  const { page } = browsing;
  await signIn(page, hub.base, key);
  await page.goto(`${hub.base}/app/#/exceptions?queue=customer_service&type=pricing_variance&id=${exception.id}`);
  const detail = page.locator(`[data-testid="exception-detail"][data-exception-id="${exception.id}"]`);
  await detail.waitFor();

  await detail.getByTestId('claim').click();
  await page.getByRole('dialog').getByTestId('confirm').click();
  await eventually('the claim reaching the hub', async () => (await hub.api<ExceptionDoc>('GET', `/v1/exceptions/${exception.id}`)).body.state === 'claimed');
  await eventually('the detail showing the claim', async () => /claimed/.test(await detail.getByTestId('exception-state').innerText()), 10_000);
  // The button is labelled with the hub's title for the action once the registry is loaded.
  await eventually('the keep hold button labelled by the hub', async () => (await detail.getByTestId('action-keep_hold').innerText()).trim() === keepHold!.title, 10_000);

  await detail.getByTestId('action-keep_hold').click();
  const dialog = page.getByRole('dialog');
  const reason = dialog.getByTestId('action-reason');
  await reason.waitFor();
  assert.match(await dialog.innerText(), /Reason \(required\)/);
  assert.equal(await dialog.getByTestId('action-promise-date').count(), 0, 'keep_hold takes no date');

  // Without the reason the hub refuses, naming the field; the dialog stays open and the attempt is recorded as refused.
  await dialog.getByTestId('confirm').click();
  const refusal = dialog.getByTestId('error');
  await refusal.waitFor({ timeout: 10_000 });
  assert.match(await refusal.innerText(), /validation_failed[\s\S]*body\.reason/);
  const refused = await hub.api<{ items: Array<{ what: string; action: string | null }> }>('GET', `/v1/exceptions/${exception.id}/audit`);
  assert.deepEqual(refused.body.items.filter((a) => a.what.startsWith('action')).map((a) => `${a.what}:${a.action}`), ['action_failed:keep_hold']);

  await reason.fill('buyer confirms the price by email tomorrow');
  await dialog.getByTestId('confirm').click();
  const kept = await eventually('keep_hold recorded with its reason', async () => {
    const trail = await hub.api<{ items: Array<{ what: string; action: string | null; detail: { reason?: string; result?: { outcome: string } }; actor: { name: string } }> }>('GET', `/v1/exceptions/${exception.id}/audit`);
    return trail.body.items.find((a) => a.what === 'action' && a.action === 'keep_hold');
  });
  assert.deepEqual([kept.detail.reason, kept.detail.result?.outcome, kept.actor.name], ['buyer confirms the price by email tomorrow', 'kept', 'ui-cs-keep']);
  // Keeping the hold is a decision, not a fix: the exception stays live and the hold stays.
  assert.equal((await hub.api<ExceptionDoc>('GET', `/v1/exceptions/${exception.id}`)).body.state, 'claimed');
  const held = await hub.api<OrderDoc>('GET', `/v1/orders/${order.id}`);
  assert.equal(held.body.holds.find((h) => h.id === holdId)?.resolvedAt, undefined);

  // The UI shows the answer and the audit line, and the dialog is gone.
  await detail.getByTestId('action-answer').waitFor({ timeout: 10_000 });
  assert.match(await detail.getByTestId('action-answer').innerText(), /keep hold.*kept/);
  await detail.locator('[data-testid="audit-table"] [data-what="action"]').waitFor({ timeout: 10_000 });
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByTestId('sign-out').click();
});
