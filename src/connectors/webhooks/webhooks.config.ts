import { z } from 'zod';

/**
 * The `webhooks` section of the configuration. Secrets of inbound sources come from the config file
 * or, better, from the environment (`CROSSDOCK_WEBHOOK_SECRETS_<SOURCE>`), never from the repository.
 */

export const webhookSchemes = ['crossdock', 'shopify'] as const;
export type WebhookScheme = (typeof webhookSchemes)[number];

/** A source name is part of the URL (`/v1/webhooks/<source>`) and of an environment variable's name. */
export const webhookSourceNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a source name is 1–63 lower-case letters, digits or hyphens, starting with a letter or digit');

const codeSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, underscore or hyphen');

export const webhookSourceSchema = z
  .object({
    scheme: z.enum(webhookSchemes),
    /**
     * One secret, or two while rotating: requests signed with either are accepted, so the sender can
     * switch at its own pace. Put the new one first; drop the old one when the sender has switched.
     */
    secrets: z.array(z.string().min(16, 'a webhook secret needs at least 16 characters').max(512)).min(1).max(2),
    /** Topic (the sender's event type) → inbox message type. Defaults per scheme; unlisted topics are refused. */
    topics: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).optional(),
    /** What a web store's order lacks: the channel it comes through and the customer it is billed to. */
    orderDefaults: z
      .object({
        channelCode: codeSchema,
        customerCode: codeSchema,
        /** The ship-to used when the shipping address matches none of the customer's ship-tos. */
        shipToCode: codeSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.scheme !== 'shopify' || s.orderDefaults !== undefined, {
    message: 'a shopify source needs orderDefaults (channelCode, customerCode)',
    path: ['orderDefaults'],
  });
export type WebhookSource = z.infer<typeof webhookSourceSchema>;

export const webhooksConfigSchema = z
  .object({
    sources: z.record(webhookSourceNameSchema, webhookSourceSchema).default({}),
    /** A signed request whose timestamp is further than this from the hub's clock is refused (crossdock scheme). */
    timestampToleranceSeconds: z.number().int().min(1).max(86_400).default(300),
    /** Largest inbound webhook body; larger answers 413 before anything is stored. */
    bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(2 * 1024 * 1024),
    /** Inbound requests per minute per source and caller address. */
    rateLimitPerMinute: z.number().int().min(1).default(1200),
    /** Tests and development only: allow subscription targets on loopback and private networks. */
    allowPrivateTargets: z.boolean().default(false),
    /** Tests and development only: allow `http:` subscription targets (payloads carry business data). */
    allowHttpTargets: z.boolean().default(false),
    /** Each outbound request is abandoned after this long and counts as a failure. */
    requestTimeoutMs: z.number().int().min(50).max(120_000).default(10_000),
    pollIntervalMs: z.number().int().min(5).default(500),
    batchSize: z.number().int().min(1).max(10_000).default(100),
    attemptsMax: z.number().int().min(1).max(100).default(10),
    retryDelayMsBase: z.number().int().min(1).default(5_000),
    retryDelayMsMax: z.number().int().min(1).default(60 * 60_000),
    /** Consecutive failures that open an endpoint's circuit. */
    breakerFailureThreshold: z.number().int().min(1).max(1_000).default(5),
    /** How long an open circuit sends nothing before one trial request is let through. */
    breakerCoolDownMs: z.number().int().min(1).default(60_000),
    /** The window health reports error rates over. */
    healthWindowMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  })
  .strict()
  .prefault({});
export type WebhooksConfig = z.infer<typeof webhooksConfigSchema>;

/** The environment variable holding a source's secrets: `current[,previous]`. */
export const webhookSecretsEnvName = (source: string) => `CROSSDOCK_WEBHOOK_SECRETS_${source.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const SECRETS_ENV_PREFIX = 'CROSSDOCK_WEBHOOK_SECRETS_';

/**
 * Puts the secrets found in the environment into the merged configuration, before it is validated.
 * A variable that names no configured source is a problem: a typo there would leave a source
 * without the secret its operator meant to give it. Values never appear in messages.
 */
export function mergeWebhookSecretsFromEnv(merged: Record<string, unknown>, env: NodeJS.ProcessEnv, sourceByPath: Map<string, string>): string[] {
  const problems: string[] = [];
  const webhooks = merged['webhooks'];
  const sources = typeof webhooks === 'object' && webhooks !== null ? (webhooks as Record<string, unknown>)['sources'] : undefined;
  const byEnvName = new Map<string, { name: string; source: Record<string, unknown> }>();
  if (typeof sources === 'object' && sources !== null) {
    for (const [name, source] of Object.entries(sources)) {
      if (typeof source === 'object' && source !== null) byEnvName.set(webhookSecretsEnvName(name), { name, source: source as Record<string, unknown> });
    }
  }
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(SECRETS_ENV_PREFIX) || raw === undefined || raw === '') continue;
    const found = byEnvName.get(variable);
    if (!found) {
      problems.push(`${variable}: names no source in webhooks.sources (configure the source, with its scheme, in the config file)`);
      continue;
    }
    found.source['secrets'] = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    sourceByPath.set(`webhooks.sources.${found.name}.secrets`, `env ${variable}`);
  }
  return problems;
}
