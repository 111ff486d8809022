import type { z } from 'zod';
import type { Customer } from '../../domains/catalog/index.ts';
import type { orderIntakeSchema } from '../../domains/orders/index.ts';
import type { ErrorDetail } from '../../platform/errors.ts';
import type { ShopifyAddress, ShopifyOrder } from './shopify.types.ts';

/**
 * A Shopify order as a canonical order, pure. What Shopify does not know comes from the source's
 * configuration: the channel, the customer a web order is billed to, and a default ship-to. The
 * result goes through the same intake as a REST order, so master-data problems (an unknown SKU, a
 * currency the customer is not billed in) are reported exactly as intake reports them.
 */

export type CanonicalOrderInput = z.input<typeof orderIntakeSchema>;

export interface ShopifyOrderDefaults {
  channelCode: string;
  customerCode: string;
  shipToCode?: string | undefined;
}

export type ShopifyMapping = { ok: true; intake: CanonicalOrderInput } | { ok: false; problems: ErrorDetail[] };

const NOTES_MAX_CHARS = 2_000;
const CUSTOMER_PO_MAX_CHARS = 64;

/**
 * The order's id as text, exactly. Shopify ids are 64-bit and JSON numbers above 2^53 lose digits
 * when parsed, so the GraphQL id (`gid://shopify/Order/<digits>`, a string) is preferred when present.
 */
export function shopifyOrderId(order: Pick<ShopifyOrder, 'id' | 'admin_graphql_api_id'>): { ok: true; id: string } | { ok: false; problem: ErrorDetail } {
  const fromGid = /^gid:\/\/shopify\/Order\/(\d{1,20})$/.exec(order.admin_graphql_api_id ?? '')?.[1];
  if (fromGid !== undefined) return { ok: true, id: fromGid };
  if (typeof order.id === 'string') return { ok: true, id: order.id };
  if (Number.isSafeInteger(order.id)) return { ok: true, id: String(order.id) };
  return { ok: false, problem: { path: 'id', message: `order id ${order.id} is beyond 2^53 and was not read exactly; send admin_graphql_api_id with it` } };
}

const decimalsByCurrency = new Map<string, number>();

/**
 * The number of decimals of a currency's minor unit (USD 2, JPY 0, BHD 3), from the runtime's ISO
 * 4217 data. Remembered per currency: building a number format costs far more than a line's mapping.
 */
export function currencyDecimals(currency: string): number {
  let decimals = decimalsByCurrency.get(currency);
  if (decimals === undefined) {
    decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    decimalsByCurrency.set(currency, decimals);
  }
  return decimals;
}

/**
 * A decimal amount ("10.49") in minor units (1049), exactly: parsed as digits, never through a float.
 * More decimals than the currency has are refused unless they are zeros.
 */
export function toMinorUnits(amount: string | number, currency: string): { ok: true; minor: number } | { ok: false; message: string } {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(\d{1,15})(?:\.(\d{1,12}))?$/.exec(text);
  if (!match) return { ok: false, message: `"${text.slice(0, 40)}" is not a non-negative decimal amount` };
  const decimals = currencyDecimals(currency);
  const fraction = match[2] ?? '';
  if (/[1-9]/.test(fraction.slice(decimals))) return { ok: false, message: `${text} has more decimals than ${currency} has (${decimals})` };
  const minor = Number(match[1]) * 10 ** decimals + Number(fraction.slice(0, decimals).padEnd(decimals, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { ok: false, message: `${text} is too large` };
  return { ok: true, minor };
}

type CanonicalAddress = NonNullable<CanonicalOrderInput['shipToAddress']>;

const present = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

/** Shopify's shipping address as ours, or undefined when it lacks a street, a city or a country code. */
export function toCanonicalAddress(address: ShopifyAddress | null | undefined): CanonicalAddress | undefined {
  if (!address) return undefined;
  const line1 = present(address.address1);
  const city = present(address.city);
  const country = present(address.country_code)?.toUpperCase();
  if (line1 === undefined || city === undefined || country === undefined || !/^[A-Z]{2}$/.test(country)) return undefined;
  const name = present(address.name) ?? present([address.first_name, address.last_name].filter(Boolean).join(' '));
  const line2 = present(address.address2);
  const region = present(address.province_code) ?? present(address.province);
  const postalCode = present(address.zip);
  return {
    ...(name !== undefined && { name: name.slice(0, 200) }),
    line1: line1.slice(0, 200),
    ...(line2 !== undefined && { line2: line2.slice(0, 200) }),
    city: city.slice(0, 100),
    ...(region !== undefined && { region: region.slice(0, 100) }),
    ...(postalCode !== undefined && { postalCode: postalCode.slice(0, 20) }),
    country,
  };
}

/** Upper case, punctuation dropped, runs of spaces as one: "12  Main St." and "12 MAIN ST" are one street. */
const normalizeStreet = (s: string) => s.toUpperCase().replace(/[.,#]/g, ' ').replace(/\s+/g, ' ').trim();
/** Upper case without spaces or hyphens: "SW1A 1AA" and "sw1a1aa" are one postal code. */
const normalizePostal = (s: string) => s.toUpperCase().replace(/[\s-]/g, '');

/**
 * How a shipping address becomes a ship-to: the customer's ship-to with the same postal code and first
 * address line (compared without case, spacing or punctuation) is used by its code; otherwise the
 * source's default ship-to code is used and the address itself travels with the order as its one-off
 * destination. With neither a match nor a default, the address alone is sent.
 */
export function resolveShipTo(address: CanonicalAddress | undefined, customer: Customer | undefined, defaultShipToCode: string | undefined): Pick<CanonicalOrderInput, 'shipToCode' | 'shipToAddress'> {
  if (address !== undefined && address.postalCode !== undefined && customer !== undefined) {
    const postal = normalizePostal(address.postalCode);
    const street = normalizeStreet(address.line1);
    const match = customer.shipTos.find((s) => normalizePostal(s.address.postalCode) === postal && normalizeStreet(s.address.line1) === street);
    if (match) return { shipToCode: match.code };
  }
  return {
    ...(defaultShipToCode !== undefined && { shipToCode: defaultShipToCode }),
    ...(address !== undefined && { shipToAddress: address }),
  };
}

/**
 * The canonical order for a Shopify order. Lines keep their position (line N is `line_items[N-1]`),
 * so intake's `lines.<i>` paths point at `line_items.<i>`; gift-card lines are skipped (nothing to
 * ship). Quantities are each (`EA`), prices the line's unit price in minor units, the external order
 * number Shopify's order id (the dedupe key with the channel), the customer PO the order's name (`#1001`).
 */
export function mapShopifyOrder(order: ShopifyOrder, customer: Customer | undefined, defaults: ShopifyOrderDefaults): ShopifyMapping {
  const problems: ErrorDetail[] = [];
  const id = shopifyOrderId(order);
  if (!id.ok) problems.push(id.problem);
  const currency = order.currency.toUpperCase();
  const lines: CanonicalOrderInput['lines'] = [];
  order.line_items.forEach((item, index) => {
    if (item.gift_card === true) return;
    const at = (field: string) => `line_items.${index}.${field}`;
    const sku = present(item.sku);
    if (sku === undefined) {
      const named = present(item.name) ?? present(item.title) ?? `line item ${item.id}`;
      problems.push({ path: at('sku'), message: `line ${index + 1}: ${named} (variant ${item.variant_id ?? 'none'}) has no SKU; give the variant our SKU in Shopify` });
      return;
    }
    const price = toMinorUnits(item.price, currency);
    if (!price.ok) {
      problems.push({ path: at('price'), message: `line ${index + 1}: ${price.message}` });
      return;
    }
    lines.push({ lineNumber: index + 1, sku, quantity: item.quantity, unit: 'EA', unitPriceMinor: price.minor });
  });
  if (problems.length === 0 && lines.length === 0) problems.push({ path: 'line_items', message: 'the order has no line to ship (only gift cards)' });
  if (!id.ok || problems.length > 0) return { ok: false, problems };

  const customerPo = present(order.name);
  const notes = present(order.note);
  return {
    ok: true,
    intake: {
      channel: defaults.channelCode,
      externalOrderNumber: id.id,
      customerCode: defaults.customerCode,
      ...(customerPo !== undefined && { customerPo: customerPo.slice(0, CUSTOMER_PO_MAX_CHARS) }),
      ...resolveShipTo(toCanonicalAddress(order.shipping_address), customer, defaults.shipToCode),
      currency,
      ...(notes !== undefined && { notes: notes.slice(0, NOTES_MAX_CHARS) }),
      lines,
    },
  };
}
