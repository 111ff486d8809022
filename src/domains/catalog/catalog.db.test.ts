import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../platform/clock.ts';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { sampleItem, sampleLocation, sampleSubstituteItem } from '../../../tests/fixtures/catalog.ts';
import { createCatalogService, type CatalogService } from './catalog.service.ts';
import type { CatalogInput } from './catalog.types.ts';

let t: TestStore;
let clock: ManualClock;
let catalog: CatalogService;
before(async () => {
  t = await createTestStore();
  clock = new ManualClock(Date.UTC(2026, 2, 1));
  catalog = createCatalogService({ db: t.store.db, clock });
});
after(async () => t.dispose());

const rejectsWith = (code: ErrorCode, check?: (error: AppError) => void) => (error: unknown) => {
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.code, code, error.message);
  check?.(error);
  return true;
};

const item = (sku: string, overrides: Partial<CatalogInput<'item'>> = {}): CatalogInput<'item'> => ({
  sku,
  description: `Item ${sku}`,
  itemClass: 'GENERAL',
  unitCostMinor: 100,
  listPriceMinor: 150,
  ...overrides,
});

test(`create, read and replace with versions, times and If-Match (${testStoreKind})`, async () => {
  await assert.rejects(catalog.items.create(sampleItem), rejectsWith('unknown_reference', (e) => {
    assert.deepEqual(e.details.map((d) => [d.path, d.message]), [['substitutes.0', 'item SKU-2 does not exist']]);
  }));
  await catalog.items.create(sampleSubstituteItem);
  const created = await catalog.items.create(sampleItem);
  assert.equal(created.version, 1);
  assert.equal(created.createdAt, '2026-03-01T00:00:00.000Z');
  assert.equal(created.baseUnit, 'EA');
  await assert.rejects(catalog.items.create(sampleItem), rejectsWith('already_exists'));

  clock.advance(60_000);
  const replaced = await catalog.items.update('SKU-1', { ...sampleItem, listPriceMinor: 1199 }, { expectedVersion: 1 });
  assert.equal(replaced.version, 2);
  assert.equal(replaced.listPriceMinor, 1199);
  assert.equal(replaced.createdAt, '2026-03-01T00:00:00.000Z');
  assert.equal(replaced.updatedAt, '2026-03-01T00:01:00.000Z');

  await assert.rejects(
    catalog.items.update('SKU-1', { ...sampleItem, listPriceMinor: 1 }, { expectedVersion: 1 }),
    rejectsWith('version_conflict', (e) => assert.equal(e.details[0]!['storedVersion'], 2)),
  );
  clock.advance(60_000);
  const same = await catalog.items.update('SKU-1', { ...sampleItem, listPriceMinor: 1199 });
  assert.equal(same.version, 2, 'an identical replacement changes nothing');
  assert.equal(same.updatedAt, '2026-03-01T00:01:00.000Z');

  await assert.rejects(catalog.items.update('SKU-404', item('SKU-404')), rejectsWith('not_found'));
  await assert.rejects(catalog.items.update('SKU-1', item('SKU-2')), rejectsWith('validation_failed', (e) => assert.equal(e.details[0]!.path, 'sku')));
  await assert.rejects(catalog.items.update('SKU-1', { ...sampleItem, substitutes: ['NOPE'] }), rejectsWith('unknown_reference'));
  await assert.rejects(catalog.items.get('SKU-404'), rejectsWith('not_found'));
  assert.equal(await catalog.items.find('SKU-404'), undefined);
  assert.equal((await catalog.items.get('SKU-1')).listPriceMinor, 1199);
  const many = await catalog.items.getMany(['SKU-1', 'SKU-2', 'SKU-404']);
  assert.deepEqual([...many.keys()].sort(), ['SKU-1', 'SKU-2']);
});

test(`references across kinds are checked when writing (${testStoreKind})`, async () => {
  const customer: CatalogInput<'customer'> = {
    code: 'C-REF',
    name: 'Ref',
    channels: ['WEB-REF'],
    creditLimitMinor: 0,
    paymentTermsDays: 30,
    shipTos: [{ code: 'S', name: 'S', address: { line1: 'a', city: 'b', region: 'c', postalCode: 'd', country: 'US' }, locationPreference: 'LOC-REF' }],
  };
  await assert.rejects(catalog.customers.create(customer), rejectsWith('unknown_reference', (e) => {
    assert.deepEqual(e.details.map((d) => d.path), ['channels.0', 'shipTos.0.locationPreference']);
  }));
  await catalog.channels.create({ code: 'WEB-REF', name: 'Web', type: 'web_store' });
  await catalog.locations.create({ ...sampleLocation, code: 'LOC-REF' });
  assert.equal((await catalog.customers.create(customer)).version, 1);
});

test(`lists page by key with filters, prefix search and opaque cursors (${testStoreKind})`, async () => {
  const skus = ['L-01', 'L-02', 'L-03', 'L-04', 'L-05', 'L-06', 'L-07', 'M-01'];
  for (const [i, sku] of skus.entries()) {
    await catalog.items.create(item(sku, { itemClass: i % 2 === 0 ? 'EVEN' : 'ODD', status: i === 6 ? 'discontinued' : 'active' }));
  }
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await catalog.items.list({ q: 'L-', limit: 3, ...(cursor !== undefined && { cursor }) });
    seen.push(...page.items.map((i) => i.sku));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  assert.deepEqual(seen, skus.slice(0, 7));
  assert.equal(pages, 3);

  const even = await catalog.items.list({ filters: { itemClass: 'EVEN' }, limit: 50 });
  assert.deepEqual(even.items.map((i) => i.sku), ['L-01', 'L-03', 'L-05', 'L-07']);
  assert.equal(even.nextCursor, null);
  const evenActive = await catalog.items.list({ filters: { itemClass: 'EVEN', status: 'active' } });
  assert.deepEqual(evenActive.items.map((i) => i.sku), ['L-01', 'L-03', 'L-05']);
  assert.deepEqual((await catalog.items.list({ q: 'l-' })).items, [], 'prefix search is case-sensitive');

  // A GTIN-12 finds the item stored under its GTIN-14 form, and the other way round.
  await catalog.items.create(item('G-1', { gtin: '00036000291452' }));
  assert.deepEqual((await catalog.items.list({ filters: { gtin: '036000291452' } })).items.map((i) => i.sku), ['G-1']);

  await assert.rejects(catalog.items.list({ cursor: 'not-a-cursor' }), rejectsWith('invalid_cursor'));
  const locations = await catalog.locations.list({ filters: { type: 'warehouse', region: 'US-EAST' } });
  assert.deepEqual(locations.items.map((l) => l.code), ['LOC-REF']);
});

test(`bulk import upserts in chunks and counts created, updated, unchanged and failed (${testStoreKind})`, async () => {
  const records = Array.from({ length: 1_203 }, (_, i) => item(`B-${String(i).padStart(5, '0')}`));
  const first = await catalog.items.importRecords(records);
  assert.deepEqual(first, { kind: 'item', received: 1_203, created: 1_203, updated: 0, unchanged: 0, failed: 0, errors: [] });

  clock.advance(1_000);
  const second = records.map((r, i) => (i % 100 === 0 ? { ...r, listPriceMinor: 999 } : r));
  second.push(item('B-NEW-1'), item('B-NEW-2', { substitutes: ['B-NEW-1', 'B-00001'] }), item('B-NEW-3', { substitutes: ['B-GONE'] }));
  second.push({ ...item('B-BAD'), unitCostMinor: -1 });
  const result = await catalog.items.importRecords(second);
  assert.equal(result.received, 1_207);
  assert.equal(result.created, 2);
  assert.equal(result.updated, 13);
  assert.equal(result.unchanged, 1_190);
  assert.equal(result.failed, 2);
  assert.deepEqual(
    result.errors.map((e) => [e.index, e.key, e.path, e.code]),
    [
      [1_205, 'B-NEW-3', 'substitutes.0', 'unknown_reference'],
      [1_206, 'B-BAD', 'unitCostMinor', 'validation_failed'],
    ],
  );

  const updated = await catalog.items.get('B-00100');
  assert.equal(updated.version, 2);
  assert.equal(updated.listPriceMinor, 999);
  assert.notEqual(updated.createdAt, updated.updatedAt);
  assert.equal((await catalog.items.get('B-00101')).version, 1);
  assert.deepEqual((await catalog.items.get('B-NEW-2')).substitutes, ['B-NEW-1', 'B-00001']);
  const all = await catalog.items.list({ q: 'B-', limit: 500 });
  assert.equal(all.items.length, 500);
});

test(`a CSV import applies good rows and reports bad ones by line (${testStoreKind})`, async () => {
  await catalog.channels.create({ code: 'EDI', name: 'EDI', type: 'edi' });
  const csv = [
    'code,name,type,protectedAllocations.0.sku,protectedAllocations.0.quantity',
    'EDI,EDI retail,edi,L-01,25',
    'WEB,Web store,web_store,,',
    'MKT,Marketplace,bazaar,,',
    'B2B,Portal,b2b_portal,NO-SUCH-SKU,5',
  ].join('\n');
  const result = await catalog.channels.importCsv(csv);
  assert.deepEqual(
    { created: result.created, updated: result.updated, unchanged: result.unchanged, failed: result.failed },
    { created: 1, updated: 1, unchanged: 0, failed: 2 },
  );
  assert.deepEqual(
    result.errors.map((e) => [e.line, e.key, e.column, e.code]),
    [
      [4, 'MKT', 'type', 'validation_failed'],
      [5, 'B2B', 'protectedAllocations.0.sku', 'unknown_reference'],
    ],
  );
  assert.equal((await catalog.channels.get('EDI')).version, 2);
});
