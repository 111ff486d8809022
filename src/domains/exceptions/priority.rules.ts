import { endOfDateMs } from '../../platform/zoned-time.ts';
import type { PriorityWeights } from './exceptions.policy.ts';
import type { PriorityInputs } from './exceptions.types.ts';

export const PRIORITY_MAX = 1000;
const HOUR_MS = 3_600_000;
const riskLevels = { low: 0.2, medium: 0.5, high: 0.9 } as const;

/**
 * The instant a promise date means, as the promise-date timer reads it: a bare date is the end of
 * that day where the goods arrive (`timeZone`), or in UTC without one.
 */
export function promiseInstantMs(promiseDate: string, timeZone?: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(promiseDate) ? endOfDateMs(promiseDate, timeZone) : Date.parse(promiseDate);
}

export const riskRatio = (risk: PriorityInputs['risk']): number => (risk === undefined ? 0 : typeof risk === 'number' ? risk : riskLevels[risk]);

/** Each part of the priority, for the summary and for tests. */
export interface PriorityParts {
  base: number;
  tier: number;
  value: number;
  promise: number;
  risk: number;
}

/**
 * The points of each input. Value grows on a log scale so a thousand-dollar order still counts beside
 * a million-dollar one; promise points grow as the date comes closer and are full once it has passed.
 */
export function priorityParts(basePriority: number, inputs: PriorityInputs, weights: PriorityWeights, nowMs: number): PriorityParts {
  const tier = weights.tierPoints[inputs.customerTier ?? 'unknown'];
  let value = 0;
  if (inputs.orderValue !== undefined && inputs.orderValue.amountMinor > 0) {
    const scaled = Math.log10(1 + inputs.orderValue.amountMinor / 100) / Math.log10(1 + weights.orderValueFullPointsMinor / 100);
    value = weights.orderValuePoints * Math.min(1, scaled);
  }
  let promise = 0;
  if (inputs.promiseDate !== undefined) {
    const hoursLeft = (promiseInstantMs(inputs.promiseDate, inputs.promiseTimeZone) - nowMs) / HOUR_MS;
    promise = weights.promisePoints * Math.min(1, Math.max(0, 1 - hoursLeft / weights.promiseHorizonHours));
  }
  const risk = weights.riskPoints * riskRatio(inputs.risk);
  return { base: basePriority, tier, value, promise, risk };
}

/** Business priority, 0–1000, higher first: the type's base plus customer tier, value, promise-date proximity and risk. */
export function priorityOf(basePriority: number, inputs: PriorityInputs, weights: PriorityWeights, nowMs: number): number {
  const p = priorityParts(basePriority, inputs, weights, nowMs);
  return Math.max(0, Math.min(PRIORITY_MAX, Math.round(p.base + p.tier + p.value + p.promise + p.risk)));
}
