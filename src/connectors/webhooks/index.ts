/**
 * Webhooks in and out. Inbound: `POST /v1/webhooks/:source`, authenticated by the source's signature,
 * kept raw in the inbox. Outbound: subscriptions fed from the event feed, signed, retried with backoff,
 * behind a circuit breaker per endpoint, with a fallback endpoint and dead letters. See docs/webhooks.md.
 */
export { createWebhooksModule, type WebhooksModule, type WebhooksDeps } from './webhooks.module.ts';
export { registerWebhookRoutes } from './webhooks.routes.ts';
export { registerInboundWebhookRoutes } from './inbound.routes.ts';
export { webhooksConfigSchema, webhookSecretsEnvName, type WebhooksConfig, type WebhookSource, type WebhookScheme } from './webhooks.config.ts';
export { signCrossdock, signShopify, verifyCrossdock, verifyShopify } from './signature.rules.ts';
export { webhookInboxSource, webhookSourceName } from './sources.ts';
export { redactUrl } from './targets.rules.ts';
export type { WebhookHealth, DispatchReport, Subscription, WebhookDelivery, InboundAnswer } from './webhooks.types.ts';
