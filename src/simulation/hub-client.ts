import type { HttpApp } from '../platform/http/types.ts';

/**
 * How the simulated systems reach the hub: plain HTTP requests with their own headers. The demo
 * sends them over a socket (`fetchClient`); the seeded run hands them to Fastify's in-process
 * injection (`injectClient`), which runs the same routing, authentication, validation and handlers
 * without a socket, and answers one request at a time so a seed replays exactly.
 */
export interface HubResponse {
  status: number;
  body: string;
  json<T = any>(): T;
}

export interface HubRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as it is (a signed webhook's raw body). */
  body?: unknown;
}

export interface HubClient {
  request(request: HubRequest): Promise<HubResponse>;
}

const response = (status: number, body: string): HubResponse => ({ status, body, json: () => JSON.parse(body) });

export function injectClient(http: HttpApp): HubClient {
  return {
    async request({ method, url, headers = {}, body }) {
      const raw = typeof body === 'string' || Buffer.isBuffer(body);
      const res = await http.inject({
        method,
        url,
        headers: { ...(body !== undefined && !raw && { 'content-type': 'application/json' }), ...headers },
        ...(body !== undefined && { payload: raw ? (body as string | Buffer) : JSON.stringify(body) }),
      });
      return response(res.statusCode, res.body);
    },
  };
}

export function fetchClient(baseUrl: string): HubClient {
  return {
    async request({ method, url, headers = {}, body }) {
      const raw = typeof body === 'string' || Buffer.isBuffer(body);
      const res = await fetch(new URL(url, baseUrl), {
        method,
        headers: { ...(body !== undefined && !raw && { 'content-type': 'application/json' }), ...headers },
        ...(body !== undefined && { body: raw ? (body as string | Buffer) : JSON.stringify(body) }),
      });
      return response(res.status, await res.text());
    },
  };
}

/** A request the hub refused for a reason the simulated system did not expect: a bug to see, not a business outcome. */
export class HubRefused extends Error {
  constructor(request: HubRequest, res: HubResponse) {
    super(`${request.method} ${request.url} answered ${res.status}: ${res.body.slice(0, 500)}`);
  }
}
