import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigInput } from '../config.ts';
import type { Clock } from '../platform/clock.ts';
import type { Random } from '../platform/random.ts';
import { carriers } from './actors/carriers.actor.ts';
import { ediPartners } from './actors/edi-partners.actor.ts';
import { erp } from './actors/erp.actor.ts';
import { insideSales } from './actors/inside-sales.actor.ts';
import { suppliers } from './actors/suppliers.actor.ts';
import { warehouses } from './actors/warehouses.actor.ts';
import { webStore } from './actors/web-store.actor.ts';
import { createDemandModel } from './demand.rules.ts';
import type { HubClient } from './hub-client.ts';
import { generateMasterData, type MasterData } from './master-data.generator.ts';
import { emptyStats, makeCall, PhysicalStock, type FeedEvent, type SimContext, type SimFolders, type SimKeys, type SimStats } from './sim-context.ts';
import { simRandom, type SimRandom } from './sim-random.ts';

/**
 * The simulated distributor network around one hub: master data generated from the seed and loaded
 * through the import API, and the actors (warehouses, carriers, ERP, suppliers, EDI partners, the web
 * store, inside sales) stepped on the hub's own clock. `step()` reads the hub's event feed, hands the
 * events to the actors that listen, then lets every actor do what fell due since the previous step,
 * in a fixed order, one request at a time.
 */
export interface NetworkOptions {
  seed: number;
  skus: number;
  salesCustomers: number;
  ediPartners: number;
  ordersPerDay: number;
  /** How far ahead promotions are planned. */
  days: number;
  /** Where the partners' watched folders live. */
  root: string;
}

export const defaultNetworkOptions = { skus: 2_000, salesCustomers: 300, ediPartners: 4, ordersPerDay: 400, days: 30 } as const;

export const WEB_SOURCE = 'web-store';

/** The model and the hub configuration it needs: the partners' x12 folders, the legacy WMS's snapshot folder, the web store's webhook source. */
export function prepareNetwork(options: NetworkOptions, random: Random, webSecret: string): { model: MasterData; r: SimRandom; config: ConfigInput; folders: SimFolders } {
  const r = simRandom(random);
  const model = generateMasterData(r, options);
  const ediFolders = model.ediPartners.map((p) => ({ name: `edi-${p.code.toLowerCase()}`, kind: 'x12' as const, path: join(options.root, 'edi', p.code), partnerCode: p.code }));
  const legacy = { name: 'legacy-wms-east', kind: 'csv-inventory-snapshot' as const, path: join(options.root, 'legacy-wms-east') };
  const folders: SimFolders = { ediIn: new Map(ediFolders.map((f) => [f.partnerCode, join(f.path, 'in')])), legacySnapshotIn: join(legacy.path, 'in') };
  for (const dir of [...folders.ediIn.values(), folders.legacySnapshotIn]) mkdirSync(dir, { recursive: true });
  const config: ConfigInput = {
    files: { folders: [...ediFolders, legacy] },
    webhooks: { sources: { [WEB_SOURCE]: { scheme: 'shopify', secrets: [webSecret], orderDefaults: { channelCode: model.web.channelCode, customerCode: model.web.customerCode, shipToCode: model.web.shipToCode } } } },
  };
  return { model, r, config, folders };
}

export interface Network {
  ctx: SimContext;
  stats: SimStats;
  /** Creates the systems' API keys, loads master data, opening stock and replenishment parameters. */
  setUp(): Promise<void>;
  step(): Promise<void>;
}

const IMPORT_ORDER: Array<[keyof MasterData, string]> = [
  ['locations', 'locations'],
  ['items', 'items'],
  ['channels', 'channels'],
  ['tradingPartners', 'trading-partners'],
  ['customers', 'customers'],
  ['suppliers', 'suppliers'],
  ['carriers', 'carriers'],
];

export function createNetwork(deps: {
  hub: HubClient;
  clock: Clock;
  adminKey: string;
  options: NetworkOptions;
  prepared: ReturnType<typeof prepareNetwork>;
  webSecret: string;
  say?: (line: string) => void;
}): Network {
  const { hub, clock, prepared } = deps;
  const stats = emptyStats();
  const call = makeCall(hub, stats);
  const keys: SimKeys = { admin: deps.adminKey, wms: '', salesDesk: '', erp: '', carriers: '', procurement: '', feed: '' };
  const ctx: SimContext = {
    clock,
    r: prepared.r,
    model: prepared.model,
    demand: createDemandModel(prepared.r, { ordersPerDay: deps.options.ordersPerDay, skusByPopularity: prepared.model.skusByPopularity, startMs: clock.now(), days: deps.options.days }),
    keys,
    folders: prepared.folders,
    stock: new PhysicalStock(),
    stats,
    webStore: { source: WEB_SOURCE, secret: deps.webSecret },
    call,
    say: deps.say ?? (() => undefined),
  };
  const wh = warehouses();
  const cr = carriers(clock.now(), prepared.r);
  const sup = suppliers();
  const actors = [wh, cr, erp(), sup, ediPartners(), webStore(), insideSales()];
  let feedAfter = 0;
  let lastStepMs = clock.now();

  async function makeKey(name: string, roles: string[]): Promise<string> {
    const res = await call(keys.admin, { method: 'POST', url: '/v1/api-keys', body: { name, roles, rateLimitPerMinute: 1_000_000 } }, [201]);
    if (res.status !== 201) throw new Error(`could not create the simulator's key ${name}: ${res.body}`);
    return res.json().secret;
  }

  async function readFeed(): Promise<FeedEvent[]> {
    const events: FeedEvent[] = [];
    for (;;) {
      const res = await call(keys.feed, { method: 'GET', url: `/v1/events?after=${feedAfter}&limit=1000` });
      if (res.status !== 200) return events;
      const page = res.json<{ items: FeedEvent[]; nextAfter: number }>();
      events.push(...page.items);
      if (page.nextAfter === feedAfter || page.items.length === 0) return events;
      feedAfter = page.nextAfter;
    }
  }

  return {
    ctx,
    stats,
    async setUp() {
      keys.wms = await makeKey('simulated warehouses', ['warehouse', 'integration']);
      keys.salesDesk = await makeKey('simulated inside sales', ['customer_service']);
      keys.erp = await makeKey('simulated ERP', ['finance', 'integration']);
      keys.carriers = await makeKey('simulated carriers', ['integration']);
      keys.procurement = await makeKey('simulated purchasing', ['procurement', 'planner']);
      keys.feed = await makeKey('simulated event-feed reader', ['viewer']);
      for (const [field, path] of IMPORT_ORDER) {
        const records = prepared.model[field] as unknown[];
        const res = await call(keys.admin, { method: 'POST', url: `/v1/${path}/import`, body: { records } });
        if (res.status !== 200) throw new Error(`importing ${path} failed: ${res.body.slice(0, 1_000)}`);
        const counts = res.json();
        if (counts.errors?.length) throw new Error(`importing ${path} had errors: ${JSON.stringify(counts.errors.slice(0, 5))}`);
      }
      await wh.openingStock(ctx);
      await sup.setUp(ctx);
      lastStepMs = clock.now();
    },
    async step() {
      const now = clock.now();
      for (const event of await readFeed()) for (const actor of actors) actor.onEvent?.(ctx, event);
      for (const actor of actors) {
        await actor.step(ctx, lastStepMs, now);
        if (actor === wh) cr.handOver(wh.takeShipped(), ctx);
      }
      lastStepMs = now;
    },
  };
}
