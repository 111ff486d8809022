import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdBuffer, IdTable } from './object-ids.ts';

function tableOf(ids: readonly string[]): { buffer: IdBuffer; table: IdTable } {
  const buffer = new IdBuffer(false);
  const table = new IdTable(buffer);
  for (const id of ids) {
    buffer.push(id);
    table.add(buffer.count - 1);
  }
  return { buffer, table };
}

test('every id added is found under its number, through many growths of the table', () => {
  // An order and its lines: ids alike but for their last characters, as the log's are.
  const ids: string[] = [];
  for (let order = 0; order < 4_000; order++) {
    const id = `order:0192f1d2-7c3a-7000-8000-${String(order).padStart(12, '0')}`;
    ids.push(id);
    for (let line = 1; line <= 12; line++) ids.push(`${id}:${line}`);
  }
  const { table } = tableOf(ids);
  ids.forEach((id, index) => assert.equal(table.find(id), index, id));
});

test('an id not added is not found, however close to one that was', () => {
  const { table } = tableOf(['order:A1', 'order:A10', 'customer:ACME', 'order:A1:1']);
  for (const missing of ['order:A', 'order:A100', 'order:A1:', 'order:a1', 'customer:ACM', 'customer:ACMEX', '', 'order:A1:2']) assert.equal(table.find(missing), -1, missing);
  assert.equal(table.find('order:A10'), 1);
  // Among many ids, where misses probe past ids that begin alike.
  const many = tableOf(Array.from({ length: 30_000 }, (_, i) => `order:${i}`)).table;
  for (let i = 0; i < 30_000; i += 7) {
    assert.equal(many.find(`order:${i}`), i);
    assert.equal(many.find(`order:${i + 30_000}`), -1);
    assert.equal(many.find(`order:${i}:`), -1);
    assert.equal(many.find(`order:${i}`.slice(0, -1) + '#'), -1);
  }
});

test('ids with characters past ASCII are found by their UTF-8 bytes', () => {
  const ids = ['customer:Müller GmbH', 'location:Łódź-1', 'customer:東京商事', 'customer:Muller GmbH', 'order:😀'];
  const { buffer, table } = tableOf(ids);
  ids.forEach((id, index) => {
    assert.equal(table.find(id), index, id);
    assert.equal(buffer.get(index), id);
  });
  assert.equal(table.find('customer:Müller GmbX'), -1);
  assert.equal(table.find('customer:東京'), -1);
  // A long id past the scratch buffer's first size.
  const long = `customer:${'ß'.repeat(300)}`;
  buffer.push(long);
  table.add(buffer.count - 1);
  assert.equal(table.find(long), ids.length);
});
