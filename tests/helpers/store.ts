import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store, type StoreKind, type StoreOptions } from '../../src/platform/db/store.ts';
import { migrateToLatest } from '../../src/platform/db/migrator.ts';

/** The store this test process runs against, chosen by scripts/test.mjs. */
export const testStoreKind: StoreKind = process.env['CROSSDOCK_TEST_STORE'] === 'postgres' ? 'postgres' : 'sqlite';

export interface TestStore {
  store: Store;
  /** Options to open a second connection to the same database (to simulate a restart). */
  reopen(): Store;
  /** How to open the same database from elsewhere, e.g. a worker thread playing a second node. */
  options: StoreOptions;
  dispose(): Promise<void>;
}

let counter = 0;

/**
 * A fresh, migrated database for one test file (or one test): a temporary SQLite file, or a new
 * PostgreSQL database created from CROSSDOCK_TEST_POSTGRES_URL and dropped afterwards.
 */
export async function createTestStore(options: { migrate?: boolean } = {}): Promise<TestStore> {
  const migrate = options.migrate ?? true;
  if (testStoreKind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'crossdock-test-'));
    const path = join(dir, 'test.db');
    const opened: Store[] = [];
    const storeOptions: StoreOptions = { kind: 'sqlite', sqlitePath: path };
    const reopen = () => {
      const s = openStore(storeOptions);
      opened.push(s);
      return s;
    };
    const store = reopen();
    if (migrate) await migrateToLatest(store);
    return {
      store,
      reopen,
      options: storeOptions,
      dispose: async () => {
        for (const s of opened) await s.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const adminUrl = process.env['CROSSDOCK_TEST_POSTGRES_URL'];
  if (!adminUrl) throw new Error('CROSSDOCK_TEST_POSTGRES_URL is not set for a PostgreSQL test run');
  const name = `cd_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const opened: Store[] = [];
  const storeOptions: StoreOptions = { kind: 'postgres', postgresUrl: url.toString(), postgresPoolSize: 40 };
  const reopen = () => {
    const s = openStore(storeOptions);
    opened.push(s);
    return s;
  };
  const store = reopen();
  if (migrate) await migrateToLatest(store);
  return {
    store,
    reopen,
    options: storeOptions,
    dispose: async () => {
      for (const s of opened) await s.close().catch(() => undefined);
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        // A pool's end() resolves before its connections have gone; dropping with FORCE then kills
        // them mid-goodbye and the test process sees an error. Wait (bounded) until they are gone.
        for (let wait = 0; wait < 200; wait++) {
          const { rows } = await cleanup.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
