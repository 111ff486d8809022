import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X12Tokenizer, type X12Token } from './tokenizer.ts';
import { interchange, PO_850 } from './x12.test-support.ts';

const tokensOf = (input: string | Buffer): X12Token[] => {
  const tokenizer = new X12Tokenizer();
  return [...tokenizer.push(input), ...tokenizer.end()];
};
const segmentsOf = (input: string | Buffer) => tokensOf(input).flatMap((token) => (token.segment ? [token.segment] : []));
const issuesOf = (input: string | Buffer) => tokensOf(input).flatMap((token) => token.issues);

/** An ISA with chosen delimiters: element separator, ISA11, component separator and terminator. */
const isa = (element: string, isa11: string, component: string, terminator: string, version = '00401') =>
  ['ISA', '00', '          ', '00', '          ', 'ZZ', 'SENDER         ', 'ZZ', 'RECEIVER       ', '260714', '1200', isa11, version, '000000001', '0', 'P', component].join(element) + terminator;

test('delimiters are read from the ISA by position: element after ISA, component ISA16, terminator after it', () => {
  const text = `${isa('|', 'U', '\\', '!')}GS|PO|A|B|20260714|1200|1|X|004010!ST|850|0001!REF|ZZ|A\\B!SE|3|0001!GE|1|1!IEA|1|000000001!`;
  const segments = segmentsOf(text);
  assert.deepEqual(segments.map((s) => s.id), ['ISA', 'GS', 'ST', 'REF', 'SE', 'GE', 'IEA']);
  assert.deepEqual(segments[0]?.delimiters, { element: '|', component: '\\', repetition: null, segment: '!' });
  assert.deepEqual(segments[3]?.elements, ['REF', 'ZZ', 'A\\B']);
  assert.deepEqual(issuesOf(text), []);
});

test('ISA11 is the repetition separator unless it is the standards identifier U', () => {
  assert.equal(segmentsOf(`${isa('*', '^', ':', '~', '00501')}IEA*0*000000001~`)[0]?.delimiters.repetition, '^');
  assert.equal(segmentsOf(`${isa('*', 'U', ':', '~', '00401')}IEA*0*000000001~`)[0]?.delimiters.repetition, null);
});

test('a newline can be the segment terminator, and a missing final terminator is then no problem', () => {
  const text = `${isa('*', 'U', '>', '\n')}GS*OW*A*B*20260714*1200*1*X*004010\nIEA*0*000000001`;
  const tokens = tokensOf(text);
  assert.deepEqual(tokens.map((t) => t.segment?.id), ['ISA', 'GS', 'IEA']);
  assert.deepEqual(tokens.flatMap((t) => t.issues), []);
});

test('CR LF after newline terminators is not data', () => {
  const text = `${isa('*', 'U', '>', '\r\n')}GS*OW*A*B*20260714*1200*1*X*004010\r\nIEA*0*000000001\r\n`;
  // The terminator is CR (the byte after ISA16); the LF after each one is skipped.
  assert.deepEqual(segmentsOf(text).map((s) => s.elements.at(-1)), ['>', '004010', '000000001']);
  const lf = `${isa('*', 'U', '>', '\n')}GS*OW*A*B*20260714*1200*1*X*004010\r\nIEA*0*000000001\r\n`;
  assert.deepEqual(segmentsOf(lf).map((s) => s.elements.at(-1)), ['>', '004010', '000000001']);
});

test('a terminator followed by CR LF and blank lines between segments reads the same as without', () => {
  const plain = interchange([PO_850]).replace(/\n/g, '');
  const spaced = interchange([PO_850]).replace(/~\n/g, '~\r\n\r\n\n');
  assert.deepEqual(segmentsOf(spaced).map((s) => s.elements), segmentsOf(plain).map((s) => s.elements));
  assert.deepEqual(issuesOf(spaced), []);
});

test('"~" and a line break ends a segment even when the ISA declares another terminator, with a warning', () => {
  const text = `${isa('*', 'U', '{', '$')}\nGS*SH*A*B*20260714*1200*1*X*004010$\nN1*SU*ACME~\n\nN3*1 MAIN ST~\nN4*CITY$\nIEA*0*000000001$\n`;
  const tokens = tokensOf(text);
  assert.deepEqual(tokens.map((t) => t.segment?.elements.join('*')), [
    tokens[0]?.segment?.elements.join('*'),
    'GS*SH*A*B*20260714*1200*1*X*004010',
    'N1*SU*ACME',
    'N3*1 MAIN ST',
    'N4*CITY',
    'IEA*0*000000001',
  ]);
  const warnings = tokens.flatMap((t) => t.issues);
  assert.deepEqual(warnings.map((w) => [w.code, w.severity, w.segmentId]), [
    ['segment_terminator_mixed', 'warning', 'N1'],
    ['segment_terminator_mixed', 'warning', 'N3'],
  ]);
  assert.match(warnings[0]?.message ?? '', /declares "\$" as the segment terminator/);
});

test('a line break inside a segment (a file wrapped at a fixed width) is dropped with a warning', () => {
  const text = `${isa('*', 'U', '>', '~')}GS*PO*A*B*2026\n0714*1200*1*X*004010~IEA*0*000000001~`;
  const tokens = tokensOf(text);
  assert.equal(tokens[1]?.segment?.elements.join('*'), 'GS*PO*A*B*20260714*1200*1*X*004010');
  assert.deepEqual(tokens.flatMap((t) => t.issues).map((i) => [i.code, i.severity]), [['segment_line_break', 'warning']]);
});

test('segments carry their position in the set, in the file, and their byte offset', () => {
  const text = interchange([PO_850]);
  const segments = segmentsOf(text);
  assert.deepEqual(segments.map((s) => s.setPosition), [null, null, 1, 2, 3, 4, 5, 6, 7, 8, null, null]);
  assert.deepEqual(segments.map((s) => s.filePosition), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const segment of segments) assert.equal(text.slice(segment.byteOffset, segment.byteOffset + segment.id.length), segment.id);
});

test('byte offsets count UTF-8 bytes, not characters', () => {
  const text = interchange([['BEG*00*SA*PO1**20260714', 'N1*ST*CAFÉ NOËL*92*1', 'PO1*1*1*EA*1**VN*A', 'CTT*1']]);
  const segments = segmentsOf(text);
  const afterAccents = segments.find((s) => s.id === 'PO1');
  assert.equal(segments.find((s) => s.id === 'N1')?.elements[2], 'CAFÉ NOËL');
  assert.equal(Buffer.from(text).toString('utf8', afterAccents?.byteOffset, (afterAccents?.byteOffset ?? 0) + 3), 'PO1');
  assert.equal(afterAccents?.byteOffset, Buffer.byteLength(text.slice(0, text.indexOf('PO1*1'))));
});

test('several interchanges in one input, each with its own delimiters, and filler between them', () => {
  const first = `${isa('*', 'U', '>', '~')}IEA*0*000000001~`;
  const second = `${isa('|', 'U', ':', '\n')}IEA|0|000000001\n`;
  const segments = segmentsOf(`\uFEFF${first}\r\n\r\n  ${second}\u001a`);
  assert.deepEqual(segments.map((s) => [s.id, s.delimiters.element, s.delimiters.segment]), [
    ['ISA', '*', '~'],
    ['IEA', '*', '~'],
    ['ISA', '|', '\n'],
    ['IEA', '|', '\n'],
  ]);
});

test('input that is not X12 is reported once, with where it was found', () => {
  const issues = issuesOf('hello, this is not an interchange');
  assert.deepEqual(issues.map((i) => [i.code, i.byteOffset]), [['isa_expected', 0]]);
  assert.match(issues[0]?.message ?? '', /expected an ISA segment at byte 0, found "hello/);
});

test('"ISA" inside data is not mistaken for an interchange', () => {
  const text = interchange([['BEG*00*SA*PO1**20260714', 'N1*ST*ISA DISALLOWED*92*1', 'PO1*1*1*EA*1**VN*A', 'CTT*1']]);
  assert.equal(segmentsOf(text).filter((s) => s.id === 'ISA').length, 1);
  assert.deepEqual(issuesOf(text), []);
});

test('garbage after an interchange is reported and the next ISA is still found', () => {
  const one = `${isa('*', 'U', '>', '~')}IEA*0*000000001~`;
  const tokens = tokensOf(`${one}GARBAGE WITH ISALLE IN IT${one}`);
  assert.deepEqual(tokens.map((t) => t.segment?.id ?? t.issues[0]?.code), ['ISA', 'IEA', 'isa_expected', 'ISA', 'IEA']);
});

test('an ISA whose delimiters cannot be read is an error, not a crash', () => {
  const truncated = issuesOf('ISA*00*          *00*');
  assert.deepEqual(truncated.map((i) => i.code), ['isa_invalid']);
  const badTerminator = issuesOf(isa('*', 'U', '>', 'X'));
  assert.deepEqual(badTerminator.map((i) => [i.code, i.elementPosition]), [['delimiter_invalid', 16]]);
  const sameAsElement = tokensOf(`${isa('*', 'U', '*', '~')}IEA*0*000000001~`);
  assert.equal(sameAsElement[0]?.issues[0]?.code, 'delimiter_invalid');
});

test('a segment longer than the limit is skipped with an error and reading goes on', () => {
  const tokenizer = new X12Tokenizer({ maxSegmentBytes: 64 });
  const text = `${isa('*', 'U', '>', '~')}NTE*GEN*${'X'.repeat(200)}~IEA*0*000000001~`;
  const tokens = [...tokenizer.push(text), ...tokenizer.end()];
  assert.deepEqual(tokens.map((t) => t.segment?.id ?? t.issues[0]?.code), ['ISA', 'segment_too_long', 'IEA']);
  // Without a terminator in sight, the reader stops buffering at the limit.
  const streaming = new X12Tokenizer({ maxSegmentBytes: 64 });
  const first = streaming.push(`${isa('*', 'U', '>', '~')}NTE*GEN*${'X'.repeat(100)}`);
  assert.deepEqual(first.map((t) => t.segment?.id ?? t.issues[0]?.code), ['ISA', 'segment_too_long']);
  assert.deepEqual([...streaming.push(`${'X'.repeat(100)}~IEA*0*000000001~`), ...streaming.end()].map((t) => t.segment?.id), ['IEA']);
});

test('bytes that are not UTF-8 are named by element', () => {
  const text = Buffer.concat([Buffer.from(`${isa('*', 'U', '>', '~')}NTE*GEN*BAD `), Buffer.from([0xff, 0xfe]), Buffer.from('~IEA*0*000000001~')]);
  const issues = issuesOf(text);
  assert.deepEqual(issues.map((i) => [i.code, i.segmentId, i.elementPosition]), [['invalid_character', 'NTE', 2]]);
});

test('an invalid segment id is reported but does not stop reading', () => {
  const text = `${isa('*', 'U', '>', '~')}po1*1~IEA*0*000000001~`;
  const tokens = tokensOf(text);
  assert.deepEqual(tokens.map((t) => t.segment?.id), ['ISA', 'po1', 'IEA']);
  assert.equal(tokens[1]?.issues[0]?.code, 'segment_id_invalid');
});

test('a long segment arriving a few bytes at a time reads as one segment', () => {
  const text = `${isa('*', 'U', '>', '~')}NTE*GEN*${'X'.repeat(200_000)}~IEA*0*000000001~`;
  const tokenizer = new X12Tokenizer();
  const tokens: X12Token[] = [];
  for (let at = 0; at < text.length; at += 5) tokens.push(...tokenizer.push(text.slice(at, at + 5)));
  tokens.push(...tokenizer.end());
  assert.deepEqual(tokens.map((t) => [t.segment?.id, t.segment?.elements[2]?.length ?? 0]), [['ISA', 10], ['NTE', 200_000], ['IEA', 9]]);
});
