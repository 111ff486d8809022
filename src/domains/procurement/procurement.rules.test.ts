import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLifecycle } from '../orders/index.ts';
import { purchaseOrderLifecycle, transferLifecycle } from './procurement.lifecycle.ts';
import {
  acknowledgePurchaseOrder,
  cancelPurchaseOrder,
  inboundOf,
  receivePurchaseOrder,
  receiveTransfer,
  sendPurchaseOrder,
  shipPurchaseOrder,
  shipTransfer,
} from './procurement.rules.ts';
import type { PurchaseOrder, Transfer } from './procurement.types.ts';

const now = '2026-01-02T00:00:00.000Z';
const po: PurchaseOrder = {
  id: '019b76da-a800-7008-b590-6be31a34885b',
  poNumber: 'PO-1',
  supplierCode: 'SUP',
  locationCode: 'E',
  currency: 'USD',
  state: 'proposed',
  lines: [
    { lineNumber: 1, sku: 'A', quantity: 10, receivedQuantity: 0, unitCostMinor: 100 },
    { lineNumber: 2, sku: 'A', quantity: 5, receivedQuantity: 0, unitCostMinor: 100 },
    { lineNumber: 3, sku: 'B', quantity: 4, receivedQuantity: 0, unitCostMinor: 50 },
  ],
  expectedDate: '2026-01-14',
  origin: 'replenishment',
  receipts: [],
  createdAt: now,
  updatedAt: now,
  version: 1,
};
const must = <T>(o: { ok: boolean; changed?: boolean; document?: T }): T => {
  assert.ok(o.ok && o.changed, JSON.stringify(o));
  return o.document!;
};

test('the lifecycle tables are consistent', () => {
  assert.deepEqual(checkLifecycle(purchaseOrderLifecycle), []);
  assert.deepEqual(checkLifecycle(transferLifecycle), []);
});

test('a purchase order goes proposed → sent → acknowledged → shipped → partially received → received; repeats are unchanged', () => {
  const sent = must(sendPurchaseOrder(po, now));
  assert.equal(sent.state, 'sent');
  assert.deepEqual(sendPurchaseOrder(sent, now), { ok: true, changed: false, document: sent });
  const acked = must(acknowledgePurchaseOrder(sent, { expectedDate: '2026-01-15', lines: [{ lineNumber: 2, quantity: 3 }] }, now));
  assert.deepEqual([acked.state, acked.expectedDate, acked.lines.map((l) => l.acknowledgedQuantity)], ['acknowledged', '2026-01-15', [10, 3, 4]]);
  assert.deepEqual(acknowledgePurchaseOrder(acked, {}, now), { ok: true, changed: false, document: acked }, 'the same acknowledgement again changes nothing');
  assert.deepEqual(inboundOf(acked), [], 'nothing is inbound before it ships');
  const shipped = must(shipPurchaseOrder(acked, '2026-01-16', now));
  assert.deepEqual(inboundOf(shipped), [
    { sku: 'A', quantity: 13 },
    { sku: 'B', quantity: 4 },
  ]);
  const part = must(receivePurchaseOrder(shipped, { receiptNumber: 'R1', lines: [{ lineNumber: 1, quantity: 10 }] }, now));
  assert.equal(part.state, 'partially_received');
  assert.deepEqual(inboundOf(part), [
    { sku: 'A', quantity: 3 },
    { sku: 'B', quantity: 4 },
  ]);
  assert.equal(receivePurchaseOrder(part, { receiptNumber: 'R1', lines: [{ lineNumber: 2, quantity: 3 }] }, now).ok, true);
  assert.equal((receivePurchaseOrder(part, { receiptNumber: 'R1', lines: [{ lineNumber: 2, quantity: 3 }] }, now) as { changed: boolean }).changed, false, 'a receipt number takes effect once');
  const done = must(receivePurchaseOrder(part, { receiptNumber: 'R2', lines: [{ lineNumber: 2, quantity: 3 }, { lineNumber: 3, quantity: 4 }] }, now));
  assert.deepEqual([done.state, done.version, done.receipts.map((r) => r.receiptNumber)], ['received', 6, ['R1', 'R2']]);
  assert.deepEqual(inboundOf(done), []);
  const late = receivePurchaseOrder(done, { receiptNumber: 'R3', lines: [{ lineNumber: 1, quantity: 1 }] }, now);
  assert.equal(!late.ok && late.reason, 'terminal_state');
});

test('refusals: unknown lines, more confirmed than ordered, cancelling once shipped', () => {
  const sent = must(sendPurchaseOrder(po, now));
  const unknown = acknowledgePurchaseOrder(sent, { lines: [{ lineNumber: 9, quantity: 1 }] }, now);
  assert.deepEqual(!unknown.ok && [unknown.reason, unknown.path], ['unknown_line', 'body.lines.0.lineNumber']);
  const over = acknowledgePurchaseOrder(sent, { lines: [{ lineNumber: 1, quantity: 11 }] }, now);
  assert.equal(!over.ok && over.reason, 'quantity_above_ordered');
  const shipped = must(shipPurchaseOrder(sent, '2026-01-16', now));
  const cancel = cancelPurchaseOrder(shipped, 'late', now);
  assert.equal(!cancel.ok && cancel.reason, 'transition_not_allowed');
  assert.equal(must(cancelPurchaseOrder(po, 'not needed', now)).cancelReason, 'not needed');
  const receiveUnsent = receivePurchaseOrder(po, { receiptNumber: 'R', lines: [{ lineNumber: 1, quantity: 1 }] }, now);
  assert.equal(!receiveUnsent.ok && receiveUnsent.reason, 'transition_not_allowed', 'a proposal cannot be received');
});

test('a transfer is released, shipped and received; what is not listed on the receipt did not arrive', () => {
  const t: Transfer = {
    id: '019b76da-a800-7008-b590-6be31a34885c',
    fromLocationCode: 'W',
    toLocationCode: 'E',
    state: 'released',
    lines: [
      { lineNumber: 1, sku: 'A', quantity: 5, receivedQuantity: 0 },
      { lineNumber: 2, sku: 'B', quantity: 2, receivedQuantity: 0 },
    ],
    expectedArrivalAt: '2026-01-04T00:00:00.000Z',
    createdAt: now,
    updatedAt: now,
    version: 2,
  };
  const moving = must(shipTransfer(t, undefined, now));
  assert.equal(moving.state, 'in_transit');
  assert.equal((shipTransfer(moving, undefined, now) as { changed: boolean }).changed, false);
  const arrived = must(receiveTransfer(moving, { receiptNumber: 'T1', lines: [{ lineNumber: 1, quantity: 4 }] }, now));
  assert.deepEqual(arrived.lines.map((l) => l.receivedQuantity), [4, 0]);
  assert.equal((receiveTransfer(arrived, { receiptNumber: 'T1' }, now) as { changed: boolean }).changed, false);
  const all = must(receiveTransfer(moving, { receiptNumber: 'T2' }, now));
  assert.deepEqual(all.lines.map((l) => l.receivedQuantity), [5, 2], 'without lines everything shipped arrived');
});
