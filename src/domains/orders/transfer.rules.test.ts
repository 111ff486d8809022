import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCancellation } from './cancel.rules.ts';
import { addLineTransfers, awaitedFrom, linesAwaitingTransfer, settleTransfer, transferOptions } from './transfer.rules.ts';
import { testHold, testLine, testOrder, testOrderVersion } from './orders.test-fixtures.ts';

const now = '2026-01-02T10:00:00.000Z';
const transferId = '019b76da-a800-7008-b590-000000000001';
const otherTransferId = '019b76da-a800-7008-b590-000000000002';
const inFlight = (quantity: number, id = transferId) => ({ transferId: id, fromLocationCode: 'WEST', toLocationCode: 'EAST', quantity });

test('transfer options: every sending location with the whole line, to every other location that may ship', () => {
  const sites = new Map([
    [
      'SKU-1',
      [
        { locationCode: 'EAST', atp: 2, confidence: 1, canSend: true },
        { locationCode: 'WEST', atp: 10, confidence: 0.9, canSend: true },
        { locationCode: 'RESERVE', atp: 50, confidence: 0.5, canSend: true },
        { locationCode: 'STORE', atp: 99, confidence: 1, canSend: false },
      ],
    ],
  ]);
  const options = transferOptions([{ lineNumber: 1, sku: 'SKU-1', quantity: 10 }, { lineNumber: 2, sku: 'SKU-2', quantity: 1 }], sites, ['EAST', 'WEST']);
  assert.deepEqual(
    options.get(1)!.map((o) => `${o.fromLocationCode}>${o.toLocationCode}:${o.atp}@${o.confidence}`),
    ['WEST>EAST:10@0.9', 'RESERVE>EAST:50@0.5', 'RESERVE>WEST:50@0.5'],
    'EAST holds too little, STORE does not send, and no location sends to itself',
  );
  assert.ok(options.get(1)!.every((o) => o.leadTimeDays === undefined), 'the policy sets the lead time');
  assert.deepEqual(options.get(2), [], 'a SKU no location holds has none');
});

test('a transfer recorded on its line keeps the line from release until it is settled', () => {
  const order = testOrder('allocated', [testLine(1, { allocatedQuantity: 10, state: 'allocated' }), testLine(2, { allocatedQuantity: 10, state: 'allocated' })]);
  assert.deepEqual([...linesAwaitingTransfer(order)], []);
  const waiting = addLineTransfers(order, [{ lineNumber: 2, ...inFlight(6) }]);
  assert.deepEqual([...linesAwaitingTransfer(waiting)], [2]);
  assert.deepEqual(awaitedFrom(waiting, transferId), [{ lineNumber: 2, sku: 'SKU-2', locationCode: 'EAST', quantity: 6 }]);
  assert.deepEqual(awaitedFrom(waiting, otherTransferId), []);
  assert.equal(addLineTransfers(order, []), order, 'nothing to record changes nothing');
});

test('settling an arrived transfer: the line stops waiting, keeps its allocation, and the header stays; a second settlement changes nothing', () => {
  const order = addLineTransfers(testOrder('released', [testLine(1, { allocatedQuantity: 10, state: 'allocated' })]), [{ lineNumber: 1, ...inFlight(9) }, { lineNumber: 1, ...inFlight(1, otherTransferId) }]);
  const settled = settleTransfer(order, transferId, new Map([[1, 12]]), now);
  assert.ok(settled.changed);
  assert.deepEqual(settled.lines, [{ lineNumber: 1, reserved: 9, returned: 0 }], 'never more than the line waited for');
  assert.deepEqual([settled.from, settled.to, settled.order.version, settled.order.updatedAt], ['released', 'released', testOrderVersion + 1, now]);
  const line = settled.order.lines[0]!;
  assert.deepEqual([line.allocatedQuantity, line.backorderedQuantity, line.state], [10, 0, 'allocated']);
  assert.deepEqual(line.transfers?.map((t) => t.transferId), [otherTransferId], 'another transfer of the line still counts');
  assert.deepEqual(settleTransfer(settled.order, transferId, new Map([[1, 10]]), now), { changed: false });
});

test('a short arrival gives the missing units back to sourcing: allocated falls, backordered rises, the header follows', () => {
  const order = addLineTransfers(testOrder('allocated', [testLine(1, { allocatedQuantity: 10, state: 'allocated' }), testLine(2, { allocatedQuantity: 10, state: 'allocated' })]), [
    { lineNumber: 2, ...inFlight(10) },
  ]);
  const settled = settleTransfer(order, transferId, new Map([[2, 7]]), now);
  assert.ok(settled.changed);
  assert.deepEqual(settled.lines, [{ lineNumber: 2, reserved: 7, returned: 3 }]);
  const line = settled.order.lines[1]!;
  assert.deepEqual([line.allocatedQuantity, line.backorderedQuantity, line.state, line.transfers], [7, 3, 'partially_allocated', undefined]);
  assert.deepEqual([settled.from, settled.to, settled.order.version], ['allocated', 'partially_allocated', testOrderVersion + 1]);
});

test('a cancelled transfer returns every unit; with nothing left allocated the order is backordered, and a hold keeps the header where it is', () => {
  const single = addLineTransfers(testOrder('partially_allocated', [testLine(1, { allocatedQuantity: 4, backorderedQuantity: 6, state: 'partially_allocated' })]), [{ lineNumber: 1, ...inFlight(4) }]);
  const cancelled = settleTransfer(single, transferId, new Map(), now);
  assert.ok(cancelled.changed);
  assert.deepEqual([cancelled.to, cancelled.order.lines[0]!.allocatedQuantity, cancelled.order.lines[0]!.backorderedQuantity, cancelled.order.lines[0]!.state], ['backordered', 0, 10, 'backordered']);

  const held = addLineTransfers(
    testOrder('partially_allocated', [testLine(1, { allocatedQuantity: 10, state: 'allocated' }), testLine(2, { allocatedQuantity: 5, state: 'partially_allocated' })], [testHold('h1', 'credit')]),
    [{ lineNumber: 1, ...inFlight(10) }],
  );
  const blocked = settleTransfer(held, transferId, new Map(), now);
  assert.ok(blocked.changed);
  assert.deepEqual([blocked.from, blocked.to], ['partially_allocated', 'partially_allocated'], 'the credit hold blocks the header move; the lines still change');
  assert.deepEqual([blocked.order.lines[0]!.allocatedQuantity, blocked.order.lines[0]!.backorderedQuantity, blocked.order.lines[0]!.state], [0, 10, 'backordered']);
});

test('cancelling a line forgets its transfer, so the transfer arriving later changes nothing for the order', () => {
  const order = addLineTransfers(testOrder('allocated', [testLine(1, { allocatedQuantity: 10, state: 'allocated' }), testLine(2, { allocatedQuantity: 10, state: 'allocated' })]), [
    { lineNumber: 2, ...inFlight(10) },
  ]);
  const cancelled = applyCancellation(order, [2], now);
  assert.ok(cancelled.ok);
  assert.deepEqual([...linesAwaitingTransfer(cancelled.order)], []);
  assert.deepEqual(settleTransfer(cancelled.order, transferId, new Map([[2, 10]]), now), { changed: false });
});
