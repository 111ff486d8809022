import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import { usableMemoryBytes } from './platform/memory.ts';
import type { Clock } from './platform/clock.ts';
import type { IdGenerator } from './platform/ids.ts';
import type { Random } from './platform/random.ts';
import type { Executor, Store } from './platform/db/store.ts';
import { createApiKeyService, type ApiKeyService } from './platform/auth/api-keys.service.ts';
import { registerApiKeyRoutes } from './platform/auth/api-keys.routes.ts';
import { registerMeRoutes } from './platform/auth/me.routes.ts';
import { authenticatorWithOidc, createOidcAuthenticator } from './platform/auth/oidc.ts';
import { apiKeysOnlySignIn, createOidcSignIn } from './platform/auth/oidc-sign-in.ts';
import { registerOidcSignInRoutes } from './platform/auth/oidc-sign-in.routes.ts';
import type { PartnerScope } from './platform/auth/partner-scope.ts';
import { registerCanonicalRoutes } from './canonical.routes.ts';
import { createCatalogService, registerCatalogRoutes, type CatalogService } from './domains/catalog/index.ts';
import { builtinPolicyKinds, createPolicyService, registerPolicyRoutes, type PolicyService } from './domains/policies/index.ts';
import { createDecisionService, registerDecisionRoutes, type DecisionService } from './domains/decisions/index.ts';
import { installAccessControl, type RouteRecord } from './platform/http/access.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { createMetrics, setByStatus, type Metrics } from './platform/http/metrics.ts';
import { openProcessLogFile } from './process-log/log-file.ts';
import { startProcessLogThread } from './process-log/thread.ts';
import { installOpenApi, installRateLimit, installRequestMetrics } from './platform/http/plugins.ts';
import { registerSystemRoutes } from './platform/http/system.routes.ts';
import { registerUiRoutes } from './platform/http/ui.routes.ts';
import type { HttpApp } from './platform/http/types.ts';
import { createInboxService, registerInboxRoutes, type InboxService } from './platform/inbox/index.ts';
import { createChangeWatch, createOutboxService, registerChangeRoutes, registerOutboxRoutes, type OutboxService, type Subscriber } from './platform/outbox/index.ts';
import { createTimerService, registerTimerRoutes, type TimerService } from './platform/timers/index.ts';
import { createIdempotencyService, installIdempotency, type IdempotencyService } from './platform/idempotency/index.ts';
import { createInventoryModule, registerInventoryModuleRoutes, type InventoryModule } from './domains/inventory/index.ts';
import { createOrdersModule, partnerOrderSubject, registerOrdersModuleRoutes, type OrdersModule } from './domains/orders/index.ts';
import { createFulfillmentService, type FulfillmentService } from './domains/fulfillment/index.ts';
import { createOrchestration, registerOrchestrationRoutes, type Orchestration } from './orchestration/index.ts';
import { createProcurementService, registerProcurementRoutes, type ProcurementService } from './domains/procurement/index.ts';
import { createExceptionService, registerExceptionRoutes, type ExceptionService } from './domains/exceptions/index.ts';
import { createWebhooksModule, registerInboundWebhookRoutes, registerWebhookRoutes, type WebhooksModule } from './connectors/webhooks/index.ts';
import { registerShopifyInboxHandlers } from './connectors/shopify/index.ts';
import { createFileConnector, registerFileRoutes, type FileConnector } from './connectors/files/index.ts';
import { createEdiConnector, registerEdiAvailabilityRoutes, type EdiConnector } from './connectors/edi/index.ts';
import { createIntegrationConsole, registerConsoleRoutes } from './connectors/console/index.ts';
import { createProcessService, registerProcessRoutes, type ProcessService, type SnapshotOutcome } from './domains/process/index.ts';

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
  /** Exceptions as owned work: raised and resolved by the domains, worked through role queues. */
  exceptions: ExceptionService;
  orchestration: Orchestration;
  /** Webhooks in (signed sources into the inbox) and out (subscriptions), with their health. */
  webhooks: WebhooksModule;
  /** Watched folders: CSV and X12 files claimed from `in/` into the inbox, archived or moved to `error/` with a report. */
  files: FileConnector;
  /** EDI with trading partners: X12 files in (850 → orders, acknowledgements) and documents out; see docs/edi.md. */
  edi: EdiConnector;
  /** Process intelligence: the object-centric event log, KPIs, process map and OCEL export. */
  process: ProcessService;
}

export interface App {
  http: HttpApp;
  services: Services;
  metrics: Metrics;
  /** Every route registered, with the access it declares. */
  routes: RouteRecord[];
  /** The database the process log is in: the hub's own, or an embedded hub's log file (src/process-log). */
  processLogDb: Executor;
  /** Background loops (outbox dispatcher, timers); tests drive them by hand instead. */
  startWorkers(): void;
  close(): Promise<void>;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Where the process log's snapshot goes: as configured, else beside the SQLite file; none when off. */
const mb = (bytes: number) => Math.round(bytes / 1_048_576);
/** The process projection's memory bound: as configured, else half the memory the process may use (a container's limit included). */
function projectionBytesMax(config: Config): number {
  return config.process.projectionMemoryMbMax !== undefined ? config.process.projectionMemoryMbMax * 1_048_576 : Math.floor(usableMemoryBytes() / 2);
}

function logSnapshotPath(config: Config, store: Store): string | undefined {
  if (!config.process.logSnapshots) return undefined;
  return config.process.logSnapshotPath ?? (store.sqlitePath === undefined ? undefined : `${store.sqlitePath}.process-log`);
}

/** A snapshot read back or written is news; one refused or failed is a warning (the log is read from the database instead). */
function reportSnapshot(log: FastifyBaseLogger, outcome: SnapshotOutcome): void {
  if (outcome.action === 'restored') log.info(outcome, `process log read back from its snapshot: ${outcome.events} events up to sequence ${outcome.seq} in ${outcome.elapsedMs} ms`);
  else if (outcome.action === 'saved') log.info(outcome, `process log snapshot written: ${outcome.events} events up to sequence ${outcome.seq}, ${outcome.bytes} bytes in ${outcome.elapsedMs} ms`);
  else if (outcome.action === 'refused') log.warn(outcome, `process log snapshot not used: ${outcome.reason}`);
  else log.warn({ path: outcome.path, err: outcome.error }, 'process log snapshot could not be read or written');
}

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
    // A message processed (an order taken in) has its events delivered now, not at the next interval.
    inbox: createInboxService({ db, clock, ids, random, config: config.inbox, metrics, onLoopError: loopError('inbox'), onProcessed: () => platform.outbox.nudge() }),
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
  // The process log of an embedded hub in a file lives in a file of its own (src/process-log).
  const processLogStore =
    store.kind === 'sqlite' && store.sqlitePath !== undefined
      ? await openProcessLogFile(store, {
          // A new hub's log file starts empty; only a log that was in the hub's file until now is news.
          onCopied: ({ events, elapsedMs }) => {
            if (events > 0) http.log.info({ events, elapsedMs }, `process log moved from the hub's file into a file of its own: ${events} events in ${elapsedMs} ms`);
          },
        })
      : undefined;
  const processLogDb = processLogStore?.db ?? db;
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
    exceptions: createExceptionService({ db, kind: store.kind, clock, ids, outbox: platform.outbox, timers: platform.timers, policies: platform.policies, metrics }),
    orders: createOrdersModule({ db, kind: store.kind, clock, ids, catalog: platform.catalog, inbox: platform.inbox, outbox: platform.outbox, policies: platform.policies }),
    process: createProcessService({
      db: processLogDb,
      kind: store.kind,
      clock,
      outbox: platform.outbox,
      catalog: platform.catalog,
      inMemory: config.process.queriesInMemory,
      logSnapshotPath: logSnapshotPath(config, store),
      onSnapshot: (outcome) => reportSnapshot(http.log, outcome),
      projectionBytesMax: projectionBytesMax(config),
      onProjectionOverBound: ({ events, bytes, bytesMax }) =>
        http.log.warn(
          { events, bytes, bytesMax },
          `the process projection passed its memory bound (${mb(bytes)} MB at ${events} events, bound ${mb(bytesMax)} MB): KPI and map queries answer from the database until a restart; raise process.projectionMemoryMbMax to keep them in memory`,
        ),
    }),
  };
  // Every domain event goes into the process log; registered before anything can be appended. An
  // embedded hub in a file takes it in on a thread of its own, into the log's own file.
  const processLogThread =
    processLogStore?.sqlitePath !== undefined && store.sqlitePath !== undefined
      ? startProcessLogThread({ hubPath: store.sqlitePath, logPath: processLogStore.sqlitePath, outbox: config.outbox, clock, position: () => domains.process.follower.position() })
      : undefined;
  platform.outbox.follow(processLogThread?.follower ?? domains.process.follower);
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
      exceptions: domains.exceptions,
      inbox: platform.inbox,
      onError: (error, where) => http.log.error({ err: error, where }, `${where} failed`),
    }),
    webhooks: createWebhooksModule({
      db,
      clock,
      ids,
      random,
      config: config.webhooks,
      inbox: platform.inbox,
      outbox: platform.outbox,
      onError: (error, where) => http.log.error({ err: error, where }, `${where} failed`),
    }),
    files: createFileConnector({
      db,
      clock,
      ids,
      inbox: platform.inbox,
      config: config.files,
      onError: (error, where) => http.log.error({ err: error, where }, `${where} failed`),
    }),
    get edi(): EdiConnector {
      return edi;
    },
  };
  // The EDI connector registers its parser with the file connector, so it is built right after it.
  const edi = createEdiConnector({ db, clock, catalog: services.catalog, files: services.files, orders: services.orders.store, outbox: services.outbox, folders: config.files.folders, self: config.edi.self, inbox: services.inbox, shipments: services.orchestration.shipment, fulfillment: services.fulfillment, procurement: services.procurement, replenishment: services.orchestration.replenishment, atp: services.inventory.availability.atp, backorderEstimates: (skus) => services.orchestration.replenishment.backorders.waitingWithEstimates(skus) });
  registerShopifyInboxHandlers({ inbox: services.inbox, catalog: services.catalog, intake: services.orders.intake, orderDefaultsFor: services.webhooks.orderDefaultsFor });

  installErrorHandling(http);
  const oidc = config.auth.oidc ? createOidcAuthenticator(config.auth.oidc, { clock }) : null;
  const routes = installAccessControl(http, authenticatorWithOidc(services.keys, oidc));
  installRequestMetrics(http, metrics);
  await installOpenApi(http);
  await installRateLimit(http, config);
  // After access control (keys are scoped per API key) and the rate limiter (a 429 keeps the key), before any route.
  installIdempotency(http, services.idempotency);

  const refreshGauges = async () => {
    const [inboxCounts, deliveryCounts] = await Promise.all([services.inbox.countByStatus(), services.outbox.countDeliveriesByStatus()]);
    setByStatus(metrics.inboxDepth, inboxCounts);
    setByStatus(metrics.outboxDepth, deliveryCounts);
    const held = services.process.projectionHeld();
    metrics.processProjectionEvents.set(held?.events ?? 0);
    metrics.processProjectionBytes.set(held?.bytes ?? 0);
    metrics.processQueriesFromStorage.set(services.process.queriesFrom() === 'storage' ? 1 : 0);
  };
  registerSystemRoutes(http, { store, metrics, refreshGauges });
  registerUiRoutes(http);
  registerApiKeyRoutes(http, services.keys);
  registerMeRoutes(http);
  registerOidcSignInRoutes(http, oidc && config.auth.oidc ? createOidcSignIn(config.auth.oidc, config.auth.oidc.signIn, { clock, authenticator: oidc }) : apiKeysOnlySignIn);
  // Keys scoped to a trading partner read only its messages (those its keys or its EDI sent) and
  // the events about its orders.
  const partnerScope: PartnerScope = { eventSubjects: partnerOrderSubject, inboxSources: (partnerCode) => services.keys.partnerInboxSources(partnerCode) };
  registerInboxRoutes(http, services.inbox, partnerScope);
  registerOutboxRoutes(http, services.outbox, partnerScope);
  const changes = createChangeWatch({ db });
  registerChangeRoutes(http, changes);
  registerTimerRoutes(http, services.timers);
  registerCanonicalRoutes(http);
  registerCatalogRoutes(http, services.catalog);
  registerPolicyRoutes(http, services.policies);
  registerDecisionRoutes(http, services.decisions);
  registerInventoryModuleRoutes(http, services.inventory, { inbox: services.inbox, db });
  registerOrdersModuleRoutes(http, { inbox: services.inbox, db });
  registerProcurementRoutes(http, services.procurement);
  registerExceptionRoutes(http, services.exceptions);
  registerOrchestrationRoutes(http, services.orchestration);
  registerWebhookRoutes(http, services.webhooks);
  registerInboundWebhookRoutes(http, services.webhooks.inbound, config.webhooks);
  registerFileRoutes(http, services.files);
  registerEdiAvailabilityRoutes(http, services.edi.availability);
  registerProcessRoutes(http, services.process, { orderOwner: (id) => services.orders.store.get(id) });
  registerConsoleRoutes(http, createIntegrationConsole({ db, clock, webhooks: services.webhooks, files: services.files, outbox: services.outbox, folderPartner: (name) => config.files.folders.find((f) => f.name === name)?.partnerCode ?? null }), partnerScope);

  // A command that succeeded may have appended events (a shipment confirmed, a hold released): the
  // dispatcher delivers them now rather than at its next interval. Nothing happens when it is not running.
  http.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) services.outbox.nudge();
  });

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
    processLogDb,
    startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      processLogThread?.start();
      for (const worker of [services.outbox, services.inbox, services.timers, services.idempotency, services.inventory.availability, services.webhooks, services.files]) {
        worker.start();
        stoppers.push(() => worker.stop());
      }
    },
    async close() {
      // Long polls of the change feed end now rather than holding the server open for their wait.
      changes.stop();
      for (const stop of stoppers) await stop();
      await http.close();
      await processLogThread?.stop();
      await processLogStore?.close();
    },
  };
}
