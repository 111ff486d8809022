export * from './values.ts';
export { REPORTED_TIME_SKEW_MS, refuseTimeAhead, reportedTimeProblem } from './reported-time.rules.ts';
