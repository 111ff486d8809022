import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffDocuments } from './policies.diff.ts';

test('equal documents have no changes, whatever their key order', () => {
  assert.deepEqual(diffDocuments({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), []);
});

test('changed, added and removed leaves are named by dotted path', () => {
  const before = { mode: 'per_shipment', holds: { credit: { ownerRole: 'finance', slaHours: 4 }, pricing: { slaHours: 8 } }, old: true };
  const after = { mode: 'on_completion', holds: { credit: { ownerRole: 'finance', slaHours: 8 }, pricing: { slaHours: 8, extra: 1 } }, added: 'x' };
  assert.deepEqual(diffDocuments(before, after), [
    { path: 'mode', change: 'changed', before: 'per_shipment', after: 'on_completion' },
    { path: 'holds.credit.slaHours', change: 'changed', before: 4, after: 8 },
    { path: 'holds.pricing.extra', change: 'added', after: 1 },
    { path: 'old', change: 'removed', before: true },
    { path: 'added', change: 'added', after: 'x' },
  ]);
});

test('arrays compare as whole values; a change of type replaces the value', () => {
  assert.deepEqual(diffDocuments({ codes: ['A', 'B'] }, { codes: ['A', 'C'] }), [
    { path: 'codes', change: 'changed', before: ['A', 'B'], after: ['A', 'C'] },
  ]);
  assert.deepEqual(diffDocuments({ x: { y: 1 } }, { x: 5 }), [{ path: 'x', change: 'changed', before: { y: 1 }, after: 5 }]);
  assert.deepEqual(diffDocuments(1, 2), [{ path: '', change: 'changed', before: 1, after: 2 }]);
  assert.deepEqual(diffDocuments({ n: null }, { n: 0 }), [{ path: 'n', change: 'changed', before: null, after: 0 }]);
});
