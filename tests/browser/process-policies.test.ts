import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openBrowser, signIn, startHub, type Browsing, type Hub } from './harness.ts';

/**
 * The process and policies screens against the demo hub: the process map draws exactly the
 * activities and edges the API reports for the same window, a KPI sliced by channel shows one bar
 * per group the API returns; an admin proposes a new policy version through the editor (after the
 * hub's validation errors are shown by path), compares it with the version in force, activates it
 * and the API then reports it active; a planner sees no activate control and the hub refuses the
 * planner's forced activation.
 */
let hub: Hub;
let browsing: Browsing;
before(async () => {
  // A fast clock and a moderate order rate, so orders ship (a longer map) within a minute of real time.
  hub = await startHub({ seed: 17, speed: 10, ordersPerDay: 240 });
  browsing = await openBrowser();
});
after(async () => {
  await browsing?.close();
  await hub?.stop();
});

interface MapAnswer {
  objects: number;
  activities: Array<{ name: string; count: number }>;
  edges: Array<{ from: string; to: string; count: number }>;
}

interface KpiAnswer {
  kpis: Array<{ kpi: string; groups?: Array<{ key: string }>; series?: Array<{ value: number | null }> }>;
}

test('the process map draws the API\'s activities and edges, and a KPI by channel shows one bar per group', { timeout: 120_000 }, async () => {
  const { page } = browsing;
  await signIn(page, hub.base, hub.adminKey);
  await page.goto(`${hub.base}/app/#/process?window=24h&edges=all&kpi=order_to_release_time&by=channel&interval=hour`);
  await page.getByTestId('page-process').waitFor();

  // Orders flow in from the simulator; refresh until the map has a real path through it.
  await eventually(
    'a process map with orders shipped (at least six activities)',
    async () => {
      await page.getByTestId('process-refresh').click();
      await page.waitForTimeout(1_500);
      return (await page.getByTestId('process-node').count()) >= 6;
    },
    75_000,
  );

  // The process log takes events in a moment after they happen, so an API read of the same window
  // made later can count a few more; compare page and API until one refresh catches a quiet moment.
  const summary = page.getByTestId('map-summary');
  let from = '';
  let to = '';
  let map: { status: number; body: MapAnswer } | undefined;
  let attempts = 0;
  const readNodes = () => page.getByTestId('process-node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-activity')}:${e.getAttribute('data-count')}`));
  const readEdges = () => page.getByTestId('process-edge').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}→${e.getAttribute('data-to')}:${e.getAttribute('data-count')}`));
  let nodes: string[] = [];
  let edges: string[] = [];
  await eventually(
    'the drawn map to match the API answer for the same window',
    async () => {
      attempts++;
      const before = await summary.getAttribute('data-to');
      if (attempts > 1) {
        await page.getByTestId('process-refresh').click();
        await eventually('a new answer', async () => (await summary.getAttribute('data-to')) !== before, 10_000);
      }
      from = (await summary.getAttribute('data-from'))!;
      to = (await summary.getAttribute('data-to'))!;
      nodes = (await readNodes()).sort();
      edges = (await readEdges()).sort();
      map = await hub.api<MapAnswer>('GET', `/v1/process/map?objectType=order&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&rank=p90&limit=20`);
      const apiNodes = map.body.activities.map((a) => `${a.name}:${a.count}`).sort();
      const apiEdges = map.body.edges.map((e) => `${e.from}→${e.to}:${e.count}`).sort();
      return JSON.stringify([nodes, edges]) === JSON.stringify([apiNodes, apiEdges]);
    },
    40_000,
  );
  console.log(`map matched after ${attempts} attempt(s): ${nodes.length} nodes, ${edges.length} edges`);
  assert.equal(map!.status, 200);
  assert.equal(nodes.length, map!.body.activities.length);
  assert.equal(edges.length, map!.body.edges.length);
  // Rare edges can be left out of the drawing; the nodes stay, and the page says how many edges it hid.
  await page.getByTestId('map-edges').selectOption('5');
  const objects = map!.body.objects;
  const threshold = Math.ceil((objects * 5) / 100);
  const frequent = map!.body.edges.filter((e) => e.count >= threshold).map((e) => `${e.from}→${e.to}:${e.count}`).sort();
  await eventually('only edges followed by 5 % of the orders', async () => JSON.stringify((await readEdges()).sort()) === JSON.stringify(frequent), 10_000);
  assert.equal(await page.getByTestId('process-node').count(), map!.body.activities.length);
  if (frequent.length < map!.body.edges.length) assert.match(await page.getByTestId('edges-hidden').innerText(), new RegExp(`${map!.body.edges.length - frequent.length} rare`));
  await page.getByTestId('map-edges').selectOption('all');

  // The window is 24 hours back from the hub's own "now", not the browser's clock.
  assert.equal(new Date(to).getTime() - new Date(from).getTime(), 24 * 3_600_000);
  assert.ok(map!.body.edges.length >= 2);
  // The variants list shows what the hub ranked.
  assert.ok((await page.getByTestId('variant').count()) >= 1);

  // KPI drill-down by channel: one bar per group the API returns for the same window.
  const value = page.getByTestId('kpi-value');
  await value.waitFor();
  await eventually('the KPI answer for the same window', async () => (await value.getAttribute('data-to')) === to, 20_000);
  assert.equal(await value.getAttribute('data-by'), 'channel');
  const kpi = await hub.api<KpiAnswer>('GET', `/v1/process/kpis?kpi=order_to_release_time&by=channel&interval=hour&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  assert.equal(kpi.status, 200);
  const groups = kpi.body.kpis[0]!.groups ?? [];
  assert.ok(groups.length >= 1, 'orders were released in the window, so at least one channel has a figure');
  const bars = await page.locator('[data-testid="kpi-groups"] .bar-label').allInnerTexts();
  assert.equal(bars.length, groups.length);
  assert.deepEqual(bars.map((b) => b.replace(/ \(\d+\)$/, '')), groups.map((g) => g.key));
  // The trend line plots the buckets that have a value.
  const withValue = (kpi.body.kpis[0]!.series ?? []).filter((s) => s.value !== null).length;
  // (A bucket the log had not yet filled when the page asked may have a value by now, never the reverse.)
  const plotted = Number(await page.getByTestId('kpi-trend').getAttribute('data-points'));
  assert.ok(plotted >= 1 && plotted <= withValue, `plotted ${plotted} of ${withValue} buckets with a value`);
  assert.match(await page.getByTestId('kpi-definition').innerText(), /first release − received/);

  // A slice the KPI does not have is never offered (the hub would answer 400).
  await page.getByTestId('kpi-select').selectOption('inventory_sync_latency');
  await eventually('the by-selector offers only source', async () => {
    const options = await page.locator('[data-testid="kpi-by"] option').allInnerTexts();
    return options.join(',') === '(no slice),Source';
  });
  await page.getByTestId('kpi-select').selectOption('order_to_release_time');
  await page.locator('[data-testid="kpi-groups"]').waitFor();
  await browsing.screenshot('process');

  // Another window is measured back from the hub's clock as well.
  await page.getByTestId('window-7d').click();
  await eventually('the 7-day window', async () => {
    const f = await summary.getAttribute('data-from');
    const t = await summary.getAttribute('data-to');
    return !!f && !!t && new Date(t).getTime() - new Date(f).getTime() === 7 * 24 * 3_600_000;
  });
});

interface VersionList {
  items: Array<{ version: number; status: string; comment: string | null; document: Record<string, unknown> }>;
}

test('an admin proposes a policy version in the editor, sees the diff, activates it, and the API reports it active', { timeout: 90_000 }, async () => {
  const { page } = browsing;
  await page.goto(`${hub.base}/app/#/policies?kind=credit`);
  await page.getByTestId('policy-kind-credit').waitFor();
  assert.match(await page.getByTestId('policy-kind-active-credit').innerText(), /defaults/i);

  await page.getByTestId('policy-edit').click();
  const editor = page.getByTestId('policy-editor');
  const original = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
  assert.equal(original.holdSlaHours, 4, 'the editor starts from the defaults in force');

  // An invalid document: the hub's validation errors appear with their exact paths.
  await editor.fill(JSON.stringify({ ...original, holdSlaHours: 0, surprise: true }, null, 2));
  await page.getByTestId('policy-propose').click();
  const error = page.getByTestId('policy-editor-card').getByTestId('error');
  await error.waitFor();
  const errorText = await error.innerText();
  assert.match(errorText, /validation_failed/);
  assert.match(errorText, /body\.document\.holdSlaHours/);
  assert.match(errorText, /body\.document\.surprise/);
  let list = await hub.api<VersionList>('GET', '/v1/policies/credit');
  assert.equal(list.body.items.length, 0, 'nothing was stored for the refused proposal');

  // A valid copy with one change.
  await editor.fill(JSON.stringify({ ...original, holdSlaHours: 6 }, null, 2));
  await page.getByTestId('policy-comment').fill('Give finance six hours');
  await page.getByTestId('policy-propose').click();
  await page.getByTestId('policy-notice').waitFor();
  list = await hub.api<VersionList>('GET', '/v1/policies/credit');
  assert.equal(list.body.items.length, 1);
  const created = list.body.items[0]!;
  assert.equal(created.status, 'draft');
  assert.equal(created.comment, 'Give finance six hours');
  assert.equal(created.document.holdSlaHours, 6);
  await eventually('the new version listed as a draft', async () => {
    const status = page.getByTestId(`policy-status-${created.version}`);
    return (await status.count()) === 1 && /draft/.test(await status.innerText());
  });

  // The diff against the defaults in force shows exactly the changed field.
  const rows = page.locator('[data-testid="policy-diff"] [data-testid="diff-row"]');
  await eventually('the diff shows one change', async () => (await rows.count()) === 1);
  assert.equal(await rows.first().getAttribute('data-path'), 'holdSlaHours');
  const rowText = await rows.first().innerText();
  assert.match(rowText, /changed/);
  assert.match(rowText, /4/);
  assert.match(rowText, /6/);

  // Activate, with confirmation.
  await page.getByTestId(`activate-${created.version}`).click();
  await page.getByRole('dialog').waitFor();
  await page.getByTestId('confirm').click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await eventually('the version shows as active', async () => /active/.test(await page.getByTestId(`policy-status-${created.version}`).innerText()));
  const active = await hub.api<{ version: number; status: string; document: Record<string, unknown> }>('GET', '/v1/policies/credit/active');
  assert.equal(active.body.version, created.version);
  assert.equal(active.body.status, 'active');
  assert.equal(active.body.document.holdSlaHours, 6);
  assert.equal(await page.getByTestId(`activate-${created.version}`).count(), 0, 'an active version offers no activate button');
  // The kinds table reloads after the activation; its label follows once that answer is in.
  await eventually('the kinds table names the active version', async () =>
    new RegExp(`v${created.version}`).test(await page.getByTestId('policy-kind-active-credit').innerText()),
  );
  await browsing.screenshot('policies');
  await page.getByTestId('sign-out').click();
});

test('a planner sees no activate or edit controls, and the hub refuses the planner\'s forced activation', { timeout: 60_000 }, async () => {
  // A draft the planner could try to activate.
  const proposed = await hub.api<{ version: number }>('POST', '/v1/policies/pricing', { document: { varianceToleranceRatio: 0.02, holdSlaHours: 8 }, comment: 'wider tolerance' });
  assert.equal(proposed.status, 201);
  const planner = await hub.key('ui-planner', ['planner']);
  const { page } = browsing;
  await signIn(page, hub.base, planner);
  await page.goto(`${hub.base}/app/#/policies?kind=pricing`);
  await page.getByTestId(`policy-status-${proposed.body.version}`).waitFor();
  assert.match(await page.getByTestId(`policy-status-${proposed.body.version}`).innerText(), /draft/);
  assert.equal(await page.getByTestId(`activate-${proposed.body.version}`).count(), 0);
  assert.equal(await page.getByTestId('policy-edit').count(), 0);
  // The planner can still read the diff.
  await page.locator('[data-testid="policy-diff"] [data-testid="diff-row"]').first().waitFor();

  const answer = await page.evaluate(
    async ({ key, version }) => {
      const res = await fetch(`/v1/policies/pricing/${version}/activate`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    },
    { key: planner, version: proposed.body.version },
  );
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'forbidden');
  const still = await hub.api<{ version: number; status: string }>('GET', '/v1/policies/pricing/active');
  assert.equal(still.body.status, 'default');
  await page.getByTestId('sign-out').click();
});
