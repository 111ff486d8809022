import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvTokenizer, readCsv, type CsvRecord, type CsvReaderOptions } from './csv.reader.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

function readAll(input: Uint8Array, options: CsvReaderOptions = {}, chunkSize = input.length || 1): CsvRecord[] {
  const tokenizer = new CsvTokenizer(options);
  const records: CsvRecord[] = [];
  for (let i = 0; i < input.length; i += chunkSize) records.push(...tokenizer.push(input.subarray(i, i + chunkSize)));
  records.push(...tokenizer.end());
  return records;
}
const cells = (text: string, options: CsvReaderOptions = {}) => readAll(bytes(text), options).map((r) => r.cells);

test('RFC 4180: quoted cells, escaped quotes, delimiters and line breaks inside quotes', () => {
  assert.deepEqual(cells('a,b,c\r\n"x,1","say ""hi""","two\r\nlines"\r\n'), [
    ['a', 'b', 'c'],
    ['x,1', 'say "hi"', 'two\r\nlines'],
  ]);
  assert.deepEqual(cells('a,b\n1,\n,2\n""," "'), [['a', 'b'], ['1', ''], ['', '2'], ['', ' ']]);
});

test('LF, CRLF and lone CR all end a row; blank lines are skipped but keep their row number', () => {
  const records = readAll(bytes('h\r\n1\n\n2\r3\r\n\r\n4'));
  assert.deepEqual(records.map((r) => [r.row, r.line, r.cells[0]]), [
    [1, 1, 'h'],
    [2, 2, '1'],
    [4, 4, '2'],
    [5, 5, '3'],
    [7, 7, '4'],
  ]);
});

test('a row starting after a multi-line quoted cell is numbered by its line and its row', () => {
  const records = readAll(bytes('h1,h2\n"a\nb\r\nc",x\nnext,y\n'));
  assert.deepEqual(records.map((r) => [r.row, r.line]), [[1, 1], [2, 2], [3, 5]]);
});

test('a byte order mark is dropped, even when it arrives one byte at a time; a lone EF byte is kept', () => {
  const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('sku,qty\nA,1\n')]);
  for (const size of [1, 2, 3, 100]) assert.deepEqual(readAll(withBom, {}, size).map((r) => r.cells), [['sku', 'qty'], ['A', '1']]);
  const notBom = Uint8Array.from([0xef, 0x41, 0x0a]);
  const [record] = readAll(notBom, {}, 1);
  assert.equal(record!.problems[0]?.code, 'invalid_utf8');
});

test('another delimiter is honoured and a comma is then plain text', () => {
  assert.deepEqual(cells('a;b\n"1;2";3,5\n', { delimiter: ';' }), [['a', 'b'], ['1;2', '3,5']]);
  assert.deepEqual(cells('a\tb\n1\t2', { delimiter: '\t' }), [['a', 'b'], ['1', '2']]);
});

test('deviations are problems in their row and cell, and the rows after them still line up', () => {
  const records = readAll(bytes('a,b\nx"y,2\n"q"z,3\nok,4\n'));
  assert.deepEqual(records.map((r) => r.cells), [['a', 'b'], ['x"y', '2'], ['qz', '3'], ['ok', '4']]);
  assert.deepEqual(records[1]!.problems.map((p) => [p.code, p.field, p.line]), [['stray_quote', 0, 2]]);
  assert.deepEqual(records[2]!.problems.map((p) => [p.code, p.field, p.line]), [['text_after_quote', 0, 3]]);
  assert.deepEqual(records[3]!.problems, []);
});

test('an unclosed quote is reported on the row where it opened', () => {
  const records = readAll(bytes('a,b\n1,"open\n2,3\n'));
  assert.equal(records.length, 2);
  assert.deepEqual(records[1]!.problems.map((p) => [p.code, p.field]), [['unclosed_quote', 1]]);
  assert.match(records[1]!.problems[0]!.message, /opened on line 2/);
});

test('invalid UTF-8 is named by its cell; valid multi-byte text split across chunks is not', () => {
  const input = Uint8Array.from([...bytes('a,b\nÄ€,'), 0xc3, 0x28, ...bytes(',z\n')]);
  for (const size of [1, 2, 5, 64]) {
    const records = readAll(input, {}, size);
    assert.equal(records[1]!.cells[0], 'Ä€');
    assert.deepEqual(records[1]!.problems.map((p) => [p.code, p.field]), [['invalid_utf8', 1]]);
  }
});

test('a huge cell and a row with too many cells are cut and reported, not kept whole', () => {
  const huge = 'x'.repeat(10_000);
  const [, record] = readAll(bytes(`a\n${huge},1,2,3\n`), { maxFieldBytes: 100, maxFieldsPerRow: 2 }, 999);
  assert.equal(record!.cells[0]!.length, 100);
  assert.equal(record!.cells.length, 2);
  assert.deepEqual(record!.problems.map((p) => [p.code, p.field]), [['field_too_large', 0], ['too_many_fields', 2]]);
});

test('readCsv streams from an async source', async () => {
  async function* source() {
    yield bytes('a,b\n1,');
    yield bytes('2\n');
  }
  const seen: string[][] = [];
  for await (const record of readCsv(source())) seen.push(record.cells);
  assert.deepEqual(seen, [['a', 'b'], ['1', '2']]);
});

test('a delimiter that would break the framing is refused', () => {
  for (const delimiter of ['"', '\n', ';;', 'é']) assert.throws(() => new CsvTokenizer({ delimiter }), /delimiter/);
});
