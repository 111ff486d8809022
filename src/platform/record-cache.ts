import type { Clock } from './clock.ts';
import type { Executor } from './db/store.ts';

/**
 * A read-through cache of records that exist, for hot paths that look up master data on every batch.
 * Only hits are kept — a key not found is asked again next time, so a record created a moment ago is
 * seen at once — and each hit is trusted for `maxAgeMs`, which bounds how long a change made on
 * another node can go unseen.
 */
export function createRecordCache<T>(
  fetch: (keys: readonly string[], executor: Executor) => Promise<Map<string, T>>,
  clock: Clock,
  maxAgeMs: number,
) {
  const entries = new Map<string, { value: T; loadedAtMs: number }>();
  return {
    async getMany(keys: Iterable<string>, executor: Executor): Promise<Map<string, T>> {
      const now = clock.now();
      const found = new Map<string, T>();
      const misses: string[] = [];
      for (const key of new Set(keys)) {
        const entry = entries.get(key);
        // A clock that stepped backwards makes an entry look young; it is reloaded instead.
        if (entry && now >= entry.loadedAtMs && now - entry.loadedAtMs <= maxAgeMs) found.set(key, entry.value);
        else misses.push(key);
      }
      if (misses.length > 0) {
        for (const [key, value] of await fetch(misses, executor)) {
          entries.set(key, { value, loadedAtMs: now });
          found.set(key, value);
        }
      }
      return found;
    },
    /** Forgets a key, for writers in this process that know a record changed. */
    forget(key: string): void {
      entries.delete(key);
    },
  };
}
