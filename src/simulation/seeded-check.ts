import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type SQLite from 'better-sqlite3';
import { buildApp, type App } from '../app.ts';
import { parseConfig } from '../config.ts';
import { ManualClock, type Clock } from '../platform/clock.ts';
import { uuidV7Generator } from '../platform/ids.ts';
import { startTsWorker } from '../platform/ts-worker.ts';
import { seededRandom } from '../platform/random.ts';
import { DbFaultInjector, openSeedStore } from './faults.db.ts';
import { describePlan, planFaults, type FaultRates } from './faults.rules.ts';
import { faultyClient } from './faulty-client.ts';
import { injectClient } from './hub-client.ts';
import { checkInvariants, takeLedgerSnapshot, type Violation } from './invariants.ts';
import { createNetwork, prepareNetwork, type NetworkOptions } from './network.ts';
import { SIMULATION_START_MS, driveHub } from './run.ts';
import type { SimContext } from './sim-context.ts';
import { settledAtEnd } from './seeded-check.end.ts';

/**
 * One seed of the seeded fault-injection check: a tiny network (a dozen SKUs, three warehouses, a
 * handful of orders) runs against a hub on an in-memory copy of a migrated database, with the seed's
 * faults (faults.rules.ts) on the messages, the clock and the database, and a crash and rebuild of the
 * app on the same database. After every step I1–I10 are checked; after the faults heal, every order
 * the network sent must have taken effect exactly once (I5) and be settled or held by an owner (I6).
 *
 * A plant (a deliberately broken hub, for the mutation check) lives in the caller's code: it may alter
 * the schema, wrap the clock the app is given, or patch the built app's services.
 */
export interface Plant {
  name: string;
  alterSchema?(database: SQLite.Database): void;
  /** The clock the app is given (each build), around the run's own clock. */
  clock?(clock: Clock): Clock;
  /** Called on every build of the app (the first and after each crash). */
  patch?(app: App): void;
}

export interface SeedCheckOptions {
  plant?: Plant;
  rates?: FaultRates;
  /** Steps with faults (30 simulated minutes each, default 3) and healing steps (3 hours each, default 3) after them. */
  faultSteps?: number;
  healSteps?: number;
  /**
   * Changes the simulated world after set-up, before the first step (a scenario a test needs, e.g.
   * shelves emptied by shrink the hub has not been told about). The same seed with the same scenario
   * replays exactly.
   */
  scenario?: (ctx: SimContext) => void;
}

export interface SeedResult {
  seed: number;
  ok: boolean;
  violations: Violation[];
  /** How to run this seed again, exactly. */
  replay: string;
  plan: string;
  /** The step after which the first violation was seen (-1 for the end checks), when not ok. */
  failedAt?: number;
  stats: { orders: number; steps: number; crashes: number; faultsFired: string[]; transport: Record<string, number>; refusals: Record<string, number> };
}

export const tinyNetwork = { skus: 12, salesCustomers: 3, ediPartners: 1, ordersPerDay: 24, days: 2 } as const;

/** 09:00 UTC on the simulation's Monday: the fault steps fall in business hours, when orders arrive. */
const START_MS = SIMULATION_START_MS + 3 * 3_600_000;
const FAULT_STEP_MS = 30 * 60_000;
const HEAL_STEP_MS = 3 * 3_600_000;

export const replayCommand = (seed: number): string => `npm run simulate:check -- --seed ${seed}`;

export async function checkSeed(seed: number, options: SeedCheckOptions = {}): Promise<SeedResult> {
  const faultSteps = options.faultSteps ?? 3;
  const healSteps = options.healSteps ?? 3;
  const root = mkdtempSync(join(tmpdir(), 'crossdock-seed-'));
  const injector = new DbFaultInjector();
  const store = await openSeedStore(injector, options.plant?.alterSchema);
  const clock = new ManualClock(START_MS);
  const appClock = options.plant?.clock?.(clock) ?? clock;
  const hubRandom = seededRandom(seed);
  const networkRandom = seededRandom(Math.imul(seed ^ 0x5eed, 0x9e3779b1));
  const plan = planFaults(seed, seededRandom(Math.imul(seed ^ 0xfa17, 0x85ebca6b)), faultSteps, options.rates);
  const networkOptions: NetworkOptions = { seed, ...tinyNetwork, root: join(root, 'partners') };
  const webSecret = `shpss_simulated_${seed}_0123456789`;
  const prepared = prepareNetwork(networkOptions, networkRandom, webSecret);
  const config = parseConfig({ log: { level: 'silent' }, ...prepared.config });
  let crashes = 0;
  const apps: App[] = [];
  let app: App = await build();
  let step = -1;
  let network: ReturnType<typeof createNetwork> | undefined;
  const result = (violations: Violation[], failedAt?: number): SeedResult => ({
    seed,
    ok: violations.length === 0,
    violations,
    replay: replayCommand(seed),
    plan: describePlan(plan),
    ...(failedAt !== undefined && { failedAt }),
    stats: { orders: 0, steps: step + 1, crashes, faultsFired: injector.fired, transport: { ...client.counts }, refusals: { ...(network?.stats.refusals ?? {}) } },
  });

  async function build(): Promise<App> {
    const built = await buildApp(config, { store, clock: appClock, random: hubRandom, ids: uuidV7Generator(appClock, hubRandom) });
    apps.push(built);
    options.plant?.patch?.(built);
    return built;
  }
  // A crash abandons the app as it is (nothing is closed or flushed: the process is gone) and builds
  // a new one on the same database; the clock keeps going.
  async function restart(): Promise<void> {
    crashes++;
    injector.restarted();
    app = await build();
    await app.services.inventory.availability.refreshMasterData();
  }
  const client = faultyClient({ target: () => injectClient(app.http), plan, step: () => step, crashed: () => injector.crashed, restart });

  try {
    const { secret } = await app.services.keys.create({ name: 'simulation operator', roles: ['admin'], rateLimitPerMinute: 1_000_000 });
    network = createNetwork({ hub: client, clock, adminKey: secret, options: networkOptions, prepared, webSecret });
    await network.setUp();
    options.scenario?.(network.ctx);
    await app.services.inventory.availability.refreshMasterData();
    await driveHub(app);
    const snapshot = await takeLedgerSnapshot(store.db);
    const totalSteps = faultSteps + healSteps;
    for (step = 0; step < totalSteps; step++) {
      const faulty = step < faultSteps;
      client.faulty = faulty;
      clock.advance((faulty ? FAULT_STEP_MS : HEAL_STEP_MS) + (plan.clockJumps.get(step) ?? 0));
      const dbFault = plan.dbFaults.find((f) => f.step === step);
      injector.arm(faulty && dbFault ? dbFault : null);
      await client.flush(step);
      await network.step();
      await driveHubThroughFaults();
      injector.arm(null);
      const report = await checkInvariants(store.db, store.kind, { ledgerSnapshot: snapshot, now: clock.now() });
      if (!report.ok) return result(report.violations, step);
    }
    client.faulty = false;
    await client.flush(totalSteps);
    await driveHubThroughFaults();
    const end = await settledAtEnd(store.db, network.stats, START_MS + faultSteps * FAULT_STEP_MS, clock.now());
    const final = await checkInvariants(store.db, store.kind, { ledgerSnapshot: snapshot, now: clock.now() });
    const out = result([...final.violations, ...end.violations], final.ok && end.violations.length === 0 ? undefined : -1);
    out.stats.orders = end.orders;
    return out;
  } finally {
    // Every app built for the seed is closed, crashed ones included: an unclosed app keeps its
    // Fastify instance and services reachable, about 10 MB a seed, and 1,000 seeds run out of heap.
    for (const built of apps) await built.close().catch(() => undefined);
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }

  // The hub's loops after a step. A failed statement surfaces here as an error from a loop; a real
  // hub's loop logs it and tries again on its next tick, which this does at once. A crash rebuilds.
  async function driveHubThroughFaults(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await driveHub(app);
        return;
      } catch (error) {
        if (injector.crashed) await restart();
        if (attempt >= 4) throw error;
      }
    }
  }
}

/**
 * The seeds a run covers: `CROSSDOCK_SIM_SEEDS` seeds (default 1,000) from `CROSSDOCK_SIM_SEED_FROM`
 * (default 1), split into `parts` equal slices so test files can share them across cores.
 */
export function seedRange(part: number, parts: number, env: NodeJS.ProcessEnv = process.env): { from: number; count: number } {
  const total = Number(env['CROSSDOCK_SIM_SEEDS'] ?? 1_000);
  const start = Number(env['CROSSDOCK_SIM_SEED_FROM'] ?? 1);
  if (!Number.isInteger(total) || total < 0) throw new Error(`CROSSDOCK_SIM_SEEDS must be a whole number, got "${env['CROSSDOCK_SIM_SEEDS']}"`);
  if (!Number.isInteger(start) || start < 0) throw new Error(`CROSSDOCK_SIM_SEED_FROM must be a whole number, got "${env['CROSSDOCK_SIM_SEED_FROM']}"`);
  const size = Math.ceil(total / parts);
  const from = start + part * size;
  return { from, count: Math.max(0, Math.min(size, start + total - from)) };
}

/**
 * Seeds per worker thread. A closed app once kept about 10 MB reachable (prom-client's default
 * metrics, now collected once per process), so batches were small; the heap now stays flat (about
 * 75 MB after 25 seeds and after 150), and a larger batch saves the start of a worker (about 3 s of
 * CPU for the TypeScript loader and the app's modules) and keeps the JIT warm. CI's half of the
 * thousand seeds is one batch.
 */
const SEEDS_PER_WORKER = 500;

/** Runs seeds in order, in worker batches, and collects the failing ones (every seed runs; failures do not stop the rest). */
export async function checkSeeds(from: number, count: number, onSeed?: (result: SeedResult) => void): Promise<{ checked: number; failed: SeedResult[]; ms: number }> {
  const started = performance.now();
  const failed: SeedResult[] = [];
  for (let batch = from; batch < from + count; batch += SEEDS_PER_WORKER) {
    const size = Math.min(SEEDS_PER_WORKER, from + count - batch);
    await new Promise<void>((resolve, reject) => {
      const worker = startTsWorker(new URL('./seeded-check.worker.ts', import.meta.url), { from: batch, count: size });
      let done = false;
      worker.on('message', (message: { kind: 'result'; result: SeedResult } | { kind: 'done' }) => {
        if (message.kind === 'done') {
          done = true;
          return;
        }
        onSeed?.(message.result);
        if (!message.result.ok) failed.push(message.result);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => (done ? resolve() : reject(new Error(`the seed worker for seeds ${batch}–${batch + size - 1} stopped with code ${code}`))));
    });
  }
  return { checked: count, failed, ms: performance.now() - started };
}

/** A failing seed as text: what broke, after which step, under which faults, and the command that replays it. */
export function describeFailure(result: SeedResult, max = 5): string {
  const where = result.failedAt === -1 ? 'after the faults healed' : `after step ${result.failedAt}`;
  const lines = result.violations.slice(0, max).map((v) => `  ${v.invariant} ${v.subject}: ${v.message}`);
  if (result.violations.length > max) lines.push(`  … and ${result.violations.length - max} more`);
  return [`seed ${result.seed} failed ${where} (${result.plan}); replay: ${result.replay}`, ...lines].join('\n');
}
