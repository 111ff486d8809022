import { z } from 'zod';
import { codeSchema, unitCodeSchema as sharedUnitCodeSchema } from '../shared/index.ts';

/**
 * Field schemas shared by the master-data entities. Each is plain zod (checks, no transforms other
 * than trimming) so every entity schema still converts to JSON Schema for OpenAPI and `/v1/schemas`.
 */

/**
 * A business key (SKU, location code, customer code...): the shared code rule, so orders and events
 * can name any record. Keys also travel in URLs, so "." and ".." alone are refused: they are path
 * segments with a meaning of their own.
 */
export const keySchema = codeSchema.regex(/^(?!\.{1,2}$)/, 'a key cannot be "." or ".."');

/** A unit of measure code such as EA, CA or PL; the shared rule, so order lines can name every unit. */
export const unitCodeSchema = sharedUnitCodeSchema;

/** A free-text name shown to people. */
export const nameSchema = z.string().trim().min(1).max(200);

/** An amount of money in minor units (cents); integers only so sums never drift. */
export const moneyMinorSchema = z.number().int().min(0);

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code that the runtime's ICU data knows (so "XYZ" is refused). */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'use a three-letter ISO 4217 code such as USD', abort: true })
  .refine((code) => knownCurrencies.has(code), { message: 'not an ISO 4217 currency code', abort: true });

/** 'HH:MM' on a 24-hour clock, local to the location's time zone. */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use 24-hour 'HH:MM', such as '15:30'");

// Time zones are shared with orders (an ad hoc ship-to address may name one).
export { isIanaTimeZone, timeZoneSchema } from '../shared/index.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** ISO 3166-1 alpha-2, checked against the runtime's list of regions (so "QQ" is refused). */
export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'use a two-letter ISO 3166-1 code such as US', abort: true })
  .refine((code) => {
    const name = regionNames.of(code);
    return name !== undefined && name !== 'Unknown Region';
  }, { message: 'not an ISO 3166-1 country code', abort: true });

/**
 * True when the last digit of a GTIN-8, -12, -13 or -14 is its GS1 check digit: weights 3 and 1
 * alternate from the digit next to the check digit, and the check digit brings the sum to a
 * multiple of ten.
 */
export function hasValidGtinCheckDigit(gtin: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop()!;
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += digits[i]! * weight;
  return (10 - (sum % 10)) % 10 === check;
}

/**
 * The 14-digit form of a GTIN. A GTIN-12 printed on a US label and the GTIN-13 or -14 of the same
 * product differ only by leading zeros, so lookups compare this form.
 */
export const normalizeGtin = (gtin: string): string => gtin.padStart(14, '0');

export const gtinSchema = z
  .string()
  .trim()
  .regex(/^(\d{8}|\d{12,14})$/, { message: 'a GTIN has 8, 12, 13 or 14 digits', abort: true })
  .refine(hasValidGtinCheckDigit, { message: 'the GTIN check digit is wrong', abort: true });

/** Flags the second and later occurrences of a value, so the error points at the duplicate. */
export function duplicateIndexes<T>(values: readonly T[]): number[] {
  const seen = new Set<T>();
  const duplicates: number[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) duplicates.push(index);
    seen.add(value);
  });
  return duplicates;
}
