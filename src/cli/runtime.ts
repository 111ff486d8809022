import type { Config } from '../config.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidV7Generator } from '../platform/ids.ts';
import { cryptoRandom } from '../platform/random.ts';
import { openStore, type Store } from '../platform/db/store.ts';
import { migrateToLatest } from '../platform/db/migrator.ts';
import type { AppDeps } from '../app.ts';

/** Opens the configured store and brings its schema up to date; every CLI command starts here. */
export async function openRuntime(config: Config): Promise<AppDeps & { migrationsApplied: string[] }> {
  const store: Store = openStore({
    kind: config.store.kind,
    sqlitePath: config.store.sqlitePath,
    backgroundCheckpoint: true,
    postgresUrl: config.store.postgresUrl,
    postgresPoolSize: config.store.postgresPoolSize,
    onIdleConnectionError: (error) => console.error(`PostgreSQL dropped an idle connection (${error.message}); the pool will reconnect`),
  });
  const { applied } = await migrateToLatest(store);
  const clock = systemClock;
  const random = cryptoRandom;
  return { store, clock, random, ids: uuidV7Generator(clock, random), migrationsApplied: applied };
}

export const describeStore = (config: Config): string =>
  config.store.kind === 'sqlite' ? `SQLite at ${config.store.sqlitePath}` : `PostgreSQL at ${redactUrl(config.store.postgresUrl ?? '')}`;

/** Connection URLs may carry passwords; never print them. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
