import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/oidc.ts';
import { isAllowed, type Access } from '../auth/roles.ts';
import { AppError } from '../errors.ts';
import type { HttpApp } from './types.ts';

/** Routes that belong to libraries (the docs UI's assets) and are public by nature. */
const libraryPublicPrefixes = ['/docs'];

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const authorization = request.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  return undefined;
}

export interface RouteRecord {
  method: string;
  url: string;
  access: Access;
}

/**
 * Requires an access declaration on every route (fail closed) and enforces it: 401 when no valid key
 * (or OIDC token, when configured) is presented, 403 when the caller's roles do not include the
 * route's. Returns the routes seen, for the test that checks every route is documented and protected.
 */
export function installAccessControl(app: HttpApp, keys: Authenticator): RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let declared = route.config?.access;
    if (!declared && libraryPublicPrefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) {
      declared = { kind: 'public' };
      route.config = { ...route.config, access: declared };
    }
    if (!declared) throw new Error(`route ${methods.join(',')} ${route.url} declares no access; add config.access`);
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, access: declared });
  });
  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config?.access;
    if (!required) return; // Not found: the 404 handler answers.
    if (required.kind === 'public') return;
    const presented = presentedKey(request);
    if (!presented) {
      throw new AppError('unauthorized', 'an API key is required: send it as "Authorization: Bearer <key>" or "X-Api-Key"', [], {
        'www-authenticate': 'Bearer realm="crossdock"',
      });
    }
    // A refused OIDC token throws its own 401 naming the problem; an unknown API key answers null.
    const principal = await keys.authenticate(presented);
    if (!principal) {
      throw new AppError('unauthorized', 'the API key is unknown, malformed or revoked', [], { 'www-authenticate': 'Bearer realm="crossdock", error="invalid_token"' });
    }
    request.principal = principal;
    if (!isAllowed(principal, required)) {
      const needed = required.kind === 'roles' ? required.roles.join(', ') : '';
      throw new AppError('forbidden', `this key's roles (${principal.roles.join(', ')}) may not call this route; it needs one of: ${needed}`);
    }
  });
  return routes;
}

/** The principal of an authenticated route; asserts that access control ran. */
export function principalOf(request: FastifyRequest) {
  if (!request.principal) throw new Error('invariant violated: principal missing on a protected route');
  return request.principal;
}
