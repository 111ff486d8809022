/**
 * Webhook intake: Shopify `orders/create` webhooks, signed with the source's secret, posted over real
 * HTTP on loopback to `POST /v1/webhooks/shop`. Each request is verified (HMAC over the raw body),
 * kept raw in the inbox, deduplicated on its webhook id, mapped to a canonical order and taken in by
 * order intake (validation, credit and price checks) — one transaction per request. Allocation and
 * release are not part of this figure (the outbox dispatcher does not run).
 *
 * The client runs in the same process: `--connections` keep-alive connections in a closed loop. The
 * ceiling is a plain node:http server in the same process answering 200 to the same client and the
 * same signed bodies, so client and server share the CPU in both figures alike.
 *
 * Run: npm run bench:webhooks [-- --store=sqlite|postgres --requests=N --connections=N --lines=N]
 * Durability: printed (SQLite WAL, synchronous=NORMAL; PostgreSQL as the server reports).
 */
import http from 'node:http';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { signShopify } from '../src/connectors/webhooks/index.ts';
import { sampleShopifyOrder } from '../src/connectors/shopify/shopify.test-fixtures.ts';
import { fmt, openBenchHub, percentile, type BenchHub } from './support.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const REQUESTS = arg('requests', 3_000);
const CONNECTIONS = arg('connections', 16);
const LINES = arg('lines', 4);
const WARM_UP = 200;
const SKUS = 500;
const SECRET = 'bench_shopify_secret_0123456789abcdef';
const stores = (process.argv.find((a) => a.startsWith('--store='))?.slice('--store='.length) ?? 'sqlite').split(',') as Array<'sqlite' | 'postgres'>;

interface Load {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Map<number, number>;
}

/** Posts every request once over `CONNECTIONS` keep-alive connections; latency per request, rate over the whole run. */
async function load(port: number, requests: ReadonlyArray<{ body: string; headers: Record<string, string> }>): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latenciesMs: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const post = (request: { body: string; headers: Record<string, string> }) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/webhooks/shop', method: 'POST', agent, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(request.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const t0 = performance.now();
        const status = await post(request);
        latenciesMs.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  agent.destroy();
  latenciesMs.sort((a, b) => a - b);
  return { perSecond: requests.length / elapsedS, p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99), statuses };
}

async function durabilityOf(hub: BenchHub): Promise<string> {
  if (hub.store.kind === 'sqlite') {
    const journal = (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(hub.store.db)).rows[0]?.journal_mode;
    const sync = (await sql<{ synchronous: number }>`pragma synchronous`.execute(hub.store.db)).rows[0]?.synchronous;
    return `SQLite ${journal?.toUpperCase()}, synchronous=${['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync ?? -1] ?? sync}, one commit per request`;
  }
  const show = async (name: string) => (await sql.raw<Record<string, string>>(`show ${name}`).execute(hub.store.db)).rows[0]?.[name];
  return `PostgreSQL fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')}, one commit per request`;
}

/** Signed Shopify webhooks for distinct orders of `LINES` lines over the seeded SKUs, at list price. */
function signedRequests(from: number, count: number, skus: readonly string[]) {
  const template = sampleShopifyOrder();
  const item = (template.line_items as Array<Record<string, unknown>>)[0]!;
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const id = 9_000_000_000_000 + n;
    const body = JSON.stringify({
      ...template,
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#B${n}`,
      order_number: n,
      line_items: Array.from({ length: LINES }, (_, l) => ({ ...item, id: id * 100 + l, sku: skus[(n * 31 + l * 7) % skus.length], price: '1.50', quantity: 1 + ((n + l) % 5) })),
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': signShopify(SECRET, body),
        'x-shopify-webhook-id': `bench-${n}`,
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': 'bench.myshopify.com',
      },
    };
  });
}

async function ceiling(requests: ReadonlyArray<{ body: string; headers: Record<string, string> }>): Promise<Load> {
  const answer = JSON.stringify({ result: 'accepted', messageId: '0', status: 'processed', outcome: null });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await load((server.address() as AddressInfo).port, requests);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function run(kind: 'sqlite' | 'postgres') {
  const hub = await openBenchHub(kind, {
    webhooks: {
      sources: { shop: { scheme: 'shopify', secrets: [SECRET], orderDefaults: { channelCode: 'WEB', customerCode: 'BENCH', shipToCode: 'ST' } } },
      // The limiter still runs on every request; its limit is raised so it is not what is measured.
      rateLimitPerMinute: 1_000_000_000,
    },
  });
  const label = kind.padEnd(8);
  try {
    const { services } = hub.app;
    await services.catalog.channels.importRecords([{ code: 'WEB', name: 'Web store', type: 'web_store' }]);
    const skus = Array.from({ length: SKUS }, (_, i) => `SKU-${String(i).padStart(5, '0')}`);
    await services.catalog.items.importRecords(skus.map((sku) => ({ sku, description: sku, itemClass: 'BENCH', unitCostMinor: 100, listPriceMinor: 150 })));
    await services.catalog.customers.importRecords([
      {
        code: 'BENCH',
        name: 'Web customers',
        channels: ['WEB'],
        creditLimitMinor: 1_000_000_000_000,
        paymentTermsDays: 0,
        shipTos: [{ code: 'ST', name: 'Web orders', address: { line1: '1 Road', city: 'Town', region: 'TX', postalCode: '75001', country: 'US' } }],
      },
    ]);
    const address = await hub.app.http.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const durability = await durabilityOf(hub);

    await load(port, signedRequests(0, WARM_UP, skus));
    const requests = signedRequests(WARM_UP, REQUESTS, skus);
    const measured = await load(port, requests);
    const created = Number((await hub.store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const ceil = await ceiling(requests);
    const statuses = [...measured.statuses.entries()].map(([s, n]) => `${s}×${fmt(n)}`).join(' ');
    console.log(
      `${label} webhook intake (Shopify orders/create, ${LINES} lines, HMAC-verified, inbox + order intake) ${fmt(measured.perSecond)} req/s  p50 ${measured.p50Ms.toFixed(1)} ms  p99 ${measured.p99Ms.toFixed(1)} ms` +
        `   (${fmt(REQUESTS)} requests, answers ${statuses}, ${fmt(created)} orders in the store)` +
        `   ceiling (plain node:http, same client, same bodies) ${fmt(ceil.perSecond)} req/s p99 ${ceil.p99Ms.toFixed(1)} ms` +
        `   ${CONNECTIONS} keep-alive connections, client in process   durability: ${durability}   load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    );
    if (created !== REQUESTS + WARM_UP) throw new Error(`expected ${REQUESTS + WARM_UP} orders, found ${created}`);
  } finally {
    await hub.dispose();
  }
}

for (const kind of stores) await run(kind);
