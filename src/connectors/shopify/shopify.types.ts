import { z } from 'zod';

/**
 * The part of Shopify's order payload (REST Admin API `Order`, as the `orders/create` webhook sends
 * it) that becomes a canonical order. Everything else the payload carries is allowed and ignored here;
 * the whole payload stays in the inbox as received.
 */

const text = z.string().max(10_000);
/**
 * Shopify sends ids as JSON numbers; some tools re-send them as strings. Numbers above 2^53 are
 * accepted here (zod's int() would refuse them) so the mapper can say why such an id is not usable.
 */
const shopifyId = z.union([z.number().nonnegative().refine(Number.isInteger, 'a whole number'), z.string().regex(/^\d{1,20}$/, 'digits')]);
/** Decimal amounts arrive as strings ("10.49"); tolerate numbers from tools that re-serialise. */
const amount = z.union([z.string().max(40), z.number()]);

export const shopifyAddressSchema = z
  .object({
    name: text.nullish(),
    first_name: text.nullish(),
    last_name: text.nullish(),
    company: text.nullish(),
    address1: text.nullish(),
    address2: text.nullish(),
    city: text.nullish(),
    province: text.nullish(),
    province_code: text.nullish(),
    zip: text.nullish(),
    country: text.nullish(),
    country_code: text.nullish(),
    phone: text.nullish(),
  })
  .passthrough();
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;

export const shopifyLineItemSchema = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: text.optional(),
    variant_id: shopifyId.nullish(),
    product_id: shopifyId.nullish(),
    sku: text.nullish(),
    title: text.nullish(),
    name: text.nullish(),
    quantity: z.number().int().min(1),
    price: amount,
    gift_card: z.boolean().optional(),
  })
  .passthrough();
export type ShopifyLineItem = z.infer<typeof shopifyLineItemSchema>;

export const shopifyOrderSchema = z
  .object({
    id: shopifyId,
    admin_graphql_api_id: text.optional(),
    name: text.nullish(),
    order_number: z.number().int().nullish(),
    email: text.nullish(),
    customer: z.object({ id: shopifyId.nullish(), email: text.nullish() }).passthrough().nullish(),
    shipping_address: shopifyAddressSchema.nullish(),
    line_items: z.array(shopifyLineItemSchema).min(1).max(5_000),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as USD'),
    created_at: text.nullish(),
    note: z.string().nullish(),
  })
  .passthrough();
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;
