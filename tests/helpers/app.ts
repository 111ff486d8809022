import { buildApp, type App } from '../../src/app.ts';
import { parseConfig, type ConfigInput } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { uuidV7Generator } from '../../src/platform/ids.ts';
import { seededRandom } from '../../src/platform/random.ts';
import { roles, type Role } from '../../src/platform/auth/roles.ts';
import type { Subscriber } from '../../src/platform/outbox/index.ts';
import { createTestStore, type TestStore } from './store.ts';

export interface TestApp {
  app: App;
  testStore: TestStore;
  clock: ManualClock;
  /** A key per role, plus `admin`. */
  keys: Record<Role, string>;
  /** Headers carrying the given role's key. */
  as(role: Role): Record<string, string>;
  dispose(): Promise<void>;
}

/** A full hub on a fresh database of the selected store, with a manual clock and a seeded random. */
export async function createTestApp(options: { config?: ConfigInput; seed?: number; subscribers?: Subscriber[] } = {}): Promise<TestApp> {
  const testStore = await createTestStore();
  const clock = new ManualClock();
  const random = seededRandom(options.seed ?? 42);
  const ids = uuidV7Generator(clock, random);
  const config = parseConfig({ log: { level: 'silent' }, ...options.config });
  const app = await buildApp(config, { store: testStore.store, clock, ids, random, subscribers: options.subscribers ?? [] });
  const keys = {} as Record<Role, string>;
  for (const role of roles) {
    keys[role] = (await app.services.keys.create({ name: `test ${role}`, roles: [role] })).secret;
  }
  return {
    app,
    testStore,
    clock,
    keys,
    as: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    dispose: async () => {
      await app.close();
      await testStore.dispose();
    },
  };
}
