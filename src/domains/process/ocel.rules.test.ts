import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OcelDeclarations, ocelEvent, ocelObject, ocelTypeOf } from './ocel.rules.ts';

test('attribute types: times by name, integers, floats, booleans, strings', () => {
  assert.deepEqual(
    [ocelTypeOf('shippedAt', '2026-01-01T00:00:00.000Z'), ocelTypeOf('shippedAt', 'soon'), ocelTypeOf('units', 3), ocelTypeOf('mean', 2.5), ocelTypeOf('ok', true), ocelTypeOf('state', 'open')],
    ['time', 'string', 'integer', 'float', 'boolean', 'string'],
  );
});

test('declarations widen mixed types and list types and attributes in name order', () => {
  const d = new OcelDeclarations();
  d.event('Shipped', { units: 1 });
  d.event('Shipped', { units: 1.5, note: 'x' });
  d.event('Received', {});
  d.object('order', 'state', 'open');
  d.object('order', 'state', 3);
  d.object('item');
  assert.deepEqual(d.eventTypes(), [
    { name: 'Received', attributes: [] },
    { name: 'Shipped', attributes: [{ name: 'note', type: 'string' }, { name: 'units', type: 'float' }] },
  ]);
  assert.deepEqual(d.objectTypes(), [
    { name: 'item', attributes: [] },
    { name: 'order', attributes: [{ name: 'state', type: 'string' }] },
  ]);
});

test('values are written as strings, times as ISO 8601', () => {
  assert.deepEqual(ocelEvent({ id: 'e1', activity: 'Shipped', timeMs: 0, attributes: { units: 3, ok: false }, relationships: [{ objectId: 'order:1', qualifier: 'order' }] }), {
    id: 'e1',
    type: 'Shipped',
    time: '1970-01-01T00:00:00.000Z',
    attributes: [{ name: 'units', value: '3' }, { name: 'ok', value: 'false' }],
    relationships: [{ objectId: 'order:1', qualifier: 'order' }],
  });
  assert.deepEqual(ocelObject({ id: 'order:1', type: 'order', changes: [{ name: 'state', value: 'open', timeMs: 1000 }], links: [] }).attributes, [{ name: 'state', value: 'open', time: '1970-01-01T00:00:01.000Z' }]);
});
