import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { AppError, errorMessage } from '../errors.ts';
import type { Authenticator, OidcConfig } from './oidc.ts';
import { isProblem, parseJwt } from './oidc.rules.ts';
import type { Principal } from './roles.ts';

/**
 * The dashboard's sign-in at the company's identity provider: the OpenID Connect authorization code
 * flow with PKCE (RFC 7636). The browser sends the person to the provider and comes back with a code;
 * the hub exchanges the code at the provider's token endpoint (so the provider needs no CORS set-up
 * and a confidential client's secret stays on the hub), checks the ID token's nonce, and hands the
 * browser the token it then presents as its bearer credential, verified on every request like any
 * other OIDC token. The hub keeps no session: the token is the session, and it ends when it expires.
 */

export const oidcSignInConfigSchema = z
  .object({
    /** The client the dashboard is registered as at the provider. */
    clientId: z.string().min(1),
    /** Only for a confidential client; a public one (PKCE alone) has none. */
    clientSecret: z.string().min(1).optional(),
    scope: z.string().min(1).default('openid profile email'),
    /**
     * Which token the dashboard presents to the hub: the ID token (its aud is the client id, so set
     * `audience` to it) or the access token (a JWT whose aud is the API's identifier).
     */
    token: z.enum(['id_token', 'access_token']).default('id_token'),
    /** Shown on the sign-in button. */
    providerName: z.string().min(1).default('your identity provider'),
    /** Read from the provider's discovery document (`<issuer>/.well-known/openid-configuration`) when not given. */
    authorizationEndpoint: z.string().url().optional(),
    tokenEndpoint: z.string().url().optional(),
  })
  .strict();
export type OidcSignInConfig = z.infer<typeof oidcSignInConfigSchema>;

/** What the sign-in page offers (`GET /v1/auth/sign-in-options`); no secret is in it. */
export interface SignInOptions {
  oidc: { providerName: string; authorizationEndpoint: string; clientId: string; scope: string } | null;
}

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  nonce: string;
}

export interface OidcSignIn {
  options(): Promise<SignInOptions>;
  /** The token the browser presents from now on, and who it signs in. */
  exchange(request: CodeExchange): Promise<{ token: string; principal: Principal; expiresAt: string | null }>;
}

const discoverySchema = z.object({ authorization_endpoint: z.string().url(), token_endpoint: z.string().url() }).passthrough();
const tokenResponseSchema = z.object({ id_token: z.string().optional(), access_token: z.string().optional(), token_type: z.string().optional() }).passthrough();
const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).passthrough();

const PROVIDER_TIMEOUT_MS = 5_000;
/** A discovery document that failed is asked for again after this long, not on every sign-in. */
const DISCOVERY_RETRY_MS = 30_000;

const notConfigured = () => new AppError('not_found', 'sign-in at an identity provider is not configured on this hub (auth.oidc.signIn)');
const refused = (problem: string) => new AppError('unauthorized', `the sign-in was refused: ${problem}`, [], { 'www-authenticate': 'Bearer realm="crossdock"' });
const unavailable = (what: string, error: unknown) => new AppError('dependency_unavailable', `the identity provider's ${what} could not be read (${errorMessage(error)}); try again`);

export function createOidcSignIn(config: OidcConfig, signIn: OidcSignInConfig | undefined, deps: { clock: Clock; authenticator: Authenticator; fetch?: typeof fetch }): OidcSignIn {
  const doFetch = deps.fetch ?? fetch;
  let endpoints: { authorization: string; token: string } | null =
    signIn?.authorizationEndpoint && signIn.tokenEndpoint ? { authorization: signIn.authorizationEndpoint, token: signIn.tokenEndpoint } : null;
  /** The last failed discovery, answered again until it is due to be retried. */
  let failure: { atMs: number; error: AppError } | null = null;

  async function discover(): Promise<{ authorization: string; token: string }> {
    if (endpoints) return endpoints;
    if (failure && deps.clock.now() - failure.atMs < DISCOVERY_RETRY_MS) throw failure.error;
    const uri = `${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await doFetch(uri, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status} from ${uri}`);
      const parsed = discoverySchema.safeParse(await response.json());
      if (!parsed.success) throw new Error(`${uri} names no authorization_endpoint and token_endpoint`);
      // Endpoints set in the configuration win over discovered ones.
      endpoints = { authorization: signIn?.authorizationEndpoint ?? parsed.data.authorization_endpoint, token: signIn?.tokenEndpoint ?? parsed.data.token_endpoint };
      return endpoints;
    } catch (error) {
      failure = { atMs: deps.clock.now(), error: unavailable('discovery document', error) };
      throw failure.error;
    }
  }

  async function redeem(tokenEndpoint: string, request: CodeExchange, client: OidcSignInConfig): Promise<z.infer<typeof tokenResponseSchema>> {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: request.code, redirect_uri: request.redirectUri, client_id: client.clientId, code_verifier: request.codeVerifier });
    if (client.clientSecret) form.set('client_secret', client.clientSecret);
    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(tokenEndpoint, {
        method: 'POST',
        signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw unavailable('token endpoint', error);
    }
    if (!response.ok) {
      const problem = tokenErrorSchema.safeParse(body);
      // A code used twice, expired or not matching the verifier: the person signs in again.
      if (problem.success && response.status < 500) throw refused(`the identity provider answered ${problem.data.error}${problem.data.error_description ? ` (${problem.data.error_description})` : ''}`);
      throw unavailable('token endpoint', new Error(`HTTP ${response.status}`));
    }
    const tokens = tokenResponseSchema.safeParse(body);
    if (!tokens.success) throw unavailable('token endpoint', new Error('its answer is not a token response'));
    return tokens.data;
  }

  return {
    async options() {
      if (!signIn) return { oidc: null };
      const found = await discover();
      return { oidc: { providerName: signIn.providerName, authorizationEndpoint: found.authorization, clientId: signIn.clientId, scope: signIn.scope } };
    },

    async exchange(request) {
      if (!signIn) throw notConfigured();
      const found = await discover();
      const tokens = await redeem(found.token, request, signIn);
      if (!tokens.id_token) throw refused('the identity provider returned no ID token (is "openid" in the scope?)');
      // The ID token came straight from the token endpoint over the connection the hub opened, which
      // vouches for its origin (OpenID Connect Core §3.1.3.7); what is left to check is that it
      // answers this browser's request and not a code slipped in from another.
      const id = parseJwt(tokens.id_token);
      if (isProblem(id)) throw refused(`the ID token is malformed: ${id.problem}`);
      if (id.payload['nonce'] !== request.nonce) throw refused('the ID token does not carry the nonce of this sign-in');
      const token = signIn.token === 'id_token' ? tokens.id_token : tokens.access_token;
      if (!token) throw refused('the identity provider returned no access token');
      // The token the browser will present is verified as on every request (signature, issuer, audience, expiry, roles).
      const principal = await deps.authenticator.authenticate(token);
      if (!principal) throw refused('the token was not accepted');
      const presented = token === tokens.id_token ? id : parseJwt(token);
      const exp = !isProblem(presented) && typeof presented.payload['exp'] === 'number' ? new Date(presented.payload['exp'] * 1000).toISOString() : null;
      return { token, principal, expiresAt: exp };
    },
  };
}

/** A hub without OIDC: the sign-in page offers API keys only. */
export const apiKeysOnlySignIn: OidcSignIn = {
  options: async () => ({ oidc: null }),
  exchange: async () => {
    throw notConfigured();
  },
};
