import { z } from 'zod';

/**
 * Value types shared by every canonical schema. Quantities are integers in an item's base unit;
 * money is integer minor units with an ISO 4217 currency; times on the wire are ISO 8601 with offset.
 */
export const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'use 1–64 letters, digits, dot, underscore or hyphen');
export const skuSchema = codeSchema.describe('Stock-keeping unit of an item');
export const idSchema = z.string().uuid().describe('Time-sortable id (UUIDv7)');
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');
export const quantitySchema = z.number().int().min(0).describe('Whole base units');
export const positiveQuantitySchema = z.number().int().min(1).describe('Whole base units, at least one');
export const signedQuantitySchema = z.number().int().describe('Whole base units; negative takes away');
export const amountMinorSchema = z.number().int().describe('Money in minor units (cents)');
export const timestampSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 time with offset');
export const dateSchema = z.iso.date().describe('Calendar date, YYYY-MM-DD');
export const unitCodeSchema = z.string().trim().regex(/^[A-Z0-9]{1,4}$/, 'a unit code such as EA or CA');
export const lineNumberSchema = z.number().int().min(1).max(100_000);
/** For `.refine` on an array of lines: no line number may stand twice in one request or document. */
export const uniqueLineNumbers = (lines: ReadonlyArray<{ lineNumber: number }>) => new Set(lines.map((l) => l.lineNumber)).size === lines.length;

export const moneySchema = z.object({ amountMinor: amountMinorSchema, currency: currencySchema }).strict();
export type Money = z.infer<typeof moneySchema>;

/** A reference to a related object, as used by exceptions, decisions and the event log. */
export const objectRefSchema = z
  .object({
    type: z.enum([
      'order',
      'order_line',
      'shipment',
      'invoice',
      'return',
      'purchase_order',
      'transfer',
      'item',
      'location',
      'customer',
      'supplier',
      'exception',
      'message',
      'reservation',
    ]),
    id: z.string().min(1).max(200),
  })
  .strict();
export type ObjectRef = z.infer<typeof objectRefSchema>;

/** True when the runtime accepts the name as an IANA time zone (aliases such as US/Central included). */
export function isIanaTimeZone(name: string): boolean {
  // Offsets such as "+01:00" are accepted by newer Intl versions but are not zones: they have no DST.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1, { abort: true })
  .refine(isIanaTimeZone, { message: 'not an IANA time zone name such as America/Chicago' });
