/**
 * Availability reads and the change feed while inventory is being ingested (DESIGN §11):
 *
 * 1. In process: `services.inventory.availability.atp(sku, location)` and the full single-SKU answer
 *    (`services.inventory.availability.availability({ sku })`) over random SKUs, while ingest runs in the same
 *    process at a steady ~10,000 events/s (batches of 500 every 50 ms through the inbox path).
 * 2. HTTP: `GET /v1/availability/:sku` on a listening loopback socket, loaded from a separate process
 *    (bench/availability-load.ts) over keep-alive connections, idle and during the same ingest, beside
 *    the ceiling of a plain node:http server answering a fixed JSON body to the same client.
 * 3. Feed latency: `GET /v1/availability/feed` over the socket while events are posted through the
 *    inbox at a steady pace; per SSE event, read time − the hub's acceptedAtMs (both wall clock), and
 *    read time − the producer's send time. Idle and during the same background ingest.
 *
 * Run: npm run bench:availability [-- --store=sqlite|postgres --seconds=5 --connections=16 --client=raw|agent]
 * Durability: the ingest alongside commits per batch; SQLite WAL with synchronous=NORMAL (survives a
 * process crash), PostgreSQL as configured on the server (read back and printed: fsync,
 * synchronous_commit). Reads are served from the in-memory projection whatever the mode.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { App } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { INVENTORY_EVENTS_MESSAGE } from '../src/domains/inventory/index.ts';
import type { HttpJob, HttpResult, LoadJob, LoadMessage, SseEvent, SseJob, SseResult } from './availability-load.ts';
import { fmt, openBenchHub, percentile, seedMasterData, storesFromArgs, type BenchHub } from './support.ts';

const numberArg = (name: string, fallback: number) => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

/** How long each measured phase lasts. */
const PHASE_MS = numberArg('seconds', 5) * 1000;
const WARMUP_MS = 500;
/** The in-process reads alone, measured just before the same reads during ingest. */
const IDLE_READ_MS = 2_000;
const CONNECTIONS = numberArg('connections', 16);
const CLIENT = (process.argv.find((a) => a.startsWith('--client='))?.slice('--client='.length) ?? 'raw') as HttpJob['client'];
if (CLIENT !== 'raw' && CLIENT !== 'agent') throw new Error('--client must be raw or agent');
/** SKUs the background ingest and the reads range over, and SKUs kept apart for the feed. */
const LOAD_SKUS = 5_000;
const FEED_SKUS = 200;

/** Background ingest: 500 events every 50 ms is 10,000 events/s. */
const INGEST_BATCH = 500;
const INGEST_INTERVAL_MS = 50;
const INGEST_WANTED_PER_S = (INGEST_BATCH * 1000) / INGEST_INTERVAL_MS;

/** Feed: 20 events on 20 distinct feed SKUs every 50 ms; each SKU is touched again only every 500 ms. */
const FEED_BATCH = 20;
const FEED_INTERVAL_MS = 50;
const FEED_EVENTS = 2_000;
/** SKUs per basket call when warming the item cache (well under the basket's limit). */
const BASKET_SKUS_MAX = 100;

/** The hub's default coalescing window (the bench does not override it). */
const FEED_COALESCE_MS = parseConfig({}).inventory.feedCoalesceMs;

const TARGET = { inProcess: 200_000, httpPerSecond: 10_000, httpP99Ms: 10, feedP99Ms: 50 };

const loadScript = fileURLToPath(new URL('./availability-load.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const verdict = (ok: boolean) => (ok ? '[meets]' : '[MISSES]');
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');

// ---------------------------------------------------------------------------------------------------
// Ingest through the inbox, as a WMS would send it.

interface IngestStats {
  events: number;
  batches: number;
  seconds: number;
  perSecond: number;
  batchP99Ms: number;
}

interface Producer {
  /** One inbox message of `events`, each already carrying its source's next sequence. */
  send(events: object[]): Promise<void>;
  nextSequence(source: string): number;
}

function producer(app: App): Producer {
  const sequences = new Map<string, number>();
  let messages = 0;
  return {
    nextSequence(source) {
      const next = (sequences.get(source) ?? 0) + 1;
      sequences.set(source, next);
      return next;
    },
    async send(events) {
      const { message } = await app.services.inbox.receiveAndProcess({
        source: 'bench',
        dedupeKey: `bench-${process.pid}-${messages++}`,
        messageType: INVENTORY_EVENTS_MESSAGE,
        contentType: 'application/json',
        payload: JSON.stringify({ events }),
      });
      if (message.status !== 'processed') throw new Error(`inbox message ended ${message.status}: ${JSON.stringify(message.error)}`);
      const outcome = message.outcome as { applied: number; received: number };
      if (outcome.applied !== outcome.received) throw new Error(`only ${outcome.applied} of ${outcome.received} events applied: ${JSON.stringify(message.outcome)}`);
    },
  };
}

/**
 * Receipts and ships over `skus`, as each warehouse's WMS would send them: a batch comes from one
 * location's source (`WMS-<location>`) and moves stock at that location only, so an answer lists one
 * ingest source per location, as in production. Every fourth event ships one unit from the position
 * the event three before received five into, in the same batch, so no ship can take stock negative.
 */
function backgroundIngest(out: Producer, skus: readonly string[], locations: readonly string[]) {
  let n = 0;
  let batchNo = 0;
  const occurredAt = new Date().toISOString();
  const nextBatch = () => {
    const locationCode = locations[batchNo++ % locations.length]!;
    const source = `WMS-${locationCode}`;
    const events = Array.from({ length: INGEST_BATCH }, () => {
      const i = n++;
      const ship = i % 4 === 3;
      const k = ship ? i - 3 : i;
      return {
        source,
        sequence: out.nextSequence(source),
        type: ship ? 'ship' : 'receipt',
        sku: skus[(k * 7919) % skus.length]!,
        locationCode,
        quantity: ship ? 1 : 5,
        occurredAt,
      };
    });
    return { locationCode, events };
  };

  return {
    /** Gives every SKU stock at every location, so reads answer real positions. */
    async prewarm(): Promise<void> {
      for (const locationCode of locations) {
        const source = `WMS-${locationCode}`;
        for (let i = 0; i < skus.length; i += INGEST_BATCH) {
          await out.send(skus.slice(i, i + INGEST_BATCH).map((sku) => ({ source, sequence: out.nextSequence(source), type: 'receipt', sku, locationCode, quantity: 100, occurredAt })));
        }
      }
    },

    /**
     * Sends a batch every INGEST_INTERVAL_MS until stopped (and at most `maxMs`), the locations' sources
     * taking turns. Each source has at most one batch in flight, as a WMS posting its own stream would;
     * different sources' batches overlap, which on PostgreSQL hides round trips and on SQLite changes
     * nothing (one writer). A batch that is late is sent at once; more than a second behind, the
     * schedule is given up rather than caught up in a burst, so the rate reported is what the store
     * sustained.
     */
    start(maxMs: number): { stop(): Promise<IngestStats> } {
      let stopping = false;
      let failure: unknown;
      const batchMs: number[] = [];
      const started = performance.now();
      const deadline = started + maxMs;
      const lanes = new Map<string, Promise<void>>();
      const loop = (async () => {
        let tick = 0;
        while (!stopping && failure === undefined && performance.now() < deadline) {
          const due = started + tick * INGEST_INTERVAL_MS;
          const now = performance.now();
          if (due > now) await sleep(due - now);
          else {
            if (now - due > 1_000) tick = Math.floor((now - started) / INGEST_INTERVAL_MS);
            // Messages arrive as separate I/O events in production. On SQLite a whole batch runs as
            // one chain of microtasks, so a producer that is behind would otherwise never let the
            // event loop serve anything else.
            await yieldToLoop();
          }
          if (stopping) break;
          const { locationCode, events } = nextBatch();
          await lanes.get(locationCode);
          const t0 = performance.now();
          lanes.set(
            locationCode,
            out.send(events).then(
              () => void batchMs.push(performance.now() - t0),
              (error: unknown) => void (failure ??= error),
            ),
          );
          tick++;
        }
        await Promise.all(lanes.values());
        if (failure !== undefined) throw failure;
        return performance.now();
      })();
      return {
        async stop() {
          stopping = true;
          const ended = await loop;
          const seconds = (ended - started) / 1000;
          const events = batchMs.length * INGEST_BATCH;
          return { events, batches: batchMs.length, seconds, perSecond: events / seconds, batchP99Ms: percentile(batchMs.sort((x, y) => x - y), 99) };
        },
      };
    },
  };
}

const ingestNote = (s: IngestStats) =>
  `ingest alongside ${fmt(s.perSecond)} events/s of ${fmt(INGEST_WANTED_PER_S)} wanted${s.perSecond < INGEST_WANTED_PER_S * 0.95 ? ' (NOT SUSTAINED)' : ''}, batch p99 ${ms(s.batchP99Ms)}`;

// ---------------------------------------------------------------------------------------------------
// 1. In-process reads.

/** Random indices, fixed per run, so the choice of SKU is not what is measured. */
function randomIndices(count: number, modulo: number): Uint32Array {
  const out = new Uint32Array(count);
  let seed = 0x2545f491;
  for (let i = 0; i < count; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out[i] = (seed >>> 0) % modulo;
  }
  return out;
}

/** Reads in a group: synchronous reads one after the other, asynchronous ones all in flight at once. */
const GROUP = 64;

/**
 * Calls `read` for random SKUs in slices of about SLICE_MS (a few requests' worth), yielding to the
 * event loop between slices so the ingest in the same process keeps its pace. An asynchronous read
 * is issued GROUP at a time (as concurrent requests would be): awaited one by one, each await would
 * also wait for whatever the ingest queued meanwhile, which on SQLite is a synchronous SQL statement.
 * Returns reads per wall-clock second: what the process had left for reads beside the ingest.
 */
async function readLoop(durationMs: number, read: ((i: number) => number) | { async: (i: number) => Promise<number> }): Promise<{ reads: number; perSecond: number; sink: number }> {
  const SLICE_MS = 1;
  const MAX_READS = 500_000_000;
  let reads = 0;
  let sink = 0;
  const start = performance.now();
  const end = start + durationMs;
  for (let now = start; now < end && reads < MAX_READS; now = performance.now()) {
    const sliceEnd = Math.min(end, now + SLICE_MS);
    do {
      if (typeof read === 'function') {
        for (let i = 0; i < GROUP; i++) sink += read(reads + i);
      } else {
        const answers = await Promise.all(Array.from({ length: GROUP }, (_, i) => read.async(reads + i)));
        for (const a of answers) sink += a;
      }
      reads += GROUP;
    } while (performance.now() < sliceEnd);
    await yieldToLoop();
  }
  return { reads, perSecond: reads / ((performance.now() - start) / 1000), sink };
}

// ---------------------------------------------------------------------------------------------------
// 2 and 3. Load from a separate process.

function runLoad(job: LoadJob, onReady?: () => void): { child: ChildProcess; result: Promise<HttpResult | SseResult> } {
  // Started in the repository, where `--import tsx` resolves, wherever the bench was started from.
  const child = fork(loadScript, [], { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const limitMs = ('durationMs' in job ? job.durationMs : 0) + ('warmupMs' in job ? job.warmupMs : 0) + 20_000;
  const result = new Promise<HttpResult | SseResult>((resolve, reject) => {
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load process gave no result within ${limitMs} ms`));
    }, limitMs);
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'ready') onReady?.();
      else {
        clearTimeout(killer);
        resolve(message.result);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      reject(new Error(`load process exited with ${code} before reporting`));
    });
    child.on('error', reject);
  });
  child.send(job);
  return { child, result };
}

async function httpLoad(port: number, headers: Record<string, string>, skus: string[]): Promise<HttpResult> {
  const job: HttpJob = {
    mode: 'http',
    host: '127.0.0.1',
    port,
    headers,
    pathPrefix: '/v1/availability/',
    skus,
    connections: CONNECTIONS,
    durationMs: PHASE_MS,
    warmupMs: WARMUP_MS,
    maxRequests: 2_000_000,
    requestTimeoutMs: 5_000,
    client: CLIENT,
  };
  const result = (await runLoad(job).result) as HttpResult;
  if (result.requests === 0) throw new Error(`no request answered: ${result.firstError}`);
  return result;
}

const httpFigures = (r: HttpResult) =>
  `${fmt(r.perSecond).padStart(7)} req/s  p50 ${ms(r.p50Ms)}  p99 ${ms(r.p99Ms)}  max ${ms(r.maxMs)}` +
  (r.errors > 0 ? `  ERRORS ${fmt(r.errors)} ${JSON.stringify(r.statuses)} ${r.firstError ?? ''}` : '') +
  `   target ≥ ${fmt(TARGET.httpPerSecond)} req/s, p99 ≤ ${TARGET.httpP99Ms} ms ${verdict(r.errors === 0 && r.perSecond >= TARGET.httpPerSecond && r.p99Ms <= TARGET.httpP99Ms)}`;

/** A plain node:http server answering one fixed JSON body: what this machine and client allow. */
async function ceilingServer(body: string): Promise<{ port: number; close(): Promise<void> }> {
  const bytes = Buffer.from(body);
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
    response.end(bytes);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface FeedStats {
  events: number;
  acceptedP50: number;
  acceptedP99: number;
  acceptedMax: number;
  sentP50: number;
  sentP99: number;
  unmatched: number;
}

/**
 * Opens the feed (filtered to the feed SKUs) from the load process, then posts FEED_BATCH receipts on
 * distinct feed SKUs every FEED_INTERVAL_MS until FEED_EVENTS availability events have been read.
 */
async function feedLatency(out: Producer, port: number, headers: Record<string, string>, feedSkus: readonly string[], locations: readonly string[]): Promise<FeedStats> {
  const job: SseJob = {
    mode: 'sse',
    host: '127.0.0.1',
    port,
    headers,
    path: `/v1/availability/feed?skus=${feedSkus.join(',')}`,
    maxEvents: FEED_EVENTS,
    durationMs: ((FEED_EVENTS / FEED_BATCH) * FEED_INTERVAL_MS) * 3 + 5_000,
  };
  let ready!: () => void;
  const opened = new Promise<void>((resolve) => (ready = resolve));
  const load = runLoad(job, () => ready());
  let done = false;
  const result = load.result.finally(() => {
    done = true;
  });
  await Promise.race([opened, result]);

  // When each SKU was sent, in order: an event is matched to the latest send at or before its acceptedAtMs.
  const sentAt = new Map<string, number[]>();
  try {
    const occurredAt = new Date().toISOString();
    const maxBatches = Math.ceil(FEED_EVENTS / FEED_BATCH) * 3;
    const started = performance.now();
    let cursor = 0;
    for (let b = 0; !done && b < maxBatches; b++) {
      const due = started + b * FEED_INTERVAL_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else await yieldToLoop();
      if (done) break;
      const events = Array.from({ length: FEED_BATCH }, () => {
        const sku = feedSkus[cursor % feedSkus.length]!;
        const locationCode = locations[Math.floor(cursor / feedSkus.length) % locations.length]!;
        cursor++;
        // Their own sources, so their sequences never interleave with the background ingest's.
        const source = `FEED-${locationCode}`;
        return { source, sequence: out.nextSequence(source), type: 'receipt', sku, locationCode, quantity: 1, occurredAt };
      });
      const now = Date.now();
      for (const e of events) {
        const list = sentAt.get(e.sku) ?? [];
        list.push(now);
        sentAt.set(e.sku, list);
      }
      await out.send(events);
    }
  } catch (error) {
    // A failed post must not leave the load process running until its own time limit.
    load.child.kill();
    throw error;
  }
  const sse = (await result) as SseResult;
  if (sse.error) throw new Error(`feed: ${sse.error}`);

  const fromAccepted: number[] = [];
  const fromSent: number[] = [];
  let unmatched = 0;
  for (const e of sse.events as SseEvent[]) {
    fromAccepted.push(e.receivedAtMs - e.acceptedAtMs);
    const sends = sentAt.get(e.sku) ?? [];
    let match: number | undefined;
    for (const s of sends) if (s <= e.acceptedAtMs) match = s;
    if (match === undefined) unmatched++;
    else fromSent.push(e.receivedAtMs - match);
  }
  fromAccepted.sort((a, b) => a - b);
  fromSent.sort((a, b) => a - b);
  return {
    events: sse.events.length,
    acceptedP50: percentile(fromAccepted, 50),
    acceptedP99: percentile(fromAccepted, 99),
    acceptedMax: fromAccepted[fromAccepted.length - 1] ?? NaN,
    sentP50: percentile(fromSent, 50),
    sentP99: percentile(fromSent, 99),
    unmatched,
  };
}

const feedFigures = (f: FeedStats) =>
  `accepted→read p50 ${ms(f.acceptedP50)}  p99 ${ms(f.acceptedP99)}  max ${ms(f.acceptedMax)}   target p99 ≤ ${TARGET.feedP99Ms} ms ${verdict(f.acceptedP99 <= TARGET.feedP99Ms)}   ` +
  `sent→read p50 ${ms(f.sentP50)}  p99 ${ms(f.sentP99)}   (${fmt(f.events)} events${f.events < FEED_EVENTS ? ' — FEWER THAN WANTED' : ''}${f.unmatched ? `, ${f.unmatched} unmatched` : ''})`;

// ---------------------------------------------------------------------------------------------------

async function durabilityOf(hub: BenchHub): Promise<string> {
  if (hub.store.kind === 'sqlite') {
    const journal = (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(hub.store.db)).rows[0]?.journal_mode;
    const sync = (await sql<{ synchronous: number }>`pragma synchronous`.execute(hub.store.db)).rows[0]?.synchronous;
    const names = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
    return `SQLite ${journal?.toUpperCase()}, synchronous=${names[sync ?? -1] ?? sync}, commit per batch`;
  }
  const show = async (name: string) => (await sql.raw<Record<string, string>>(`show ${name}`).execute(hub.store.db)).rows[0]?.[name];
  return `PostgreSQL fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')}, commit per batch`;
}

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const hub = await openBenchHub(kind, { auth: { rateLimitPerMinute: 1_000_000_000 } });
  const label = kind.padEnd(8);
  try {
    const app = hub.app;
    const durability = await durabilityOf(hub);
    const { skus, locations } = await seedMasterData(app, LOAD_SKUS + FEED_SKUS);
    const loadSkus = skus.slice(0, LOAD_SKUS);
    const feedSkus = skus.slice(LOAD_SKUS);
    const out = producer(app);
    const ingest = backgroundIngest(out, loadSkus, locations);
    await ingest.prewarm();
    // As in production: the outbox dispatcher, inbox and timer loops and the projection's catch-up run.
    app.startWorkers();
    const service = app.services.inventory.availability;
    console.log(`${label} durability: ${durability}; ${fmt(LOAD_SKUS)} SKUs × ${locations.length} locations; ${(PHASE_MS / 1000).toFixed(0)} s per phase; load average ${loadAverage()}`);

    // 1. In process, during ingest.
    const idx = randomIndices(1 << 16, LOAD_SKUS * locations.length);
    const skuAt = (i: number) => loadSkus[idx[i & 0xffff]! % LOAD_SKUS]!;
    const atpRead = (i: number) => service.atp(skuAt(i), locations[idx[i & 0xffff]! % locations.length]!);
    const fullRead = { async: async (i: number) => (await service.availability({ sku: skuAt(i) })).locations.length };
    // The item cache holds the SKUs that had positions when the projection loaded; these got theirs
    // since. A restarted hub would hold them all, so they are looked up once here, not while measuring.
    for (let i = 0; i < skus.length; i += BASKET_SKUS_MAX) await service.basket({ skus: skus.slice(i, i + BASKET_SKUS_MAX) });
    if ((await fullRead.async(0)) !== locations.length) throw new Error('the full answer does not list every location; prewarm failed');
    for (const [name, read] of [
      ['in-process ATP per location (sync)                ', atpRead],
      [`in-process full single-SKU answer (${GROUP} in flight)`, fullRead],
    ] as const) {
      // The same reads with nothing else running: the ceiling these figures are read against.
      await readLoop(WARMUP_MS, read);
      const alone = await readLoop(IDLE_READ_MS, read);
      const running = ingest.start(PHASE_MS + 5_000);
      const r = await readLoop(PHASE_MS, read);
      const stats = await running.stop();
      console.log(
        `${label} ${name} ${fmt(r.perSecond).padStart(10)} reads/s during ingest   target ≥ ${fmt(TARGET.inProcess)}/s ${verdict(r.perSecond >= TARGET.inProcess)}   ${ingestNote(stats)}   same reads without ingest ${fmt(alone.perSecond)}/s   durability: ${durability}`,
      );
    }

    // 2. HTTP, from a separate process.
    const { secret } = await app.services.keys.create({ name: 'bench', roles: ['admin'] });
    const headers = { authorization: `Bearer ${secret}` };
    const address = await app.http.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const probe = await fetch(`http://127.0.0.1:${port}/v1/availability/${loadSkus[0]}`, { headers });
    const body = await probe.text();
    if (probe.status !== 200) throw new Error(`GET /v1/availability/:sku answered ${probe.status}: ${body}`);

    const ceiling = await ceilingServer(body);
    const ceil = await httpLoad(ceiling.port, headers, loadSkus);
    await ceiling.close();
    const ceilingNote = `ceiling (plain node:http, fixed ${fmt(body.length)}-byte JSON, same client) ${fmt(ceil.perSecond)} req/s p99 ${ms(ceil.p99Ms)}`;

    const idle = await httpLoad(port, headers, loadSkus);
    console.log(
      `${label} HTTP GET /v1/availability/:sku idle        ${httpFigures(idle)}   ${ceilingNote}   ${CONNECTIONS} keep-alive connections (${CLIENT} client) from a separate process   durability: ${durability}`,
    );
    const running = ingest.start(PHASE_MS + WARMUP_MS + 10_000);
    const busy = await httpLoad(port, headers, loadSkus);
    const stats = await running.stop();
    console.log(
      `${label} HTTP GET /v1/availability/:sku under ingest ${httpFigures(busy)}   ${ceilingNote}   ${ingestNote(stats)}   durability: ${durability}`,
    );

    // 3. Feed latency.
    const quiet = await feedLatency(out, port, headers, feedSkus, locations);
    console.log(`${label} feed latency idle          ${feedFigures(quiet)}   coalescing window ${FEED_COALESCE_MS} ms   durability: ${durability}`);
    const running2 = ingest.start(60_000);
    const loaded = await feedLatency(out, port, headers, feedSkus, locations);
    const stats2 = await running2.stop();
    console.log(`${label} feed latency under ingest  ${feedFigures(loaded)}   ${ingestNote(stats2)}   durability: ${durability}`);
  } finally {
    await hub.dispose();
  }
}

/** Other work on the machine (a test run, say) takes cores from the benchmark; printed so figures are read in context. */
const loadAverage = () => `${loadavg()[0]!.toFixed(2)} over ${cpus().length} cores`;

for (const kind of storesFromArgs()) {
  if (kind === 'postgres') {
    try {
      await run(kind);
    } catch (error) {
      if (/no PostgreSQL for the benchmark/.test((error as Error).message)) console.log(`postgres skipped: ${(error as Error).message}`);
      else throw error;
    }
  } else await run(kind);
}
