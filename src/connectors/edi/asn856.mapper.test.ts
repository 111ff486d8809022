import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseX12, type X12Segment } from '../x12/index.ts';
import { mapAsn856 } from './asn856.mapper.ts';
import { baseQuantityOf, skuOf, type ItemLookup } from './asn856.items.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/x12/${name}`, import.meta.url), 'utf8');
const setsOf = (text: string) => parseX12(text).interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));
const segmentsOf = (text: string): X12Segment[] =>
  text
    .split('~')
    .filter(Boolean)
    .map((s, i) => {
      const elements = s.split('*');
      return { id: elements[0]!, elements, delimiters: { element: '*', component: '>', repetition: null, segment: '~' }, setPosition: i + 1, filePosition: i + 1, byteOffset: 0 };
    });

test('the public 856 fixture maps to one ship notice for PO 3D812906 with its one item', () => {
  const [set] = setsOf(fixture('856-mixed-terminators-004010.x12'));
  const mapped = mapAsn856(set!.segments);
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.notices.map((n) => n.notice), [
    { shipmentId: '861554', poNumber: '3D812906', shippedDate: '2018-06-20', lines: [{ ids: { numbers: ['C0355UCAD8'] }, quantity: 40, unit: 'PC' }] },
  ]);
  assert.equal(mapped.notices[0]!.linePositions.length, 1);
});

test('two order levels give two notices; DTM 017 at the order level wins over the shipment level', () => {
  const mapped = mapAsn856(
    segmentsOf(
      'ST*856*0001~BSN*00*SHIP-1*20260301*1200~DTM*011*20260301~DTM*017*20260310~HL*1**S*1~HL*2*1*O*1~PRF*PO-A~DTM*017*20260305~HL*3*2*I*0~LIN*1*UP*012345678905*VN*X~SN1**2*CA~' +
        'HL*4*1*O*1~PRF*PO-B~HL*5*4*P*1~HL*6*5*I*0~LIN**VN*SKU-2~SN1**5*EA~CTT*6~SE*18*0001',
    ),
  );
  assert.ok(mapped.ok);
  assert.deepEqual(
    mapped.notices.map((n) => [n.notice.poNumber, n.notice.expectedDate, n.notice.lines]),
    [
      ['PO-A', '2026-03-05', [{ ids: { gtin: '012345678905', numbers: ['X'] }, quantity: 2, unit: 'CA' }]],
      ['PO-B', '2026-03-10', [{ ids: { numbers: ['SKU-2'] }, quantity: 5, unit: 'EA' }]],
    ],
  );
  assert.deepEqual(mapped.notices.map((n) => [n.orderPosition, n.linePositions]), [[7, [10]], [13, [16]]], 'positions are ST-relative, for the report');
});

test('what cannot be a ship notice is reported by segment position', () => {
  const mapped = mapAsn856(segmentsOf('ST*856*0001~BSN*00*S*20260301*1200~HL*1**S*1~HL*2*1*I*0~LIN**VN*A~SN1**0*EA~HL*3*1*I*0~LIN**VN*B~SE*9*0001'));
  assert.ok(!mapped.ok);
  assert.deepEqual(mapped.problems.map((p) => [p.code, p.segmentPosition]), [['po_number_missing', 5], ['item_incomplete', 8]]);
  const noBsn = mapAsn856(segmentsOf('ST*856*0001~HL*1**S*0~SE*3*0001'));
  assert.ok(!noBsn.ok && noBsn.problems[0]!.code === 'shipment_id_missing');
});

test('items resolve by GTIN, then the partner number, then our SKU; units map before conversion', () => {
  const lookup: ItemLookup = {
    partnerSkuByItem: new Map([['P-1', 'SKU-1']]),
    partnerSkuByGtin: new Map(),
    skuByGtin: new Map([['00012345678905', 'SKU-2']]),
    items: new Map([
      ['SKU-1', { sku: 'SKU-1', baseUnit: 'EA', packSizes: [{ unit: 'CA', quantity: 12 }] }],
      ['SKU-2', { sku: 'SKU-2', baseUnit: 'EA', packSizes: [] }],
    ]),
    unitOf: new Map([['CS', 'CA']]),
  };
  assert.equal(skuOf({ gtin: '012345678905', numbers: ['P-1'] }, lookup), 'SKU-2');
  assert.equal(skuOf({ numbers: ['nope', 'P-1'] }, lookup), 'SKU-1');
  assert.equal(skuOf({ numbers: ['SKU-2'] }, lookup), 'SKU-2');
  assert.equal(skuOf({ numbers: ['nope'] }, lookup), undefined);
  assert.deepEqual(baseQuantityOf({ numbers: ['P-1'] }, 2, 'CS', lookup), { ok: true, sku: 'SKU-1', quantity: 24 });
  assert.equal((baseQuantityOf({ numbers: ['SKU-2'] }, 2, 'CS', lookup) as { code: string }).code, 'unknown_unit');
  assert.equal((baseQuantityOf({ numbers: ['x'] }, 2, 'EA', lookup) as { code: string }).code, 'unknown_item');
});
