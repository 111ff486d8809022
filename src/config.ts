import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { mergeWebhookSecretsFromEnv, webhooksConfigSchema } from './connectors/webhooks/webhooks.config.ts';
import { filesConfigSchema } from './connectors/files/files.config.ts';
import { oidcConfigSchema } from './platform/auth/oidc.ts';

/**
 * The one configuration schema. Every key has a default so the hub starts with no set-up; a file
 * (`crossdock.config.json` or `--config`) and environment variables override them, in that order.
 */
export const configSchema = z
  .object({
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        bodyLimitBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(10 * 1024 * 1024),
        /** Whether to trust X-Forwarded-* headers from a reverse proxy. */
        trustProxy: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        kind: z.enum(['sqlite', 'postgres']).default('sqlite'),
        sqlitePath: z.string().min(1).default('./data/crossdock.db'),
        postgresUrl: z.string().url().optional(),
        postgresPoolSize: z.number().int().min(1).max(200).default(10),
      })
      .strict()
      .prefault({})
      .refine((s) => s.kind !== 'postgres' || s.postgresUrl !== undefined, {
        message: 'store.postgresUrl is required when store.kind is "postgres"',
        path: ['postgresUrl'],
      }),
    auth: z
      .object({
        /** Requests per minute per API key unless the key sets its own limit. */
        rateLimitPerMinute: z.number().int().min(1).default(1200),
        /** On first start with no active key, create an admin key and print it once. */
        bootstrapAdminKey: z.boolean().default(true),
        /** Sign-in with OIDC bearer tokens besides API keys; off unless set. See docs/api.md. */
        oidc: oidcConfigSchema.optional(),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        pollIntervalMs: z.number().int().min(5).default(200),
        /**
         * How often a running hub's feed followers (the process log) take in what is new: the log
         * lags the feed by up to this, and each take-in logs what the interval gathered.
         */
        followIntervalMs: z.number().int().min(5).default(250),
        batchSize: z.number().int().min(1).max(10_000).default(100),
        attemptsMax: z.number().int().min(1).max(100).default(8),
        retryDelayMsBase: z.number().int().min(1).default(1_000),
        retryDelayMsMax: z.number().int().min(1).default(15 * 60_000),
        /**
         * Subscribers with due work are served side by side in a tick (the default), or one after
         * another in registration order: a seeded simulation on PostgreSQL needs the same order of
         * appended events on every run, and parallel subscribers interleave by network timing.
         */
        subscribersInParallel: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    inbox: z
      .object({
        /** How often messages waiting for a retry are looked for. */
        pollIntervalMs: z.number().int().min(5).default(500),
        batchSize: z.number().int().min(1).max(10_000).default(100),
        attemptsMax: z.number().int().min(1).max(100).default(5),
        retryDelayMsBase: z.number().int().min(1).default(1_000),
        retryDelayMsMax: z.number().int().min(1).default(5 * 60_000),
      })
      .strict()
      .prefault({}),
    timers: z
      .object({
        pollIntervalMs: z.number().int().min(5).default(250),
        batchSize: z.number().int().min(1).max(10_000).default(100),
        /** A failing timer handler is retried with this backoff and stays pending; it is never dropped. */
        retryDelayMsBase: z.number().int().min(1).default(1_000),
        retryDelayMsMax: z.number().int().min(1).default(5 * 60_000),
      })
      .strict()
      .prefault({}),
    inventory: z
      .object({
        /** A realtime source silent for this long counts as one posting interval old (batch sources use their own interval). */
        freshnessRealtimeExpectedIntervalMs: z.number().int().min(1_000).default(5 * 60_000),
        /** Confidence falls from 1 at one interval of age to 0 at this many intervals. */
        staleIntervalsToZero: z.number().min(1.5).max(1_000).default(4),
        /** Whether availability answers discount ATP by confidence when a source is stale or drifting. */
        discountStaleAtp: z.boolean().default(true),
        /** Changes to one SKU within this window leave as one availability event on the change feed. */
        feedCoalesceMs: z.number().int().min(0).max(10_000).default(20),
        /** How often the ATP projection catches up with other nodes' writes and re-reads source freshness. */
        projectionRefreshMs: z.number().int().min(50).default(1_000),
        /** How long events behind a gap in a source's sequence wait before the gap is skipped and raised. */
        sequenceGapTimeoutMs: z.number().int().min(1_000).default(10 * 60_000),
      })
      .strict()
      .prefault({}),
    process: z
      .object({
        /**
         * KPI and process-map queries compute over the process log and its facts held in memory,
         * read from the database in the background at start and kept current from the stored log
         * (about 300 bytes an event). Off: each query loads what its window needs from the database,
         * which takes seconds a query at a million events.
         */
        queriesInMemory: z.boolean().default(true),
        /**
         * The most memory (MB) the projection the queries read may allocate. Past it the hub lets the
         * projection go, logs a warning, and answers KPI and map queries from the database until it
         * restarts. Default: half the memory the process may use (a container's limit, else the machine's).
         */
        projectionMemoryMbMax: z.number().int().positive().optional(),
        /**
         * The log held in memory is saved to a file once it holds 200,000 events, and again each time
         * it grew by a quarter, so that a start or a recompute reads back the file (seconds) and from
         * the database only what was logged since (minutes at millions of events). The file is a cache:
         * it is used only while the stored log still begins with it. Off: never saved.
         */
        logSnapshots: z.boolean().default(true),
        /** Where the snapshot is kept. Default: beside the SQLite file (`<store.sqlitePath>.process-log`); none for PostgreSQL. */
        logSnapshotPath: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    idempotency: z
      .object({
        /** How long an Idempotency-Key is remembered; after that the same key is a new request. */
        retentionHours: z.number().int().min(1).max(24 * 30).default(24),
      })
      .strict()
      .prefault({}),
    /** Webhooks in (signed sources) and out (subscriptions' delivery); see docs/webhooks.md. */
    webhooks: webhooksConfigSchema,
    /** Watched folders for CSV and X12 files; see docs/files.md. */
    files: filesConfigSchema,
    /** EDI with trading partners; see docs/edi.md. */
    edi: z
      .object({
        /**
         * Our own ISA qualifier and id on the documents we start, as `{ qualifier, id }` or `QQ:ID`
         * (how the environment gives it): what partners configure as the sender they expect.
         */
        self: z
          .preprocess(
            (value) => (typeof value === 'string' && value.includes(':') ? { qualifier: value.slice(0, value.indexOf(':')), id: value.slice(value.indexOf(':') + 1) } : value),
            z.object({ qualifier: z.string().regex(/^[A-Z0-9]{2}$/, 'a two-character ISA qualifier such as ZZ'), id: z.string().regex(/^[ -~]{1,15}$/, 'an ISA id of 1–15 printable characters').refine((id) => id.trim() === id, 'no leading or trailing spaces') }, { error: 'expected QUALIFIER:ID such as ZZ:MYCOMPANY, or { "qualifier", "id" }' }).strict(),
          )
          .default({ qualifier: 'ZZ', id: 'CROSSDOCK' }),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

type EnvKind = 'string' | 'int' | 'bool';

/** Environment variables and the keys they set. Listed, not derived, so the README can print them. */
export const configEnvVars: ReadonlyArray<{ env: string; path: string; kind: EnvKind }> = [
  { env: 'CROSSDOCK_HTTP_HOST', path: 'http.host', kind: 'string' },
  { env: 'CROSSDOCK_HTTP_PORT', path: 'http.port', kind: 'int' },
  { env: 'CROSSDOCK_HTTP_BODY_LIMIT_BYTES', path: 'http.bodyLimitBytes', kind: 'int' },
  { env: 'CROSSDOCK_HTTP_TRUST_PROXY', path: 'http.trustProxy', kind: 'bool' },
  { env: 'CROSSDOCK_STORE_KIND', path: 'store.kind', kind: 'string' },
  { env: 'CROSSDOCK_STORE_SQLITE_PATH', path: 'store.sqlitePath', kind: 'string' },
  { env: 'CROSSDOCK_STORE_POSTGRES_URL', path: 'store.postgresUrl', kind: 'string' },
  { env: 'CROSSDOCK_STORE_POSTGRES_POOL_SIZE', path: 'store.postgresPoolSize', kind: 'int' },
  { env: 'CROSSDOCK_AUTH_RATE_LIMIT_PER_MINUTE', path: 'auth.rateLimitPerMinute', kind: 'int' },
  { env: 'CROSSDOCK_AUTH_BOOTSTRAP_ADMIN_KEY', path: 'auth.bootstrapAdminKey', kind: 'bool' },
  { env: 'CROSSDOCK_OIDC_ISSUER', path: 'auth.oidc.issuer', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_AUDIENCE', path: 'auth.oidc.audience', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_JWKS_URI', path: 'auth.oidc.jwksUri', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_ROLES_CLAIM', path: 'auth.oidc.rolesClaim', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_NAME_CLAIM', path: 'auth.oidc.nameClaim', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_CLIENT_ID', path: 'auth.oidc.signIn.clientId', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_CLIENT_SECRET', path: 'auth.oidc.signIn.clientSecret', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_SCOPE', path: 'auth.oidc.signIn.scope', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_SIGN_IN_TOKEN', path: 'auth.oidc.signIn.token', kind: 'string' },
  { env: 'CROSSDOCK_OIDC_PROVIDER_NAME', path: 'auth.oidc.signIn.providerName', kind: 'string' },
  { env: 'CROSSDOCK_OUTBOX_POLL_INTERVAL_MS', path: 'outbox.pollIntervalMs', kind: 'int' },
  { env: 'CROSSDOCK_OUTBOX_FOLLOW_INTERVAL_MS', path: 'outbox.followIntervalMs', kind: 'int' },
  { env: 'CROSSDOCK_OUTBOX_ATTEMPTS_MAX', path: 'outbox.attemptsMax', kind: 'int' },
  { env: 'CROSSDOCK_INBOX_POLL_INTERVAL_MS', path: 'inbox.pollIntervalMs', kind: 'int' },
  { env: 'CROSSDOCK_TIMERS_POLL_INTERVAL_MS', path: 'timers.pollIntervalMs', kind: 'int' },
  { env: 'CROSSDOCK_PROCESS_QUERIES_IN_MEMORY', path: 'process.queriesInMemory', kind: 'bool' },
  { env: 'CROSSDOCK_PROCESS_PROJECTION_MEMORY_MB_MAX', path: 'process.projectionMemoryMbMax', kind: 'int' },
  { env: 'CROSSDOCK_PROCESS_LOG_SNAPSHOTS', path: 'process.logSnapshots', kind: 'bool' },
  { env: 'CROSSDOCK_PROCESS_LOG_SNAPSHOT_PATH', path: 'process.logSnapshotPath', kind: 'string' },
  { env: 'CROSSDOCK_LOG_LEVEL', path: 'log.level', kind: 'string' },
  { env: 'CROSSDOCK_EDI_SELF', path: 'edi.self', kind: 'string' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (typeof child !== 'object' || child === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function parseEnvValue(raw: string, kind: EnvKind, env: string): { value?: unknown; problem?: string } {
  if (kind === 'string') return { value: raw };
  if (kind === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) return { problem: `${env}: expected a whole number, got "${raw}"` };
    return { value: Number(raw) };
  }
  const lowered = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lowered)) return { value: true };
  if (['0', 'false', 'no', 'off'].includes(lowered)) return { value: false };
  return { problem: `${env}: expected true or false, got "${raw}"` };
}

/** Validates an already merged object; throws ConfigError naming each bad key. */
export function parseConfig(input: unknown, sourceByPath: Map<string, string> = new Map()): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const unknownKeys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')})` : '';
    const source = sourceByPath.get(path);
    return `${path || '(root)'}: ${issue.message}${unknownKeys}${source ? ` [from ${source}]` : ''}`;
  });
  throw new ConfigError(problems);
}

/**
 * Reads the config file (if any) and the environment, merges them over the defaults and validates.
 * A missing default file is fine; a file named explicitly must exist.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = options.env ?? process.env;
  // An empty variable means unset, as shells and CI systems often export empty values.
  const explicitFile = options.file || env['CROSSDOCK_CONFIG'] || undefined;
  const file = explicitFile ?? 'crossdock.config.json';
  const merged: Record<string, unknown> = {};
  const sourceByPath = new Map<string, string>();
  const problems: string[] = [];

  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`${file}: expected a JSON object at the top level`);
      } else {
        Object.assign(merged, parsed);
      }
    } catch (error) {
      problems.push(`${file}: not valid JSON (${(error as Error).message})`);
    }
  } else if (explicitFile !== undefined) {
    problems.push(`config file "${explicitFile}" does not exist`);
  }

  for (const { env: name, path, kind } of configEnvVars) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const parsed = parseEnvValue(raw, kind, name);
    if (parsed.problem) problems.push(parsed.problem);
    else {
      setPath(merged, path, parsed.value);
      sourceByPath.set(path, `env ${name}`);
    }
  }
  problems.push(...mergeWebhookSecretsFromEnv(merged, env, sourceByPath));
  if (problems.length > 0) throw new ConfigError(problems);
  return parseConfig(merged, sourceByPath);
}
