import type { Item } from './catalog.types.ts';

export type ToBaseUnitsResult =
  | { ok: true; quantity: number }
  | { ok: false; code: 'unknown_unit' | 'invalid_quantity'; message: string };

/**
 * Converts an ordered quantity in any of the item's units into base units (DESIGN §4: quantities are
 * integers in the base unit, converted at intake). Pure and integer-only: 3 CA of a 12-pack is 36 EA.
 * A result instead of an exception, because an unknown unit on an order line is an expected outcome
 * that intake turns into a line error.
 */
export function toBaseUnits(item: Pick<Item, 'sku' | 'baseUnit' | 'packSizes'>, quantity: number, unit: string): ToBaseUnitsResult {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    return { ok: false, code: 'invalid_quantity', message: `quantity must be a non-negative whole number, got ${quantity}` };
  }
  const factor = unit === item.baseUnit ? 1 : item.packSizes.find((pack) => pack.unit === unit)?.quantity;
  if (factor === undefined) {
    const known = [item.baseUnit, ...item.packSizes.map((pack) => pack.unit)].join(', ');
    return { ok: false, code: 'unknown_unit', message: `item ${item.sku} has no unit ${unit}; its units are ${known}` };
  }
  const base = quantity * factor;
  if (!Number.isSafeInteger(base)) {
    return { ok: false, code: 'invalid_quantity', message: `${quantity} ${unit} is too many base units to count exactly` };
  }
  return { ok: true, quantity: base };
}
