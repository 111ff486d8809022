import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import { singleFlight, startPoller, type Poller } from '../../platform/poller.ts';
import type { Random } from '../../platform/random.ts';
import { createDeliveryService } from './deliveries.service.ts';
import { postJson } from './delivery.http.ts';
import { createWebhookDispatcher, type PostJson } from './dispatch.service.ts';
import { createWebhookHealth } from './health.service.ts';
import { createInboundWebhooks } from './inbound.service.ts';
import { webhookSourceName } from './sources.ts';
import { createSubscriptionService } from './subscriptions.service.ts';
import { systemResolveHost, type ResolveHost } from './targets.resolve.ts';
import type { WebhooksConfig } from './webhooks.config.ts';
import type { DispatchReport } from './webhooks.types.ts';

export interface WebhooksDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  config: WebhooksConfig;
  inbox: InboxService;
  outbox: Pick<OutboxService, 'readFeed'>;
  onError: (error: unknown, where: string) => void;
  /** DNS for the check made when a subscription is created; tests give their own answers. */
  resolveHost?: ResolveHost;
  /** The HTTP client for deliveries; tests always use the real one against a local server. */
  post?: PostJson;
}

const HOUR_MS = 3_600_000;

/** Webhooks in and out: signed inbound sources, outbound subscriptions with their delivery loop, and health. */
export function createWebhooksModule(deps: WebhooksDeps) {
  const { db, clock, config } = deps;
  const health = createWebhookHealth({ db, clock, config });
  const inbound = createInboundWebhooks({
    clock,
    config,
    inbox: deps.inbox,
    record: (source, ok, error) => health.record('in', source, ok, error),
  });
  const subscriptions = createSubscriptionService({ db, clock, ids: deps.ids, random: deps.random, config, resolveHost: deps.resolveHost ?? systemResolveHost });
  const deliveries = createDeliveryService({ db, clock });
  const dispatcher = createWebhookDispatcher({
    db,
    clock,
    ids: deps.ids,
    random: deps.random,
    config,
    outbox: deps.outbox,
    post: deps.post ?? postJson,
    record: (endpoint, ok, error) => health.record('out', endpoint, ok, error),
  });

  let prunedAt = -Infinity;
  const dispatchDue = singleFlight(async (): Promise<DispatchReport> => {
    let report: DispatchReport;
    try {
      report = await dispatcher.dispatchDue();
    } finally {
      await health.flush();
    }
    // Old traffic buckets go at most once an hour, on the loop that writes most of them.
    if (clock.now() - prunedAt >= HOUR_MS) {
      prunedAt = clock.now();
      await health.prune();
    }
    return report;
  });

  let poller: Poller | null = null;
  return {
    inbound,
    subscriptions,
    deliveries,
    /** One delivery tick; concurrent calls in one process share the tick in progress. */
    dispatchDue,
    /** Health per inbound source and outbound endpoint, for the integration console. */
    webhookHealth: health.webhookHealth,
    /** The order defaults of the webhook source an inbox message came from, for connectors that make orders. */
    orderDefaultsFor(inboxSource: string) {
      const name = webhookSourceName(inboxSource);
      return name !== null && Object.hasOwn(config.sources, name) ? config.sources[name]!.orderDefaults : undefined;
    },
    start() {
      poller ??= startPoller({ intervalMs: config.pollIntervalMs, tick: dispatchDue, onError: (error) => deps.onError(error, 'webhooks loop') });
    },
    async stop() {
      await poller?.stop();
      poller = null;
      await health.flush();
    },
  };
}

export type WebhooksModule = ReturnType<typeof createWebhooksModule>;
