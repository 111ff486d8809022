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

/**
 * API keys look like `cdk_<id>_<secret>`. Only a SHA-256 of the secret is stored: the secret has
 * 256 bits of entropy, so a slow password hash would add latency to every request and no safety.
 */
const KEY_PATTERN = /^cdk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
/** How long a verified key is trusted from memory; a revocation takes effect within this time. */
const CACHE_TTL_MS = 5_000;
/** last_used_at is written at most this often per key, to keep reads free of writes. */
const TOUCH_INTERVAL_MS = 60_000;

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
}

export function createApiKeyService(deps: { db: Executor; clock: Clock; ids: IdGenerator; random: Random }): ApiKeyService {
  const { db, clock, ids, random } = deps;
  const cache = new Map<string, { principal: Principal; hash: string; cachedAt: number }>();
  const lastTouch = new Map<string, number>();

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
      cache.delete(id);
      return toApiKey((await repo.findApiKey(db, id))!);
    },

    async authenticate(presented) {
      const match = KEY_PATTERN.exec(presented);
      if (!match) return null;
      const [, id, secret] = match as unknown as [string, string, string];
      const hash = Buffer.from(hashSecret(secret), 'hex');
      const now = clock.now();
      let entry = cache.get(id);
      if (!entry || now - entry.cachedAt > CACHE_TTL_MS || now < entry.cachedAt) {
        const row = await repo.findApiKey(db, id);
        if (!row || row.revoked_at !== null) {
          cache.delete(id);
          return null;
        }
        const key = toApiKey(row);
        entry = {
          hash: row.secret_hash,
          cachedAt: now,
          principal: {
            keyId: id,
            name: key.name,
            roles: key.roles,
            partnerCode: key.partnerCode,
            rateLimitPerMinute: key.rateLimitPerMinute,
          },
        };
        cache.set(id, entry);
      }
      const stored = Buffer.from(entry.hash, 'hex');
      if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return null;
      if ((lastTouch.get(id) ?? -Infinity) + TOUCH_INTERVAL_MS <= now) {
        lastTouch.set(id, now);
        await repo.touchApiKey(db, id, now);
      }
      return entry.principal;
    },

    countActive: () => repo.countActiveApiKeys(db),
  };
}
