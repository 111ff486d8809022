export * from './fulfillment.types.ts';
export { createFulfillmentService, type FulfillmentService, type StoredFulfillmentRequest } from './fulfillment.service.ts';
export { isDelivered, type ShipmentService } from './shipments.service.ts';
export { registerShipmentRoutes, type ShipmentRouteHandlers } from './shipments.routes.ts';
export { type HeldStock, type ReleaseLocation } from './release.rules.ts';
export { cutoffInstant } from './cutoff.rules.ts';
