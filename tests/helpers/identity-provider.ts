import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenID Connect provider on a real loopback socket, as much of one as the hub and the dashboard
 * use: discovery, a key set, an authorization endpoint that signs in whoever the test says (no login
 * form) and redirects back with a code, and a token endpoint that redeems a code once, for the client
 * it was issued to, with the PKCE verifier whose S256 challenge came with it. It answers with an RS256
 * ID token (aud: the client id) carrying the request's nonce, and the same claims as a JWT access
 * token for `accessAudience`.
 */
export interface IdentityProvider {
  issuer: string;
  clientId: string;
  /** The claims of whoever signs in next (sub, email, roles, …). */
  signInAs: Record<string, unknown>;
  /** Answer the next authorization request with this OAuth error instead of a code. */
  refuseNext: string | null;
  /** Token requests received, as form fields. */
  tokenRequests: Array<Record<string, string>>;
  close(): Promise<void>;
}

interface Issued {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | null;
  claims: Record<string, unknown>;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

export interface IdentityProviderOptions {
  clientId: string;
  clientSecret?: string;
  accessAudience: string;
  /** The provider's clock, for iat and exp: the hub's, when the hub's is not the system's. */
  nowMs: () => number;
  tokenLifetimeS?: number;
  /** The signing key and its kid (a fresh RSA key, kid `idp-1`, by default), for tokens a test also signs itself. */
  keyPair?: { publicKey: KeyObject; privateKey: KeyObject };
  kid?: string;
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const keys = options.keyPair ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = options.kid ?? 'idp-1';
  const lifetimeS = options.tokenLifetimeS ?? 3_600;
  const issued = new Map<string, Issued>();
  let issuer = '';
  const jwt = (claims: Record<string, unknown>) => {
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), keys.privateKey).toString('base64url')}`;
  };
  const provider: IdentityProvider = {
    issuer: '',
    clientId: options.clientId,
    signInAs: {},
    refuseNext: null,
    tokenRequests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, code_challenge_methods_supported: ['S256'] });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri');
      if (q.get('client_id') !== options.clientId || !redirectUri) return json(400, { error: 'invalid_request', error_description: 'unknown client or no redirect_uri' });
      const back = new URL(redirectUri);
      if (q.get('state')) back.searchParams.set('state', q.get('state')!);
      if (provider.refuseNext) {
        back.searchParams.set('error', provider.refuseNext);
        back.searchParams.set('error_description', 'The person declined to sign in.');
        provider.refuseNext = null;
      } else if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        back.searchParams.set('error', 'invalid_request');
        back.searchParams.set('error_description', 'response_type code with an S256 code_challenge is required');
      } else {
        const code = randomBytes(16).toString('hex');
        issued.set(code, { clientId: options.clientId, redirectUri, challenge: q.get('code_challenge')!, nonce: q.get('nonce'), claims: { ...provider.signInAs } });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      void readBody(req).then((text) => {
        const form = Object.fromEntries(new URLSearchParams(text));
        provider.tokenRequests.push(form);
        const grant = issued.get(form['code'] ?? '');
        // A code is good once, whatever the outcome.
        issued.delete(form['code'] ?? '');
        if (options.clientSecret !== undefined && form['client_secret'] !== options.clientSecret) return json(401, { error: 'invalid_client' });
        if (!grant || grant.clientId !== form['client_id'] || grant.redirectUri !== form['redirect_uri']) return json(400, { error: 'invalid_grant', error_description: 'unknown, used or mismatched code' });
        const challenge = createHash('sha256')
          .update(form['code_verifier'] ?? '')
          .digest('base64url');
        if (challenge !== grant.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        const now = Math.floor(options.nowMs() / 1000);
        const common = { iss: issuer, iat: now, exp: now + lifetimeS, ...grant.claims };
        json(200, {
          token_type: 'Bearer',
          expires_in: lifetimeS,
          id_token: jwt({ ...common, aud: options.clientId, ...(grant.nonce ? { nonce: grant.nonce } : {}) }),
          access_token: jwt({ ...common, aud: options.accessAudience }),
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.issuer = issuer;
  return provider;
}
