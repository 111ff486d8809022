/**
 * X12 data types as pure checks and conversions: dates (DT), times (TM), implied-decimal numbers
 * (N0, N1, N2 …), decimal numbers (R). Amounts are converted to scaled integers (bigint) so totals
 * are compared exactly, never through floating point.
 */

/** CCYYMMDD (8 digits) or YYMMDD (6 digits) naming a real calendar day. */
export function isValidDate(value: string): boolean {
  if (!/^\d{6}(\d{2})?$/.test(value)) return false;
  const year = value.length === 8 ? Number(value.slice(0, 4)) : 2000 + Number(value.slice(0, 2));
  const month = Number(value.slice(-4, -2));
  const day = Number(value.slice(-2));
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** HHMM, HHMMSS, HHMMSSd or HHMMSSdd on a 24-hour clock. */
export function isValidTime(value: string): boolean {
  if (!/^\d{4}(\d{2}\d{0,2})?$/.test(value)) return false;
  const hours = Number(value.slice(0, 2));
  const minutes = Number(value.slice(2, 4));
  const seconds = value.length >= 6 ? Number(value.slice(4, 6)) : 0;
  return hours <= 23 && minutes <= 59 && seconds <= 59;
}

/** An Nn value: optional minus sign and digits only. Its length counts digits, not the sign. */
export const isImpliedDecimal = (value: string): boolean => /^-?\d+$/.test(value);

/** An R value: optional minus sign, digits with an optional decimal point; 005010 also allows an exponent. */
export function isDecimal(value: string, exponentAllowed: boolean): boolean {
  return exponentAllowed ? /^-?(\d+\.?\d*|\.\d+)(E-?\d+)?$/.test(value) : /^-?(\d+\.?\d*|\.\d+)$/.test(value);
}

/** Length of a numeric value as X12 counts it: digits only, without sign, decimal point or exponent. */
export function numericLength(value: string): number {
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x45) break;
    if (code >= 0x30 && code <= 0x39) digits++;
  }
  return digits;
}

/**
 * A decimal string as an integer scaled by 10^scale (`toScaled('9.25', 2)` is 925n); null when the
 * value is not a plain decimal or has more fractional digits than the scale holds exactly.
 */
export function toScaled(value: string, scale: number): bigint | null {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return null;
  const digits = `${match[2] || '0'}${fraction.padEnd(scale, '0')}`;
  const scaled = BigInt(digits);
  return match[1] === '-' ? -scaled : scaled;
}

/** An Nn value (implied decimals) as an integer scaled by 10^scale, or null when it is not one. */
export function impliedToScaled(value: string, impliedDecimals: number, scale: number): bigint | null {
  if (!isImpliedDecimal(value) || scale < impliedDecimals) return null;
  return BigInt(value) * 10n ** BigInt(scale - impliedDecimals);
}

/** Shows a scaled integer as a decimal string (`formatScaled(1304594n, 2)` is `13045.94`). */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}
