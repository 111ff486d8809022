import { isUtf8 } from 'node:buffer';
import { invariant } from '../../platform/errors.ts';

/**
 * A streaming RFC 4180 reader. It works on bytes, not text: the structural characters (quote,
 * delimiter, CR, LF) are ASCII, and in UTF-8 an ASCII byte never occurs inside a multi-byte
 * character, so splitting on bytes is exact and each cell is decoded on its own. That is what lets
 * an invalid UTF-8 sequence be reported in its row and column instead of turning the whole file
 * into replacement characters, and what makes chunk boundaries irrelevant.
 *
 * It never throws on content. Whatever a file holds, it ends, and every deviation from RFC 4180 is a
 * problem attached to the row it was found in. Deviations that do not break the framing (a stray
 * quote inside an unquoted cell, text after a closing quote) are read the way common tools read them,
 * so the rows after them still line up. Memory is bounded by `maxFieldBytes` × `maxFieldsPerRow`
 * whatever the size of the file.
 */

export type CsvReadProblemCode = 'unclosed_quote' | 'stray_quote' | 'text_after_quote' | 'invalid_utf8' | 'field_too_large' | 'too_many_fields';

export interface CsvReadProblem {
  code: CsvReadProblemCode;
  /** 0-based position of the cell in its row. */
  field: number;
  /** 1-based line where the problem was seen (a quoted cell may span lines). */
  line: number;
  message: string;
}

export interface CsvRecord {
  /** 1-based record number, blank lines included, as a spreadsheet numbers rows: the header is row 1. */
  row: number;
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
  problems: CsvReadProblem[];
}

export interface CsvReaderOptions {
  delimiter?: string;
  /** Longest cell kept, in bytes; the rest of a longer one is dropped and reported. */
  maxFieldBytes?: number;
  /** Most cells kept per row; more are dropped and reported. */
  maxFieldsPerRow?: number;
}

export const CSV_MAX_FIELD_BYTES = 64 * 1024;
export const CSV_MAX_FIELDS_PER_ROW = 500;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted cell: an escaped quote if another follows, else the cell's end. */
const QUOTE_IN_QUOTED = 3;

/** The checks a delimiter must pass; config validation uses it too. */
export function delimiterProblem(delimiter: string): string | null {
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7e) return 'the delimiter must be one ASCII character';
  if (delimiter === '"' || delimiter === '\r' || delimiter === '\n') return 'the delimiter cannot be a quote or a line break';
  return null;
}

/**
 * The push-style core: feed chunks, collect the records they complete, then `end()` for the rest.
 * Synchronous and pure, so tests can cut the same input at every boundary.
 */
export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly maxFieldBytes: number;
  private readonly maxFields: number;

  private state = FIELD_START;
  private field = Buffer.allocUnsafe(256);
  private fieldLength = 0;
  /** Whether the cell has a byte above 0x7f; a pure ASCII cell needs no UTF-8 check. */
  private fieldHighBit = false;
  private fieldOverflow = false;
  private fieldStrayQuote = false;
  private recordQuoted = false;
  private cells: string[] = [];
  private problems: CsvReadProblem[] = [];
  private tooManyFields = false;

  private line = 1;
  private previousWasCr = false;
  /** A CR ended the last record; an LF right after it belongs to the same line break. */
  private skipLf = false;
  private recordStarted = false;
  private recordLine = 1;
  private quoteOpenedLine = 1;
  private row = 0;
  /** The first bytes, held until it is known whether they are a byte order mark. */
  private head: number[] | null = [];
  private out: CsvRecord[] = [];

  constructor(options: CsvReaderOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    const problem = delimiterProblem(delimiter);
    invariant(problem === null, `CSV delimiter ${JSON.stringify(delimiter)}: ${problem}`);
    this.delimiter = delimiter.charCodeAt(0);
    this.maxFieldBytes = options.maxFieldBytes ?? CSV_MAX_FIELD_BYTES;
    this.maxFields = options.maxFieldsPerRow ?? CSV_MAX_FIELDS_PER_ROW;
  }

  push(chunk: Uint8Array): CsvRecord[] {
    let bytes = chunk;
    if (this.head !== null) {
      let taken = 0;
      while (taken < bytes.length && this.head.length < BOM.length && this.head.every((b, i) => b === BOM[i])) this.head.push(bytes[taken++]!);
      bytes = bytes.subarray(taken);
      const stillPrefix = this.head.every((b, i) => b === BOM[i]);
      if (stillPrefix && this.head.length < BOM.length) return this.take();
      const kept = stillPrefix ? [] : this.head;
      this.head = null;
      this.consume(Uint8Array.from(kept));
    }
    this.consume(bytes);
    return this.take();
  }

  end(): CsvRecord[] {
    if (this.head !== null) {
      const kept = this.head;
      this.head = null;
      this.consume(Uint8Array.from(kept));
    }
    if (this.state === QUOTED) {
      this.problem('unclosed_quote', `a quoted cell opened on line ${this.quoteOpenedLine} is never closed; the rest of the file was read into it`);
    }
    if (this.recordStarted) {
      this.endField();
      this.endRecord();
    }
    return this.take();
  }

  private take(): CsvRecord[] {
    const records = this.out;
    this.out = [];
    return records;
  }

  private consume(bytes: Uint8Array): void {
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      const b = bytes[i]!;
      if (this.skipLf) {
        this.skipLf = false;
        if (b === LF) {
          this.countLine(b);
          i++;
          continue;
        }
      }
      if (!this.recordStarted) {
        this.recordStarted = true;
        this.recordLine = this.line;
      }
      // Runs of plain content are copied in one go; only the bytes that can change state are
      // looked at one by one.
      if (this.state === QUOTED && b !== QUOTE) {
        i = this.quotedRun(bytes, i);
        continue;
      }
      if (this.state === UNQUOTED || (this.state === FIELD_START && b !== QUOTE)) {
        this.state = UNQUOTED;
        const end = this.unquotedRun(bytes, i);
        if (end > i) {
          i = end;
          continue;
        }
        this.unquoted(b);
      } else if (this.state === FIELD_START) {
        this.state = QUOTED;
        this.recordQuoted = true;
        this.quoteOpenedLine = this.line;
      } else if (this.state === QUOTED) {
        this.state = QUOTE_IN_QUOTED;
      } else if (b === QUOTE) {
        this.append(b);
        this.state = QUOTED;
      } else if (!this.separator(b)) {
        this.problem('text_after_quote', 'text follows the closing quote of a quoted cell; it was kept as part of the cell');
        this.append(b);
        this.state = UNQUOTED;
      }
      this.countLine(b);
      i++;
    }
  }

  /** Copies unquoted content up to the next delimiter, line break or quote; answers where it stopped. */
  private unquotedRun(bytes: Uint8Array, from: number): number {
    const delimiter = this.delimiter;
    let high = 0;
    let j = from;
    for (; j < bytes.length; j++) {
      const c = bytes[j]!;
      if (c === delimiter || c === CR || c === LF || c === QUOTE) break;
      high |= c;
    }
    if (j > from) {
      this.appendRange(bytes, from, j, high > 0x7f);
      this.previousWasCr = false;
    }
    return j;
  }

  /** Copies quoted content (line breaks included, and counted) up to the next quote. */
  private quotedRun(bytes: Uint8Array, from: number): number {
    let high = 0;
    let j = from;
    for (; j < bytes.length; j++) {
      const c = bytes[j]!;
      if (c === QUOTE) break;
      high |= c;
      if (c === CR || c === LF) this.countLine(c);
      else this.previousWasCr = false;
    }
    this.appendRange(bytes, from, j, high > 0x7f);
    return j;
  }

  private unquoted(b: number): void {
    if (this.separator(b)) return;
    if (b === QUOTE && !this.fieldStrayQuote) {
      this.fieldStrayQuote = true;
      this.problem('stray_quote', 'a quote inside an unquoted cell; quote the whole cell and double the quotes inside it');
    }
    this.append(b);
  }

  /** Ends the cell on a delimiter and the record on a line break; false for any other byte. */
  private separator(b: number): boolean {
    if (b === this.delimiter) {
      this.endField();
      this.state = FIELD_START;
      return true;
    }
    if (b === CR || b === LF) {
      this.endField();
      this.endRecord();
      this.skipLf = b === CR;
      return true;
    }
    return false;
  }

  private countLine(b: number): void {
    if (b === CR || (b === LF && !this.previousWasCr)) this.line++;
    this.previousWasCr = b === CR;
  }

  private append(b: number): void {
    this.appendRange(Uint8Array.of(b), 0, 1, b > 0x7f);
  }

  private appendRange(bytes: Uint8Array, from: number, to: number, highBit: boolean): void {
    const room = this.maxFieldBytes - this.fieldLength;
    const take = Math.min(to - from, room);
    if (take < to - from && !this.fieldOverflow) {
      this.fieldOverflow = true;
      this.problem('field_too_large', `the cell is longer than ${this.maxFieldBytes} bytes; the rest of it was dropped`);
    }
    if (take <= 0) return;
    const needed = this.fieldLength + take;
    if (needed > this.field.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed, this.field.length * 2), this.maxFieldBytes));
      this.field.copy(grown, 0, 0, this.fieldLength);
      this.field = grown;
    }
    // Most cells are short, and a loop copies them faster than making a view to copy from.
    if (take < 64) for (let k = 0; k < take; k++) this.field[this.fieldLength + k] = bytes[from + k]!;
    else this.field.set(bytes.subarray(from, from + take), this.fieldLength);
    this.fieldLength = needed;
    if (highBit) this.fieldHighBit = true;
  }

  private problem(code: CsvReadProblemCode, message: string): void {
    this.problems.push({ code, field: this.cells.length, line: this.line, message });
  }

  private endField(): void {
    const length = this.fieldLength;
    let text: string;
    if (!this.fieldHighBit) text = length < 32 ? asciiText(this.field, length) : this.field.toString('latin1', 0, length);
    else if (this.fieldOverflow || isUtf8(this.field.subarray(0, length))) {
      // A cut cell may end inside a character; it is already reported, so it is decoded leniently.
      text = this.field.toString('utf8', 0, length);
    } else {
      this.problem('invalid_utf8', 'the cell is not valid UTF-8 (save the file as UTF-8)');
      text = this.field.toString('utf8', 0, length);
    }
    if (this.cells.length < this.maxFields) this.cells.push(text);
    else if (!this.tooManyFields) {
      this.tooManyFields = true;
      this.problem('too_many_fields', `the row has more than ${this.maxFields} cells; the rest were dropped`);
    }
    this.fieldLength = 0;
    this.fieldHighBit = false;
    this.fieldOverflow = false;
    this.fieldStrayQuote = false;
    if (this.field.length > 4096) this.field = Buffer.allocUnsafe(256);
  }

  private endRecord(): void {
    this.row++;
    const blank = this.cells.length === 1 && this.cells[0] === '' && !this.recordQuoted && this.problems.length === 0;
    // A blank line is no record, but it keeps its row number, as it does in a spreadsheet.
    if (!blank) this.out.push({ row: this.row, line: this.recordLine, cells: this.cells, problems: this.problems });
    this.cells = [];
    this.problems = [];
    this.tooManyFields = false;
    this.recordQuoted = false;
    this.recordStarted = false;
    this.state = FIELD_START;
  }
}

/** A short ASCII cell as a string; cheaper in JavaScript than a call into the runtime for each cell. */
function asciiText(bytes: Uint8Array, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

/** Reads records from a stream of chunks (a file read stream, or an array in tests). */
export async function* readCsv(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: CsvReaderOptions = {}): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer(options);
  for await (const chunk of source) yield* tokenizer.push(chunk);
  yield* tokenizer.end();
}
