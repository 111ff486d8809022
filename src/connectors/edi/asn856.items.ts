import { normalizeGtin, toBaseUnits, type CatalogService, type TradingPartner } from '../../domains/catalog/index.ts';
import type { Executor } from '../../platform/db/store.ts';
import { element, type X12Segment } from '../x12/index.ts';

/**
 * Item numbers as supply documents send them (856 LIN, 944 W07, 846 LIN) and how they become our
 * SKUs, shared by those mappers and their handlers. Who "the buyer" and "the vendor" are depends on
 * the direction of the document (on a supplier's 856 the buyer's number BP is ours; on a retailer's
 * 850 it is theirs), so qualifiers other than GTINs are not trusted to say whose number it is: each
 * number is looked up first among the partner's cross-referenced item numbers, then among our SKUs.
 */

/** Product id qualifiers (element 235) whose value is a GTIN (UPC, EAN, GTIN-14). */
export const GTIN_QUALIFIERS = new Set(['UP', 'UK', 'EN', 'UA', 'EO', 'UI', 'U2']);

/** What a line says about its item: a GTIN when it gives one, and its other numbers in the order sent. */
export interface ItemIds {
  gtin?: string;
  numbers: string[];
}

/** Qualifier/id pairs from `first` on (LIN02/LIN03 …, W0704/W0705 …); pairs with an empty id are skipped. */
export function itemIdsOf(segment: X12Segment, pairs: ReadonlyArray<[qualifier: number, id: number]>): ItemIds {
  const ids: ItemIds = { numbers: [] };
  for (const [q, i] of pairs) {
    const qualifier = element(segment, q);
    const id = element(segment, i);
    if (id === '') continue;
    if (GTIN_QUALIFIERS.has(qualifier) && /^\d{8}$|^\d{12,14}$/.test(id)) ids.gtin ??= id;
    else if (!ids.numbers.includes(id)) ids.numbers.push(id);
  }
  return ids;
}

/** Pairs LIN02/03 … LIN30/31. */
export const LIN_PAIRS: ReadonlyArray<[number, number]> = Array.from({ length: 15 }, (_, i) => [2 + 2 * i, 3 + 2 * i]);

/** How the GTINs and numbers of lines resolve: the partner's cross-references first, then our catalog. */
export interface ItemLookup {
  partnerSkuByItem: ReadonlyMap<string, string>;
  partnerSkuByGtin: ReadonlyMap<string, string>;
  skuByGtin: ReadonlyMap<string, string>;
  /** Our items among the numbers sent, with what unit conversion needs. */
  items: ReadonlyMap<string, { sku: string; baseUnit: string; packSizes: Array<{ unit: string; quantity: number }> }>;
  /** The partner's unit codes as ours (CS → CA …). */
  unitOf: ReadonlyMap<string, string>;
}

/** The SKU the ids name, or undefined when none of them is known. */
export function skuOf(ids: ItemIds, lookup: ItemLookup): string | undefined {
  if (ids.gtin !== undefined) {
    const gtin = normalizeGtin(ids.gtin);
    const sku = lookup.partnerSkuByGtin.get(gtin) ?? lookup.skuByGtin.get(gtin);
    if (sku !== undefined) return sku;
  }
  for (const number of ids.numbers) {
    const sku = lookup.partnerSkuByItem.get(number) ?? (lookup.items.has(number) ? number : undefined);
    if (sku !== undefined) return sku;
  }
  return undefined;
}

/** How the line names its item, for messages: `GTIN 0123…` or `item C0355UCAD8`. */
export const describeIds = (ids: ItemIds) => (ids.gtin !== undefined ? `GTIN ${ids.gtin}` : ids.numbers.length > 0 ? `item ${ids.numbers.join(' / ')}` : 'no item number');

export type BaseQuantity = { ok: true; sku: string; quantity: number } | { ok: false; code: 'unknown_item' | 'unknown_unit' | 'invalid_quantity'; message: string };

/** A line's quantity in base units of the SKU its ids name, the partner's unit mapped to ours first. */
export function baseQuantityOf(ids: ItemIds, quantity: number, unit: string, lookup: ItemLookup): BaseQuantity {
  const sku = skuOf(ids, lookup);
  const item = sku === undefined ? undefined : lookup.items.get(sku);
  if (sku === undefined || !item) return { ok: false, code: 'unknown_item', message: `${describeIds(ids)} is not one of our items nor cross-referenced for the partner` };
  const converted = toBaseUnits(item, quantity, lookup.unitOf.get(unit) ?? unit);
  return converted.ok ? { ok: true, sku, quantity: converted.quantity } : { ok: false, code: converted.code, message: converted.message };
}

/** Reads what `skuOf` needs for these lines from the catalog (inside the caller's transaction when given). */
export async function loadItemLookup(catalog: CatalogService, partner: Pick<TradingPartner, 'itemCrossReferences' | 'unitMappings'>, lines: readonly ItemIds[], executor?: Executor): Promise<ItemLookup> {
  const partnerSkuByItem = new Map(partner.itemCrossReferences.filter((r) => r.partnerItem !== undefined).map((r) => [r.partnerItem!, r.sku]));
  const partnerSkuByGtin = new Map(partner.itemCrossReferences.filter((r) => r.gtin !== undefined).map((r) => [normalizeGtin(r.gtin!), r.sku]));
  const gtins = [...new Set(lines.flatMap((l) => (l.gtin === undefined ? [] : [l.gtin])))];
  const skuByGtin = gtins.length > 0 ? await catalog.skusByGtin(gtins, executor) : new Map<string, string>();
  // Only the SKUs these lines could name are read, however many items the partner cross-references.
  const candidates = new Set([
    ...lines.flatMap((l) => l.numbers.flatMap((n) => [n, ...(partnerSkuByItem.has(n) ? [partnerSkuByItem.get(n)!] : [])])),
    ...gtins.flatMap((g) => [partnerSkuByGtin.get(normalizeGtin(g)), skuByGtin.get(normalizeGtin(g))].filter((sku) => sku !== undefined)),
  ]);
  const found = candidates.size > 0 ? await catalog.items.getMany([...candidates], executor) : new Map();
  const items = new Map([...found.values()].map((item) => [item.sku, { sku: item.sku, baseUnit: item.baseUnit, packSizes: item.packSizes }]));
  return { partnerSkuByItem, partnerSkuByGtin, skuByGtin, items, unitOf: new Map(partner.unitMappings.map((m) => [m.partnerUnit, m.unit])) };
}
