import { z } from 'zod';

/** The kinds of connector the console reports on; each names its connectors its own way (see docs/integrations.md). */
export const connectorKinds = ['webhook-out', 'webhook-in', 'folder', 'edi-partner', 'inbox-source', 'outbox-subscriber'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

export const connectorStatuses = ['healthy', 'degraded', 'failing', 'idle'] as const;
export type ConnectorStatus = (typeof connectorStatuses)[number];

/** Requests (or messages, files, deliveries) over a window and how many of them failed. */
export const windowRateSchema = z.object({
  requests: z.number().int(),
  failures: z.number().int(),
  /** failures / requests; null when there were none. */
  errorRate: z.number().nullable(),
});
export type WindowRate = z.infer<typeof windowRateSchema>;

export const backlogSchema = z.object({
  /** Waiting for a first attempt (or, for files, in `in/` and in work). */
  pending: z.number().int(),
  /** Failed at least once and waiting for another attempt. */
  retrying: z.number().int(),
  /** Given up on or rejected: waiting for a person (dead letters, failed messages, files in `error/`). */
  dead: z.number().int(),
});
export type Backlog = z.infer<typeof backlogSchema>;

export const breakerSchema = z.object({
  state: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number().int(),
  since: z.string().nullable(),
  retryAt: z.string().nullable(),
});

export const connectorSchema = z.object({
  kind: z.enum(connectorKinds),
  name: z.string(),
  status: z.enum(connectorStatuses),
  /** Why the status is what it is, in words, most serious first; empty when healthy. */
  reasons: z.array(z.string()),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  lastError: z.string().nullable(),
  errorRate: z.object({ lastHour: windowRateSchema, last24Hours: windowRateSchema }),
  /** Only for outbound webhook endpoints. */
  breaker: breakerSchema.nullable(),
  backlog: backlogSchema,
  /** The inbox source its messages arrive under, when it has one (`webhook:shop`, `file:orders`, `edi:ACME`). */
  inboxSource: z.string().nullable(),
  /** The trading partner it belongs to, when it belongs to one: keys scoped to a partner see only those. */
  partnerCode: z.string().nullable(),
  /** Facts only this kind has (subscriptions of an endpoint, acknowledgements of an EDI partner…). */
  details: z.record(z.string(), z.unknown()),
});
export type Connector = z.infer<typeof connectorSchema>;

export const recentFailureSchema = z.object({
  at: z.string().nullable(),
  /** What failed: an inbox message, a webhook delivery, an outbox delivery, a file, an EDI group; null for a refused request, which is not kept. */
  ref: z.object({ type: z.enum(['inbox-message', 'webhook-delivery', 'outbox-delivery', 'file', 'edi-group']), id: z.string() }).nullable(),
  status: z.string(),
  error: z.string().nullable(),
});
export type RecentFailure = z.infer<typeof recentFailureSchema>;

export const connectorDetailSchema = connectorSchema.extend({ recentFailures: z.array(recentFailureSchema) });
export type ConnectorDetail = z.infer<typeof connectorDetailSchema>;

export const connectorListSchema = z.object({
  generatedAt: z.string(),
  /** Counts per status, for an overview. */
  summary: z.record(z.enum(connectorStatuses), z.number().int()),
  items: z.array(connectorSchema),
});
export type ConnectorList = z.infer<typeof connectorListSchema>;
