import { ORDER_INTAKE_MESSAGE } from '../../domains/orders/index.ts';
import { SHOPIFY_ORDERS_CREATE_MESSAGE } from '../shopify/index.ts';
import type { WebhookScheme, WebhookSource } from './webhooks.config.ts';

/** The inbox source of a webhook source's messages; the sender's event ids are unique within it. */
export const webhookInboxSource = (name: string) => `webhook:${name}`;

/** The webhook source a message came from, or null when it came another way. */
export const webhookSourceName = (inboxSource: string): string | null => (inboxSource.startsWith('webhook:') ? inboxSource.slice('webhook:'.length) : null);

/**
 * Topics each scheme takes when a source lists none: a Shopify store's new orders, and canonical
 * orders signed with our scheme (event type `orders.intake`, the body a canonical order).
 */
const defaultTopics: Record<WebhookScheme, Record<string, string>> = {
  shopify: { 'orders/create': SHOPIFY_ORDERS_CREATE_MESSAGE },
  crossdock: { [ORDER_INTAKE_MESSAGE]: ORDER_INTAKE_MESSAGE },
};

/** Topic → inbox message type for a source: its own list, else its scheme's default. */
export const effectiveTopics = (source: WebhookSource): Record<string, string> => source.topics ?? defaultTopics[source.scheme];
