import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { sampleCustomer, sampleDocuments, sampleItem, sampleLocation, sampleTradingPartner } from '../../../tests/fixtures/catalog.ts';
import { csvColumnsByKind } from './catalog.csv-columns.ts';
import { catalogEntities } from './catalog.entities.ts';
import { hasValidGtinCheckDigit, isIanaTimeZone } from './catalog.fields.ts';
import { fromCsv, fromJsonRecords, rejectDuplicateKeys, validateCandidates, type ImportSource } from './catalog.import.ts';
import { findUnknownReferences, type Reference } from './catalog.references.ts';
import { catalogEntitySchemas, catalogRecordSchemas, itemSchema, type CatalogKind, type Item } from './catalog.types.ts';
import { toBaseUnits } from './catalog.units.ts';
import { parseDocument } from './catalog.validate.ts';

const problemsOf = (schema: z.ZodType, input: unknown) => {
  const outcome = parseDocument(schema, input);
  return outcome.ok ? [] : outcome.problems;
};
const pathsOf = (schema: z.ZodType, input: unknown) => problemsOf(schema, input).map((p) => p.path);

test('GTIN check digits follow GS1 for 8, 12, 13 and 14 digits', () => {
  for (const valid of ['96385074', '012345678905', '036000291452', '4006381333931', '5901234123457', '00012345678905', '10012345678902']) {
    assert.ok(hasValidGtinCheckDigit(valid), valid);
    assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, gtin: valid }), [], valid);
  }
  for (const invalid of ['4006381333932', '012345678906', '1234567', '123456789', '123456789012345', '40063813339a1', '']) {
    assert.equal(hasValidGtinCheckDigit(invalid), false, invalid);
    assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, gtin: invalid }), ['gtin'], invalid);
  }
  const wrongDigit = problemsOf(itemSchema, { ...sampleItem, gtin: '4006381333932' });
  assert.match(wrongDigit[0]!.message, /check digit/);
});

test('an item refuses a pack unit equal to its base unit, repeated pack units, and itself as substitute', () => {
  const pack = problemsOf(itemSchema, { ...sampleItem, packSizes: [{ unit: 'EA', quantity: 12 }] });
  assert.deepEqual(pack.map((p) => p.path), ['packSizes.0.unit']);
  assert.match(pack[0]!.message, /base unit/);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, packSizes: [{ unit: 'CA', quantity: 12 }, { unit: 'CA', quantity: 6 }] }), ['packSizes.1.unit']);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, packSizes: [{ unit: 'CA', quantity: 1 }] }), ['packSizes.0.quantity']);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, packSizes: [{ unit: 'CA', quantity: 2.5 }] }), ['packSizes.0.quantity']);
  const self = problemsOf(itemSchema, { ...sampleItem, substitutes: ['SKU-2', 'SKU-1'] });
  assert.deepEqual(self.map((p) => p.path), ['substitutes.1']);
  assert.match(self[0]!.message, /itself/);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, substitutes: ['SKU-2', 'SKU-2'] }), ['substitutes.1']);
});

test('defaults fill in and keys are trimmed; bad keys, currencies and money are refused', () => {
  const parsed = parseDocument(itemSchema, { sku: ' SKU-9 ', description: 'x', itemClass: 'PPE', unitCostMinor: 1, listPriceMinor: 2 });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.doc, {
    sku: 'SKU-9',
    description: 'x',
    baseUnit: 'EA',
    packSizes: [],
    itemClass: 'PPE',
    status: 'active',
    unitCostMinor: 1,
    listPriceMinor: 2,
    currency: 'USD',
    substitutes: [],
  });
  for (const sku of ['', '..', '.', 'a/b', 'a b', 'x'.repeat(65)]) assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, sku }), ['sku'], sku);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, currency: 'XYZ' }), ['currency']);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, currency: 'usd' }), ['currency']);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, unitCostMinor: 1.5 }), ['unitCostMinor']);
  assert.deepEqual(pathsOf(itemSchema, { ...sampleItem, listPriceMinor: -1 }), ['listPriceMinor']);
  const missing = problemsOf(itemSchema, { sku: 'A' });
  assert.deepEqual(missing.map((p) => p.path), ['description', 'itemClass', 'unitCostMinor', 'listPriceMinor']);
  assert.ok(missing.every((p) => p.message === 'required'));
});

test('unknown fields are refused at their own path, however deep', () => {
  assert.deepEqual(problemsOf(itemSchema, { ...sampleItem, colour: 'blue' }), [{ path: 'colour', message: 'unknown field "colour"' }]);
  const customer = catalogEntitySchemas.customer;
  const shipTos = [{ ...sampleCustomer.shipTos[0]!, dock: 4 }];
  assert.deepEqual(pathsOf(customer, { ...sampleCustomer, shipTos }), ['shipTos.0.dock']);
  const address = { ...sampleCustomer.shipTos[0]!.address, zip: '07102' };
  assert.deepEqual(pathsOf(customer, { ...sampleCustomer, shipTos: [{ ...sampleCustomer.shipTos[0]!, address }] }), ['shipTos.0.address.zip']);
});

test('a batch location needs a posting interval; a realtime one must not have one', () => {
  const location = catalogEntitySchemas.location;
  const { postingIntervalMinutes: _interval, ...withoutInterval } = sampleLocation;
  assert.deepEqual(pathsOf(location, withoutInterval), ['postingIntervalMinutes']);
  assert.deepEqual(pathsOf(location, { ...sampleLocation, postingIntervalMinutes: 0 }), ['postingIntervalMinutes']);
  assert.deepEqual(pathsOf(location, { ...withoutInterval, postingMode: 'realtime' }), []);
  assert.deepEqual(pathsOf(location, { ...sampleLocation, postingMode: 'realtime' }), ['postingIntervalMinutes']);
  assert.deepEqual(pathsOf(location, { ...sampleLocation, coordinates: { latitude: 91, longitude: -181 } }), [
    'coordinates.latitude',
    'coordinates.longitude',
  ]);
  assert.deepEqual(pathsOf(location, { ...sampleLocation, cutoffLocalTime: '24:00' }), ['cutoffLocalTime']);
  assert.deepEqual(pathsOf(location, { ...sampleLocation, timezone: 'Mars/Olympus' }), ['timezone']);
  assert.ok(isIanaTimeZone('America/Chicago') && isIanaTimeZone('UTC'));
  assert.equal(isIanaTimeZone('+01:00'), false);
});

test('customers, partners, carriers and channels check their own cross-field rules', () => {
  const customer = catalogEntitySchemas.customer;
  assert.deepEqual(pathsOf(customer, { ...sampleCustomer, shipTos: [sampleCustomer.shipTos[0], sampleCustomer.shipTos[0]] }), ['shipTos.1.code']);
  assert.deepEqual(pathsOf(customer, { ...sampleCustomer, channels: [] }), ['channels']);
  const badCountry = { ...sampleCustomer.shipTos[1]!, address: { ...sampleCustomer.shipTos[1]!.address, country: 'QQ' } };
  assert.deepEqual(pathsOf(customer, { ...sampleCustomer, shipTos: [badCountry] }), ['shipTos.0.address.country']);

  const partner = catalogEntitySchemas.tradingPartner;
  assert.deepEqual(pathsOf(partner, { ...sampleTradingPartner, x12: { ...sampleTradingPartner.x12, version: '004010' } }), ['x12.acknowledgement']);
  assert.deepEqual(pathsOf(partner, { ...sampleTradingPartner, itemCrossReferences: [{ sku: 'SKU-1' }] }), ['itemCrossReferences.0']);
  assert.deepEqual(pathsOf(partner, { ...sampleTradingPartner, x12: { ...sampleTradingPartner.x12, documents: ['850', '999'] } }), ['x12.documents.1']);

  const carrier = catalogEntitySchemas.carrier;
  assert.deepEqual(pathsOf(carrier, { scac: 'ups', name: 'UPS' }), ['scac']);
  assert.deepEqual(pathsOf(carrier, { scac: 'UPSNX', name: 'UPS' }), ['scac']);

  const channel = catalogEntitySchemas.channel;
  const allocations = [{ sku: 'SKU-1', itemClass: 'PPE', quantity: 1 }, { sku: 'SKU-2' }, { sku: 'SKU-3', sharePercent: 101 }];
  assert.deepEqual(pathsOf(channel, { code: 'WEB', name: 'Web', type: 'web_store', protectedAllocations: allocations }), [
    'protectedAllocations.2.sharePercent',
    'protectedAllocations.0',
    'protectedAllocations.1',
  ]);
  const fixed = allocations.slice(0, 2);
  assert.deepEqual(pathsOf(channel, { code: 'WEB', name: 'Web', type: 'web_store', protectedAllocations: fixed }), [
    'protectedAllocations.0',
    'protectedAllocations.1',
  ]);
});

test('toBaseUnits converts pack units with integer math and names unknown units', () => {
  const item = itemSchema.parse(sampleItem) as Item;
  assert.deepEqual(toBaseUnits(item, 7, 'EA'), { ok: true, quantity: 7 });
  assert.deepEqual(toBaseUnits(item, 3, 'CA'), { ok: true, quantity: 36 });
  assert.deepEqual(toBaseUnits(item, 2, 'PL'), { ok: true, quantity: 960 });
  assert.deepEqual(toBaseUnits(item, 0, 'CA'), { ok: true, quantity: 0 });
  const unknown = toBaseUnits(item, 1, 'BX');
  assert.equal(unknown.ok, false);
  assert.equal(!unknown.ok && unknown.code, 'unknown_unit');
  assert.match(!unknown.ok ? unknown.message : '', /SKU-1 has no unit BX; its units are EA, CA, PL/);
  for (const bad of [-1, 1.5, Number.NaN]) assert.equal(toBaseUnits(item, bad, 'EA').ok, false);
  const overflow = toBaseUnits(item, Number.MAX_SAFE_INTEGER, 'PL');
  assert.equal(!overflow.ok && overflow.code, 'invalid_quantity');
});

test('every entity schema and record schema converts to JSON Schema, with unknown fields refused', () => {
  for (const [kind, schema] of Object.entries({ ...catalogEntitySchemas })) {
    for (const io of ['input', 'output'] as const) {
      const json = z.toJSONSchema(schema, { io }) as { type: string; additionalProperties: boolean; required: string[] };
      assert.equal(json.type, 'object', kind);
      assert.equal(json.additionalProperties, false, kind);
      assert.ok(json.required.length > 0, kind);
    }
    const record = z.toJSONSchema(catalogRecordSchemas[kind as CatalogKind]) as { required: string[] };
    assert.ok(record.required.includes('version') && record.required.includes('updatedAt'), kind);
  }
});

// ---------------------------------------------------------------- CSV

const itemHeader = 'sku,description,itemClass,unitCostMinor,listPriceMinor,packSizes,substitutes,status';
const itemCsv = (rows: string[]) => [itemHeader, ...rows].join('\n');

test('CSV rows become documents: lists, pairs, booleans, nested columns and empty cells', () => {
  const source = fromCsv(itemCsv(['SKU-1,Gloves,PPE,615,1049,CA=12|PL=480,SKU-2|SKU-3,']), csvColumnsByKind.item, 'sku');
  assert.deepEqual(source.errors, []);
  assert.deepEqual(source.candidates[0]!.value, {
    sku: 'SKU-1',
    description: 'Gloves',
    itemClass: 'PPE',
    unitCostMinor: 615,
    listPriceMinor: 1049,
    packSizes: [
      { unit: 'CA', quantity: 12 },
      { unit: 'PL', quantity: 480 },
    ],
    substitutes: ['SKU-2', 'SKU-3'],
  });
  const locations = fromCsv(
    'code,coordinates.latitude,coordinates.longitude,allowNegativeOnHand,sellable\nDC-1,40.5,-74.25,yes,0\nDC-2,,,TRUE,no',
    csvColumnsByKind.location,
    'code',
  );
  assert.deepEqual(
    locations.candidates.map((c) => c.value),
    [
      { code: 'DC-1', coordinates: { latitude: 40.5, longitude: -74.25 }, allowNegativeOnHand: true, sellable: false },
      { code: 'DC-2', allowNegativeOnHand: true, sellable: false },
    ],
  );
});

test('every field of every entity has a CSV column, and a document survives the trip through CSV', () => {
  for (const { kind, doc } of sampleDocuments) {
    const parsed = catalogEntitySchemas[kind].parse(doc);
    const columns = csvColumnsByKind[kind];
    const cells: Record<string, string> = {};
    const flatten = (value: unknown, path: (string | number)[]) => {
      const template = path.map((s) => (typeof s === 'number' ? '#' : s)).join('.');
      const column = columns.find((c) => c.name === template);
      if (column) {
        const pairs = (v: Record<string, unknown>[]) => v.map((o) => Object.values(o).join('=')).join('|');
        cells[path.join('.')] =
          column.kind === 'list' ? (value as string[]).join('|') : column.kind === 'pairs' ? pairs(value as Record<string, unknown>[]) : String(value);
        return;
      }
      if (Array.isArray(value)) value.forEach((v, i) => flatten(v, [...path, i]));
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) flatten(v, [...path, k]);
      else assert.fail(`${kind}: no CSV column for ${path.join('.')}`);
    };
    flatten(parsed, []);
    const text = stringify([Object.keys(cells), Object.values(cells)]);
    const source = fromCsv(text, columns, catalogEntities[kind].keyField);
    assert.deepEqual(source.errors, [], kind);
    assert.deepEqual(catalogEntitySchemas[kind].parse(source.candidates[0]!.value), parsed, kind);
  }
});

const validateItems = (source: ImportSource) => validateCandidates(source, itemSchema as z.ZodType<Item>, { keyField: 'sku', keyOf: (d: Item) => d.sku });

test('CSV errors name the line where the row starts, the column and the reason', () => {
  const text = [
    itemHeader,
    'SKU-1,Gloves,PPE,615,1049,CA=12,,active', // line 2: fine
    '"SKU-2","Gloves,', // lines 3–4: a quoted description spanning two lines, bad cost
    'large",PPE,abc,1049,,,active',
    '',
    'SKU-3,Gloves,PPE,615,1049,CA=1|PL=480,,retired', // line 6: pack quantity and status
    'SKU-4,Gloves,PPE,615', // line 7: ragged
    'SKU-5,Gloves,PPE,615,1049,CA12,SKU-1||SKU-2,active', // line 8: unreadable pairs and list
    ',,,,,,,', // a spreadsheet's padding row: skipped
  ].join('\r\n');
  const source = fromCsv(text, csvColumnsByKind.item, 'sku');
  assert.equal(source.received, 5);
  const { valid, errors } = validateItems(source);
  assert.deepEqual(
    valid.map((v) => [v.key, v.candidate.line]),
    [['SKU-1', 2]],
  );
  const all = [...source.errors, ...errors].map((e) => [e.line, e.key, e.column, e.code]);
  assert.deepEqual(
    all.sort((a, b) => Number(a[0]) - Number(b[0])),
    [
      [3, 'SKU-2', 'unitCostMinor', 'validation_failed'],
      [6, 'SKU-3', 'packSizes', 'validation_failed'],
      [6, 'SKU-3', 'status', 'validation_failed'],
      [7, undefined, undefined, 'ragged_row'],
      [8, 'SKU-5', 'packSizes', 'validation_failed'],
      [8, 'SKU-5', 'substitutes', 'validation_failed'],
    ],
  );
  const packError = errors.find((e) => e.line === 6 && e.column === 'packSizes')!;
  assert.equal(packError.path, 'packSizes.0.quantity');
  assert.match(source.errors.find((e) => e.line === 7)!.message, /4 fields but the header has 8/);
});

test('nested and indexed CSV columns map errors back to the column that holds the value', () => {
  const header = 'code,name,channels,creditLimitMinor,paymentTermsDays,shipTos.0.code,shipTos.0.name,shipTos.0.address.line1,shipTos.0.address.city,shipTos.0.address.region,shipTos.0.address.postalCode,shipTos.0.address.country';
  const text = `${header}\nC-1,Acme,EDI|WEB,100,30,ST-1,Store,1 Main,Newark,NJ,07102,QQ\nC-2,Beta,EDI,100,30,,,,,,,`;
  const source = fromCsv(text, csvColumnsByKind.customer, 'code');
  const { errors } = validateCandidates(source, catalogEntitySchemas.customer, { keyField: 'code', keyOf: (d) => d.code });
  assert.deepEqual(
    errors.map((e) => [e.line, e.key, e.column, e.path]),
    [
      [2, 'C-1', 'shipTos.0.address.country', 'shipTos.0.address.country'],
      [3, 'C-2', 'shipTos.0.code', 'shipTos'],
    ],
  );
});

test('a CSV header with an unknown or repeated column fails every row; a broken file is invalid_csv with its line', () => {
  const unknown = fromCsv(itemCsv(['SKU-1,G,PPE,1,2,,,']).replace('status', 'colour'), csvColumnsByKind.item, 'sku');
  assert.equal(unknown.received, 1);
  assert.deepEqual(unknown.candidates, []);
  assert.deepEqual(
    unknown.errors.map((e) => [e.line, e.column, e.code]),
    [[1, 'colour', 'unknown_column']],
  );
  assert.match(unknown.errors[0]!.message, /none of the 1 rows was applied/);
  const repeated = fromCsv('sku,sku\nA,B', csvColumnsByKind.item, 'sku');
  assert.deepEqual(repeated.errors.map((e) => e.code), ['duplicate_column']);
  const tooFar = fromCsv('code,shipTos.100.code\nA,B', csvColumnsByKind.customer, 'code');
  assert.deepEqual(tooFar.errors.map((e) => e.code), ['unknown_column']);

  const broken = (text: string) => {
    try {
      fromCsv(text, csvColumnsByKind.item, 'sku');
    } catch (error) {
      assert.ok(error instanceof AppError);
      return error;
    }
    return assert.fail('expected invalid_csv');
  };
  const unclosed = broken(`\uFEFF${itemCsv(['SKU-1,G,PPE,1,2,,,', 'SKU-2,"G,PPE,1,2,,,', 'SKU-3,G,PPE,1,2,,,'])}`);
  assert.equal(unclosed.code, 'invalid_csv');
  assert.equal(unclosed.details[0]!['line'], 3);
  assert.match(unclosed.message, /line 3: a quoted field opened in this row is never closed/);
  assert.equal(broken('').code, 'invalid_csv');
  const tooMany = `${itemHeader}\n${'A,B,C,1,2,,,\n'.repeat(10_001)}`;
  assert.throws(() => fromCsv(tooMany, csvColumnsByKind.item, 'sku'), (e: unknown) => e instanceof AppError && e.code === 'validation_failed');
});

test('JSON records are named by index; keys repeated within one import are all refused', () => {
  const source = fromJsonRecords([
    { sku: 'A', description: 'a', itemClass: 'X', unitCostMinor: 1, listPriceMinor: 1 },
    { sku: 'B', description: 'b', itemClass: 'X', unitCostMinor: 1, listPriceMinor: 1, colour: 'red' },
    { sku: 'A', description: 'a again', itemClass: 'X', unitCostMinor: 1, listPriceMinor: 1 },
    'not an object',
  ]);
  const { valid, errors } = validateItems(source);
  assert.deepEqual(
    errors.map((e) => [e.index, e.key, e.path]),
    [
      [1, 'B', 'colour'],
      [3, undefined, ''],
    ],
  );
  const { unique, errors: duplicates } = rejectDuplicateKeys(valid, 'sku', () => undefined);
  assert.deepEqual(unique, []);
  assert.deepEqual(duplicates.map((e) => [e.index, e.code]), [
    [0, 'duplicate_key'],
    [2, 'duplicate_key'],
  ]);
  assert.match(duplicates[0]!.message, /appears 2 times in this import \(index 0, index 2\)/);
  assert.throws(() => fromJsonRecords(new Array(10_001).fill({})), (e: unknown) => e instanceof AppError && e.code === 'validation_failed');
});

test('references resolve against stored records and accepted records of the same batch, transitively', () => {
  const sub = (key: string, i = 0): Reference => ({ kind: 'item', key, path: ['substitutes', i] });
  const batch: { key: string; references: Reference[] }[] = [
    { key: 'A', references: [sub('B')] }, // B is in the batch, but B is rejected, so A is too
    { key: 'B', references: [sub('C')] }, // C is in the batch, but C is rejected
    { key: 'C', references: [sub('MISSING')] },
    { key: 'D', references: [sub('STORED'), sub('E', 1)] },
    { key: 'E', references: [{ kind: 'channel', key: 'EDI', path: ['x'] }] },
  ];
  const stored = (kind: CatalogKind, key: string) => (kind === 'item' && key === 'STORED') || (kind === 'channel' && key === 'EDI');
  const unknown = findUnknownReferences('item', batch, stored);
  assert.deepEqual(
    unknown.map((u) => [u.position, u.key]),
    [
      [0, 'B'],
      [1, 'C'],
      [2, 'MISSING'],
    ],
  );
});
