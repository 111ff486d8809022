import { zonedToUtc } from '../../platform/zoned-time.ts';

/**
 * Dates and times in X12 documents (CCYYMMDD, HHMM[SS[D..]]) are wall-clock times of the sender.
 * A time code (element 623, as in G6205 or DTM04) says where that clock is; without one, the trading
 * partner's `x12.timezone` from master data does; without that, UTC. A 3PL in Frankfurt that writes
 * 18:00 means 16:00 or 17:00 UTC, which read as UTC would be an hour or two in the future.
 */

/** Codes that name a region's time, standard or daylight as the date has it. */
const REGION_ZONES: Readonly<Record<string, string>> = {
  ET: 'America/New_York',
  CT: 'America/Chicago',
  MT: 'America/Denver',
  PT: 'America/Los_Angeles',
  AT: 'America/Anchorage',
  HT: 'Pacific/Honolulu',
  NT: 'America/St_Johns',
  TT: 'America/Halifax',
};

/** Codes that name standard or daylight time outright: a fixed offset from UTC, in minutes. */
const FIXED_OFFSETS_MINUTES: Readonly<Record<string, number>> = {
  UT: 0,
  GM: 0,
  ED: -240,
  ES: -300,
  CD: -300,
  CS: -360,
  MD: -360,
  MS: -420,
  PD: -420,
  PS: -480,
  AD: -480,
  AS: -540,
  HD: -540,
  HS: -600,
  ND: -150,
  NS: -210,
  TD: -180,
  TS: -240,
};

/**
 * The numeric codes are ISO 8601 offsets in whole hours, written with P and M for + and − since + is
 * a delimiter in X12: 01–12 are P01–P12 (east of Greenwich), 13–24 are M12 down to M01 (west).
 */
function numericOffsetMinutes(code: string): number | undefined {
  if (!/^\d{2}$/.test(code)) return undefined;
  const n = Number(code);
  if (n < 1 || n > 24) return undefined;
  return n <= 12 ? n * 60 : -(25 - n) * 60;
}

/** Time codes this hub reads, for error messages. */
const knownTimeCodes = ['01–24', ...['LT', ...Object.keys(REGION_ZONES), ...Object.keys(FIXED_OFFSETS_MINUTES)].sort()];

export type X12InstantResult = { ok: true; iso: string } | { ok: false; message: string };

/**
 * The instant of a date and optional time as the sender wrote them. `timeCode` is the document's
 * (empty when it gave none; `LT`, local time, is the partner's zone); `partnerTimeZone` is the
 * partner's from master data.
 */
export function x12Instant(date: string, time: string, timeCode: string, partnerTimeZone: string | undefined): X12InstantResult {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!d) return { ok: false, message: `the date "${date}" is not CCYYMMDD` };
  const t = time === '' ? ['', '00', '00', '00'] : /^(\d{2})(\d{2})(\d{2})?\d*$/.exec(time);
  if (!t) return { ok: false, message: `the time "${time}" is not HHMM or HHMMSS` };
  const [year, month, day, hour, minute, second] = [d[1], d[2], d[3], t[1], t[2], t[3] ?? '00'].map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `"${date}${time === '' ? '' : ` ${time}`}" is not a date and time that exists` };
  }
  const code = timeCode.trim().toUpperCase();
  let ms: number;
  const fixedMinutes = Object.hasOwn(FIXED_OFFSETS_MINUTES, code) ? FIXED_OFFSETS_MINUTES[code]! : numericOffsetMinutes(code);
  if (fixedMinutes !== undefined) ms = wall - fixedMinutes * 60_000;
  else {
    const zone = code === '' || code === 'LT' ? partnerTimeZone : Object.hasOwn(REGION_ZONES, code) ? REGION_ZONES[code] : undefined;
    if (code !== '' && code !== 'LT' && zone === undefined) return { ok: false, message: `time code "${timeCode}" is not one this hub reads (${knownTimeCodes.join(', ')})` };
    ms = zone === undefined ? wall : zonedToUtc(year, month, day, hour, minute, zone) + second * 1000;
  }
  return { ok: true, iso: new Date(ms).toISOString() };
}
