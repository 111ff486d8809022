import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { sampleCustomer, sampleDocuments, sampleItem, sampleLocation, sampleSubstituteItem } from '../fixtures/catalog.ts';
import { catalogEntities, type CatalogKind } from '../../src/domains/catalog/index.ts';
import type { Role } from '../../src/platform/auth/roles.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

type Method = 'GET' | 'POST' | 'PUT';
const call = (method: Method, url: string, options: { as?: Role; body?: unknown; headers?: Record<string, string> } = {}) =>
  t.app.http.inject({
    method,
    url,
    headers: { ...(options.as ? t.as(options.as) : {}), ...options.headers },
    ...(options.body !== undefined && { payload: options.body as string }),
  });

const urlOf = (kind: CatalogKind) => `/v1/${catalogEntities[kind].pathSegment}`;
const keyOf = (kind: CatalogKind, doc: object) => (doc as Record<string, string>)[catalogEntities[kind].keyField]!;

test('every entity can be created, read, replaced with If-Match and listed', async () => {
  for (const { kind, doc } of sampleDocuments) {
    const url = urlOf(kind);
    const key = keyOf(kind, doc);
    const created = await call('POST', url, { as: 'admin', body: doc });
    assert.equal(created.statusCode, 201, `${kind}: ${created.body}`);
    assert.equal(created.headers.location, `${url}/${key}`);
    assert.equal(created.headers.etag, '"1"');
    assert.equal(created.json().version, 1);

    const read = await call('GET', `${url}/${key}`, { as: 'viewer' });
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), created.json());

    const changed = 'name' in doc ? { ...doc, name: 'Renamed' } : { ...doc, description: 'Renamed' };
    const replaced = await call('PUT', `${url}/${key}`, { as: 'admin', body: changed, headers: { 'if-match': '"1"' } });
    assert.equal(replaced.statusCode, 200, `${kind}: ${replaced.body}`);
    assert.equal(replaced.json().version, 2);
    assert.equal(replaced.headers.etag, '"2"');
    const stale = await call('PUT', `${url}/${key}`, { as: 'admin', body: doc, headers: { 'if-match': '"1"' } });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'version_conflict');

    const listed = await call('GET', `${url}?q=${key}`, { as: 'viewer' });
    assert.equal(listed.statusCode, 200);
    assert.ok(listed.json().items.some((r: Record<string, unknown>) => keyOf(kind, r) === key), kind);
  }
  const missing = await call('GET', '/v1/items/NO-SUCH', { as: 'viewer' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'not_found');
  const taken = await call('POST', '/v1/items', { as: 'admin', body: sampleItem });
  assert.equal(taken.statusCode, 409);
  assert.equal(taken.json().error.code, 'already_exists');
});

test('items, locations and customers filter their lists; pages follow nextCursor', async () => {
  const items = await call('GET', '/v1/items?itemClass=PPE&status=active&limit=1', { as: 'viewer' });
  assert.equal(items.statusCode, 200);
  const first = items.json();
  assert.deepEqual(first.items.map((i: { sku: string }) => i.sku), ['SKU-1']);
  const second = await call('GET', `/v1/items?itemClass=PPE&status=active&limit=1&cursor=${first.nextCursor}`, { as: 'viewer' });
  assert.deepEqual(second.json().items.map((i: { sku: string }) => i.sku), ['SKU-2']);
  assert.equal(second.json().nextCursor, null);
  const byGtin = await call('GET', '/v1/items?gtin=012345678905', { as: 'viewer' });
  assert.deepEqual(byGtin.json().items.map((i: { sku: string }) => i.sku), ['SKU-1']);
  const locations = await call('GET', '/v1/locations?type=warehouse&region=US-EAST', { as: 'viewer' });
  assert.deepEqual(locations.json().items.map((l: { code: string }) => l.code), ['DC-EAST']);
  const customers = await call('GET', '/v1/customers?tier=strategic&tradingPartnerCode=ACME', { as: 'viewer' });
  assert.deepEqual(customers.json().items.map((c: { code: string }) => c.code), ['CUST-ACME']);
  const badCursor = await call('GET', '/v1/items?cursor=abc', { as: 'viewer' });
  assert.equal(badCursor.statusCode, 400);
  assert.equal(badCursor.json().error.code, 'invalid_cursor');
});

test('keys and roles are enforced: 401 without a key, 403 for roles that may not write', async () => {
  assert.equal((await call('GET', '/v1/items')).statusCode, 401);
  assert.equal((await call('POST', '/v1/items', { body: sampleItem })).statusCode, 401);
  const cases: Array<[Method, string, Role, number]> = [
    ['POST', '/v1/items', 'viewer', 403],
    ['POST', '/v1/items', 'customer_service', 403],
    ['PUT', '/v1/customers/CUST-ACME', 'planner', 403],
    ['POST', '/v1/trading-partners/import', 'planner', 403],
    ['POST', '/v1/customers/import', 'customer_service', 200],
    ['POST', '/v1/items/import', 'procurement', 200],
    ['POST', '/v1/locations/import', 'warehouse', 200],
  ];
  for (const [method, url, role, status] of cases) {
    const res = await call(method, url, { as: role, body: method === 'PUT' ? sampleCustomer : { records: [] } });
    assert.equal(res.statusCode, status, `${method} ${url} as ${role}: ${res.body}`);
    if (status === 403) assert.equal(res.json().error.code, 'forbidden');
  }
  const partnerKey = await t.app.services.keys.create({ name: 'acme edi', roles: ['integration'], partnerCode: 'ACME' });
  const scoped = await call('GET', '/v1/items', { headers: { authorization: `Bearer ${partnerKey.secret}` } });
  assert.equal(scoped.statusCode, 403);
  assert.match(scoped.json().error.message, /scoped to a trading partner/);
});

test('400s name the exact path of each problem', async () => {
  const expectPaths = async (method: Method, url: string, body: unknown, paths: string[]) => {
    const res = await call(method, url, { as: 'admin', body });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'validation_failed');
    assert.deepEqual(res.json().error.details.map((d: { path: string }) => d.path), paths, res.body);
  };
  await expectPaths('POST', '/v1/items', { ...sampleItem, sku: 'SKU-NEW', packSizes: [{ unit: 'CA', quantity: 1 }] }, ['body.packSizes.0.quantity']);
  await expectPaths('POST', '/v1/items', { ...sampleItem, sku: 'SKU-NEW', colour: 'blue' }, ['body.colour']);
  await expectPaths('POST', '/v1/items', { ...sampleItem, sku: 'SKU-NEW', gtin: '4006381333932' }, ['body.gtin']);
  const { postingIntervalMinutes: _interval, ...batchWithoutInterval } = sampleLocation;
  await expectPaths('POST', '/v1/locations', { ...batchWithoutInterval, code: 'DC-NEW' }, ['body.postingIntervalMinutes']);
  const shipTo = { ...sampleCustomer.shipTos[0]!, address: { ...sampleCustomer.shipTos[0]!.address, country: 'USA' } };
  await expectPaths('POST', '/v1/customers', { ...sampleCustomer, code: 'C-NEW', shipTos: [shipTo] }, ['body.shipTos.0.address.country']);
  await expectPaths('PUT', '/v1/items/SKU-1', sampleSubstituteItem, ['body.sku']);
  const badQuery = await call('GET', '/v1/items?limit=0&colour=red', { as: 'viewer' });
  assert.equal(badQuery.statusCode, 400);
  assert.deepEqual(badQuery.json().error.details.map((d: { path: string }) => d.path), ['querystring.limit', 'querystring.colour']);
  const badIfMatch = await call('PUT', '/v1/items/SKU-1', { as: 'admin', body: sampleItem, headers: { 'if-match': 'yesterday' } });
  assert.equal(badIfMatch.json().error.details[0].path, 'headers.if-match');

  const unknownRef = await call('POST', '/v1/items', { as: 'admin', body: { ...sampleSubstituteItem, sku: 'SKU-NEW', substitutes: ['SKU-1', 'GHOST'] } });
  assert.equal(unknownRef.statusCode, 422);
  assert.equal(unknownRef.json().error.code, 'unknown_reference');
  assert.deepEqual(unknownRef.json().error.details.map((d: { path: string }) => d.path), ['body.substitutes.1']);
});

test('a CSV import applies the good rows and reports each bad one by line and column', async () => {
  const csv = [
    'sku,description,itemClass,unitCostMinor,listPriceMinor,packSizes,substitutes,gtin',
    'CSV-1,Safety glasses,PPE,250,499,CA=12|PL=600,,',
    'CSV-2,"Ear plugs, foam',
    'box of 200",PPE,180,349,CA=10,CSV-1,',
    'CSV-3,Hard hat,PPE,ten,1299,CA=6,,4006381333932',
    'CSV-4,Gloves,PPE,100,200,EA=12,,',
    'CSV-5,Boots,PPE,100,200',
    'CSV-6,Vest,PPE,100,200,,CSV-6|GHOST,',
    'SKU-1,Nitrile gloves relabelled,PPE,615,1049,CA=12|PL=480,SKU-2,00012345678905',
  ].join('\r\n');
  const res = await call('POST', '/v1/items/import', { as: 'integration', body: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  assert.equal(res.statusCode, 200, res.body);
  const result = res.json();
  assert.deepEqual(
    { received: result.received, created: result.created, updated: result.updated, unchanged: result.unchanged, failed: result.failed },
    { received: 7, created: 2, updated: 1, unchanged: 0, failed: 4 },
  );
  assert.deepEqual(
    result.errors.map((e: { line: number; column?: string; code: string }) => [e.line, e.column, e.code]),
    [
      [5, 'unitCostMinor', 'validation_failed'],
      [5, 'gtin', 'validation_failed'],
      [6, 'packSizes', 'validation_failed'],
      [7, undefined, 'ragged_row'],
      [8, 'substitutes', 'validation_failed'],
    ],
  );
  assert.match(result.errors[0].message, /whole number/);
  assert.match(result.errors[1].message, /check digit/);
  assert.match(result.errors[2].message, /base unit/);
  const applied = await call('GET', '/v1/items?q=CSV-', { as: 'viewer' });
  assert.deepEqual(applied.json().items.map((i: { sku: string }) => i.sku), ['CSV-1', 'CSV-2']);
  assert.equal((await call('GET', '/v1/items/CSV-2', { as: 'viewer' })).json().description, 'Ear plugs, foam\r\nbox of 200');

  const again = await call('POST', '/v1/items/import', { as: 'integration', body: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(again.json().unchanged, 3);

  const malformed = await call('POST', '/v1/items/import', {
    as: 'integration',
    body: 'sku,description\nX-1,fine\nX-2,"never closed\nX-3,more\n',
    headers: { 'content-type': 'text/csv' },
  });
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().error.code, 'invalid_csv');
  assert.match(malformed.json().error.message, /line 3/);
  assert.equal((await call('GET', '/v1/items/X-1', { as: 'viewer' })).statusCode, 404, 'nothing applies from a file that is not CSV');
});

test('a JSON import reports bad records by index and applies the rest', async () => {
  const records = [
    { ...sampleSubstituteItem, sku: 'JSON-1' },
    { ...sampleSubstituteItem, sku: 'JSON-2', packSizes: [{ unit: 'CA', quantity: 0 }] },
    { ...sampleSubstituteItem, sku: 'JSON-3', substitutes: ['JSON-1'] },
    { ...sampleSubstituteItem, sku: 'JSON-1', description: 'twice' },
    { ...sampleSubstituteItem, sku: 'JSON-4', colour: 'red' },
  ];
  const res = await call('POST', '/v1/items/import', { as: 'planner', body: { records } });
  assert.equal(res.statusCode, 200, res.body);
  const result = res.json();
  assert.deepEqual([result.created, result.failed], [0, 5]);
  assert.deepEqual(
    result.errors.map((e: { index: number; path?: string; code: string }) => [e.index, e.path, e.code]),
    [
      [0, 'sku', 'duplicate_key'],
      [1, 'packSizes.0.quantity', 'validation_failed'],
      [2, 'substitutes.0', 'unknown_reference'],
      [3, 'sku', 'duplicate_key'],
      [4, 'colour', 'validation_failed'],
    ],
  );
  const fixed = await call('POST', '/v1/items/import', { as: 'planner', body: { records: [records[0], records[2]] } });
  assert.deepEqual([fixed.json().created, fixed.json().failed], [2, 0]);

  const notRecords = await call('POST', '/v1/items/import', { as: 'planner', body: { items: [] } });
  assert.equal(notRecords.statusCode, 400);
  assert.equal(notRecords.json().error.details[0].path, 'body');
  const tooMany = await call('POST', '/v1/items/import', { as: 'planner', body: { records: new Array(10_001).fill({}) } });
  assert.equal(tooMany.statusCode, 400);
  assert.equal(tooMany.json().error.details[0].path, 'body.records');
});

test('the catalog routes are in the OpenAPI document with their schemas', async () => {
  const doc = (await call('GET', '/openapi.json')).json() as { paths: Record<string, Record<string, { tags: string[]; requestBody?: unknown }>> };
  for (const entity of Object.values(catalogEntities)) {
    const base = `/v1/${entity.pathSegment}`;
    assert.ok(doc.paths[base]?.['post']?.requestBody, `${base} POST has a body schema`);
    assert.ok(doc.paths[base]?.['get'], `${base} GET`);
    assert.ok(doc.paths[`${base}/{key}`]?.['put'], `${base}/{key} PUT`);
    assert.ok(doc.paths[`${base}/import`]?.['post'], `${base}/import POST`);
  }
  // A customer's credit update (`/v1/customers/:code/credit`) belongs to finance, not to the catalog's routes.
  const catalogRoutes = t.app.routes.filter((r) => Object.values(catalogEntities).some((e) => r.url.startsWith(`/v1/${e.pathSegment}`)) && !r.url.endsWith('/credit'));
  assert.equal(catalogRoutes.length, 35);
  assert.ok(catalogRoutes.every((r) => r.access.kind === 'roles'));
});
