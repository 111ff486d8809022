import { localParts, zonedToUtc } from '../../platform/zoned-time.ts';

/**
 * Warehouse cutoffs are local wall-clock times ("15:30" in America/Chicago), turned into instants in
 * the location's zone (platform/zoned-time.ts).
 */

/**
 * The cutoff a release made now can still meet: today's when it has not passed, else the next
 * day's, `daysLater` days further on (used when a day's capacity is spent).
 */
export function cutoffInstant(nowMs: number, cutoffLocalTime: string, timeZone: string, daysLater = 0): number {
  const [hour, minute] = cutoffLocalTime.split(':').map(Number) as [number, number];
  const today = localParts(nowMs, timeZone);
  const todayCutoff = zonedToUtc(today.year, today.month, today.day, hour, minute, timeZone);
  const start = todayCutoff > nowMs ? 0 : 1;
  const day = new Date(Date.UTC(today.year, today.month - 1, today.day + start + daysLater));
  return zonedToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, minute, timeZone);
}
