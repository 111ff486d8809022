import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJsonSchema, canonicalSchemas } from './canonical.ts';
import { orderIntakeSchema } from './domains/orders/index.ts';
import { invoiceSchema } from './domains/finance/index.ts';
import { inventoryEventSchema } from './domains/inventory/index.ts';

test('every canonical schema converts to a JSON Schema object', () => {
  for (const name of Object.keys(canonicalSchemas)) {
    const json = canonicalJsonSchema(name);
    assert.ok(json, name);
    assert.equal(json.type, 'object', `${name} is an object schema`);
    assert.ok(json.properties, `${name} lists its properties`);
  }
});

test('order intake needs an item reference per line, unique line numbers and a ship-to', () => {
  const base = {
    channel: 'EDI',
    externalOrderNumber: 'PO-1',
    customerCode: 'C1',
    shipToCode: 'DC1',
    lines: [{ lineNumber: 1, sku: 'A', quantity: 2 }],
  };
  const ok = orderIntakeSchema.parse(base);
  assert.equal(ok.lines[0]!.unit, 'EA', 'unit defaults to each');
  assert.equal(ok.currency, 'USD');

  const noItem = orderIntakeSchema.safeParse({ ...base, lines: [{ lineNumber: 1, quantity: 2 }] });
  assert.equal(noItem.success, false);
  assert.deepEqual(noItem.error!.issues[0]!.path, ['lines', 0, 'sku']);

  const dupLines = orderIntakeSchema.safeParse({ ...base, lines: [base.lines[0], base.lines[0]] });
  assert.equal(dupLines.success, false);
  assert.match(dupLines.error!.issues[0]!.message, /unique/);

  const noShipTo = orderIntakeSchema.safeParse({ ...base, shipToCode: undefined });
  assert.equal(noShipTo.success, false);

  const unknownField = orderIntakeSchema.safeParse({ ...base, colour: 'red' });
  assert.equal(unknownField.success, false);
  assert.equal(unknownField.error!.issues[0]!.code, 'unrecognized_keys');

  const fractional = orderIntakeSchema.safeParse({ ...base, lines: [{ lineNumber: 1, sku: 'A', quantity: 1.5 }] });
  assert.equal(fractional.success, false);
});

test('an invoice must balance: line amounts and total', () => {
  const invoice = {
    id: '019b76da-a800-7008-b590-6be31a34885b',
    invoiceNumber: 'INV-1',
    orderId: '019b76da-a800-7008-b590-6be31a34885c',
    shipmentIds: ['019b76da-a800-7008-b590-6be31a34885d'],
    customerCode: 'C1',
    currency: 'USD',
    lines: [{ lineNumber: 1, sku: 'A', quantity: 3, unitPriceMinor: 250, amountMinor: 750 }],
    totalMinor: 750,
    issuedAt: '2026-01-01T00:00:00Z',
    state: 'issued',
  };
  assert.equal(invoiceSchema.safeParse(invoice).success, true);
  assert.equal(invoiceSchema.safeParse({ ...invoice, totalMinor: 751 }).success, false);
  const badLine = { ...invoice, lines: [{ ...invoice.lines[0], amountMinor: 700 }], totalMinor: 700 };
  assert.equal(invoiceSchema.safeParse(badLine).success, false);
});

test('inventory events reject fractional quantities and times without offset', () => {
  const event = { source: 'WMS-EAST', sequence: 1, type: 'receipt', sku: 'A', locationCode: 'EAST', quantity: 10, occurredAt: '2026-01-01T00:00:00Z' };
  assert.equal(inventoryEventSchema.safeParse(event).success, true);
  assert.equal(inventoryEventSchema.safeParse({ ...event, quantity: 0.5 }).success, false);
  assert.equal(inventoryEventSchema.safeParse({ ...event, occurredAt: 'yesterday' }).success, false);
});
