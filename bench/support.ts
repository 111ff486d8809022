import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { buildApp, type App } from '../src/app.ts';
import { parseConfig, type ConfigInput } from '../src/config.ts';
import { systemClock } from '../src/platform/clock.ts';
import { uuidV7Generator } from '../src/platform/ids.ts';
import { seededRandom } from '../src/platform/random.ts';
import { openStore, type Store, type StoreKind } from '../src/platform/db/store.ts';
import { migrateToLatest } from '../src/platform/db/migrator.ts';

/**
 * Shared set-up for benchmarks: a fresh database per run (a temporary SQLite file, or a new
 * PostgreSQL database on the server from CROSSDOCK_BENCH_POSTGRES_URL or the local test cluster).
 */
export interface BenchHub {
  app: App;
  store: Store;
  dispose(): Promise<void>;
}

export function postgresAdminUrl(): string | undefined {
  if (process.env['CROSSDOCK_BENCH_POSTGRES_URL']) return process.env['CROSSDOCK_BENCH_POSTGRES_URL'];
  const started = spawnSync('bash', [new URL('../scripts/pg-up.sh', import.meta.url).pathname], { encoding: 'utf8' });
  return started.status === 0 ? started.stdout.trim().split('\n').pop() : undefined;
}

/**
 * `backgroundCheckpoint: false` leaves checkpoints to the commits (SQLite), for a benchmark that
 * counts what the log takes in.
 */
export async function openBenchHub(kind: StoreKind, config: ConfigInput = {}, { backgroundCheckpoint = true } = {}): Promise<BenchHub> {
  let store: Store;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'crossdock-bench-'));
    store = openStore({ kind, sqlitePath: join(dir, 'bench.db'), backgroundCheckpoint });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = postgresAdminUrl();
    if (!admin) throw new Error('no PostgreSQL for the benchmark: install postgresql or set CROSSDOCK_BENCH_POSTGRES_URL');
    const name = `cd_bench_${process.pid}_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    store = openStore({ kind, postgresUrl: url.toString(), postgresPoolSize: 20 });
    cleanup = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  await migrateToLatest(store);
  const random = seededRandom(1);
  const app = await buildApp(parseConfig({ log: { level: 'silent' }, ...config }), { store, clock: systemClock, random, ids: uuidV7Generator(systemClock, random) });
  return {
    app,
    store,
    dispose: async () => {
      await app.close();
      await store.close();
      await cleanup();
    },
  };
}

/** Creates `skuCount` items and three locations through the same import path as users. */
export async function seedMasterData(app: App, skuCount: number): Promise<{ skus: string[]; locations: string[] }> {
  const locations = ['DC-EAST', 'DC-WEST', 'DC-SOUTH'];
  await app.services.catalog.locations.importRecords(
    locations.map((code) => ({ code, name: code, type: 'warehouse', region: code, sourceSystem: 'wms', postingMode: 'realtime', cutoffLocalTime: '16:00', timezone: 'America/Chicago' })),
  );
  const skus = Array.from({ length: skuCount }, (_, i) => `SKU-${String(i).padStart(6, '0')}`);
  await app.services.catalog.items.importRecords(skus.map((sku) => ({ sku, description: sku, itemClass: 'BENCH', unitCostMinor: 100, listPriceMinor: 150, packSizes: [{ unit: 'CA', quantity: 12 }] })));
  return { skus, locations };
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const storesFromArgs = (): StoreKind[] => {
  const arg = process.argv.find((a) => a.startsWith('--store='))?.slice('--store='.length);
  return arg ? [arg as StoreKind] : ['sqlite', 'postgres'];
};
