import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind } from '../../platform/db/store.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { TimerService } from '../../platform/timers/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { createAvailabilityService } from './availability.service.ts';
import { registerAvailabilityRoutes } from './availability.routes.ts';
import { availabilityEventsFor } from './feed.events.ts';
import { createIngestService } from './ingest.service.ts';
import { registerInventoryInboxHandlers } from './inventory.inbox.ts';
import { registerInventoryRoutes } from './inventory.routes.ts';
import { createPositionChangeBus, type PositionChange } from './position-changes.ts';
import { createReservationService } from './reservations.service.ts';
import { RESERVATION_EXPIRY_TIMER } from './reservations.types.ts';
import { registerReservationRoutes } from './reservations.routes.ts';
import { createSnapshotService } from './snapshot.service.ts';
import { createSupplyService } from './supply.service.ts';
import { createCrossdockMovements } from './crossdock-movements.ts';
import { registerSupplyRoutes } from './supply.routes.ts';

export interface InventoryModuleDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  config: Config['inventory'];
  catalog: CatalogService;
  inbox: InboxService;
  outbox: OutboxService;
  timers: TimerService;
  onError: (error: unknown, where: string) => void;
}

/**
 * Builds the inventory domain's services in dependency order and registers its inbox and timer
 * handlers. Every writer of the ledger announces through the same builder and publishes to the same
 * bus, so the availability projection, the change feed and outbox subscribers see one stream.
 */
export function createInventoryModule(deps: InventoryModuleDeps) {
  const { db, kind, clock, ids, catalog, outbox, timers } = deps;
  const inventoryChanges = createPositionChangeBus((error) => deps.onError(error, 'inventory change listener'));
  const availability = createAvailabilityService({
    db,
    kind,
    clock,
    catalog,
    changes: inventoryChanges,
    config: deps.config,
    onLoopError: (error) => deps.onError(error, 'availability'),
  });
  const announce = (changes: readonly PositionChange[]) => availabilityEventsFor(changes, { atpOf: availability.atpOf });
  const ingest = createIngestService({
    db,
    kind,
    clock,
    ids,
    catalog,
    timers,
    outbox,
    changes: inventoryChanges,
    announce,
    gapTimeoutMs: deps.config.sequenceGapTimeoutMs,
    onSourcesReported: (reports, atMs) => availability.projection.markHeardFrom(reports, atMs),
  });
  const snapshots = createSnapshotService({ kind, clock, catalog, outbox, ingest });
  const reservations = createReservationService({ db, kind, clock, ids, timers, outbox, changes: inventoryChanges, announce });
  const supply = createSupplyService({ db, clock, catalog, projection: availability.projection });
  const movements = createCrossdockMovements({ kind, clock, ids, catalog, announce });

  registerInventoryInboxHandlers(deps.inbox, { ingest, snapshots });
  timers.registerHandler(RESERVATION_EXPIRY_TIMER, reservations.handleExpiryTimer);

  /**
   * The availability announcement for positions one transaction changed. A flow that moves stock in
   * several steps (commit reservations, then post movements) announces the merged changes once.
   */
  return { inventoryChanges, availability, ingest, snapshots, reservations, supply, movements, announce };
}

export type InventoryModule = ReturnType<typeof createInventoryModule>;

export function registerInventoryModuleRoutes(app: HttpApp, module: InventoryModule, deps: { inbox: InboxService; db: Executor }): void {
  registerInventoryRoutes(app, deps);
  registerReservationRoutes(app, module.reservations);
  registerAvailabilityRoutes(app, module.availability);
  registerSupplyRoutes(app, module.supply);
}
