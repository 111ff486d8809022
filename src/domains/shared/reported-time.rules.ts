import { isoTime } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * How far ahead of the hub's clock a sender may date something it reports as done (a stock movement,
 * a stock count, a shipment, a carrier milestone, an ERP's figures): the clocks of two systems
 * disagree by seconds or minutes. A time further ahead has not come yet: a local time written as
 * UTC, or a mistyped year. Stored, it would put a shipment after its invoice and a delivery before
 * its departure and skew every KPI measured from it; a receipt dated next year would count as
 * arriving after every stock count until then, so each count would add its units to on hand again;
 * where the newest report wins, it would outrank every real one until its date. It is refused, and
 * the sender corrects it.
 */
export const REPORTED_TIME_SKEW_MS = 60 * 60_000;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "3 minutes", "5 hours", "1,134 days": how far ahead, to the unit a person reads at a glance. */
function aheadText(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${Math.round(ms / DAY_MS).toLocaleString('en-US')} days`;
  if (ms >= 2 * HOUR_MS) return `${Math.round(ms / HOUR_MS)} hours`;
  return `${Math.round(ms / MINUTE_MS)} minutes`;
}

/**
 * What is wrong with `reported` (an ISO 8601 time the sender gives for something that has happened,
 * named by `field`) at the hub's time `nowMs`, or null when it is not too far ahead.
 */
export function reportedTimeProblem(field: string, reported: string, nowMs: number): string | null {
  const aheadMs = Date.parse(reported) - nowMs;
  if (!(aheadMs > REPORTED_TIME_SKEW_MS)) return null;
  return `${field} ${reported} is ${aheadText(aheadMs)} ahead of the hub's clock (${isoTime(nowMs)}); it cannot have happened yet (clocks may differ by up to ${REPORTED_TIME_SKEW_MS / MINUTE_MS} minutes)`;
}

/**
 * Throws 422 `time_ahead_of_clock` when `reported` is too far ahead: the message says what was
 * refused (`refused`, e.g. "the shipment cannot be confirmed") and why, the detail names `path`.
 */
export function refuseTimeAhead(refused: string, field: string, reported: string, nowMs: number, path: string = field): void {
  const problem = reportedTimeProblem(field, reported, nowMs);
  if (problem) throw new AppError('time_ahead_of_clock', `${refused}: ${problem}`, [{ path, message: problem }]);
}
