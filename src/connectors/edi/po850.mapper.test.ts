import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseX12 } from '../x12/index.ts';
import { isoDate, mapPo850, priceMinor, type Po850Context } from './po850.mapper.ts';
import { acceptedSet } from './partner.rules.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/x12/${name}`, import.meta.url), 'utf8');
const context: Po850Context = { partnerCode: 'XYZ', customerCode: 'CUST-XYZ', channel: 'EDI', shipToCodes: ['ST-001'] };
const setsOf = (text: string) => parseX12(text).interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));

test('the retail 850 fixture maps to one canonical order with its six lines, prices, ship-to and date', () => {
  const [set, ...rest] = setsOf(fixture('850-retail-vics-004010.edi'));
  assert.equal(rest.length, 0);
  assert.equal(set!.issues.filter((i) => i.severity === 'error').length, 0, 'the fixture is valid');
  const mapped = mapPo850(set!.segments, context);
  assert.ok(mapped.ok);
  const { intake } = mapped;
  assert.equal(intake.externalOrderNumber, '08292233294');
  assert.equal(intake.partnerCode, 'XYZ');
  assert.equal(intake.requestedDeliveryDate, '2010-12-14');
  assert.deepEqual(intake.shipToAddress, { name: 'XYZ RETAIL', line1: '31875 SOLON RD', city: 'SOLON', region: 'OH', postalCode: '44139', country: 'US' });
  assert.equal(intake.shipToCode, undefined, 'N104 is not one of the customer’s ship-to codes');
  assert.deepEqual(
    intake.lines.map((l) => [l.lineNumber, l.partnerItem, l.quantity, l.unit, l.unitPriceMinor]),
    [
      [1, '065322-117', 120, 'EA', 925],
      [2, '066850-116', 220, 'EA', 1379],
      [3, '060733-110', 126, 'EA', 1099],
      [4, '065308-116', 76, 'EA', 435],
      [5, '065374-118', 72, 'EA', 750],
      [6, '067504-118', 696, 'EA', 955],
    ],
  );
  // AMT*1 is the line total: the mapped lines carry the same money as the document.
  assert.equal(intake.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor!, 0), 1_304_594);
});

const po = (lines: string, extra = '') =>
  [['ST', '850', '0001'], ['BEG', '00', 'SA', 'PO-9', '', '20260101'], ...(extra ? [extra.split('*')] : []), ['N1', 'ST', 'Store', '92', 'ST-001'], ...lines.split('~').filter(Boolean).map((s) => s.split('*'))].map(
    (elements, i) => ({ id: elements[0]!, elements, delimiters: { element: '*', component: '>', repetition: null, segment: '~' }, setPosition: i + 1, filePosition: i + 1, byteOffset: 0 }),
  );

test('a GTIN wins over the buyer item number; a known N104 is sent as the ship-to code; odd line ids are renumbered', () => {
  const mapped = mapPo850(po('PO1*A*2*CS*1.5**BP*X-1*UP*012345678905~PO1*A*3*EA***VN*SKU-2'), context);
  assert.ok(mapped.ok);
  assert.equal(mapped.intake.shipToCode, 'ST-001');
  assert.deepEqual(
    mapped.intake.lines.map((l) => [l.lineNumber, l.gtin, l.partnerItem, l.sku, l.unit, l.unitPriceMinor]),
    [
      [1, '012345678905', undefined, undefined, 'CS', 150],
      [2, undefined, undefined, 'SKU-2', 'EA', undefined],
    ],
  );
});

test('what cannot become an order is reported by segment position, never thrown', () => {
  const mapped = mapPo850(po('PO1*1*0*EA~PO1*2*1*EA'), { ...context, shipToCodes: [] });
  assert.equal(mapped.ok, false);
  assert.ok(!mapped.ok);
  assert.deepEqual(
    mapped.problems.map((p) => [p.code, p.segmentPosition]),
    [
      ['ship_to_missing', 2],
      ['quantity_invalid', 4],
      ['item_missing', 5],
    ],
  );
  const noBeg = mapPo850(po('').filter((s) => s.id !== 'BEG'), context);
  assert.ok(!noBeg.ok && noBeg.problems[0]!.code === 'po_number_missing');
});

test('dates, prices and set acceptance', () => {
  assert.equal(isoDate('20260228'), '2026-02-28');
  assert.equal(isoDate('260228'), undefined);
  assert.equal(priceMinor('13.79'), 1379);
  assert.equal(priceMinor('.5'), 50);
  assert.equal(priceMinor('1.999'), undefined, 'a price below a cent is not rounded silently');
  assert.equal(priceMinor('-1'), undefined);
  const issue = (level: 1 | 2 | 3) => ({ severity: 'error' as const, level, code: 'x' as never, interchangeControl: null, groupControl: null, setControl: null, segmentId: null, segmentPosition: null, elementPosition: null, byteOffset: null, message: '' });
  const set = (levels: Array<1 | 2 | 3>) => ({ id: '850', controlNumber: '1', implementationReference: null, segmentCount: 0, byteOffset: 0, issues: levels.map(issue) });
  assert.equal(acceptedSet(set([]), {}), true);
  assert.equal(acceptedSet(set([3]), {}), true, 'balancing errors are accepted with errors noted by default');
  assert.equal(acceptedSet(set([3]), { balancingErrors: 'reject' }), false);
  assert.equal(acceptedSet(set([2, 3]), {}), false);
});

test('the 856 mixed-terminator and 940 newline fixtures are read whole, sets and segments counted', () => {
  const asn = parseX12(fixture('856-mixed-terminators-004010.x12'));
  const asnSets = asn.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));
  assert.deepEqual(asnSets.map((s) => s.id), ['856']);
  assert.ok(asnSets[0]!.segments.filter((s) => s.id === 'HL').length >= 2, 'the HL tree is read across the mixed terminators');
  const release = parseX12(fixture('940-newline-terminated-004010.edi'));
  const releaseSets = release.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));
  assert.deepEqual(releaseSets.map((s) => s.id), ['940']);
  assert.ok(releaseSets[0]!.segments.some((s) => s.id === 'W05'));
});
