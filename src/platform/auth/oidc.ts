import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { AppError, errorMessage } from '../errors.ts';
import type { Principal } from './roles.ts';
import { oidcSignInConfigSchema } from './oidc-sign-in.ts';
import { checkClaims, isJwtShaped, isProblem, parseJwt, principalFromClaims } from './oidc.rules.ts';

/**
 * Sign-in with an OIDC token besides API keys: a bearer credential shaped like a JWT is verified
 * against the identity provider's published keys (JWKS) with node:crypto alone, then its claims
 * against the configured issuer and audience at the injected clock's time. Only RS256 and ES256 are
 * accepted; anything else (`none` above all) is refused.
 */

const jwkSchema = z.object({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() }).passthrough();
export const jwksSchema = z.object({ keys: z.array(jwkSchema) }).passthrough();

export const oidcConfigSchema = z
  .object({
    issuer: z.string().min(1).describe('The exact iss claim tokens must carry'),
    audience: z.string().min(1).describe('A value the aud claim must hold'),
    /** Where the provider publishes its keys; fetched on first use and again (at most once a minute) when a token names an unknown kid. */
    jwksUri: z.string().url().optional(),
    /** Keys given inline instead of fetched (tests, air-gapped set-ups). */
    jwks: jwksSchema.optional(),
    rolesClaim: z.string().min(1).default('roles'),
    /** The claim shown as the caller's name; `sub` when the token lacks it. */
    nameClaim: z.string().min(1).default('email'),
    /** The dashboard's sign-in at the provider (authorization code with PKCE); without it, people paste a token. */
    signIn: oidcSignInConfigSchema.optional(),
  })
  .strict()
  .refine((c) => c.jwksUri !== undefined || c.jwks !== undefined, { message: 'auth.oidc needs jwksUri or an inline jwks', path: ['jwksUri'] });
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

/** A key set is fetched again for an unknown kid at most this often, so forged kids cannot hammer the provider. */
export const JWKS_REFETCH_INTERVAL_MS = 60_000;
const JWKS_FETCH_TIMEOUT_MS = 5_000;

/** Resolves a presented credential to its principal: null when unknown; throws AppError to say why a credential was refused. */
export interface Authenticator {
  authenticate(presented: string): Promise<Principal | null>;
}

const refused = (problem: string) =>
  new AppError('unauthorized', `the OIDC token was refused: ${problem}`, [], { 'www-authenticate': 'Bearer realm="crossdock", error="invalid_token"' });

interface UsableKey {
  kid: string | undefined;
  alg: 'RS256' | 'ES256';
  key: KeyObject;
}

/** The JWS algorithm a JWK can verify, or undefined for keys we do not use (encryption keys, other curves). */
function usableKey(jwk: z.infer<typeof jwkSchema>): UsableKey | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  const alg = jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' && jwk['crv'] === 'P-256' ? 'ES256' : undefined;
  if (alg === undefined || (jwk.alg !== undefined && jwk.alg !== alg)) return undefined;
  try {
    return { kid: jwk.kid, alg, key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) };
  } catch {
    return undefined;
  }
}

export function createOidcAuthenticator(config: OidcConfig, deps: { clock: Clock; fetch?: typeof fetch }): Authenticator {
  const doFetch = deps.fetch ?? fetch;
  let keys: UsableKey[] = config.jwks ? config.jwks.keys.map(usableKey).filter((k) => k !== undefined) : [];
  let fetchedAtMs: number | null = null;
  let inFlight: Promise<void> | null = null;

  async function fetchKeys(): Promise<void> {
    const uri = config.jwksUri!;
    let body: unknown;
    try {
      const response = await doFetch(uri, { signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new AppError('dependency_unavailable', `the identity provider's key set at ${uri} could not be read (${errorMessage(error)}); try again`);
    } finally {
      // Failures count too: a provider that is down is not asked again on every request.
      fetchedAtMs = deps.clock.now();
    }
    const parsed = jwksSchema.safeParse(body);
    if (!parsed.success) throw new AppError('dependency_unavailable', `the identity provider's key set at ${uri} is not a JWKS document`);
    keys = parsed.data.keys.map(usableKey).filter((k) => k !== undefined);
  }

  /** Fetches once at a time; a second caller waits for the fetch under way. */
  function refresh(): Promise<void> {
    inFlight ??= fetchKeys().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  async function keyFor(kid: string | undefined, alg: string): Promise<UsableKey | string> {
    const find = () => keys.filter((k) => k.alg === alg && (kid === undefined || k.kid === kid));
    if (config.jwksUri !== undefined) {
      const due = fetchedAtMs === null || (find().length === 0 && deps.clock.now() - fetchedAtMs >= JWKS_REFETCH_INTERVAL_MS);
      if (due) await refresh();
    }
    const found = find();
    if (found.length === 0) return kid === undefined ? `no ${alg} key in the identity provider's key set` : `no ${alg} key with kid "${kid}" in the identity provider's key set`;
    // Without a kid the token is only accepted when one key could have signed it.
    if (found.length > 1) return 'the token names no kid and the key set holds several keys';
    return found[0]!;
  }

  return {
    async authenticate(presented) {
      const parts = parseJwt(presented);
      if (isProblem(parts)) throw refused(parts.problem);
      const alg = parts.header['alg'];
      if (alg !== 'RS256' && alg !== 'ES256') throw refused(`the token algorithm ${JSON.stringify(alg ?? null)} is not accepted (RS256 or ES256)`);
      const kid = typeof parts.header['kid'] === 'string' ? parts.header['kid'] : undefined;
      const key = await keyFor(kid, alg);
      if (typeof key === 'string') throw refused(key);
      const data = Buffer.from(parts.signingInput);
      // A JWS ES256 signature is r‖s (IEEE P1363), not the DER that node expects by default.
      const ok = alg === 'RS256' ? verify('sha256', data, key.key, parts.signature) : verify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, parts.signature);
      if (!ok) throw refused('the signature does not verify');
      const claimProblem = checkClaims(parts.payload, { issuer: config.issuer, audience: config.audience, nowMs: deps.clock.now() });
      if (claimProblem) throw refused(claimProblem);
      const principal = principalFromClaims(parts.payload, config);
      if (isProblem(principal)) throw refused(principal.problem);
      return principal;
    },
  };
}

/**
 * API keys and, when configured, OIDC tokens: a JWT-shaped credential goes to OIDC, anything else to
 * the API keys. Without OIDC a JWT falls to the API keys, which answer unknown.
 */
export function authenticatorWithOidc(keys: Authenticator, oidc: Authenticator | null): Authenticator {
  if (!oidc) return keys;
  return { authenticate: (presented) => (isJwtShaped(presented) ? oidc.authenticate(presented) : keys.authenticate(presented)) };
}
