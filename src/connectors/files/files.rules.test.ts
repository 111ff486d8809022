import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeOf, placeOf, renderReportText, summaryOf } from './files.report.ts';
import { archiveSubfolder, candidateName, claimedName, isIgnoredName, observe, originalName } from './files.rules.ts';
import type { FileReport } from './files.types.ts';

test('names a writer uses while a file is incomplete are never taken', () => {
  const table: Array<[string, boolean]> = [
    ['orders.csv', false],
    ['ORDERS.CSV', false],
    ['850_20260101.x12', false],
    ['.orders.csv', true],
    ['orders.csv.tmp', true],
    ['orders.csv.part', true],
    ['orders.csv.PARTIAL', true],
    ['orders.csv~', true],
    ['~$orders.csv', true],
    ['orders.csv.crdownload', true],
    ['orders.tmp.csv', false],
  ];
  for (const [name, ignored] of table) assert.equal(isIgnoredName(name), ignored, name);
});

test('a file is ready only when unchanged since the previous look and settled for long enough', () => {
  const seen = { sizeBytes: 10, mtimeMs: 5 };
  const first = observe(undefined, seen, 1_000, 0);
  assert.deepEqual(first, { look: { ...seen, stableSinceMs: 1_000 }, ready: false }, 'never at the first look');
  assert.equal(observe(first.look, seen, 1_000, 0).ready, true, 'unchanged at the second look, no settle time');
  const grown = observe(first.look, { ...seen, sizeBytes: 11 }, 2_000, 0);
  assert.deepEqual(grown, { look: { sizeBytes: 11, mtimeMs: 5, stableSinceMs: 2_000 }, ready: false }, 'a change starts the wait again');
  assert.equal(observe(first.look, { ...seen, mtimeMs: 6 }, 2_000, 0).ready, false, 'so does a new modification time');
  assert.equal(observe(first.look, seen, 30_999, 30_000).ready, false);
  assert.equal(observe(first.look, seen, 31_000, 30_000).ready, true);
});

test('a claimed name keeps the original name, and names of finished files never collide', () => {
  const id = '0190a000-0000-7000-8000-000000000001';
  assert.equal(originalName(claimedName(id, 'a__b.csv')), 'a__b.csv');
  assert.equal(originalName('dropped-by-hand.csv'), 'dropped-by-hand.csv');
  assert.deepEqual([1, 2, 3].map((n) => candidateName('orders.csv', n)), ['orders.csv', 'orders-2.csv', 'orders-3.csv']);
  assert.equal(candidateName('README', 2), 'README-2');
  assert.equal(candidateName('.profile', 2), '.profile-2');
  assert.equal(archiveSubfolder(Date.UTC(2026, 1, 28, 23, 59)), '2026-02-28');
});

test('the outcome counts what was taken in, and the text report names each place', () => {
  assert.deepEqual([outcomeOf(3, 0), outcomeOf(3, 1), outcomeOf(0, 1), outcomeOf(0, 0)], ['processed', 'partial', 'rejected', 'processed']);
  assert.equal(summaryOf('rejected', 0, 2), 'rejected: 2 problems; nothing was taken in');
  assert.equal(placeOf({ row: 3, line: 5, column: 'sku' }), 'row 3 (line 5), column sku');
  assert.equal(placeOf({ row: 3, line: 3 }), 'row 3');
  assert.equal(placeOf({}), 'file');

  const report: FileReport = {
    file: 'orders.csv',
    folder: 'acme',
    kind: 'csv-orders',
    source: 'file:acme',
    claimId: 'c-1',
    sha256: 'ab',
    sizeBytes: 10,
    claimedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    outcome: 'partial',
    storedAs: 'error/orders.csv',
    summary: summaryOf('partial', 1, 2),
    messages: [{ part: 'order:A', label: 'order A (row 2)', messageId: 'm-1', received: 'accepted', status: 'processed' }],
    messagesOmitted: 0,
    problemCount: 3,
    problems: [
      { row: 3, line: 3, column: 'quantity', code: 'bad_number', message: 'expected a whole number, got "x"' },
      { row: 4, line: 4, column: 'sku', code: 'unknown_item', message: 'line 1: sku NOPE is not a known item', messageId: 'm-2' },
    ],
  };
  const text = renderReportText(report);
  assert.match(text, /^File orders.csv from folder acme \(csv-orders\) was partly taken in/);
  assert.match(text, /Problems \(3, the first 2 listed\):/);
  assert.match(text, /  row 3, column quantity: expected a whole number, got "x" \[bad_number\]\n/);
  assert.match(text, /  row 4, column sku: line 1: sku NOPE is not a known item \[unknown_item\] \(inbox message m-2\)\n/);
  assert.match(text, /  order A \(row 2\): received, processed \(m-1\)/);
});
