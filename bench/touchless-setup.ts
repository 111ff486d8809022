import { INVENTORY_EVENTS_MESSAGE } from '../src/domains/inventory/index.ts';
import { ORDER_INTAKE_MESSAGE } from '../src/domains/orders/index.ts';
import type { App } from '../src/app.ts';

/**
 * The touchless benchmarks' world: 500 SKUs stocked far beyond any run at three locations, one web
 * customer, and orders of 4 to 12 lines (8 on average) spread over the SKUs.
 */
const SKUS = 500;
const LOCATIONS = ['DC-EAST', 'DC-WEST', 'DC-SOUTH'];
const skus = Array.from({ length: SKUS }, (_, i) => `SKU-${String(i).padStart(5, '0')}`);

export async function seedTouchless(services: App['services']): Promise<void> {
  await services.catalog.locations.importRecords(
    LOCATIONS.map((code) => ({ code, name: code, type: 'warehouse', region: code, sourceSystem: 'wms', postingMode: 'realtime', cutoffLocalTime: '16:00', timezone: 'America/Chicago' })),
  );
  await services.catalog.channels.importRecords([{ code: 'WEB', name: 'Web store', type: 'web_store' }]);
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
  let sequence = 0;
  for (const location of LOCATIONS) {
    const events = skus.map((sku) => ({ source: `WMS-${location}`, sequence: ++sequence - LOCATIONS.indexOf(location) * SKUS, type: 'receipt', sku, locationCode: location, quantity: 1_000_000, occurredAt: new Date().toISOString() }));
    await services.inbox.receiveAndProcess({ source: 'bench', dedupeKey: `stock-${location}`, messageType: INVENTORY_EVENTS_MESSAGE, contentType: 'application/json', payload: JSON.stringify({ events }) });
  }
}

/** Order `n`, its line count, and the inbox message that takes it in. */
function touchlessOrder(n: number): { lines: number; payload: string } {
  const lines = Array.from({ length: 4 + (n % 9) }, (_, l) => ({ lineNumber: l + 1, sku: skus[(n * 31 + l * 7) % SKUS]!, quantity: 1 + ((n + l) % 5) }));
  return { lines: lines.length, payload: JSON.stringify({ channel: 'WEB', externalOrderNumber: `B-${n}`, customerCode: 'BENCH', shipToCode: 'ST', lines }) };
}

/** Takes order `n` in through the inbox, as a channel's message would arrive. */
export async function submitTouchless(services: App['services'], n: number): Promise<{ orderId: string; lines: number }> {
  const { lines, payload } = touchlessOrder(n);
  const { message } = await services.inbox.receiveAndProcess({ source: 'bench', dedupeKey: `order-${n}`, messageType: ORDER_INTAKE_MESSAGE, contentType: 'application/json', payload });
  if (message.status !== 'processed') throw new Error(`order ${n}: ${JSON.stringify(message.error)}`);
  return { orderId: (message.outcome as { order: { id: string } }).order.id, lines };
}
