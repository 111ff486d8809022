import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customerSchema } from '../../domains/catalog/index.ts';
import { orderIntakeSchema } from '../../domains/orders/index.ts';
import { sampleCustomer } from '../../../tests/fixtures/catalog.ts';
import { mapShopifyOrder, resolveShipTo, toCanonicalAddress, toMinorUnits } from './shopify-order.rules.ts';
import { sampleShopifyOrder } from './shopify.test-fixtures.ts';
import { shopifyOrderSchema } from './shopify.types.ts';

const customer = customerSchema.parse(sampleCustomer);
const defaults = { channelCode: 'WEB', customerCode: customer.code, shipToCode: 'ST-002' };
const map = (overrides: Record<string, unknown> = {}) => mapShopifyOrder(shopifyOrderSchema.parse(sampleShopifyOrder(overrides)), customer, defaults);

test('a Shopify order becomes the canonical order intake takes: id, name, lines in each at their unit price, matched ship-to', () => {
  const mapped = map();
  assert.ok(mapped.ok, JSON.stringify(mapped));
  assert.deepEqual(mapped.intake, {
    channel: 'WEB',
    externalOrderNumber: '5674321098765',
    customerCode: 'CUST-ACME',
    customerPo: '#1042',
    // "1 Main St." at 07102 is the customer's ship-to ST-001 ("1 Main St", 07102).
    shipToCode: 'ST-001',
    currency: 'USD',
    notes: 'Please leave at the loading dock.',
    lines: [
      { lineNumber: 1, sku: 'SKU-1', quantity: 3, unit: 'EA', unitPriceMinor: 1049 },
      { lineNumber: 2, sku: 'SKU-2', quantity: 2, unit: 'EA', unitPriceMinor: 1099 },
    ],
  });
  assert.equal(orderIntakeSchema.safeParse(mapped.intake).success, true, 'it passes the canonical schema as it is');
});

test('an address matching no ship-to travels with the order, under the default ship-to when one is configured', () => {
  const elsewhere = { ...(sampleShopifyOrder().shipping_address as object), address1: '77 Elm Road', address2: '', zip: '10001', city: 'New York', province_code: 'NY' };
  const mapped = map({ shipping_address: elsewhere });
  assert.ok(mapped.ok);
  assert.equal(mapped.intake.shipToCode, 'ST-002');
  assert.deepEqual(mapped.intake.shipToAddress, { name: 'Jane Doe', line1: '77 Elm Road', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' });
  const noDefault = mapShopifyOrder(shopifyOrderSchema.parse(sampleShopifyOrder({ shipping_address: elsewhere })), customer, { channelCode: 'WEB', customerCode: 'CUST-ACME' });
  assert.ok(noDefault.ok);
  assert.equal(noDefault.intake.shipToCode, undefined);
  assert.equal(noDefault.intake.shipToAddress?.line1, '77 Elm Road');
  // Without a shipping address, the default ship-to alone.
  const none = map({ shipping_address: null });
  assert.ok(none.ok);
  assert.deepEqual([none.intake.shipToCode, none.intake.shipToAddress], ['ST-002', undefined]);
});

test('ship-to matching ignores case, spacing and punctuation in the street, and spaces or hyphens in the postal code', () => {
  const address = toCanonicalAddress({ address1: '  1   MAIN st ', city: 'Newark', zip: '07-102', country_code: 'us' });
  assert.deepEqual(address, { line1: '1   MAIN st', city: 'Newark', postalCode: '07-102', country: 'US' });
  assert.deepEqual(resolveShipTo(address, customer, undefined), { shipToCode: 'ST-001' });
  assert.deepEqual(resolveShipTo({ ...address!, line1: '2 Main St' }, customer, undefined).shipToCode, undefined);
  assert.equal(toCanonicalAddress({ address1: '1 Main St', city: 'Newark', country_code: 'United States' }), undefined, 'no usable country code');
});

test('lines without a SKU are named by position; gift cards are skipped; an order of gift cards only has nothing to ship', () => {
  const items = sampleShopifyOrder().line_items as Array<Record<string, unknown>>;
  const noSku = map({ line_items: [items[0], { ...items[1], sku: '' }] });
  assert.equal(noSku.ok, false);
  assert.deepEqual(!noSku.ok && noSku.problems.map((p) => p.path), ['line_items.1.sku']);
  assert.match(!noSku.ok ? noSku.problems[0]!.message : '', /line 2: Nitrile gloves \(alternate brand\) - Large \(variant 45678901235\) has no SKU/);

  const giftCard = { ...items[0], id: 99, sku: null, gift_card: true, price: '25.00', quantity: 1 };
  const withGift = map({ line_items: [giftCard, items[1]] });
  assert.ok(withGift.ok);
  assert.deepEqual(withGift.intake.lines.map((l) => [l.lineNumber, l.sku]), [[2, 'SKU-2']], 'line numbers keep their position');
  const onlyGift = map({ line_items: [giftCard] });
  assert.deepEqual(!onlyGift.ok && onlyGift.problems.map((p) => p.path), ['line_items']);

  const badPrice = map({ line_items: [{ ...items[0], price: '10.499' }] });
  assert.deepEqual(!badPrice.ok && badPrice.problems.map((p) => p.path), ['line_items.0.price']);
});

test('the order id is read exactly: the GraphQL id first, a safe number or a string otherwise', () => {
  const noGid = (id: unknown) => map({ id, admin_graphql_api_id: undefined });
  const fromNumber = noGid(5_674_321_098_765);
  assert.equal(fromNumber.ok && fromNumber.intake.externalOrderNumber, '5674321098765');
  const fromString = noGid('820982911946154508');
  assert.equal(fromString.ok && fromString.intake.externalOrderNumber, '820982911946154508');
  // JSON.parse already rounded this one; its digits cannot be trusted.
  const unsafe = noGid(820982911946154508);
  assert.deepEqual(!unsafe.ok && unsafe.problems.map((p) => p.path), ['id']);
  const withGid = map({ id: 820982911946154508, admin_graphql_api_id: 'gid://shopify/Order/820982911946154508' });
  assert.equal(withGid.ok && withGid.intake.externalOrderNumber, '820982911946154508');
});

test('amounts become minor units by the currency’s own decimals, exactly, without floating point', () => {
  const cases: Array<[string | number, string, number | null]> = [
    ['10.49', 'USD', 1049],
    ['10', 'USD', 1000],
    ['10.5', 'USD', 1050],
    ['10.490', 'USD', 1049],
    ['0.07', 'USD', 7],
    [10.49, 'USD', 1049],
    ['1200', 'JPY', 1200],
    ['1200.00', 'JPY', 1200],
    ['1.234', 'BHD', 1234],
    ['10.499', 'USD', null],
    ['1200.5', 'JPY', null],
    ['-1.00', 'USD', null],
    ['1e3', 'USD', null],
    ['', 'USD', null],
    ['abc', 'USD', null],
  ];
  for (const [amount, currency, minor] of cases) {
    const result = toMinorUnits(amount, currency);
    assert.deepEqual(result.ok ? result.minor : null, minor, `${amount} ${currency}`);
  }
});
