/**
 * Touchless orders: intake (inbox, validation, credit and pricing checks) → allocation (sourcing,
 * reservations, decisions) → release (fulfillment requests), measured end to end, 8 lines on average
 * across 3 locations, with enough stock that nothing backorders. Orders are submitted in waves and
 * the outbox dispatcher is driven until every order of the wave is released.
 *
 * Run: npm run bench:orders [-- --store=sqlite|postgres] [-- --orders=N]
 * Durability: SQLite WAL, synchronous=NORMAL; PostgreSQL fsync=on, synchronous_commit=on. Every
 * step commits its own transaction.
 */
import { INVENTORY_EVENTS_MESSAGE } from '../src/domains/inventory/index.ts';
import { ORDER_INTAKE_MESSAGE } from '../src/domains/orders/index.ts';
import { fmt, openBenchHub, percentile, storesFromArgs } from './support.ts';

const ordersArg = Number(process.argv.find((a) => a.startsWith('--orders='))?.slice(9) ?? 0);
const WAVE = 50;
const SKUS = 500;
const LOCATIONS = ['DC-EAST', 'DC-WEST', 'DC-SOUTH'];

async function run(kind: 'sqlite' | 'postgres') {
  const total = ordersArg || (kind === 'sqlite' ? 1_000 : 500);
  const hub = await openBenchHub(kind, { auth: { rateLimitPerMinute: 1_000_000 } });
  const { services } = hub.app;
  try {
    await services.catalog.locations.importRecords(
      LOCATIONS.map((code) => ({ code, name: code, type: 'warehouse', region: code, sourceSystem: 'wms', postingMode: 'realtime', cutoffLocalTime: '16:00', timezone: 'America/Chicago' })),
    );
    await services.catalog.channels.importRecords([{ code: 'WEB', name: 'Web store', type: 'web_store' }]);
    const skus = Array.from({ length: SKUS }, (_, i) => `SKU-${String(i).padStart(5, '0')}`);
    await services.catalog.items.importRecords(skus.map((sku) => ({ sku, description: sku, itemClass: 'BENCH', unitCostMinor: 100, listPriceMinor: 150 })));
    await services.catalog.customers.importRecords([
      {
        code: 'BENCH',
        name: 'Bench customer',
        channels: ['WEB'],
        creditLimitMinor: 1_000_000_000_000,
        paymentTermsDays: 30,
        shipTos: [{ code: 'ST', name: 'Ship-to', address: { line1: '1 Road', city: 'Town', region: 'TX', postalCode: '75001', country: 'US' } }],
      },
    ]);
    // Stock for every SKU at every location, far more than the run can take.
    let sequence = 0;
    for (const location of LOCATIONS) {
      const events = skus.map((sku) => ({ source: `WMS-${location}`, sequence: ++sequence - LOCATIONS.indexOf(location) * SKUS, type: 'receipt', sku, locationCode: location, quantity: 1_000_000, occurredAt: new Date().toISOString() }));
      await services.inbox.receiveAndProcess({ source: 'bench', dedupeKey: `stock-${location}`, messageType: INVENTORY_EVENTS_MESSAGE, contentType: 'application/json', payload: JSON.stringify({ events }) });
    }

    let lineCount = 0;
    const latenciesMs: number[] = [];
    const start = performance.now();
    for (let w = 0; w < total / WAVE; w++) {
      const submittedAt = new Map<string, number>();
      for (let i = 0; i < WAVE; i++) {
        const n = w * WAVE + i;
        const lines = Array.from({ length: 4 + (n % 9) }, (_, l) => ({ lineNumber: l + 1, sku: skus[(n * 31 + l * 7) % SKUS]!, quantity: 1 + ((n + l) % 5) }));
        lineCount += lines.length;
        const t0 = performance.now();
        const { message } = await services.inbox.receiveAndProcess({
          source: 'bench',
          dedupeKey: `order-${n}`,
          messageType: ORDER_INTAKE_MESSAGE,
          contentType: 'application/json',
          payload: JSON.stringify({ channel: 'WEB', externalOrderNumber: `B-${n}`, customerCode: 'BENCH', shipToCode: 'ST', lines }),
        });
        if (message.status !== 'processed') throw new Error(`order ${n}: ${JSON.stringify(message.error)}`);
        submittedAt.set((message.outcome as { order: { id: string } }).order.id, t0);
      }
      // Drive allocation and release until the wave is released.
      for (let round = 0; round < 20; round++) {
        const report = await services.outbox.dispatchDue();
        void report;
        const rows = await hub.store.db.selectFrom('orders').select(['id', 'state']).where('id', 'in', [...submittedAt.keys()]).execute();
        const now = performance.now();
        for (const r of rows) {
          if (r.state === 'released' && submittedAt.has(r.id)) {
            latenciesMs.push(now - submittedAt.get(r.id)!);
            submittedAt.delete(r.id);
          }
        }
        if (submittedAt.size === 0) break;
      }
      if (submittedAt.size > 0) throw new Error(`wave ${w}: ${submittedAt.size} orders not released`);
    }
    const seconds = (performance.now() - start) / 1000;
    latenciesMs.sort((a, b) => a - b);
    console.log(
      `${kind.padEnd(8)} touchless ${fmt(total / seconds)} orders/s intake→released  (${fmt(total)} orders, ${(lineCount / total).toFixed(1)} lines avg, 3 locations, waves of ${WAVE}; ` +
        `time to released p50 ${percentile(latenciesMs, 50).toFixed(0)} ms, p99 ${percentile(latenciesMs, 99).toFixed(0)} ms — includes waiting for the wave)   target 2,000 orders/s embedded`,
    );
  } finally {
    await hub.dispose();
  }
}

for (const kind of storesFromArgs()) await run(kind);
