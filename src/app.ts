import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Clock } from './platform/clock.ts';
import type { IdGenerator } from './platform/ids.ts';
import type { Random } from './platform/random.ts';
import type { Store } from './platform/db/store.ts';
import { createApiKeyService, type ApiKeyService } from './platform/auth/api-keys.service.ts';
import { registerApiKeyRoutes } from './platform/auth/api-keys.routes.ts';
import { registerCanonicalRoutes } from './canonical.routes.ts';
import { createCatalogService, registerCatalogRoutes, type CatalogService } from './domains/catalog/index.ts';
import { builtinPolicyKinds, createPolicyService, registerPolicyRoutes, type PolicyService } from './domains/policies/index.ts';
import { createDecisionService, registerDecisionRoutes, type DecisionService } from './domains/decisions/index.ts';
import { installAccessControl, type RouteRecord } from './platform/http/access.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { createMetrics, setByStatus, type Metrics } from './platform/http/metrics.ts';
import { installOpenApi, installRateLimit, installRequestMetrics } from './platform/http/plugins.ts';
import { registerSystemRoutes } from './platform/http/system.routes.ts';
import type { HttpApp } from './platform/http/types.ts';
import { createInboxService, registerInboxRoutes, type InboxService } from './platform/inbox/index.ts';
import { createOutboxService, registerOutboxRoutes, type OutboxService, type Subscriber } from './platform/outbox/index.ts';
import { createTimerService, registerTimerRoutes, type TimerService } from './platform/timers/index.ts';
import { createIdempotencyService, installIdempotency, type IdempotencyService } from './platform/idempotency/index.ts';
import { createInventoryModule, registerInventoryModuleRoutes, type InventoryModule } from './domains/inventory/index.ts';
import { createOrdersModule, registerOrdersModuleRoutes, type OrdersModule } from './domains/orders/index.ts';
import { createFulfillmentService, type FulfillmentService } from './domains/fulfillment/index.ts';
import { createOrchestration, registerOrchestrationRoutes, type Orchestration } from './orchestration/index.ts';
import { createProcurementService, registerProcurementRoutes, type ProcurementService } from './domains/procurement/index.ts';

export interface AppDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  /**
   * Outbox subscribers from outside the app (connectors going out, test probes). Modules built inside
   * `buildApp` call `services.outbox.subscribe()` instead; either way registration closes at the first
   * append or dispatch, because deliveries are made when an event is appended.
   */
  subscribers?: readonly Subscriber[];
}

export interface Services {
  keys: ApiKeyService;
  catalog: CatalogService;
  /** Versioned policies; modules register their own kinds with `registerPolicyKind` when composed. */
  policies: PolicyService;
  /** Recorded decisions; domains record theirs in the transaction of the change they explain. */
  decisions: DecisionService;
  inbox: InboxService;
  outbox: OutboxService;
  timers: TimerService;
  idempotency: IdempotencyService;
  inventory: InventoryModule;
  orders: OrdersModule;
  fulfillment: FulfillmentService;
  procurement: ProcurementService;
  orchestration: Orchestration;
}

export interface App {
  http: HttpApp;
  services: Services;
  metrics: Metrics;
  /** Every route registered, with the access it declares. */
  routes: RouteRecord[];
  /** Background loops (outbox dispatcher, timers); tests drive them by hand instead. */
  startWorkers(): void;
  close(): Promise<void>;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the whole hub around an open, migrated store. `main` and the tests both use it; it opens no
 * sockets and starts no loops by itself.
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<App> {
  const { store, clock, ids, random } = deps;
  const db = store.db;
  const metrics = createMetrics();

  const http = Fastify({
    logger: config.log.level === 'silent' ? false : { level: config.log.level },
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    requestIdHeader: false,
    requestIdLogLabel: 'correlationId',
    genReqId: (request) => {
      const presented = request.headers['x-correlation-id'];
      return typeof presented === 'string' && CORRELATION_ID.test(presented) ? presented : ids.next();
    },
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();
  http.setValidatorCompiler(validatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  http.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });

  const loopError = (loop: string) => (error: unknown) => http.log.error({ err: error, loop }, `${loop} loop tick failed; retrying next tick`);
  const platform = {
    keys: createApiKeyService({ db, clock, ids, random, onTouchError: loopError('api-keys') }),
    catalog: createCatalogService({ db, clock }),
    inbox: createInboxService({ db, clock, ids, random, config: config.inbox, metrics, onLoopError: loopError('inbox') }),
    outbox: createOutboxService({
      db,
      kind: store.kind,
      clock,
      ids,
      random,
      config: config.outbox,
      metrics,
      subscribers: deps.subscribers ?? [],
      onLoopError: loopError('outbox'),
    }),
    timers: createTimerService({ db, clock, ids, random, config: config.timers, metrics, onLoopError: loopError('timers') }),
    policies: createPolicyService({ db, kind: store.kind, clock, ids, kinds: builtinPolicyKinds }),
    idempotency: createIdempotencyService({ db, clock, config: config.idempotency, onLoopError: loopError('idempotency') }),
    decisions: createDecisionService({ db, ids }),
  };
  const domains = {
    inventory: createInventoryModule({
      db,
      kind: store.kind,
      clock,
      ids,
      config: config.inventory,
      catalog: platform.catalog,
      inbox: platform.inbox,
      outbox: platform.outbox,
      timers: platform.timers,
      onError: (error, where) => http.log.error({ err: error, where }, `${where} failed`),
    }),
    fulfillment: createFulfillmentService({ db, ids }),
    procurement: createProcurementService({ db, kind: store.kind, clock, ids, catalog: platform.catalog, outbox: platform.outbox }),
    orders: createOrdersModule({ db, kind: store.kind, clock, ids, catalog: platform.catalog, inbox: platform.inbox, outbox: platform.outbox, policies: platform.policies }),
  };
  const services: Services = {
    ...platform,
    ...domains,
    // Cross-domain flows come last: they call the domains' public services.
    orchestration: createOrchestration({
      db,
      clock,
      catalog: platform.catalog,
      policies: platform.policies,
      inventory: domains.inventory,
      orders: domains.orders,
      outbox: platform.outbox,
      decisions: platform.decisions,
      fulfillment: domains.fulfillment,
      procurement: domains.procurement,
      ids,
      timers: platform.timers,
    }),
  };

  installErrorHandling(http);
  const routes = installAccessControl(http, services.keys);
  installRequestMetrics(http, metrics);
  await installOpenApi(http);
  await installRateLimit(http, config);
  // After access control (keys are scoped per API key) and the rate limiter (a 429 keeps the key), before any route.
  installIdempotency(http, services.idempotency);

  const refreshGauges = async () => {
    const [inboxCounts, deliveryCounts] = await Promise.all([services.inbox.countByStatus(), services.outbox.countDeliveriesByStatus()]);
    setByStatus(metrics.inboxDepth, inboxCounts);
    setByStatus(metrics.outboxDepth, deliveryCounts);
  };
  registerSystemRoutes(http, { store, metrics, refreshGauges });
  registerApiKeyRoutes(http, services.keys);
  registerInboxRoutes(http, services.inbox);
  registerOutboxRoutes(http, services.outbox);
  registerTimerRoutes(http, services.timers);
  registerCanonicalRoutes(http);
  registerCatalogRoutes(http, services.catalog);
  registerPolicyRoutes(http, services.policies);
  registerDecisionRoutes(http, services.decisions);
  registerInventoryModuleRoutes(http, services.inventory, { inbox: services.inbox, db });
  registerOrdersModuleRoutes(http, { inbox: services.inbox, db });
  registerProcurementRoutes(http, services.procurement);
  registerOrchestrationRoutes(http, services.orchestration);

  // ATP is read from memory, so the projection is loaded before the first request can arrive.
  await services.inventory.availability.load();

  await http.ready();

  const stoppers: Array<() => Promise<void>> = [];
  let workersStarted = false;
  return {
    http,
    services,
    metrics,
    routes,
    startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      for (const worker of [services.outbox, services.inbox, services.timers, services.idempotency, services.inventory.availability]) {
        worker.start();
        stoppers.push(() => worker.stop());
      }
    },
    async close() {
      for (const stop of stoppers) await stop();
      await http.close();
    },
  };
}
