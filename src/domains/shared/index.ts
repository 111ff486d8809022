export * from './values.ts';
export { REPORTED_TIME_SKEW_MS, reportedTimeProblem } from './reported-time.rules.ts';
