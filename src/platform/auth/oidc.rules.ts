import { roles, type Principal, type Role } from './roles.ts';

/**
 * Pure checks of OIDC bearer tokens (JWTs): their shape, their registered claims against the
 * configured issuer and audience at an instant, and the principal their claims make. Signatures and
 * key sets are oidc.ts's business; nothing here reads a clock, a network or a key.
 */

/** Three base64url parts separated by dots; an API key (`cdk_…`) never contains a dot. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Clocks of the identity provider and the hub may differ this much before a token counts as expired or not yet valid. */
export const CLOCK_SKEW_MS = 60_000;

export const isJwtShaped = (presented: string): boolean => JWT_SHAPE.test(presented);

export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload` as sent: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** A token refused, with the reason in words a caller can act on. */
export interface TokenProblem {
  problem: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a JWT; the signature is not checked here. */
export function parseJwt(token: string): JwtParts | TokenProblem {
  if (!isJwtShaped(token)) return { problem: 'the token is not a JWT (three base64url parts separated by dots)' };
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = decodeJson(h);
  if (!header) return { problem: 'the token header is not base64url-encoded JSON' };
  const payload = decodeJson(p);
  if (!payload) return { problem: 'the token payload is not base64url-encoded JSON' };
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

export interface ClaimExpectations {
  issuer: string;
  audience: string;
  nowMs: number;
}

const seconds = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Checks iss, aud (a string or an array holding ours), exp (required) and nbf (when present) at
 * `nowMs`, allowing CLOCK_SKEW_MS either way. Answers the first problem found, or null.
 */
export function checkClaims(payload: Record<string, unknown>, expected: ClaimExpectations): string | null {
  if (payload['iss'] !== expected.issuer) return `the token issuer ${JSON.stringify(payload['iss'] ?? null)} is not the configured issuer ${expected.issuer}`;
  const aud = payload['aud'];
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (!audiences.includes(expected.audience)) return `the token audience ${JSON.stringify(aud ?? null)} does not include ${expected.audience}`;
  const exp = seconds(payload['exp']);
  if (exp === undefined) return 'the token has no exp (expiry) claim';
  if (expected.nowMs - CLOCK_SKEW_MS >= exp * 1000) return `the token expired at ${new Date(exp * 1000).toISOString()}`;
  const nbf = payload['nbf'];
  if (nbf !== undefined) {
    const nbfSeconds = seconds(nbf);
    if (nbfSeconds === undefined) return 'the token nbf (not before) claim is not a number';
    if (expected.nowMs + CLOCK_SKEW_MS < nbfSeconds * 1000) return `the token is not valid before ${new Date(nbfSeconds * 1000).toISOString()}`;
  }
  if (typeof payload['sub'] !== 'string' || payload['sub'].length === 0) return 'the token has no sub (subject) claim';
  return null;
}

/**
 * The known role names a claim holds: an array of strings, or one string of names separated by
 * spaces or commas (as some providers send scopes). Unknown names are ignored, not refused: a
 * provider's groups often include ones that mean nothing here.
 */
export function rolesFromClaim(value: unknown): Role[] {
  const names = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const known = new Set<string>(roles);
  return [...new Set(names.filter((n) => known.has(n)))] as Role[];
}

export interface PrincipalClaims {
  rolesClaim: string;
  nameClaim: string;
}

/** The principal a token's verified claims make, or why they make none. */
export function principalFromClaims(payload: Record<string, unknown>, claims: PrincipalClaims): Principal | TokenProblem {
  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub.length === 0) return { problem: 'the token has no sub (subject) claim' };
  const granted = rolesFromClaim(payload[claims.rolesClaim]);
  if (granted.length === 0) {
    return { problem: `the token's ${claims.rolesClaim} claim holds no known role (known: ${roles.join(', ')})` };
  }
  const named = payload[claims.nameClaim];
  const partner = payload['partner_code'];
  return {
    keyId: `oidc:${sub}`,
    name: typeof named === 'string' && named.length > 0 ? named : sub,
    roles: granted,
    partnerCode: typeof partner === 'string' && partner.length > 0 ? partner : null,
    rateLimitPerMinute: null,
  };
}

export const isProblem = (value: object): value is TokenProblem => 'problem' in value;
