import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { IdGenerator } from '../ids.ts';
import type { Random } from '../random.ts';
import type { Executor } from '../db/store.ts';
import type { ApiKeyRow } from '../db/platform.tables.ts';
import { AppError } from '../errors.ts';
import { roleSchema, type Principal, type Role } from './roles.ts';
import * as repo from './api-keys.repo.ts';
import { apiKeySource, ediSource } from './partner-scope.ts';

/**
 * API keys look like `cdk_<id>_<secret>`. Only a SHA-256 of the secret is stored: the secret has
 * 256 bits of entropy, so a slow password hash would add latency to every request and no safety.
 */
const KEY_PATTERN = /^cdk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
/** How long a verified key is trusted from memory; a revocation takes effect within this time. */
const CACHE_TTL_MS = 5_000;
/** last_used_at is written at most this often per key, to keep reads free of writes. */
const TOUCH_INTERVAL_MS = 60_000;
/**
 * At most this many verified keys are held in memory (oldest evicted first). Only keys that verified
 * are cached, so presenting garbage cannot grow memory; the bound covers many distinct valid keys.
 */
export const MAX_CACHED_KEYS = 10_000;

export const createApiKeyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    roles: z.array(roleSchema).min(1).max(8),
    partnerCode: z.string().trim().min(1).max(100).nullable().default(null),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
  })
  .strict();
export type CreateApiKeyInput = z.input<typeof createApiKeyInputSchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(roleSchema),
  partnerCode: z.string().nullable(),
  rateLimitPerMinute: z.number().int().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    partnerCode: row.partner_code,
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdAt: iso(row.created_at)!,
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

export interface ApiKeyService {
  create(input: CreateApiKeyInput): Promise<{ key: ApiKey; secret: string }>;
  list(): Promise<ApiKey[]>;
  revoke(id: string): Promise<ApiKey>;
  /** Resolves a presented key to its principal, or null when unknown, malformed or revoked. */
  authenticate(presented: string): Promise<Principal | null>;
  countActive(): Promise<number>;
  /**
   * The inbox sources whose messages belong to a trading partner: its EDI source and the API source
   * of every key scoped to it, revoked ones included (what they sent stays the partner's).
   */
  partnerInboxSources(partnerCode: string): Promise<[string, ...string[]]>;
}

interface VerifiedRow {
  principal: Principal;
  /** The stored SHA-256 of the secret, decoded once. */
  hash: Buffer;
  /** When the row was read: the TTL counts from here, however the entry was reached. */
  cachedAt: number;
}

/** Sets `key` as the newest entry, evicting the oldest beyond `limit`. */
function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as string);
}

export function createApiKeyService(deps: {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  /** A failed last_used_at write (it does not fail the request); logged to stderr by default. */
  onTouchError?: (error: unknown) => void;
  /** Verified keys held in memory; MAX_CACHED_KEYS unless a test asks for fewer. */
  maxCachedKeys?: number;
}): ApiKeyService {
  const { db, clock, ids, random } = deps;
  const limit = deps.maxCachedKeys ?? MAX_CACHED_KEYS;
  const onTouchError = deps.onTouchError ?? ((error: unknown) => console.error('crossdock: api key last_used_at write failed', error));
  /**
   * Exact presented key string → its principal, for keys that verified: a hit skips hashing and the
   * database. An entry is only ever added after the constant-time comparison succeeded.
   */
  const byPresented = new Map<string, { principal: Principal; cachedAt: number }>();
  /** Key id → its row as read, so a wrong secret for a known id is rejected without a read. */
  const byId = new Map<string, VerifiedRow>();
  /** Reads in flight by key id: concurrent misses for one key share one query. */
  const reads = new Map<string, Promise<ApiKeyRow | undefined>>();
  /** Bumped by every revocation, so a read that started before one is not cached after it. */
  let revocations = 0;
  const lastTouch = new Map<string, number>();

  const fresh = (cachedAt: number, now: number) => now >= cachedAt && now - cachedAt <= CACHE_TTL_MS;

  function readRow(id: string): Promise<ApiKeyRow | undefined> {
    let read = reads.get(id);
    if (!read) {
      const started = repo.findApiKey(db, id).finally(() => {
        if (reads.get(id) === started) reads.delete(id);
      });
      reads.set(id, (read = started));
    }
    return read;
  }

  function forget(id: string): void {
    revocations += 1;
    byId.delete(id);
    reads.delete(id);
    for (const [presented, entry] of byPresented) if (entry.principal.keyId === id) byPresented.delete(presented);
  }

  /**
   * Writes last_used_at at most once a minute per key, without making the request wait: it is
   * bookkeeping, not part of the answer, and the one request a minute that wrote it would otherwise
   * pay a write's latency (an fsync on SQLite). The promise is never left unhandled: a failure is
   * reported and the request succeeds, as a lost last_used_at update harms nobody.
   */
  function touch(id: string, now: number): void {
    if ((lastTouch.get(id) ?? -Infinity) + TOUCH_INTERVAL_MS > now) return;
    remember(lastTouch, id, now, limit);
    repo.touchApiKey(db, id, now).then(undefined, onTouchError);
  }

  return {
    async create(input) {
      const parsed = createApiKeyInputSchema.parse(input);
      const id = ids.next().replaceAll('-', '');
      const secretBytes = new Uint8Array(32);
      random.fill(secretBytes);
      const secret = Buffer.from(secretBytes).toString('base64url');
      const row: ApiKeyRow = {
        id,
        name: parsed.name,
        secret_hash: hashSecret(secret),
        roles: JSON.stringify([...new Set(parsed.roles)]),
        partner_code: parsed.partnerCode,
        rate_limit_per_minute: parsed.rateLimitPerMinute,
        created_at: clock.now(),
        revoked_at: null,
        last_used_at: null,
      };
      await repo.insertApiKey(db, row);
      return { key: toApiKey(row), secret: `cdk_${id}_${secret}` };
    },

    async list() {
      return (await repo.listApiKeys(db)).map(toApiKey);
    },

    async revoke(id) {
      const row = await repo.findApiKey(db, id);
      if (!row) throw new AppError('not_found', `API key ${id} does not exist`, [{ path: 'id', message: 'unknown key id' }]);
      if (row.revoked_at === null) await repo.revokeApiKey(db, id, clock.now());
      forget(id);
      return toApiKey((await repo.findApiKey(db, id))!);
    },

    async authenticate(presented) {
      const now = clock.now();
      const hit = byPresented.get(presented);
      if (hit !== undefined) {
        if (fresh(hit.cachedAt, now)) {
          touch(hit.principal.keyId, now);
          return hit.principal;
        }
        byPresented.delete(presented);
      }
      const match = KEY_PATTERN.exec(presented);
      if (!match) return null;
      const [, id, secret] = match as unknown as [string, string, string];
      const generation = revocations;
      let entry = byId.get(id);
      if (!entry || !fresh(entry.cachedAt, now)) {
        const row = await readRow(id);
        if (!row || row.revoked_at !== null) {
          if (generation === revocations) byId.delete(id);
          return null;
        }
        const key = toApiKey(row);
        entry = {
          hash: Buffer.from(row.secret_hash, 'hex'),
          cachedAt: now,
          principal: { keyId: id, name: key.name, roles: key.roles, partnerCode: key.partnerCode, rateLimitPerMinute: key.rateLimitPerMinute },
        };
        if (generation === revocations) remember(byId, id, entry, limit);
      }
      const hash = Buffer.from(hashSecret(secret), 'hex');
      if (entry.hash.length !== hash.length || !timingSafeEqual(entry.hash, hash)) return null;
      // Only a key that verified is cached, and not when it was revoked while its row was being read.
      if (generation === revocations) remember(byPresented, presented, { principal: entry.principal, cachedAt: entry.cachedAt }, limit);
      touch(id, now);
      return entry.principal;
    },

    countActive: () => repo.countActiveApiKeys(db),
    partnerInboxSources: async (partnerCode) => [ediSource(partnerCode), ...(await repo.keyIdsOfPartner(db, partnerCode)).map(apiKeySource)],
  };
}
