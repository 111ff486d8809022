/**
 * Shopify: the `orders/create` webhook's order payload as a canonical order. The webhook itself
 * (signature, dedupe, inbox) is received by the webhooks connector.
 */
export { SHOPIFY_ORDERS_CREATE_MESSAGE, registerShopifyInboxHandlers, type ShopifyHandlerDeps } from './shopify.inbox.ts';
export { mapShopifyOrder, resolveShipTo, shopifyOrderId, toCanonicalAddress, toMinorUnits, type ShopifyOrderDefaults } from './shopify-order.rules.ts';
export { shopifyOrderSchema, type ShopifyOrder } from './shopify.types.ts';
