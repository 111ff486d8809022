import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../platform/db/migrator.ts';
import { openStore, type Executor, type Store } from '../platform/db/store.ts';
import { runBaseline, defaultAssumptions, type BaselineAssumptions, type BaselineInput } from './baseline.model.ts';
import { computeMetrics, HOUR_MS, type ComparisonMetrics, type ExceptionOutcome, type OrderOutcome } from './baseline.rules.ts';
import { WAREHOUSES } from './master-data.generator.ts';
import { runSimulation, SIMULATION_START_MS, type SimulationOptions } from './run.ts';

/**
 * Baseline versus Crossdock: one seeded hub run (`runSimulation`), then the same orders, opening
 * stock and supplier receipts, read back from the hub's store, worked by the disconnected model.
 * The demand is read back rather than drawn again because the network's one random stream also
 * serves the warehouses and carriers, whose draws depend on what the hub did; a second draw of the
 * demand alone would give other orders. Both sides are reduced to the same records and measured
 * by the same `computeMetrics`.
 */
export interface ComparisonOptions extends Omit<SimulationOptions, 'store' | 'afterStep'> {
  assumptions?: Partial<BaselineAssumptions>;
  /** A migrated store for the hub run (tests give one); by default a temporary SQLite file. */
  store?: Store;
}

export interface ComparisonReport {
  seed: number;
  days: number;
  network: Record<string, number>;
  assumptions: BaselineAssumptions;
  disconnected: ComparisonMetrics;
  crossdock: ComparisonMetrics;
}

/** A small network by default, so the hub side finishes in a minute or two. */
export const defaultComparisonNetwork = { skus: 300, salesCustomers: 60, ediPartners: 2, ordersPerDay: 300 } as const;

/** The exception types about orders; carrier delays and inventory-feed exceptions are left out on both sides. */
export const ORDER_EXCEPTION_TYPES = ['credit_hold', 'stock_shortage', 'substitution_approval', 'pricing_variance', 'invalid_order', 'short_shipment'];

export async function compareWithBaseline(options: ComparisonOptions): Promise<ComparisonReport> {
  const root = mkdtempSync(join(tmpdir(), 'crossdock-baseline-'));
  const ownStore = options.store === undefined;
  const store = options.store ?? openStore({ kind: 'sqlite', sqlitePath: join(root, 'hub.db') });
  try {
    if (ownStore) await migrateToLatest(store);
    const { assumptions: overrides, store: _store, ...rest } = options;
    const network = { ...defaultComparisonNetwork, ...rest };
    const run = await runSimulation({ ...network, store });
    const endMs = SIMULATION_START_MS + options.days * 24 * HOUR_MS;
    const settledBeforeMs = endMs - 6 * HOUR_MS;
    const hub = await readHub(store.db);
    const assumptions = { ...defaultAssumptions, ...overrides };
    const input: BaselineInput = {
      seed: options.seed,
      startMs: SIMULATION_START_MS,
      endMs,
      locations: WAREHOUSES.map((w) => w.code),
      openingStock: hub.openingStock,
      receipts: hub.receipts,
      orders: hub.orders.map((o) => ({ id: o.id, channel: o.channel, receivedAtMs: o.receivedAtMs, lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.ordered })) })),
    };
    const baseline = runBaseline(input, assumptions);
    return {
      seed: run.seed,
      days: run.days,
      network: { skus: network.skus, salesCustomers: network.salesCustomers, ediPartners: network.ediPartners, ordersPerDay: network.ordersPerDay },
      assumptions,
      disconnected: computeMetrics(baseline.orders, baseline.exceptions.filter((e) => ORDER_EXCEPTION_TYPES.includes(e.type)), settledBeforeMs, endMs),
      crossdock: computeMetrics(hub.orders, hub.exceptions, settledBeforeMs, endMs),
    };
  } finally {
    if (ownStore) await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The hub's side, reduced to the comparison's records from its own tables. */
export async function readHub(db: Executor): Promise<{ orders: OrderOutcome[]; exceptions: ExceptionOutcome[]; openingStock: BaselineInput['openingStock']; receipts: BaselineInput['receipts'] }> {
  const orders = await db.selectFrom('orders').select(['id', 'channel', 'received_at']).orderBy('received_at').orderBy('id').execute();
  const lines = await db.selectFrom('order_lines').select(['order_id', 'line_number', 'sku', 'ordered_quantity', 'shipped_quantity']).orderBy('order_id').orderBy('line_number').execute();
  const releases = await db.selectFrom('fulfillment_requests').select(['order_id', 'state', 'released_at', 'document']).execute();
  const shipments = await db.selectFrom('shipments').select(['order_id', 'shipped_at']).execute();
  const invoices = await db.selectFrom('invoices').select(['order_id', 'issued_at']).execute();
  const exceptions = await db.selectFrom('exceptions').select(['type', 'subject_type', 'subject_id', 'raised_at', 'closed_at']).where('type', 'in', ORDER_EXCEPTION_TYPES).execute();
  const receiptRows = await db.selectFrom('inventory_movements').select(['location_code', 'sku', 'd_on_hand', 'occurred_at', 'reference']).where('type', '=', 'receipt').orderBy('seq').execute();

  const byOrder = new Map<string, OrderOutcome>();
  const outcomes: OrderOutcome[] = orders.map((o) => {
    const outcome: OrderOutcome = { id: o.id, channel: o.channel, receivedAtMs: Number(o.received_at), releasedAtMs: null, lastShippedAtMs: null, invoicedAtMs: null, touched: false, lines: [] };
    byOrder.set(o.id, outcome);
    return outcome;
  });
  const lineIndex = new Map<string, number>();
  for (const l of lines) {
    const o = byOrder.get(l.order_id);
    if (!o) continue;
    lineIndex.set(`${l.order_id}#${l.line_number}`, o.lines.length);
    o.lines.push({ sku: l.sku, ordered: Number(l.ordered_quantity), released: 0, shipped: Number(l.shipped_quantity) });
  }
  for (const r of releases) {
    const o = byOrder.get(r.order_id);
    if (!o) continue;
    const at = Number(r.released_at);
    o.releasedAtMs = o.releasedAtMs === null ? at : Math.min(o.releasedAtMs, at);
    // Only requests the warehouse has shipped count as released units: one still in the warehouse is not yet short.
    if (r.state !== 'shipped') continue;
    const doc = JSON.parse(r.document) as { lines?: Array<{ lineNumber: number; quantity: number }> };
    for (const l of doc.lines ?? []) {
      const i = lineIndex.get(`${r.order_id}#${l.lineNumber}`);
      if (i !== undefined) o.lines[i]!.released += Number(l.quantity);
    }
  }
  const latest = (current: number | null, at: number) => (current === null ? at : Math.max(current, at));
  for (const s of shipments) {
    const o = byOrder.get(s.order_id);
    if (o) o.lastShippedAtMs = latest(o.lastShippedAtMs, Number(s.shipped_at));
  }
  for (const inv of invoices) {
    const o = byOrder.get(inv.order_id);
    if (o) o.invoicedAtMs = latest(o.invoicedAtMs, Number(inv.issued_at));
  }
  for (const e of exceptions) {
    const o = e.subject_type === 'order' ? byOrder.get(e.subject_id) : undefined;
    if (o && (o.releasedAtMs === null || Number(e.raised_at) <= o.releasedAtMs)) o.touched = true;
  }
  const openingStock: Array<{ location: string; sku: string; quantity: number }> = [];
  const receipts: Array<{ atMs: number; location: string; sku: string; quantity: number }> = [];
  for (const m of receiptRows) {
    const entry = { location: m.location_code, sku: m.sku, quantity: Number(m.d_on_hand) };
    if (m.reference === 'opening-stock') openingStock.push(entry);
    else receipts.push({ atMs: Number(m.occurred_at), ...entry });
  }
  return {
    orders: outcomes,
    exceptions: exceptions.map((e) => ({ type: e.type, raisedAtMs: Number(e.raised_at), closedAtMs: e.closed_at === null ? null : Number(e.closed_at) })),
    openingStock,
    receipts,
  };
}
