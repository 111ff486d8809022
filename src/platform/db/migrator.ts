import { Migrator, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import type { Store, StoreKind } from './store.ts';
import { allMigrations } from '../../migrations/index.ts';

/** A migration that may need to know which dialect it runs on (identity columns differ). */
export interface StoreMigration {
  name: string;
  up(db: Store['db'], kind: StoreKind): Promise<void>;
}

function providerFor(store: Store): MigrationProvider {
  return {
    getMigrations: async () => {
      const migrations: Record<string, Migration> = {};
      for (const m of allMigrations) {
        // Forward-only: a bad migration is fixed by a new one, as with ledger corrections.
        migrations[m.name] = { up: (db) => m.up(db as Store['db'], store.kind) };
      }
      return migrations;
    },
  };
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  const migrator = new Migrator({ db: store.db, provider: providerFor(store) });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = (results ?? []).find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return { applied };
}

/** Names of migrations not yet applied; `/readyz` is not ready while any remain. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: providerFor(store) });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
