/**
 * Load generator for bench/availability.bench.ts, run as a separate process (child_process.fork) so
 * the client never competes with the server for its event loop. Not a benchmark by itself.
 *
 * The parent sends one job over IPC and receives one result:
 *
 * - `http`: a closed loop over `connections` keep-alive HTTP/1.1 connections, each sending the next
 *   GET as soon as the previous answer has been read whole (see `HttpJob.client` for the two ways of
 *   sending). The path names a random SKU per request. It stops at `durationMs` or
 *   `maxRequests`, whichever comes first; the first `warmupMs` are not counted.
 * - `sse`: one Server-Sent Events connection; reports, per `availability` event, the SKU, the hub's
 *   `acceptedAtMs` and the wall-clock time the event was read here. It says `ready` once the stream
 *   is open, and stops at `maxEvents` or `durationMs`.
 *
 * Only loopback addresses are accepted.
 */
import http from 'node:http';
import net from 'node:net';

export interface HttpJob {
  mode: 'http';
  host: string;
  port: number;
  headers: Record<string, string>;
  /** Path prefix; a SKU from `skus` is appended per request. */
  pathPrefix: string;
  skus: string[];
  connections: number;
  durationMs: number;
  warmupMs: number;
  maxRequests: number;
  requestTimeoutMs: number;
  /**
   * `raw`: each connection is a plain TCP socket writing one GET at a time and reading the answer by
   * its content-length, which costs the client little CPU (as wrk or autocannon do). `agent`: node:http
   * requests through `http.Agent({ keepAlive: true })`, which on two cores is itself the limit.
   */
  client: 'raw' | 'agent';
}

export interface HttpResult {
  mode: 'http';
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  statuses: Record<string, number>;
  firstError: string | null;
}

export interface SseJob {
  mode: 'sse';
  host: string;
  port: number;
  headers: Record<string, string>;
  path: string;
  maxEvents: number;
  durationMs: number;
}

export interface SseEvent {
  sku: string;
  acceptedAtMs: number;
  receivedAtMs: number;
}

export interface SseResult {
  mode: 'sse';
  events: SseEvent[];
  status: number;
  error: string | null;
}

export type LoadJob = HttpJob | SseJob;
export type LoadMessage = { type: 'ready' } | { type: 'result'; result: HttpResult | SseResult };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function percentileOf(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection on a bare socket: `get(path)` writes a request and resolves with
 * the status once the whole answer (Content-Length bytes; chunked answers are refused) has been read.
 */
function rawConnection(job: HttpJob): { get(path: string): Promise<number>; close(): void } {
  const fixedHeaders = Object.entries({ host: `${job.host}:${job.port}`, connection: 'keep-alive', ...job.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  let socket: net.Socket | null = null;
  let buffered: Buffer = Buffer.alloc(0);
  let pending: { resolve(status: number): void; fail(error: Error): void } | null = null;
  let timer: NodeJS.Timeout | undefined;

  const settle = (outcome: number | Error) => {
    const waiting = pending;
    pending = null;
    clearTimeout(timer);
    buffered = Buffer.alloc(0);
    if (!waiting) return;
    if (outcome instanceof Error) waiting.fail(outcome);
    else waiting.resolve(outcome);
  };

  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const headerEnd = buffered.indexOf(HEADER_END);
    if (headerEnd === -1) return;
    const head = buffered.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      socket?.destroy();
      settle(new Error(`answer without content-length: ${head.split('\r\n')[0]}`));
      return;
    }
    const total = headerEnd + 4 + Number(length[1]);
    if (buffered.length < total) return;
    if (buffered.length > total) {
      socket?.destroy();
      settle(new Error('more bytes than one answer'));
      return;
    }
    settle(Number(head.slice(9, 12)));
  };

  const open = () => {
    const s = net.connect({ host: job.host, port: job.port, noDelay: true });
    s.on('data', onData);
    s.on('error', (error) => settle(error));
    s.on('close', () => {
      if (socket === s) socket = null;
      settle(new Error('connection closed'));
    });
    return s;
  };

  return {
    get(path) {
      return new Promise<number>((resolve, reject) => {
        socket ??= open();
        pending = { resolve, fail: reject };
        timer = setTimeout(() => {
          socket?.destroy();
          settle(new Error(`request timed out after ${job.requestTimeoutMs} ms`));
        }, job.requestTimeoutMs);
        socket.write(`GET ${path} HTTP/1.1\r\n${fixedHeaders}\r\n`);
      });
    },
    close() {
      socket?.destroy();
    },
  };
}

async function runHttp(job: HttpJob): Promise<HttpResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections, maxFreeSockets: job.connections });
  const latencies = new Float64Array(job.maxRequests);
  let counted = 0;
  let sent = 0;
  let errors = 0;
  let firstError: string | null = null;
  const statuses: Record<string, number> = {};
  const startedAt = performance.now();
  const measureFrom = startedAt + job.warmupMs;
  const stopAt = measureFrom + job.durationMs;
  // A small xorshift so the choice of SKU costs next to nothing and is the same every run.
  let seed = 0x9e3779b9;
  const nextSku = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return job.skus[(seed >>> 0) % job.skus.length]!;
  };

  const once = (path: string) =>
    new Promise<number>((resolve) => {
      const request = http.request({ agent, host: job.host, port: job.port, path, method: 'GET', headers: job.headers }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', (error) => {
          firstError ??= error.message;
          resolve(-1);
        });
      });
      request.setTimeout(job.requestTimeoutMs, () => request.destroy(new Error(`request timed out after ${job.requestTimeoutMs} ms`)));
      request.on('error', (error) => {
        firstError ??= error.message;
        resolve(-1);
      });
      request.end();
    });

  const raws: Array<ReturnType<typeof rawConnection>> = [];
  async function connection(): Promise<void> {
    const raw = job.client === 'raw' ? rawConnection(job) : null;
    if (raw) raws.push(raw);
    const get =
      raw === null
        ? once
        : (path: string) =>
            raw.get(path).catch((error: Error) => {
              firstError ??= error.message;
              return -1;
            });
    for (;;) {
      const t0 = performance.now();
      if (t0 >= stopAt || sent >= job.maxRequests) return;
      sent++;
      const status = await get(job.pathPrefix + encodeURIComponent(nextSku()));
      const t1 = performance.now();
      if (t0 < measureFrom) continue;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) errors++;
      if (counted < latencies.length) latencies[counted++] = t1 - t0;
    }
  }

  await Promise.all(Array.from({ length: job.connections }, connection));
  const seconds = (Math.min(performance.now(), stopAt) - measureFrom) / 1000;
  agent.destroy();
  for (const raw of raws) raw.close();
  const sorted = latencies.subarray(0, counted).sort();
  return {
    mode: 'http',
    requests: counted,
    seconds,
    perSecond: counted / seconds,
    p50Ms: percentileOf(sorted, 50),
    p99Ms: percentileOf(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
    errors,
    statuses,
    firstError,
  };
}

function runSse(job: SseJob, ready: () => void): Promise<SseResult> {
  return new Promise((resolve) => {
    const events: SseEvent[] = [];
    let status = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ mode: 'sse', events, status, error });
    };
    const request = http.get({ host: job.host, port: job.port, path: job.path, headers: { ...job.headers, accept: 'text/event-stream' } }, (response) => {
      status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        finish(`feed answered ${status}`);
        return;
      }
      timer = setTimeout(() => finish(null), job.durationMs);
      ready();
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        const receivedAtMs = Date.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const dataLine = block.split('\n').find((line) => line.startsWith('data: '));
          if (!dataLine) continue; // a comment: connected or heartbeat
          const data = JSON.parse(dataLine.slice(6)) as { sku: string; acceptedAtMs: number };
          events.push({ sku: data.sku, acceptedAtMs: data.acceptedAtMs, receivedAtMs });
          if (events.length >= job.maxEvents) return finish(null);
        }
      });
      response.on('end', () => finish('the feed ended'));
      response.on('error', (error) => finish(error.message));
    });
    request.on('error', (error) => finish(error.message));
  });
}

function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve())));
}

if (!process.send) {
  console.error('availability-load.ts is started by bench/availability.bench.ts, not by hand');
  process.exit(2);
}

process.once('message', async (job: LoadJob) => {
  if (!LOOPBACK.has(job.host)) throw new Error(`refusing non-loopback host ${job.host}`);
  const result = job.mode === 'http' ? await runHttp(job) : await runSse(job, () => void send({ type: 'ready' }));
  await send({ type: 'result', result });
  process.disconnect();
});
