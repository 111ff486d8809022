/**
 * The dashboard's only way to the hub: the public HTTP API, with the signed-in user's key or token.
 * Errors keep the API's code and message so pages can show exactly what the hub said.
 */

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: Array<{ path: string; message: string }> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

let credential: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Set by the sign-in: every request carries it as a bearer token. */
export function setCredential(value: string | null, unauthorized?: () => void): void {
  credential = value;
  if (unauthorized) onUnauthorized = unauthorized;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
  if (credential) (init.headers as Record<string, string>).authorization = `Bearer ${credential}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const parsed = text.length > 0 && (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as unknown) : text;
  if (!res.ok) {
    const err = (parsed as ApiErrorBody)?.error;
    if (res.status === 401 && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, err?.details ?? []);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  /** Commands carry an Idempotency-Key so a double click or a retried request has one effect. */
  post: <T>(path: string, body: unknown = {}, query?: Query) => request<T>('POST', withQuery(path, query), body, { 'idempotency-key': newKey() }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body, { 'idempotency-key': newKey() }),
};

function newKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The caller as the hub sees it (`GET /v1/me`). */
export interface Me {
  kind: 'api_key' | 'oidc';
  name: string;
  roles: Role[];
  partnerCode: string | null;
}

export type Role = 'admin' | 'integration' | 'customer_service' | 'planner' | 'warehouse' | 'finance' | 'procurement' | 'viewer';

export function hasRole(me: Me | null, ...allowed: Role[]): boolean {
  if (!me) return false;
  return me.roles.some((r) => r === 'admin' || allowed.includes(r));
}
