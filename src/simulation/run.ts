import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../app.ts';
import { parseConfig } from '../config.ts';
import { ManualClock } from '../platform/clock.ts';
import { migrateToLatest } from '../platform/db/migrator.ts';
import { openStore, type Store } from '../platform/db/store.ts';
import { uuidV7Generator } from '../platform/ids.ts';
import { seededRandom } from '../platform/random.ts';
import { DAY_MS } from './demand.rules.ts';
import { eventLogHash } from './event-log.ts';
import { injectClient } from './hub-client.ts';
import { createNetwork, defaultNetworkOptions, prepareNetwork, type NetworkOptions } from './network.ts';
import { summarise, type RunSummary } from './summary.ts';

/**
 * A seeded run: the whole network and the hub in one process on a manual clock. Each step moves the
 * clock, lets the network act over HTTP (Fastify injection: the real routes, one request at a time),
 * then drives the hub's background loops by hand, in a fixed order, until they are quiet — the loops
 * `startWorkers()` would run on timers. Every random choice comes from the seed (the hub's ids from
 * one stream, the network's choices from another), so a seed replays exactly and its event log hash
 * is the same.
 */
export interface SimulationOptions extends Partial<Omit<NetworkOptions, 'seed' | 'root'>> {
  seed: number;
  days: number;
  /** Simulated minutes per step (default 10). */
  stepMinutes?: number;
  /** A migrated store to run on (tests give each store kind); by default a temporary SQLite file. */
  store?: Store;
  /** Called after every step, e.g. to check invariants; a later fault-injection harness hooks in here. */
  afterStep?: (app: App, stepIndex: number) => Promise<void>;
}

export interface SimulationResult {
  seed: number;
  days: number;
  eventLog: { sha256: string; events: number };
  summary: RunSummary;
}

/** 2026-03-02 is a Monday; the run starts at 06:00 UTC, before the morning's orders. */
export const SIMULATION_START_MS = Date.UTC(2026, 2, 2, 6);

/** One pass of every background loop, repeated until nothing more happens (bounded). */
export async function driveHub(app: App): Promise<void> {
  const s = app.services;
  await s.files.pollFolders();
  for (let round = 0; round < 30; round++) {
    const inbox = await s.inbox.processDue();
    const timers = await s.timers.fireDue();
    const outbox = await s.outbox.dispatchDue();
    await s.webhooks.dispatchDue();
    if (inbox.processed + inbox.failed === 0 && timers.fired === 0 && outbox.delivered + outbox.retrying === 0) break;
  }
  await s.inventory.availability.tick();
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const root = mkdtempSync(join(tmpdir(), 'crossdock-sim-'));
  const ownStore = options.store === undefined;
  const store = options.store ?? openStore({ kind: 'sqlite', sqlitePath: join(root, 'hub.db') });
  if (ownStore) await migrateToLatest(store);
  const clock = new ManualClock(SIMULATION_START_MS);
  const hubRandom = seededRandom(options.seed);
  const networkRandom = seededRandom(Math.imul(options.seed ^ 0x5eed, 0x9e3779b1));
  const networkOptions: NetworkOptions = { ...defaultNetworkOptions, ...options, root: join(root, 'partners') };
  const webSecret = `shpss_simulated_${options.seed}_0123456789`;
  const prepared = prepareNetwork(networkOptions, networkRandom, webSecret);
  // Subscribers one after another: on PostgreSQL, parallel ones would append in network-timing order.
  const config = parseConfig({ log: { level: 'silent' }, outbox: { subscribersInParallel: false }, ...prepared.config });
  const app = await buildApp(config, { store, clock, random: hubRandom, ids: uuidV7Generator(clock, hubRandom) });
  try {
    const { secret } = await app.services.keys.create({ name: 'simulation operator', roles: ['admin'], rateLimitPerMinute: 1_000_000 });
    const network = createNetwork({ hub: injectClient(app.http), clock, adminKey: secret, options: networkOptions, prepared, webSecret });
    await network.setUp();
    await app.services.inventory.availability.refreshMasterData();
    await driveHub(app);
    const stepMs = (options.stepMinutes ?? 10) * 60_000;
    const steps = Math.round((options.days * DAY_MS) / stepMs);
    for (let i = 0; i < steps; i++) {
      clock.advance(stepMs);
      await network.step();
      await driveHub(app);
      await options.afterStep?.(app, i);
    }
    // Orders placed in the last six simulated hours may still be in the warehouse; fill rate leaves them out.
    const summary = await summarise(store.db, network.stats, clock.now() - 6 * 3_600_000);
    return { seed: options.seed, days: options.days, eventLog: await eventLogHash(store.db), summary };
  } finally {
    await app.close();
    if (ownStore) await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}
