import { z } from 'zod';

/**
 * A CloudEvents 1.0 envelope (structured JSON mode). `sequence` (the outbox's position, a decimal
 * integer as text, per the CloudEvents sequence extension) lets a subscriber tell an older event
 * replayed late from a newer one; `correlationid`, `causationid` and `dataschemaversion` are our
 * extension attributes and are left out when empty, as the spec asks.
 */
export const eventEnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject: z.string(),
  time: z.string(),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
  sequence: z.string(),
  dataschemaversion: z.string(),
  correlationid: z.string().optional(),
  causationid: z.string().optional(),
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** What a service appends; the outbox fills in id, time, sequence and the fixed attributes. */
export interface NewEvent {
  /** URI-reference of the producing part of the hub, e.g. `/crossdock/inventory`. */
  source: string;
  /** Reverse-DNS style, past tense: `crossdock.inventory.adjusted`. */
  type: string;
  /** The object the event is about, e.g. `item/SKU-1@WH-EAST`; delivery order is kept per subject. */
  subject: string;
  /** Any JSON value. */
  data: unknown;
  correlationId?: string | null | undefined;
  /** The id of the message or event that caused this one. */
  causationId?: string | null | undefined;
  /** Version of the data's schema; defaults to `1`. Consumers branch on it, never on guesswork. */
  dataSchemaVersion?: string | undefined;
}

/**
 * A consumer of events: a projection, a connector going out, a webhook. Registered while the app is
 * built (see `OutboxService.subscribe`).
 *
 * `deliver` must be idempotent: delivery is at least once, so after a crash between delivering and
 * recording it, the same event (same `id`) comes again. Throw an `ExternalError` with
 * `retryable: false` (or an `AppError`) when trying again cannot help; any other error is retried
 * with backoff. Apply your own timeout to remote calls: the dispatcher waits for `deliver`.
 *
 * @example
 * outbox.subscribe({
 *   name: 'erp-invoices',
 *   types: ['crossdock.finance.*'],
 *   deliver: async (event) => erpClient.postInvoice(event.data, { idempotencyKey: event.id }),
 * });
 */
/** A dead letter as an observer is told of it. */
export interface DeadLetterNotice {
  deliveryId: number;
  subscriber: string;
  event: EventEnvelope;
  attempts: number;
  lastError: string;
}

/**
 * Told, after the fact, when a delivery becomes a dead letter and when a dead letter is settled:
 * delivered on a replay, or discarded. The exceptions flow uses it to raise and clear integration
 * failures. An observer handles its own errors: the delivery's outcome is already recorded.
 */
export interface DeadLetterObserver {
  dead(letter: DeadLetterNotice): Promise<void>;
  settled(deliveryId: number, how: 'delivered' | 'discarded', note: string | null): Promise<void>;
}

/** How one event of a `deliverMany` batch went. */
export type DeliverySettlement = { ok: true } | { ok: false; error: unknown };

export interface Subscriber {
  /** Stable name; deliveries are stored under it, so renaming a subscriber orphans its backlog. */
  name: string;
  /** `'*'` for every type, or exact types and prefix patterns such as `crossdock.inventory.*`. */
  types: readonly string[] | '*';
  deliver(event: EventEnvelope): Promise<void>;
  /**
   * Takes several events at once, when given, instead of `deliver`: for a subscriber whose work
   * commits (allocation) and that can write a batch with one commit. Answers one settlement per
   * event, in their order; an event settled with an error is retried or dead-lettered as a `deliver`
   * that threw. A batch holds at most one event per subject.
   */
  deliverMany?(events: readonly EventEnvelope[]): Promise<ReadonlyArray<DeliverySettlement>>;
  /**
   * Delivered in a lane of its own, ahead of the others: a step an order is waiting on (its
   * allocation), which the log, webhooks and documents of earlier orders must not delay. A running
   * hub ticks the lane on its own loop; `dispatchDue` runs it before the rest.
   */
  first?: boolean;
  /**
   * Asked when an event of the subscriber's types is appended, from the event alone: an event it
   * refuses gets no delivery. For a subscriber that would do nothing with most events of a type (the
   * 855 of an order no trading partner placed), so each of them costs no delivery row to write,
   * select and mark. It must be pure and cheap: it runs inside the appending transaction.
   */
  accepts?(event: { type: string; data: unknown }): boolean;
}

/**
 * A consumer that reads the feed after a cursor of its own instead of taking a delivery per event:
 * the process log, which takes in every event. No delivery row is written, selected or marked for
 * it, so an event costs it a share of a page read. Registered while the app is built (see
 * `OutboxService.follow`); a running hub runs it on a loop of its own, `dispatchDue` after both lanes.
 *
 * `follow` takes in what is new after its cursor and moves the cursor in the same transaction as
 * its own writes, so it must tolerate running on several nodes at once (the process log locks its
 * cursor). It resolves to how many events it took in; it throws when it could not, and is tried
 * again with backoff.
 *
 * A follower that takes in the feed in several transactions awaits `turn` between them: in a
 * running hub it lets an allocation waiting for the first lane run before the next page, so a
 * burst of the log never holds up an order's release for more than one page.
 */
export interface FeedFollower {
  /** Stable name, shown in the integrations console beside the subscribers. */
  name: string;
  follow(turn?: () => Promise<void>): Promise<number>;
  /** The sequence of the last event it has taken in. */
  position(): Promise<number>;
}

/** What this process knows of a follower's health (its counts start when the process starts). */
export interface FollowerHealth {
  name: string;
  position: number;
  /** Events in the feed after its position. */
  lag: number;
  /** When it last took in events. */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  /** Failed attempts since it last succeeded; while above 0 it waits until `nextAttemptAt`. */
  failuresInRow: number;
  nextAttemptAt: number | null;
  /** Events taken in plus failed attempts (`requests`), and failed attempts, in the last hour and day. */
  hour: { requests: number; failures: number };
  day: { requests: number; failures: number };
}

export const deliveryStatuses = ['pending', 'delivered', 'dead', 'discarded'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliverySchema = z.object({
  id: z.number().int(),
  subscriber: z.string(),
  subject: z.string(),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  deadAt: z.string().nullable(),
  discardedAt: z.string().nullable(),
  replayCount: z.number().int(),
  operatorNote: z.string().nullable(),
  event: eventEnvelopeSchema,
});
export type Delivery = z.infer<typeof deliverySchema>;

export interface DispatchReport {
  delivered: number;
  retrying: number;
  dead: number;
  /** Events the feed followers took in (see `FeedFollower`); a follower that failed counts in `retrying`. */
  followed: number;
  /** True when another node holds the dispatcher lock (PostgreSQL), so this tick did nothing. */
  skipped: boolean;
}

export const typePatternSchema = z
  .string()
  .regex(/^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/, 'an event type such as crossdock.inventory.adjusted, a prefix such as crossdock.inventory.*, or *');

export const feedQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Return events with a sequence above this; pass the previous nextAfter'),
  type: typePatternSchema.optional().describe('An exact type or a prefix pattern such as crossdock.inventory.*'),
  subject: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});
export type FeedQuery = z.infer<typeof feedQuerySchema>;

export const feedPageSchema = z.object({
  items: z.array(eventEnvelopeSchema),
  /** The sequence of the last event returned (or `after` when none): the next `after` to ask for. */
  nextAfter: z.number().int(),
});
export type FeedPage = z.infer<typeof feedPageSchema>;
