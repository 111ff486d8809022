import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLifecycle } from '../orders/index.ts';
import {
  applyCredit,
  applyDisposition,
  applyExpiry,
  applyReceipt,
  checkAuthorization,
  creditFor,
  dispositionDeltas,
  expiresAtMsOf,
  receiptDeltas,
  restockEverything,
  returnLifecycle,
  rmaNumberOf,
  windowOpenedAtMs,
  type AuthorizationInput,
  type ShipmentFacts,
} from './returns.rules.ts';
import { returnAuthorizationSchema, type ReturnAuthorization } from './returns.types.ts';

const DAY = 86_400_000;
const t0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const shipment = (locationCode: string, shippedAtMs: number, lineNumbers: number[], deliveredAtMs?: number): ShipmentFacts => ({
  locationCode,
  shippedAt: iso(shippedAtMs),
  lines: lineNumbers.map((lineNumber) => ({ lineNumber })),
  milestones: deliveredAtMs === undefined ? [] : [{ type: 'delivered', occurredAt: iso(deliveredAtMs) }],
});

const base: AuthorizationInput = {
  order: {
    lines: [
      { lineNumber: 1, sku: 'SKU-1', shippedQuantity: 10, unitPriceMinor: 1049 },
      { lineNumber: 2, sku: 'SKU-2', shippedQuantity: 0, unitPriceMinor: 500 },
    ],
  },
  shipments: [shipment('DC-EAST', t0, [1])],
  existing: [],
  policy: { windowDays: 30, reasonCodes: ['DAMAGED', 'NOT_NEEDED'] },
  lines: [{ lineNumber: 1, quantity: 4, reasonCode: 'DAMAGED' }],
  nowMs: t0 + 5 * DAY,
};

const rma = (overrides: Partial<ReturnAuthorization> = {}): ReturnAuthorization =>
  returnAuthorizationSchema.parse({
    id: '019b76da-a800-7008-b590-6be31a34885b',
    rmaNumber: 'RMA-1',
    orderId: '019b76da-a800-7008-b590-6be31a34885c',
    customerCode: 'CUST-ACME',
    currency: 'USD',
    locationCode: 'DC-EAST',
    state: 'authorized',
    inspectionRequired: true,
    policyVersion: 0,
    lines: [
      { lineNumber: 1, sku: 'SKU-1', quantity: 4, reasonCode: 'DAMAGED', unitPriceMinor: 1049, receivedQuantity: 0, dispositions: [] },
      { lineNumber: 3, sku: 'SKU-3', quantity: 2, reasonCode: 'NOT_NEEDED', unitPriceMinor: 250, receivedQuantity: 0, dispositions: [] },
    ],
    authorizedAt: iso(t0),
    expiresAt: iso(t0 + 30 * DAY),
    updatedAt: iso(t0),
    version: 1,
    ...overrides,
  });

test('the RMA lifecycle table is consistent: every state reachable, credited and expired final', () => {
  assert.deepEqual(checkLifecycle(returnLifecycle), []);
});

test('a return within the window, with a policy reason, for no more than shipped is authorised at the shipping location', () => {
  const checked = checkAuthorization(base);
  assert.ok(checked.ok);
  assert.equal(checked.defaultLocationCode, 'DC-EAST');
  assert.deepEqual(checked.lines, [{ lineNumber: 1, sku: 'SKU-1', quantity: 4, reasonCode: 'DAMAGED', unitPriceMinor: 1049, receivedQuantity: 0, dispositions: [] }]);
});

test('the window counts from delivery when the carrier reported it, else from the latest shipment of the line', () => {
  assert.equal(windowOpenedAtMs([shipment('A', t0, [1]), shipment('B', t0 + DAY, [1])], 1), t0 + DAY);
  assert.equal(windowOpenedAtMs([shipment('A', t0, [1], t0 + 3 * DAY)], 1), t0 + 3 * DAY);
  assert.equal(windowOpenedAtMs([shipment('A', t0, [2])], 1), undefined);

  const lastDay = checkAuthorization({ ...base, nowMs: t0 + 30 * DAY });
  assert.ok(lastDay.ok, 'the last instant of the window is inside it');
  const late = checkAuthorization({ ...base, nowMs: t0 + 30 * DAY + 1 });
  assert.ok(!late.ok);
  assert.equal(late.code, 'outside_return_window');
  const delivered = checkAuthorization({ ...base, shipments: [shipment('DC-EAST', t0, [1], t0 + 2 * DAY)], nowMs: t0 + 31 * DAY });
  assert.ok(delivered.ok, 'delivered two days after shipping: the window runs two days longer');
});

test('more than shipped less what other RMAs hold is refused; an expired RMA holds nothing, a received one what came back', () => {
  const over = checkAuthorization({ ...base, lines: [{ lineNumber: 1, quantity: 11, reasonCode: 'DAMAGED' }] });
  assert.ok(!over.ok);
  assert.deepEqual([over.code, over.problems[0]!.index], ['exceeds_returnable', 0]);

  const open = rma({ lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 7, reasonCode: 'DAMAGED', unitPriceMinor: 1049, receivedQuantity: 0, dispositions: [] }] });
  const withOpen = { ...base, existing: [open] };
  assert.ok(checkAuthorization({ ...withOpen, lines: [{ lineNumber: 1, quantity: 3, reasonCode: 'DAMAGED' }] }).ok);
  const across = checkAuthorization({ ...withOpen, lines: [{ lineNumber: 1, quantity: 4, reasonCode: 'DAMAGED' }] });
  assert.ok(!across.ok);
  assert.equal(across.code, 'exceeds_returnable');
  assert.match(across.message, /3 returnable \(10 shipped, 7 on other RMAs\)/);

  assert.ok(checkAuthorization({ ...base, existing: [{ ...open, state: 'expired' }], lines: [{ lineNumber: 1, quantity: 10, reasonCode: 'DAMAGED' }] }).ok);
  const received = { ...open, state: 'credited' as const, lines: [{ ...open.lines[0]!, receivedQuantity: 2 }] };
  assert.ok(checkAuthorization({ ...base, existing: [received], lines: [{ lineNumber: 1, quantity: 8, reasonCode: 'DAMAGED' }] }).ok);
  assert.ok(!checkAuthorization({ ...base, existing: [received], lines: [{ lineNumber: 1, quantity: 9, reasonCode: 'DAMAGED' }] }).ok);
});

test('a line never shipped, a line not on the order and a reason outside the policy are refused, each named', () => {
  const refused = checkAuthorization({
    ...base,
    lines: [
      { lineNumber: 2, quantity: 1, reasonCode: 'DAMAGED' },
      { lineNumber: 9, quantity: 1, reasonCode: 'DAMAGED' },
      { lineNumber: 1, quantity: 1, reasonCode: 'CHANGED_MIND' },
    ],
  });
  assert.ok(!refused.ok);
  assert.deepEqual(
    refused.problems.map((p) => [p.index, p.code]),
    [
      [0, 'not_shipped'],
      [1, 'unknown_line'],
      [2, 'unknown_reason_code'],
    ],
  );
  assert.equal(refused.code, 'not_shipped');
});

test('an RMA stays open for the window from authorisation, at least a day; its number comes from its id', () => {
  assert.equal(expiresAtMsOf(t0, 30), t0 + 30 * DAY);
  assert.equal(expiresAtMsOf(t0, 0), t0 + DAY);
  assert.equal(rmaNumberOf('019b76da-a800-7008-b590-6be31a34885b'), 'RMA-B5906BE31A34885B');
});

test('a receipt takes no more than authorised, once, and not after expiry; lines left out came back with nothing', () => {
  const received = applyReceipt(rma(), { receiptNumber: 'R-1', lines: [{ lineNumber: 1, quantity: 3 }] }, iso(t0 + DAY));
  assert.ok(received.ok);
  assert.equal(received.rma.state, 'received');
  assert.deepEqual(received.rma.lines.map((l) => l.receivedQuantity), [3, 0]);
  assert.equal(received.rma.version, 2);

  const over = applyReceipt(rma(), { receiptNumber: 'R-1', lines: [{ lineNumber: 1, quantity: 5 }] }, iso(t0 + DAY));
  assert.ok(!over.ok);
  assert.equal(over.code, 'exceeds_authorized');
  const unknown = applyReceipt(rma(), { receiptNumber: 'R-1', lines: [{ lineNumber: 2, quantity: 1 }] }, iso(t0 + DAY));
  assert.ok(!unknown.ok);
  assert.equal(unknown.code, 'unknown_line');
  const twice = applyReceipt(received.rma, { receiptNumber: 'R-2', lines: [{ lineNumber: 1, quantity: 1 }] }, iso(t0 + DAY));
  assert.ok(!twice.ok);
  assert.equal(twice.code, 'invalid_state');
  const late = applyReceipt(rma(), { receiptNumber: 'R-1', lines: [{ lineNumber: 1, quantity: 1 }] }, iso(t0 + 30 * DAY));
  assert.ok(!late.ok);
  assert.match(late.message, /expired/);
});

test('dispositions split a line, default to the rest, never exceed what came back; the last one disposes the RMA', () => {
  const received = applyReceipt(rma(), { receiptNumber: 'R-1', lines: [{ lineNumber: 1, quantity: 4 }, { lineNumber: 3, quantity: 2 }] }, iso(t0 + DAY));
  assert.ok(received.ok);
  const partial = applyDisposition(received.rma, { lines: [{ lineNumber: 1, disposition: 'restock', quantity: 3 }, { lineNumber: 1, disposition: 'scrap' }] }, iso(t0 + 2 * DAY));
  assert.ok(partial.ok);
  assert.equal(partial.complete, false);
  assert.equal(partial.rma.state, 'inspected');
  assert.deepEqual(partial.applied.map((a) => [a.lineNumber, a.disposition, a.quantity]), [
    [1, 'restock', 3],
    [1, 'scrap', 1],
  ]);

  const tooMany = applyDisposition(partial.rma, { lines: [{ lineNumber: 3, disposition: 'restock', quantity: 3 }] }, iso(t0 + 3 * DAY));
  assert.ok(!tooMany.ok);
  assert.equal(tooMany.code, 'exceeds_received');
  const nothingLeft = applyDisposition(partial.rma, { lines: [{ lineNumber: 1, disposition: 'restock' }] }, iso(t0 + 3 * DAY));
  assert.ok(!nothingLeft.ok, 'line 1 is decided in full');

  const done = applyDisposition(partial.rma, { lines: [{ lineNumber: 3, disposition: 'vendor_return' }] }, iso(t0 + 3 * DAY));
  assert.ok(done.ok);
  assert.equal(done.complete, true);
  assert.equal(done.rma.state, 'disposed');
  assert.equal(done.rma.disposedAt, iso(t0 + 3 * DAY));

  const credited = applyCredit(done.rma, '019b76da-a800-7008-b590-6be31a34885d', iso(t0 + 3 * DAY));
  assert.ok(credited.ok);
  const again = applyDisposition(credited.rma, { lines: [{ lineNumber: 3, disposition: 'scrap' }] }, iso(t0 + 4 * DAY));
  assert.ok(!again.ok);
  assert.equal(again.code, 'invalid_state');
  assert.equal(applyDisposition(rma(), { lines: [{ lineNumber: 1, disposition: 'restock' }] }, iso(t0)).ok, false, 'nothing received yet');
});

test('a return is credited for every unit that came back at the order price, whatever its disposition', () => {
  const received = applyReceipt(rma(), { receiptNumber: 'R-1', lines: [{ lineNumber: 1, quantity: 3 }] }, iso(t0 + DAY));
  assert.ok(received.ok);
  const disposed = applyDisposition(received.rma, { lines: [{ lineNumber: 1, disposition: 'scrap', quantity: 1 }, { lineNumber: 1, disposition: 'restock' }] }, iso(t0 + DAY));
  assert.ok(disposed.ok && disposed.complete, 'line 3 received nothing and needs no disposition');
  assert.deepEqual(creditFor(disposed.rma), { lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 3, unitPriceMinor: 1049, amountMinor: 3147 }], totalMinor: 3147 });
  const credited = applyCredit(disposed.rma, '019b76da-a800-7008-b590-6be31a34885d', iso(t0 + DAY));
  assert.ok(credited.ok);
  assert.deepEqual([credited.rma.state, credited.rma.creditMemoId], ['credited', '019b76da-a800-7008-b590-6be31a34885d']);
  assert.equal(applyCredit(received.rma, '019b76da-a800-7008-b590-6be31a34885d', iso(t0)).ok, false, 'only a disposed return is credited');
});

test('an inspection-free receipt restocks everything received; bucket changes follow the ledger meaning of on hand', () => {
  const received = applyReceipt(rma({ inspectionRequired: false }), { receiptNumber: 'R-1', lines: [{ lineNumber: 3, quantity: 2 }] }, iso(t0 + DAY));
  assert.ok(received.ok);
  assert.deepEqual(restockEverything(received.rma), { lines: [{ lineNumber: 3, disposition: 'restock' }] });
  assert.deepEqual(receiptDeltas(true, 4), { onHand: 4, quarantined: 4 }, 'quarantined units are on hand but not sellable');
  assert.deepEqual(receiptDeltas(false, 4), { onHand: 4 });
  assert.deepEqual(dispositionDeltas('restock', 4), { quarantined: -4 }, 'restocking makes on-hand units sellable');
  assert.deepEqual(dispositionDeltas('scrap', 4), { quarantined: -4, onHand: -4 });
  assert.deepEqual(dispositionDeltas('vendor_return', 4), { quarantined: -4, onHand: -4 });
});

test('expiry takes only an RMA still waiting for goods, and never before its time', () => {
  const waiting = rma();
  assert.deepEqual(applyExpiry(waiting, t0 + 30 * DAY - 1), { ok: false, reason: 'not_due' });
  const expired = applyExpiry(waiting, t0 + 30 * DAY);
  assert.ok(expired.ok);
  assert.deepEqual([expired.rma.state, expired.rma.expiredAt], ['expired', iso(t0 + 30 * DAY)]);
  const received = applyReceipt(waiting, { receiptNumber: 'R-1', lines: [{ lineNumber: 1, quantity: 1 }] }, iso(t0 + DAY));
  assert.ok(received.ok);
  assert.deepEqual(applyExpiry(received.rma, t0 + 31 * DAY), { ok: false, reason: 'not_waiting' });
});
