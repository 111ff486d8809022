import { z } from 'zod';
import { errorResponseSchema } from '../http/error-handler.ts';
import type { HttpApp } from '../http/types.ts';
import { meOf, meSchema } from './me.routes.ts';
import type { OidcSignIn } from './oidc-sign-in.ts';
import { access } from './roles.ts';

const signInOptionsSchema = z.object({
  apiKey: z.literal(true).describe('An API key can always be pasted'),
  oidc: z
    .object({
      providerName: z.string(),
      authorizationEndpoint: z.string().describe("Where the browser sends the person to sign in (the provider's authorization endpoint)"),
      clientId: z.string(),
      scope: z.string(),
    })
    .nullable()
    .describe('Sign-in at the identity provider (authorization code with PKCE), or null when not configured'),
});

const exchangeSchema = z
  .object({
    code: z.string().min(1).max(4096).describe('The code the provider sent back to the redirect URI'),
    codeVerifier: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{43,128}$/, 'a PKCE code verifier is 43–128 characters of A–Z, a–z, 0–9 and -._~')
      .describe('The PKCE verifier whose S256 challenge went with the authorization request'),
    redirectUri: z.string().url().max(2048).describe('The redirect URI of the authorization request, exactly'),
    nonce: z.string().min(16).max(256).describe('The nonce of the authorization request; the ID token must carry it'),
  })
  .strict();

const exchangedSchema = z.object({
  token: z.string().describe('The bearer credential to present from now on'),
  expiresAt: z.string().nullable().describe("When the token expires (its exp claim); sign in again then"),
  me: meSchema,
});

/**
 * Public by necessity: the caller has no credential yet. The exchange is worth nothing without a code
 * the provider issued for a verifier only the caller holds, and the hub's rate limit applies.
 */
export function registerOidcSignInRoutes(app: HttpApp, signIn: OidcSignIn): void {
  app.get(
    '/v1/auth/sign-in-options',
    {
      config: { access: access.public },
      schema: {
        tags: ['access'],
        summary: 'How people may sign in to the dashboard: an API key, and the identity provider when configured',
        response: { 200: signInOptionsSchema, 503: errorResponseSchema },
      },
    },
    async () => ({ apiKey: true as const, ...(await signIn.options()) }),
  );

  app.post(
    '/v1/auth/oidc/token',
    {
      config: { access: access.public },
      schema: {
        tags: ['access'],
        summary: "Exchanges the identity provider's authorization code (with its PKCE verifier) for the token to present to the hub",
        body: exchangeSchema,
        response: { 200: exchangedSchema, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request) => {
      const { token, principal, expiresAt } = await signIn.exchange(request.body);
      return { token, expiresAt, me: meOf(principal) };
    },
  );
}
