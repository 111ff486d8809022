import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseX12, writeInterchange } from '../x12/index.ts';
import { poAckFromOrder, poAckSegments, readPoAck } from './poack855.mapper.ts';

type Line = Parameters<typeof poAckFromOrder>[0]['lines'][number];
const line = (over: Partial<Line>): Line => ({
  lineNumber: 1,
  sku: 'SKU-1',
  orderedUnit: 'EA',
  orderedUnitQuantity: 10,
  orderedQuantity: 10,
  allocatedQuantity: 0,
  backorderedQuantity: 0,
  shippedQuantity: 0,
  invoicedQuantity: 0,
  cancelledQuantity: 0,
  unitPriceMinor: 925,
  state: 'open',
  ...over,
}) as Line;
const partner = { itemCrossReferences: [{ partnerItem: 'AC-778', sku: 'SKU-1' }], unitMappings: [{ partnerUnit: 'CS', unit: 'CA' }] };

const order = {
  externalOrderNumber: 'PO-77',
  customerPo: 'PO-77',
  lines: [
    line({ lineNumber: 1, allocatedQuantity: 10 }),
    line({ lineNumber: 2, sku: 'SKU-2', orderedUnit: 'CA', orderedUnitQuantity: 3, orderedQuantity: 36, allocatedQuantity: 24, unitPriceMinor: 150 }),
    line({ lineNumber: 3, sku: 'SKU-2', orderedQuantity: 7, orderedUnitQuantity: 7, allocatedQuantity: 2, cancelledQuantity: 1 }),
  ],
};

test('allocation decisions become line-level accept, backorder and reject, in the unit the partner ordered', () => {
  const ack = poAckFromOrder(order, partner, '2026-01-02');
  assert.equal(ack.type, 'AC', 'some units are backordered or rejected');
  assert.deepEqual(
    ack.lines.map((l) => [l.lineNumber, l.quantity, l.unit, l.unitPriceMinor, l.partnerItem, l.accepted, l.backordered, l.rejected]),
    [
      [1, 10, 'EA', 925, 'AC-778', 10, 0, 0],
      [2, 3, 'CS', 1800, undefined, 2, 1, 0],
      [3, 7, 'EA', 925, undefined, 2, 4, 1],
    ],
  );
  assert.equal(poAckFromOrder({ ...order, lines: [order.lines[0]!] }, partner, '2026-01-02').type, 'AD');
  assert.equal(poAckFromOrder({ ...order, lines: [line({ cancelledQuantity: 10 })] }, partner, '2026-01-02').type, 'RJ');
});

test('a quantity that is not a whole number of the ordered unit is stated in base units, never rounded', () => {
  const [ackLine] = poAckFromOrder({ ...order, lines: [line({ orderedUnit: 'CA', orderedUnitQuantity: 2, orderedQuantity: 24, allocatedQuantity: 13 })] }, partner, '2026-01-02').lines;
  assert.deepEqual([ackLine!.quantity, ackLine!.unit, ackLine!.accepted, ackLine!.backordered], [24, 'EA', 13, 11]);
});

test('backordered units are dated (ACK04 068, ACK05) where the hub estimates when they come; accepted ones and undated lines are not', () => {
  const ack = poAckFromOrder(order, partner, '2026-01-02', new Map([[2, '2026-01-20'], [1, '2026-01-09']]));
  assert.deepEqual(ack.lines.map((l) => l.backorderShipDate), [undefined, '2026-01-20', undefined], 'line 1 waits for nothing; line 3 has no estimate');
  const acks = poAckSegments(ack).filter((segment) => segment[0] === 'ACK');
  assert.deepEqual(acks, [
    ['ACK', 'IA', '10', 'EA'],
    ['ACK', 'IA', '2', 'CS'],
    ['ACK', 'IB', '1', 'CS', '068', '20260120'],
    ['ACK', 'IA', '2', 'EA'],
    ['ACK', 'IB', '4', 'EA'],
    ['ACK', 'IR', '1', 'EA'],
  ]);
});

test('round trip: the 855 we write passes our validator and reads back to the same acknowledgement', () => {
  const ack = poAckFromOrder(order, partner, '2026-01-02', new Map([[3, '2026-02-01']]));
  assert.equal(ack.lines[2]!.backorderShipDate, '2026-02-01');
  for (const version of ['004010', '005010'] as const) {
    const written = writeInterchange({
      sender: { qualifier: 'ZZ', id: 'CROSSDOCK' },
      receiver: { qualifier: '12', id: '4405197800' },
      controlNumber: 5,
      at: new Date(Date.UTC(2026, 0, 2)),
      version: version === '005010' ? '00501' : '00401',
      groups: [{ functionalId: 'PR', senderCode: 'CROSSDOCK', receiverCode: '4405197800', controlNumber: 9, version, sets: [{ id: '855', controlNumber: 1, segments: poAckSegments(ack) }] }],
    });
    assert.ok(written.ok, JSON.stringify(!written.ok && written.issues));
    const reread = parseX12(written.text);
    assert.deepEqual(reread.issues.filter((i) => i.severity === 'error'), [], `${version}: valid at all three levels`);
    assert.deepEqual(readPoAck(reread.interchanges[0]!.groups[0]!.sets[0]!.segments), ack);
  }
});
