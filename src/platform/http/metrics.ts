import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's own figures (CPU, memory, event-loop lag, garbage collection) in a registry of their
 * own, collected once per process. Collecting them starts a garbage-collection observer and an
 * event-loop monitor that are never stopped, and each holds the registry it fills: collected into
 * each app's registry, they kept every closed app (its services, its database) alive, about 10 MB per
 * app in a process that builds many (tests, the seeded check).
 */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'crossdock_process_' });
  }
  return processRegistry;
}

/** Live exceptions counted by type, queue and SLA state, read from the database when scraped. */
export type OpenExceptionCounts = ReadonlyArray<{ type: string; queue: string; slaState: 'within' | 'breached'; count: number }>;

/**
 * One Prometheus registry per app instance (never the global one), so tests that build several apps
 * in one process do not collide; a scrape shows the process's figures beside it.
 */
export function createMetrics() {
  const registry = new Registry();
  // Set by the exceptions domain once it exists; until then the gauge shows nothing.
  let readOpenExceptions: (() => Promise<OpenExceptionCounts>) | null = null;
  const shared = processMetrics();
  return {
    contentType: registry.contentType,
    /** The scrape: the process's figures, then the app's. */
    async scrape(): Promise<string> {
      return `${await shared.metrics()}\n${await registry.metrics()}`;
    },
    httpRequestDuration: new Histogram({
      name: 'crossdock_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    inboxDepth: new Gauge({
      name: 'crossdock_inbox_messages',
      help: 'Inbox messages by status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    outboxDepth: new Gauge({
      name: 'crossdock_outbox_deliveries',
      help: 'Outbox deliveries by status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    processProjectionEvents: new Gauge({
      name: 'crossdock_process_projection_events',
      help: 'Events of the process log held in memory for KPI and map queries (0 until it is read in)',
      registers: [registry],
    }),
    processProjectionBytes: new Gauge({
      name: 'crossdock_process_projection_bytes',
      help: 'Typed memory the process projection has allocated: log columns, ids, indexes and fact tables, room to grow included (pages never written are not resident)',
      registers: [registry],
    }),
    processQueriesFromStorage: new Gauge({
      name: 'crossdock_process_queries_from_storage',
      help: 'KPI and map queries answer from the database (1): by configuration, or because the projection passed process.projectionMemoryMbMax',
      registers: [registry],
    }),
    outboxRetries: new Counter({
      name: 'crossdock_outbox_retries_total',
      help: 'Outbox delivery attempts that failed and were scheduled again',
      labelNames: ['subscriber'] as const,
      registers: [registry],
    }),
    outboxDeadLetters: new Counter({
      name: 'crossdock_outbox_dead_letters_total',
      help: 'Outbox deliveries that gave up and became dead letters',
      labelNames: ['subscriber'] as const,
      registers: [registry],
    }),
    inboxRetries: new Counter({
      name: 'crossdock_inbox_retries_total',
      help: 'Inbox processing attempts that failed and were scheduled again',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    inboxDeadLetters: new Counter({
      name: 'crossdock_inbox_dead_letters_total',
      help: 'Inbox messages that became dead letters',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    exceptionSlaBreaches: new Counter({
      name: 'crossdock_exception_sla_breaches_total',
      help: 'SLA breaches of exceptions, each counted once when the SLA clock records it, by type and the queue whose deadline passed',
      labelNames: ['type', 'queue'] as const,
      registers: [registry],
    }),
    exceptionsOpen: new Gauge({
      name: 'crossdock_exceptions_open',
      help: 'Live (open or claimed) exceptions by type, current queue and SLA state (within, breached)',
      labelNames: ['type', 'queue', 'sla_state'] as const,
      registers: [registry],
      // Counted from the database at scrape time, so every node reports the same figures.
      async collect() {
        if (readOpenExceptions === null) return;
        const counts = await readOpenExceptions();
        this.reset();
        for (const c of counts) this.set({ type: c.type, queue: c.queue, sla_state: c.slaState }, c.count);
      },
    }),
    /** Tells the open-exceptions gauge where to read its figures. */
    readOpenExceptionsFrom(read: () => Promise<OpenExceptionCounts>): void {
      readOpenExceptions = read;
    },
    timersFired: new Counter({
      name: 'crossdock_timers_fired_total',
      help: 'Timers that fired, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Sets a by-status gauge from one grouped count. Every status is written, zeros included, so a queue
 * that drains shows 0 instead of keeping its last value.
 */
export function setByStatus(gauge: Gauge<'status'>, counts: Record<string, number>): void {
  for (const [status, count] of Object.entries(counts)) gauge.set({ status }, count);
}
