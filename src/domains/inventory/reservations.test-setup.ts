import { parseConfig } from '../../config.ts';
import { ManualClock } from '../../platform/clock.ts';
import type { Executor, StoreKind } from '../../platform/db/store.ts';
import { createMetrics } from '../../platform/http/metrics.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { createOutboxService } from '../../platform/outbox/index.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTimerService } from '../../platform/timers/index.ts';
import { postToLedger, type LedgerPosting } from './ledger.posting.ts';
import { createPositionChangeBus, type PositionChange } from './position-changes.ts';
import { availabilityEventsFor } from './feed.events.ts';
import { createReservationService } from './reservations.service.ts';
import { RESERVATION_EXPIRY_TIMER } from './reservations.types.ts';

/**
 * The reservation service wired to real timers, outbox and bus on a test database, with a manual
 * clock: what the storage, invariant and oversell tests share. Not part of the app.
 */
export function reservationHarness(db: Executor, kind: StoreKind, options: { clock?: ManualClock; seed?: number } = {}) {
  const clock = options.clock ?? new ManualClock();
  const random = seededRandom(options.seed ?? 11);
  const ids = uuidV7Generator(clock, random);
  const config = parseConfig({ log: { level: 'silent' } });
  const metrics = createMetrics();
  const timers = createTimerService({ db, clock, ids, random, config: config.timers, metrics });
  const outbox = createOutboxService({ db, kind, clock, ids, random, config: config.outbox, metrics });
  const published: PositionChange[] = [];
  const changes = createPositionChangeBus((error) => {
    throw error;
  });
  changes.subscribe((batch) => void published.push(...batch));
  const reservations = createReservationService({ db, kind, clock, ids, timers, outbox, changes, announce: (changes) => availabilityEventsFor(changes) });
  timers.registerHandler(RESERVATION_EXPIRY_TIMER, reservations.handleExpiryTimer);

  let sequence = 0;
  /** Posts physical events as a warehouse would, each with the next sequence of source `WMS`. */
  const post = (events: ReadonlyArray<Omit<LedgerPosting, 'source' | 'sourceSequence' | 'occurredAt' | 'receivedAt'>>) =>
    db.transaction().execute((tx) =>
      postToLedger(
        tx,
        { kind, ids, now: clock.now(), allowNegativeOnHand: () => false },
        events.map((e) => ({ ...e, source: 'WMS', sourceSequence: ++sequence, occurredAt: clock.now(), receivedAt: clock.now() })),
      ),
    );
  const receive = (sku: string, locationCode: string, quantity: number) =>
    post([{ sku, locationCode, type: 'receipt', event: { type: 'receipt', quantity } }]);

  return { clock, ids, timers, outbox, changes, published, reservations, post, receive };
}

export type ReservationHarness = ReturnType<typeof reservationHarness>;

