/**
 * The inventory domain: the ledger, per-source ordering, snapshots, reservations and availability.
 * Other code imports from here only; `createInventoryModule` builds and wires all of it.
 */
export * from './inventory.types.ts';
export * from './reservations.types.ts';
export { createInventoryModule, registerInventoryModuleRoutes, type InventoryModule, type InventoryModuleDeps } from './inventory.module.ts';
export { type PositionChange, type PositionChangeBus } from './position-changes.ts';
export { GAP_TIMER_KIND, type IngestReport, type EventResult } from './ingest.service.ts';
export { type SnapshotReport } from './snapshot.service.ts';
export { INVENTORY_EVENTS_MESSAGE, INVENTORY_SNAPSHOT_MESSAGE } from './inventory.inbox.ts';
export { type ReservationService } from './reservations.service.ts';
export { type AvailabilityQuery, type AvailabilityService } from './availability.service.ts';
export { type BasketEntry } from './availability.types.ts';
export { type SupplyService } from './supply.service.ts';
export { AVAILABILITY_CHANGED, AVAILABILITY_SUBJECT, type AvailabilityChangedBatch, type AvailabilityChangedData } from './feed.events.ts';
export { CROSSDOCK_SOURCE, type CrossdockMovement, type CrossdockMovementType, type CrossdockMovements, type CrossdockPostingResult } from './crossdock-movements.ts';
export { checkLedgerInvariants, checkLedgerUnchanged, readMovements, type MovementRecord } from './ledger.invariants.ts';
