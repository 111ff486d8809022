import { z } from 'zod';
import { breakerStates } from './breaker.rules.ts';
import { webhookSchemes } from './webhooks.config.ts';

/** An event type, a prefix pattern (`crossdock.order.*`) or `*`: the same filter the outbox's subscribers use. */
export const eventTypePatternSchema = z
  .string()
  .regex(/^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/, 'an event type such as crossdock.order.received, a prefix such as crossdock.order.*, or *');

const urlSchema = z.string().trim().min(1).max(2_048);

export const createSubscriptionSchema = z
  .object({
    url: urlSchema.describe('Where events are posted: https, on a public address'),
    fallbackUrl: urlSchema.optional().describe('Used while the primary endpoint’s circuit is open'),
    eventTypes: z.array(eventTypePatternSchema).min(1).max(50),
    secret: z
      .string()
      .min(24)
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional()
      .describe('The HMAC secret; one is generated when absent. Either way it is shown only in this answer'),
    description: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type CreateSubscription = z.infer<typeof createSubscriptionSchema>;

export const subscriptionStatuses = ['active', 'deleted'] as const;

export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  fallbackUrl: z.string().nullable(),
  eventTypes: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(subscriptionStatuses),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const createdSubscriptionSchema = z.object({
  subscription: subscriptionSchema,
  /** Shown once: it is never returned again. */
  secret: z.string(),
});

export const webhookDeliveryStatuses = ['pending', 'delivered', 'dead', 'discarded'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

export const webhookDeliverySummarySchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  sequence: z.number().int(),
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastEndpoint: z.enum(['primary', 'fallback']).nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  deadAt: z.string().nullable(),
  discardedAt: z.string().nullable(),
  replayCount: z.number().int(),
  operatorNote: z.string().nullable(),
});
export type WebhookDeliverySummary = z.infer<typeof webhookDeliverySummarySchema>;

export const webhookDeliverySchema = webhookDeliverySummarySchema.extend({
  /** The body posted: the event's CloudEvents envelope. */
  payload: z.string(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

const rateSchema = z.object({
  requests: z.number().int(),
  failures: z.number().int(),
  /** failures / requests over the window; null when there were no requests. */
  errorRate: z.number().nullable(),
});

export const webhookHealthSchema = z.object({
  windowMinutes: z.number().int(),
  inbound: z.array(
    rateSchema.extend({
      source: z.string(),
      scheme: z.enum(webhookSchemes),
      topics: z.array(z.string()),
      lastSuccessAt: z.string().nullable(),
      lastFailureAt: z.string().nullable(),
      lastError: z.string().nullable(),
      /** Inbox messages of this source waiting for a retry, rejected as invalid, and dead. */
      backlog: z.object({ waiting: z.number().int(), failed: z.number().int(), dead: z.number().int() }),
    }),
  ),
  outbound: z.array(
    rateSchema.extend({
      /** Origin and path; a query, which may carry a token, is shown as `?…`. */
      endpoint: z.string(),
      subscriptionIds: z.array(z.string()),
      roles: z.array(z.enum(['primary', 'fallback'])),
      breaker: z.object({
        state: z.enum(breakerStates),
        consecutiveFailures: z.number().int(),
        since: z.string().nullable(),
        /** When an open breaker lets its next trial through. */
        retryAt: z.string().nullable(),
      }),
      lastSuccessAt: z.string().nullable(),
      lastFailureAt: z.string().nullable(),
      lastError: z.string().nullable(),
      /** Deliveries of the subscriptions using this endpoint still to make, and given up on. */
      backlog: z.object({ pending: z.number().int(), dead: z.number().int() }),
    }),
  ),
});
export type WebhookHealth = z.infer<typeof webhookHealthSchema>;

export const inboundAnswerSchema = z.object({
  /** `duplicate` when the source already sent this event id: nothing happened again. */
  result: z.enum(['accepted', 'duplicate']),
  messageId: z.string(),
  status: z.enum(['received', 'processed', 'failed', 'dead', 'discarded']),
  outcome: z.unknown().nullable(),
});
export type InboundAnswer = z.infer<typeof inboundAnswerSchema>;

export interface DispatchReport {
  /** Deliveries made from the event feed in this tick. */
  fannedOut: number;
  delivered: number;
  retrying: number;
  dead: number;
  /** Deliveries left waiting because their endpoints' circuits are open. */
  held: number;
}
