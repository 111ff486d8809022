import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type App } from '../app.ts';
import { parseConfig, type Config } from '../config.ts';
import { AcceleratedClock } from '../platform/clock.ts';
import { migrateToLatest } from '../platform/db/migrator.ts';
import { openStore } from '../platform/db/store.ts';
import { uuidV7Generator } from '../platform/ids.ts';
import { cryptoRandom, seededRandom } from '../platform/random.ts';
import { fetchClient } from './hub-client.ts';
import { createNetwork, defaultNetworkOptions, prepareNetwork, type Network, type NetworkOptions } from './network.ts';

/**
 * The demo: the hub on its own embedded database with the simulated network running against it over
 * real HTTP, on an accelerated clock that the hub and the network share (so timers, SLAs and the
 * legacy WMS's hourly snapshot all move at the same pace). It keeps running until stopped.
 */
export interface DemoOptions {
  /** Simulated milliseconds per real millisecond; 60 is one simulated hour per real minute. */
  factor: number;
  seed: number;
  /** The demo's own directory: its database and the partners' folders. Emptied at start. */
  dataDir: string;
  /** Real milliseconds between network steps. */
  stepRealMs?: number;
  network?: Partial<Omit<NetworkOptions, 'seed' | 'root'>>;
  say?: (line: string) => void;
}

export interface Demo {
  app: App;
  address: string;
  adminKey: string;
  clock: AcceleratedClock;
  network: Network;
  stop(): Promise<void>;
}

/** The next weekday 08:00 UTC from now: the demo opens on a working morning, when orders come in. */
export function demoStartMs(nowMs: number): number {
  const d = new Date(nowMs);
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 8);
  while ([0, 6].includes(new Date(start).getUTCDay())) start += 86_400_000;
  return start;
}

export async function startDemo(base: Config, options: DemoOptions): Promise<Demo> {
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const networkOptions: NetworkOptions = { ...defaultNetworkOptions, ...options.network, seed: options.seed, root: join(options.dataDir, 'partners') };
  const webSecret = `shpss_demo_${Buffer.from(cryptoRandom.next().toString()).toString('hex').slice(0, 24)}`;
  const prepared = prepareNetwork(networkOptions, seededRandom(options.seed), webSecret);
  const sim = parseConfig(prepared.config);
  const config: Config = {
    ...base,
    log: { level: base.log.level === 'info' ? 'warn' : base.log.level },
    store: { ...base.store, kind: 'sqlite', sqlitePath: join(options.dataDir, 'crossdock.db') },
    files: { ...sim.files, pollIntervalMs: base.files.pollIntervalMs },
    webhooks: { ...base.webhooks, sources: { ...base.webhooks.sources, ...sim.webhooks.sources } },
  };
  const store = openStore({ kind: 'sqlite', sqlitePath: config.store.sqlitePath, backgroundCheckpoint: true });
  await migrateToLatest(store);
  const clock = new AcceleratedClock(demoStartMs(Date.now()), options.factor);
  const app = await buildApp(config, { store, clock, random: cryptoRandom, ids: uuidV7Generator(clock, cryptoRandom) });
  const { secret: adminKey } = await app.services.keys.create({ name: 'demo admin', roles: ['admin'] });
  app.startWorkers();
  const address = await app.http.listen({ host: config.http.host, port: config.http.port });
  const network = createNetwork({ hub: fetchClient(address), clock, adminKey, options: networkOptions, prepared, webSecret, ...(options.say && { say: options.say }) });
  await network.setUp();
  await app.services.inventory.availability.refreshMasterData();

  // One step at a time: a slow step delays the next instead of overlapping it.
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = network.step().catch((error: unknown) => options.say?.(`network step failed: ${(error as Error).message}`)).finally(schedule);
    }, options.stepRealMs ?? 1_000);
  };
  schedule();
  return {
    app,
    address,
    adminKey,
    clock,
    network,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await app.close();
      await store.close();
    },
  };
}
