export * from './fulfillment.types.ts';
export { createFulfillmentService, type FulfillmentService } from './fulfillment.service.ts';
export { type HeldStock, type ReleaseLocation } from './release.rules.ts';
export { cutoffInstant } from './cutoff.rules.ts';
