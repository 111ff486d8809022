import { api, type Me } from './api.ts';

/**
 * The browser's half of the sign-in at the identity provider: the authorization code flow with PKCE.
 * Before leaving for the provider the tab keeps a random verifier, state and nonce in its session
 * storage; back at `/app/?code=…&state=…`, it checks the state and has the hub redeem the code with
 * the verifier (`POST /v1/auth/oidc/token`), which answers with the token to present from then on.
 */
export interface ProviderOptions {
  providerName: string;
  authorizationEndpoint: string;
  clientId: string;
  scope: string;
}

export interface SignInOptions {
  apiKey: true;
  oidc: ProviderOptions | null;
}

interface Pending {
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
  /** The screen the person was on, to return to. */
  hash: string;
}

const pendingKey = 'crossdock.oidc-pending';

function randomText(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Sends the person to the provider; resolves only if it cannot (the page is left otherwise). */
export async function startProviderSignIn(options: ProviderOptions): Promise<void> {
  // SHA-256 in the browser needs a secure context: HTTPS, or the hub on this machine.
  if (!window.isSecureContext || !crypto.subtle) {
    throw new Error('Signing in at the identity provider needs the dashboard on HTTPS (or on localhost); paste a token instead.');
  }
  const pending: Pending = {
    state: randomText(16),
    verifier: randomText(32),
    nonce: randomText(16),
    redirectUri: `${window.location.origin}${window.location.pathname}`,
    hash: window.location.hash,
  };
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier))));
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const url = new URL(options.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: pending.redirectUri,
    scope: options.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  window.location.assign(url.toString());
}

/** The provider's answer, taken out of the address before the first render (`takeProviderAnswer`). */
let answer: { params: URLSearchParams; pending: Pending | null } | null = null;

/**
 * Takes the provider's answer out of the address, so that a reload or a bookmark does not present the
 * code again, and puts back the screen the sign-in started from. Called before the first render, so
 * the router reads the restored address.
 */
export function takeProviderAnswer(): void {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('state') || (!params.has('code') && !params.has('error'))) return;
  const raw = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey);
  const pending = raw ? (JSON.parse(raw) as Pending) : null;
  window.history.replaceState(null, '', `${window.location.pathname}${pending?.hash ?? window.location.hash}`);
  answer = { params, pending };
}

/** Finishes the sign-in the provider answered (or says why it failed); null when there is no answer to finish. */
export function completeProviderSignIn(): Promise<{ token: string; me: Me }> | null {
  if (!answer) return null;
  const { params, pending } = answer;
  answer = null;
  if (!pending || pending.state !== params.get('state')) {
    return Promise.reject(new Error('This sign-in answer does not belong to a sign-in started in this tab; sign in again.'));
  }
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    return Promise.reject(new Error(`The identity provider did not sign you in: ${error}${description ? ` (${description.replace(/\.$/, '')})` : ''}.`));
  }
  return api.post<{ token: string; me: Me }>('/v1/auth/oidc/token', { code: params.get('code'), codeVerifier: pending.verifier, redirectUri: pending.redirectUri, nonce: pending.nonce });
}
