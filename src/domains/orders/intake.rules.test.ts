import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Customer, Item, TradingPartner } from '../catalog/index.ts';
import { checkCredit, resolveIntake, type IntakeMasterData } from './intake.rules.ts';
import { orderIntakeSchema } from './orders.types.ts';

const customer = {
  code: 'ACME',
  name: 'Acme',
  tier: 'key',
  channels: ['EDI', 'WEB'],
  creditLimitMinor: 100_000,
  currency: 'USD',
  paymentTermsDays: 30,
  serviceLevel: 'standard',
  acceptsSplits: true,
  acceptsSubstitutions: false,
  acceptsBackorders: true,
  tradingPartnerCode: 'ACME-EDI',
  erpCreditHold: false,
  openReceivablesMinor: 20_000,
  shipTos: [{ code: 'DC1', name: 'DC 1', address: { line1: '1 Road', city: 'Town', region: 'TX', postalCode: '75001', country: 'US' } }],
} as unknown as Customer;
const item = (sku: string, fields: Partial<Item> = {}) =>
  ({ sku, description: sku, baseUnit: 'EA', packSizes: [{ unit: 'CA', quantity: 12 }], itemClass: 'HW', status: 'active', unitCostMinor: 50, listPriceMinor: 100, currency: 'USD', substitutes: [], gtin: undefined, ...fields }) as unknown as Item;
const partner = { code: 'ACME-EDI', itemCrossReferences: [{ partnerItem: 'ACME-777', sku: 'B' }, { gtin: '00012345678905', sku: 'A' }], unitMappings: [{ partnerUnit: 'BX', unit: 'CA' }] } as unknown as TradingPartner;
const md: IntakeMasterData = {
  customer,
  partner,
  itemsBySku: new Map([['A', item('A')], ['B', item('B', { listPriceMinor: 250 })], ['OLD', item('OLD', { status: 'discontinued' })]]),
  skuByGtin: new Map(),
};
/** Noon on 22 November 2026, UTC. */
const NOW_MS = Date.parse('2026-11-22T12:00:00Z');
const intake = (fields: Record<string, unknown> = {}, lines: unknown[] = [{ lineNumber: 1, sku: 'A', quantity: 2, unit: 'CA' }]) =>
  orderIntakeSchema.parse({ channel: 'EDI', partnerCode: 'ACME-EDI', externalOrderNumber: 'PO-1', customerCode: 'ACME', shipToCode: 'DC1', lines, ...fields });

test('lines resolve by SKU, partner item and partner GTIN, with units converted and partner units mapped', () => {
  const result = resolveIntake(
    intake({}, [
      { lineNumber: 1, sku: 'A', quantity: 2, unit: 'CA' },
      { lineNumber: 2, partnerItem: 'ACME-777', quantity: 5 },
      { lineNumber: 3, gtin: '00012345678905', quantity: 1, unit: 'BX' },
    ]),
    md,
    NOW_MS,
    0.02,
  );
  assert.ok(result.ok);
  assert.deepEqual(result.lines.map((l) => [l.lineNumber, l.sku, l.orderedUnit, l.orderedQuantity, l.unitPriceMinor]), [
    [1, 'A', 'CA', 24, 100],
    [2, 'B', 'EA', 5, 250],
    [3, 'A', 'CA', 12, 100],
  ]);
  assert.equal(result.valueMinor, 24 * 100 + 5 * 250 + 12 * 100);
});

const problemCases: Array<{ name: string; fields?: Record<string, unknown>; lines?: unknown[]; code: string; path: string }> = [
  { name: 'unknown customer', fields: { customerCode: 'NOPE' }, code: 'unknown_customer', path: 'customerCode' },
  { name: 'channel the customer does not use', fields: { channel: 'FAX' }, code: 'channel_not_allowed', path: 'channel' },
  { name: 'ship-to not the customer’s', fields: { shipToCode: 'DC9' }, code: 'unknown_ship_to', path: 'shipToCode' },
  { name: 'date in the past', fields: { requestedDeliveryDate: '2026-11-01' }, code: 'date_in_past', path: 'requestedDeliveryDate' },
  { name: 'other currency', fields: { currency: 'EUR' }, code: 'currency_mismatch', path: 'currency' },
  { name: 'unknown SKU names its line', lines: [{ lineNumber: 1, sku: 'A', quantity: 1 }, { lineNumber: 7, sku: 'ZZZ', quantity: 1 }], code: 'unknown_item', path: 'lines.1.sku' },
  { name: 'unknown partner item', lines: [{ lineNumber: 1, partnerItem: 'X-1', quantity: 1 }], code: 'unknown_item', path: 'lines.0.partnerItem' },
  { name: 'discontinued item', lines: [{ lineNumber: 1, sku: 'OLD', quantity: 1 }], code: 'item_not_orderable', path: 'lines.0.sku' },
  { name: 'unit the item lacks', lines: [{ lineNumber: 1, sku: 'A', quantity: 1, unit: 'PL' }], code: 'unknown_unit', path: 'lines.0.unit' },
];
for (const c of problemCases) {
  test(`intake refuses: ${c.name}`, () => {
    const result = resolveIntake(intake(c.fields ?? {}, c.lines), { ...md, customer: c.fields?.['customerCode'] === 'NOPE' ? undefined : customer }, NOW_MS, 0.02);
    assert.equal(result.ok, false);
    const problem = !result.ok ? result.problems[0]! : undefined;
    assert.equal(problem?.code, c.code);
    assert.equal(problem?.path, c.path);
    assert.ok(problem?.message.length);
  });
}

test('a price off the list by more than the tolerance is reported per line, per base unit', () => {
  const result = resolveIntake(intake({}, [{ lineNumber: 1, sku: 'A', quantity: 1, unit: 'CA', unitPriceMinor: 1_200 }, { lineNumber: 2, sku: 'B', quantity: 1, unitPriceMinor: 200 }]), md, NOW_MS, 0.02);
  assert.ok(result.ok);
  assert.deepEqual(result.variances, [{ lineNumber: 2, expectedUnitPriceMinor: 200, unitPriceMinor: 250, varianceRatio: 0.2 }]);
});

test('credit: receivables + open orders + this order against the limit, or the ERP flag', () => {
  assert.deepEqual(checkCredit(customer, 30_000, 50_000, 0), { hold: false, exposureMinor: 100_000, limitMinor: 100_000 });
  const over = checkCredit(customer, 30_000, 50_001, 0);
  assert.equal(over.hold && over.reasonCode, 'over_credit_limit');
  assert.equal(checkCredit(customer, 30_000, 50_001, 0.05).hold, false, 'within tolerance');
  const erp = checkCredit({ ...customer, erpCreditHold: true }, 0, 1, 0);
  assert.equal(erp.hold && erp.reasonCode, 'erp_credit_hold');
});

test("a requested delivery date is in the past by the calendar at the ship-to: its zone, else its region's, else UTC", () => {
  // 17:30 on 22 November in Los Angeles is already the 23rd in UTC.
  const evening = Date.parse('2026-11-23T01:30:00Z');
  const west = { ...customer, shipTos: [...customer.shipTos, { code: 'LA1', name: 'LA 1', address: { line1: '1 Ave', city: 'Los Angeles', region: 'CA', postalCode: '90001', country: 'US' }, timezone: 'America/Los_Angeles' }] };
  const sameDay = resolveIntake(intake({ shipToCode: 'LA1', requestedDeliveryDate: '2026-11-22' }), { ...md, customer: west }, evening, 0.02);
  assert.ok(sameDay.ok, JSON.stringify(sameDay));
  const yesterday = resolveIntake(intake({ shipToCode: 'LA1', requestedDeliveryDate: '2026-11-21' }), { ...md, customer: west }, evening, 0.02);
  assert.ok(!yesterday.ok);
  assert.equal(yesterday.problems[0]!.message, 'requestedDeliveryDate: 2026-11-21 is before today (2026-11-22, at the ship-to, America/Los_Angeles)');
  // A ship-to without a zone counts days in its state's: DC1 is in Texas, where it is 19:30 on the 22nd.
  const texas = resolveIntake(intake({ requestedDeliveryDate: '2026-11-22' }), { ...md, customer: west }, evening, 0.02);
  assert.ok(texas.ok, JSON.stringify(texas));
  const texasYesterday = resolveIntake(intake({ requestedDeliveryDate: '2026-11-21' }), { ...md, customer: west }, evening, 0.02);
  assert.ok(!texasYesterday.ok);
  assert.equal(texasYesterday.problems[0]!.message, 'requestedDeliveryDate: 2026-11-21 is before today (2026-11-22, at the ship-to, America/Chicago)');
  // A place the hub knows no zone for counts days in UTC.
  const faraway = { ...customer, shipTos: [{ code: 'DC1', name: 'DC 1', address: { line1: '1 Base', city: 'McMurdo', region: 'Ross', postalCode: '0', country: 'AQ' } }] } as unknown as Customer;
  const utc = resolveIntake(intake({ requestedDeliveryDate: '2026-11-22' }), { ...md, customer: faraway }, evening, 0.02);
  assert.ok(!utc.ok);
  assert.equal(utc.problems[0]!.message, 'requestedDeliveryDate: 2026-11-22 is before today (2026-11-23, UTC)');
  // An ad hoc address that names its zone counts days there; one that does not, in its state's.
  const address = { line1: '9 Pier', city: 'Santa Monica', region: 'CA', postalCode: '90401', country: 'US', timezone: 'America/Los_Angeles' };
  const adHoc = resolveIntake(intake({ shipToCode: undefined, shipToAddress: address, requestedDeliveryDate: '2026-11-22' }), { ...md, customer: west }, evening, 0.02);
  assert.ok(adHoc.ok, JSON.stringify(adHoc));
  const { timezone: _zone, ...noZone } = address;
  assert.ok(resolveIntake(intake({ shipToCode: undefined, shipToAddress: noZone, requestedDeliveryDate: '2026-11-22' }), { ...md, customer: west }, evening, 0.02).ok, 'California: Los Angeles');
  assert.ok(!resolveIntake(intake({ shipToCode: undefined, shipToAddress: { ...noZone, region: 'Lazio', country: 'IT' }, requestedDeliveryDate: '2026-11-22' }), { ...md, customer: west }, evening, 0.02).ok, 'Italy: already the 23rd in Rome');
});
