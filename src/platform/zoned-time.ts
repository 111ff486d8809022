/**
 * Wall-clock times in named time zones (IANA), with the platform's Intl time-zone data, daylight
 * saving included: a warehouse's cutoff, the end of a promised day where the goods arrive, a
 * partner's local times in its documents.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a time zone. */
export function localParts(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(ms).map((p) => [p.type, p.value]));
  return { year: +parts['year']!, month: +parts['month']!, day: +parts['day']!, hour: +parts['hour']!, minute: +parts['minute']!, second: +parts['second']! };
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a local wall-clock time happens in a zone (the later one when a clock change repeats it). */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetMs(guess, timeZone);
  return guess - offsetMs(first, timeZone);
}

/** The calendar date (`YYYY-MM-DD`) an instant falls on in a zone; in UTC without one. */
export function localDate(ms: number, timeZone?: string): string {
  if (timeZone === undefined) return new Date(ms).toISOString().slice(0, 10);
  const p = localParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The last millisecond of a calendar date (`YYYY-MM-DD`) in a zone: the instant before the next
 * day's local midnight, so a day with a clock change is 23 or 25 hours long.
 */
export function endOfLocalDayMs(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return zonedToUtc(year, month, day + 1, 0, 0, timeZone) - 1;
}

/**
 * The first millisecond of a calendar date (`YYYY-MM-DD`) in `timeZone` (its local midnight), or
 * midnight UTC without one: when goods expected on that day at a location can first be there.
 */
export function startOfDateMs(date: string, timeZone?: string): number {
  if (timeZone === undefined) return Date.parse(`${date}T00:00:00.000Z`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return zonedToUtc(year, month, day, 0, 0, timeZone);
}

/**
 * The last millisecond of a calendar date (`YYYY-MM-DD`) in `timeZone` (`endOfLocalDayMs`), or
 * 23:59:59.999 UTC without one: when a promised day is over where the goods arrive, or a purchase
 * order's expected day where it is received.
 */
export function endOfDateMs(date: string, timeZone?: string): number {
  return timeZone === undefined ? Date.parse(`${date}T23:59:59.999Z`) : endOfLocalDayMs(date, timeZone);
}
