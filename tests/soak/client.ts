import type { HubProcess } from './hub-process.ts';

/**
 * A client that behaves like a real integration: it sends a request, and when no answer comes (the
 * connection is refused or cut, the hub answers 5xx or 429) it waits and sends the same request
 * again, until it gets an answer it can act on. Only such an answer counts as acknowledged.
 */

export interface Answer {
  status: number;
  body: any;
  /** How many sends it took. */
  attempts: number;
}

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Sent as `Idempotency-Key`; `onInProgress` may replace it. */
  idempotencyKey?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SoakClient {
  /** Requests that had to be sent more than once, for the report. */
  retried = 0;

  constructor(
    private readonly hub: HubProcess,
    private readonly key: () => string,
  ) {}

  async send(request: Request, options: { deadline?: number } = {}): Promise<Answer> {
    let attempts = 0;
    let key = request.idempotencyKey;
    let keyGeneration = -1;
    for (;;) {
      if (options.deadline !== undefined && Date.now() > options.deadline) throw new Error(`gave up on ${request.method} ${request.path} after ${attempts} attempts`);
      const base = this.hub.baseUrl;
      if (!base) {
        await sleep(100);
        continue;
      }
      const generation = this.hub.generation;
      if (keyGeneration < 0) keyGeneration = generation;
      attempts += 1;
      if (attempts === 2) this.retried += 1;
      let status: number;
      let body: any;
      try {
        const res = await fetch(base + request.path, {
          method: request.method,
          headers: {
            authorization: `Bearer ${this.key()}`,
            ...(request.body !== undefined && { 'content-type': 'application/json' }),
            ...(key !== undefined && { 'idempotency-key': key }),
          },
          ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        const text = await res.text();
        body = text.length > 0 && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
      } catch {
        // Refused, reset or timed out: the hub may or may not have acted; the same request again is safe.
        await sleep(200);
        continue;
      }
      if (status >= 500 || status === 429) {
        await sleep(300);
        continue;
      }
      if (status === 409 && body?.error?.code === 'idempotency_in_progress') {
        // A key held by a process that died stays held (docs/api.md). Once the hub has restarted
        // since the key was first sent, the order's own dedupe (channel + external number) makes a
        // resend under a fresh key safe: it answers `exists` if the first attempt committed.
        if (key !== undefined && this.hub.generation !== keyGeneration) {
          key = `${request.idempotencyKey}~${this.hub.generation}`;
          keyGeneration = this.hub.generation;
        }
        await sleep(500);
        continue;
      }
      return { status, body, attempts };
    }
  }
}
