import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../config.ts';
import { ManualClock } from '../../platform/clock.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { createCatalogService, type CatalogService } from '../catalog/index.ts';
import { createAvailabilityService, type AvailabilityService } from './availability.service.ts';
import { postToLedger, type LedgerPosting } from './ledger.posting.ts';
import { createPositionChangeBus, type PositionChange, type PositionChangeBus } from './position-changes.ts';
import { createSupplyService, type SupplyService } from './supply.service.ts';

const HOUR = 3_600_000;
let t: TestStore;
let catalog: CatalogService;
let bus: PositionChangeBus;
let availability: AvailabilityService;
let supply: SupplyService;
const clock = new ManualClock();
const ids = uuidV7Generator(clock, seededRandom(11));
const inventoryConfig = parseConfig({}).inventory;

const location = (code: string, extra: object) => ({
  code,
  name: code,
  type: 'warehouse' as const,
  region: 'US',
  sourceSystem: `wms-${code}`,
  cutoffLocalTime: '15:00',
  timezone: 'America/New_York',
  ...extra,
});

const newService = () =>
  createAvailabilityService({ db: t.store.db, kind: testStoreKind, clock, catalog, changes: bus, config: inventoryConfig });

/** Posts receipts in one transaction and announces the committed positions, as the ingest does. */
async function receive(lines: Array<{ sku: string; locationCode: string; quantity: number }>, publish = true): Promise<PositionChange[]> {
  const postings: LedgerPosting[] = lines.map((l) => ({
    ...l,
    type: 'receipt',
    event: { type: 'receipt', quantity: l.quantity },
    source: 'WMS',
    sourceSequence: null,
    occurredAt: clock.now(),
    receivedAt: clock.now(),
  }));
  const report = await t.store.db.transaction().execute((tx) => postToLedger(tx, { kind: testStoreKind, ids, now: clock.now(), allowNegativeOnHand: () => false }, postings));
  const changes = [...report.positions.values()].map((p) => ({ ...p, lastMovementSeq: report.lastMovementSeq, acceptedAtMs: clock.now() }));
  if (publish) bus.publish(changes);
  return changes;
}

before(async () => {
  t = await createTestStore();
  catalog = createCatalogService({ db: t.store.db, clock });
  await catalog.locations.create(location('EAST', { postingMode: 'batch', postingIntervalMinutes: 60 }));
  await catalog.locations.create(location('WEST', { postingMode: 'realtime' }));
  await catalog.locations.create(location('LAB', { postingMode: 'realtime', sellable: false }));
  for (const sku of ['A', 'B']) await catalog.items.create({ sku, description: sku, itemClass: 'PPE', unitCostMinor: 1, listPriceMinor: 2 });
  await catalog.channels.create({ code: 'EDI', name: 'EDI', type: 'edi', protectedAllocations: [{ sku: 'A', sharePercent: 10 }] });
  bus = createPositionChangeBus((error) => {
    throw error;
  });
  availability = newService();
  await availability.load();
  supply = createSupplyService({ db: t.store.db, clock, catalog, projection: availability.projection });
});
after(async () => {
  availability.close();
  await t.dispose();
});

test(`the projection loaded from stored positions equals the one kept live from the bus (${testStoreKind})`, async () => {
  await receive([
    { sku: 'A', locationCode: 'EAST', quantity: 100 },
    { sku: 'A', locationCode: 'WEST', quantity: 40 },
    { sku: 'A', locationCode: 'LAB', quantity: 7 },
    { sku: 'B', locationCode: 'EAST', quantity: 5 },
  ]);
  await receive([{ sku: 'A', locationCode: 'EAST', quantity: 20 }]);
  const live = await availability.availability({ sku: 'A', channelCode: 'EDI' });
  assert.deepEqual(live.locations.map((l) => [l.locationCode, l.buckets.onHand, l.atp, l.atpForChannel]), [
    ['EAST', 120, 108, 120],
    ['LAB', 7, 6, 7],
    ['WEST', 40, 36, 40],
  ]);
  assert.equal(live.network.atp, 108 + 36, 'the unsellable LAB is left out of the network');
  assert.equal(live.network.sellableLocations, 2);

  const loaded = newService();
  await loaded.load();
  try {
    assert.deepEqual(await loaded.availability({ sku: 'A', channelCode: 'EDI' }), live);
    assert.deepEqual(await loaded.availability({ sku: 'B' }), await availability.availability({ sku: 'B' }));
    assert.equal(loaded.projection.watermark(), availability.projection.watermark());
  } finally {
    loaded.close();
  }
});

test(`another node's writes arrive by watermark catch-up (${testStoreKind})`, async () => {
  const before = availability.atp('B', 'EAST');
  await receive([{ sku: 'B', locationCode: 'EAST', quantity: 3 }], false);
  assert.equal(availability.atp('B', 'EAST'), before, 'not published on this node');
  await availability.projection.refreshSince(availability.projection.watermark());
  assert.equal(availability.atp('B', 'EAST'), before + 3);
});

test(`safety stock lowers ATP; inbound supply raises ATP by its expected date (${testStoreKind})`, async () => {
  await supply.setSafetyStock('B', 'WEST', 2);
  await receive([{ sku: 'B', locationCode: 'WEST', quantity: 10 }]);
  assert.equal(availability.atp('B', 'WEST'), 8);

  const now = clock.now();
  await supply.replaceInboundSupply('PO-1', {
    kind: 'purchase_order',
    lines: [
      { sku: 'B', locationCode: 'WEST', quantity: 30, expectedAt: new Date(now + 24 * HOUR).toISOString() },
      { sku: 'B', locationCode: 'EAST', quantity: 4, expectedAt: new Date(now + 72 * HOUR).toISOString() },
    ],
  });
  const byTomorrow = await availability.availability({ sku: 'B', locationCode: 'WEST', by: { atMs: now + 25 * HOUR } });
  assert.equal(byTomorrow.locations[0]!.atpByDate, 8 + 30);
  const byToday = await availability.availability({ sku: 'B', by: { atMs: now + HOUR } });
  assert.deepEqual(byToday.locations.map((l) => [l.locationCode, l.atpByDate]), [
    ['EAST', 8],
    ['WEST', 8],
  ]);
  const inThreeDays = await availability.availability({ sku: 'B', by: { atMs: now + 72 * HOUR } });
  assert.equal(inThreeDays.network.atpByDate, 8 + 4 + 8 + 30);

  await supply.replaceInboundSupply('PO-1', { kind: 'purchase_order', lines: [] });
  assert.equal((await availability.availability({ sku: 'B', by: { atMs: now + 72 * HOUR } })).network.atpByDate, 16, 'an empty list removes the reference');
  await assert.rejects(supply.getInboundSupply('PO-1'), { code: 'not_found' });

  const reloaded = newService();
  await reloaded.load();
  assert.equal(reloaded.atp('B', 'WEST'), 8, 'safety stock is stored, not only held in memory');
  reloaded.close();
});

test(`a batch location is fresh within its interval and discounted when stale (${testStoreKind})`, async () => {
  await t.store.db
    .insertInto('inventory_freshness')
    .values({ source: 'wms-EAST', location_code: 'EAST', last_report_at: clock.now(), recent_drift_units: 0, recent_counted_units: 0 })
    .execute();
  await availability.tick();

  clock.advance(30 * 60_000);
  const fresh = (await availability.availability({ sku: 'A', locationCode: 'EAST' })).locations[0]!;
  assert.deepEqual(fresh.freshness.map((f) => [f.source, f.state, f.ageMs, f.expectedIntervalMs]), [['wms-EAST', 'fresh', 30 * 60_000, HOUR]]);
  assert.equal(fresh.confidence, 1);
  assert.equal(fresh.confidenceAdjustedAtp, fresh.atp);

  clock.advance(90 * 60_000);
  const stale = (await availability.availability({ sku: 'A', locationCode: 'EAST' })).locations[0]!;
  assert.equal(stale.freshness[0]!.state, 'stale');
  assert.ok(stale.confidence < 1 && stale.confidence > 0, `confidence ${stale.confidence}`);
  assert.equal(stale.confidence, 0.667, 'two hours is two intervals: a third of the way to zero at four');
  assert.equal(stale.confidenceAdjustedAtp, Math.floor(stale.atp * stale.confidence));
  assert.ok(stale.confidenceAdjustedAtp < stale.atp);

  const west = (await availability.availability({ sku: 'A', locationCode: 'WEST' })).locations[0]!;
  assert.equal(west.confidence, 0.5, 'a location no source has reported for is only half trusted');
});

test(`unknown SKUs, locations and channels are not_found; a basket reports unknown SKUs per entry (${testStoreKind})`, async () => {
  await assert.rejects(availability.availability({ sku: 'NOPE' }), { code: 'not_found', message: 'item NOPE does not exist' });
  await assert.rejects(availability.availability({ sku: 'A', locationCode: 'MOON' }), { code: 'not_found' });
  await assert.rejects(availability.availability({ sku: 'A', channelCode: 'FAX' }), { code: 'not_found' });
  const entries = await availability.basket({ skus: ['A', 'NOPE', 'B'] });
  assert.deepEqual(entries.map((e) => [e.sku, e.found]), [
    ['A', true],
    ['NOPE', false],
    ['B', true],
  ]);
  await catalog.items.create({ sku: 'NOPE', description: 'now it exists', itemClass: 'PPE', unitCostMinor: 1, listPriceMinor: 2 });
  assert.equal((await availability.availability({ sku: 'NOPE' })).locations.length, 0, 'a SKU created later is found at once');
});
