import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIanaTimeZone } from './values.ts';
import { placeTimeZones, timeZoneOfPlace } from './place-time-zones.ts';

test('every zone the tables name is one the runtime knows', () => {
  const unknown = placeTimeZones().filter((zone) => !isIanaTimeZone(zone));
  assert.deepEqual(unknown, []);
  assert.ok(placeTimeZones().length > 60);
});

test('a place gets its region’s zone in the United States, Canada and Australia, else its country’s', () => {
  assert.equal(timeZoneOfPlace('US', 'NJ'), 'America/New_York');
  assert.equal(timeZoneOfPlace('US', 'ca'), 'America/Los_Angeles', 'any case');
  assert.equal(timeZoneOfPlace('US', ' Texas '), 'America/Chicago', 'a state’s name');
  assert.equal(timeZoneOfPlace('US', 'AZ'), 'America/Phoenix', 'no daylight saving');
  assert.equal(timeZoneOfPlace('CA', 'Québec'), 'America/Toronto');
  assert.equal(timeZoneOfPlace('CA', 'BC'), 'America/Vancouver');
  assert.equal(timeZoneOfPlace('AU', 'WA'), 'Australia/Perth', 'Western Australia, not Washington');
  assert.equal(timeZoneOfPlace('DE', 'Bayern'), 'Europe/Berlin', 'one zone for the country, whatever the region');
  assert.equal(timeZoneOfPlace('gb'), 'Europe/London');
  assert.equal(timeZoneOfPlace('US'), undefined, 'a country of several zones needs its region');
  assert.equal(timeZoneOfPlace('US', 'Narnia'), undefined);
  assert.equal(timeZoneOfPlace('AQ', 'Ross'), undefined, 'a country the tables do not know');
  assert.equal(timeZoneOfPlace('US', 'constructor'), undefined, 'no inherited keys');
});
