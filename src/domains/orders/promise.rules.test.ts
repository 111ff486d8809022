import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryTimeZone } from './promise.rules.ts';

const address = (region: string, country = 'US') => ({ line1: '1 Road', city: 'Town', region, postalCode: '00000', country });
const customer = {
  shipTos: [
    { code: 'ZONED', name: 'Zoned', address: address('NJ'), timezone: 'America/Chicago' },
    { code: 'NJ', name: 'Newark', address: address('NJ') },
    { code: 'FAR', name: 'Far', address: address('Ross', 'AQ') },
  ],
};

test('the delivery zone: the address’s own, its region’s, the ship-to’s, the ship-to address’s region’s, else none', () => {
  assert.equal(deliveryTimeZone({ shipToCode: 'ZONED', shipToAddress: { ...address('CA'), timezone: 'Pacific/Honolulu' } }, customer), 'Pacific/Honolulu');
  assert.equal(deliveryTimeZone({ shipToCode: 'ZONED', shipToAddress: address('CA') }, customer), 'America/Los_Angeles', 'an ad hoc address is where the goods go');
  assert.equal(deliveryTimeZone({ shipToCode: 'ZONED', shipToAddress: address('Ross', 'AQ') }, customer), 'America/Chicago', 'an address of no known zone: the ship-to’s');
  assert.equal(deliveryTimeZone({ shipToCode: 'ZONED' }, customer), 'America/Chicago', 'master data’s zone over the state’s');
  assert.equal(deliveryTimeZone({ shipToCode: 'NJ' }, customer), 'America/New_York');
  assert.equal(deliveryTimeZone({ shipToCode: 'FAR' }, customer), undefined, 'UTC then');
  assert.equal(deliveryTimeZone({ shipToCode: 'NJ' }, undefined), undefined, 'no master data read');
  assert.equal(deliveryTimeZone({ shipToAddress: address('Ross', 'AQ') }, customer), undefined);
});
