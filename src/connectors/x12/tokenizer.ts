import { showChar, x12Issue } from './issues.ts';
import type { X12Delimiters, X12Issue, X12Segment } from './x12.types.ts';

/**
 * The X12 tokeniser: bytes in, segments out, one chunk at a time, so a large interchange is never
 * held in memory whole — only the unfinished segment at the end of a chunk is kept.
 *
 * Delimiters come from each ISA by position: the element separator is the byte after `ISA`, the
 * component separator is ISA16 (the byte after the 16th element separator), the segment terminator
 * is the byte after ISA16, and ISA11 is the repetition separator unless it is a letter or digit (the
 * standards identifier `U` of 00401 and earlier). The 16th separator is found by counting rather
 * than at byte 103, so an ISA that breaks the fixed widths can still be read (and is reported).
 *
 * Line breaks between segments are ignored, so a terminator followed by CR, LF or CR LF and blank
 * lines are all fine. Two quirks of real files are read with a warning rather than rejected: a
 * segment ended by `~` and a line break when the ISA declares another terminator (files edited by
 * hand or concatenated from two sources), and a line break inside a segment (files wrapped at a
 * fixed width). Data never contains line breaks in X12, so dropping them loses nothing.
 */

export interface X12Token {
  segment: X12Segment | null;
  issues: X12Issue[];
}

export interface X12TokenizerOptions {
  maxSegmentBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const TILDE = 0x7e;
const SPACE = 0x20;
/** An ISA is 106 bytes; allowing ten times that covers any padding mistake and bounds the search. */
const ISA_SCAN_BYTES_MAX = 1024;
const ISA_PREVIEW_BYTES = 20;
const SEGMENT_BYTES_MAX_DEFAULT = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

const isAlnum = (byte: number | undefined): boolean =>
  byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));

/** Bytes tolerated between interchanges: whitespace, NUL and DOS end-of-file padding, a BOM. */
const isInterchangeFiller = (byte: number | undefined): boolean =>
  byte === LF || byte === CR || byte === SPACE || byte === 0x09 || byte === 0x00 || byte === 0x1a || byte === 0xef || byte === 0xbb || byte === 0xbf;

const isIsaAt = (buf: Buffer, pos: number): boolean =>
  buf[pos] === 0x49 && buf[pos + 1] === 0x53 && buf[pos + 2] === 0x41 && pos + 3 < buf.length && !isAlnum(buf[pos + 3]);

export class X12Tokenizer {
  /** Unread input is `#backing[#start … #end)`; the backing grows by doubling, so appending stays linear. */
  #backing: Buffer = EMPTY;
  #start = 0;
  #end = 0;
  /** Whether `#backing` is ours to write into (else it is the caller's chunk, never written or kept). */
  #owned = false;
  /** Bytes of the unfinished segment at `#start` already searched for its end, and whether they held a line break. */
  #scanned = 0;
  #scannedWrapped = false;
  /** Offset in the whole input of `#backing[#start]`. */
  #offset = 0;
  #delimiters: X12Delimiters | null = null;
  #terminator = -1;
  #element = '';
  #encoding: 'utf8' | 'latin1' = 'utf8';
  #filePosition = 0;
  #setPosition: number | null = null;
  /** After data that is not an interchange, skip to the next `ISA`. */
  #seekingIsa = false;
  /** Inside a segment longer than allowed and already reported: skip to its end. */
  #discarding = false;
  readonly #maxSegmentBytes: number;

  constructor(options: X12TokenizerOptions = {}) {
    this.#maxSegmentBytes = options.maxSegmentBytes ?? SEGMENT_BYTES_MAX_DEFAULT;
  }

  push(chunk: Uint8Array | string): X12Token[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const pending = this.#end - this.#start;
    if (pending === 0) {
      this.#backing = bytes;
      this.#start = 0;
      this.#end = bytes.length;
      this.#owned = false;
    } else {
      if (!this.#owned || this.#end + bytes.length > this.#backing.length) {
        const grown = Buffer.allocUnsafe(Math.max(pending + bytes.length, pending * 2, 4096));
        this.#backing.copy(grown, 0, this.#start, this.#end);
        this.#backing = grown;
        this.#start = 0;
        this.#end = pending;
        this.#owned = true;
      }
      bytes.copy(this.#backing, this.#end);
      this.#end += bytes.length;
    }
    return this.#drain(false);
  }

  /** The input has ended: whatever is left is the last segment. */
  end(): X12Token[] {
    return this.#drain(true);
  }

  #drain(final: boolean): X12Token[] {
    const out: X12Token[] = [];
    const buf = this.#backing.subarray(this.#start, this.#end);
    const len = buf.length;
    let pos = 0;
    // Positions of the next CR and LF, found once and reused so scanning stays linear.
    let nextLf = -2;
    let nextCr = -2;
    const lineBreakFrom = (from: number): number => {
      if (nextLf !== -1 && nextLf < from) nextLf = buf.indexOf(LF, from);
      if (nextCr !== -1 && nextCr < from) nextCr = buf.indexOf(CR, from);
      if (nextLf < 0) return nextCr;
      if (nextCr < 0) return nextLf;
      return Math.min(nextLf, nextCr);
    };

    while (pos < len) {
      if (this.#delimiters === null) {
        while (pos < len && isInterchangeFiller(buf[pos])) pos++;
        if (pos >= len) break;
        if (this.#seekingIsa) {
          let next = buf.indexOf('ISA', pos, 'latin1');
          // "ISA" inside data (DISALLOW) is not an interchange; only ISA followed by a separator is.
          while (next >= 0 && next + 3 < len && isAlnum(buf[next + 3])) next = buf.indexOf('ISA', next + 1, 'latin1');
          if (next < 0) {
            // Keep two bytes in case `ISA` is split across chunks.
            pos = final ? len : Math.max(pos, len - 2);
            break;
          }
          if (next + 3 >= len && !final) {
            // The byte after "ISA" decides whether it starts an interchange; wait for it.
            pos = next;
            break;
          }
          pos = next;
          this.#seekingIsa = false;
        }
        if (len - pos < 4 && !final) break;
        if (!isIsaAt(buf, pos)) {
          // The message quotes what was found; wait for enough of it that chunking cannot change the quote.
          if (len - pos < ISA_PREVIEW_BYTES && !final) break;
          const preview = buf.toString('latin1', pos, Math.min(len, pos + ISA_PREVIEW_BYTES));
          out.push(token(null, [x12Issue('isa_expected', `expected an ISA segment at byte ${this.#offset + pos}, found ${showChar(preview)}`, { byteOffset: this.#offset + pos })]));
          this.#seekingIsa = true;
          pos += 1;
          continue;
        }
        const read = this.#readHeader(buf, pos, final, out);
        if (read === 'wait') break;
        if (read === 'bad') {
          this.#seekingIsa = true;
          pos += 3;
          continue;
        }
        pos = read;
        continue;
      }

      // Inside a segment being discarded nothing starts a new one, not even "ISA".
      if (!this.#discarding) {
        while (pos < len && (buf[pos] === LF || buf[pos] === CR)) pos++;
        if (pos >= len) break;
        if (buf[pos] === 0x49 && len - pos < 4 && !final) break;
        if (isIsaAt(buf, pos)) {
          // A new interchange may use other delimiters; read them from its own ISA.
          this.#delimiters = null;
          continue;
        }
      }

      const term = this.#terminator;
      // Resume where the last chunk's search for this segment's end stopped.
      const scanFrom = pos + this.#scanned;
      const end = buf.indexOf(term, scanFrom);
      const limit = end < 0 ? len : end;
      let stop = -1;
      let wrapped = this.#scannedWrapped;
      this.#scanned = 0;
      this.#scannedWrapped = false;
      if (term !== LF && term !== CR) {
        const tildeIsStray = !isDelimiter(this.#delimiters, '~');
        for (let b = lineBreakFrom(scanFrom); b >= 0 && b < limit; b = lineBreakFrom(b + 1)) {
          if (tildeIsStray && b > pos && buf[b - 1] === TILDE) {
            stop = b - 1;
            break;
          }
          wrapped = true;
        }
      }

      let segmentEnd: number;
      let next: number;
      let ending: 'declared' | 'stray' | 'eof';
      if (stop >= 0) {
        segmentEnd = stop;
        next = stop + 1;
        ending = 'stray';
      } else if (end >= 0) {
        segmentEnd = end;
        next = end + 1;
        ending = 'declared';
      } else if (!final) {
        if (!this.#discarding && len - pos > this.#maxSegmentBytes) {
          out.push(token(null, [tooLong(this.#offset + pos, this.#maxSegmentBytes)]));
          this.#discarding = true;
        }
        if (this.#discarding) {
          // Keep the last byte: it may be a stray "~" whose line break is in the next chunk.
          pos = Math.max(pos, len - 1);
        } else {
          // All of it was searched; a stray "~" in the last byte is still seen, as the search looks one byte back.
          this.#scanned = len - pos;
          this.#scannedWrapped = wrapped;
        }
        break;
      } else {
        segmentEnd = len;
        next = len;
        ending = 'eof';
        while (segmentEnd > pos && (buf[segmentEnd - 1] === LF || buf[segmentEnd - 1] === CR)) segmentEnd--;
      }
      if (term === LF && buf[segmentEnd - 1] === CR) segmentEnd--;

      if (this.#discarding) {
        // The end of a segment already reported as too long.
        this.#discarding = false;
        pos = next;
        continue;
      }
      if (segmentEnd - pos > this.#maxSegmentBytes) {
        out.push(token(null, [tooLong(this.#offset + pos, this.#maxSegmentBytes)]));
        pos = next;
        continue;
      }
      let text = buf.toString(this.#encoding, pos, segmentEnd);
      if (wrapped) text = text.replace(/[\r\n]/g, '');
      out.push(this.#segment(text, this.#offset + pos, ending, wrapped));
      pos = next;
    }

    this.#offset += pos;
    this.#start += pos;
    if (this.#start === this.#end) {
      this.#backing = EMPTY;
      this.#start = 0;
      this.#end = 0;
      this.#owned = false;
    } else if (!this.#owned) {
      // The remainder is copied: the chunk it came from belongs to the caller.
      this.#backing = Buffer.from(this.#backing.subarray(this.#start, this.#end));
      this.#start = 0;
      this.#end = this.#backing.length;
      this.#owned = true;
    } else if (this.#start > this.#backing.length / 2) {
      // Move the remainder to the front rather than let the read part grow without end.
      this.#backing.copy(this.#backing, 0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    return out;
  }

  /** Reads an ISA at `pos`; answers the position after it, or asks for more input, or gives up on it. */
  #readHeader(buf: Buffer, pos: number, final: boolean, out: X12Token[]): number | 'wait' | 'bad' {
    const offset = this.#offset + pos;
    const separator = buf[pos + 3] as number;
    if (separator === SPACE || separator === LF || separator === CR) {
      out.push(token(null, [x12Issue('delimiter_invalid', `ISA at byte ${offset}: the element separator (the byte after "ISA") is ${showChar(String.fromCharCode(separator))}`, { byteOffset: offset, segmentId: 'ISA', elementPosition: 1 })]));
      return 'bad';
    }
    // The byte after ISA is the first of the 16 separators; ISA16 follows the 16th.
    let count = 1;
    let i = pos + 4;
    const limit = Math.min(buf.length, pos + ISA_SCAN_BYTES_MAX);
    for (; i < limit; i++) if (buf[i] === separator && ++count === 16) break;
    if (count < 16) {
      if (!final && buf.length < pos + ISA_SCAN_BYTES_MAX) return 'wait';
      out.push(token(null, [x12Issue('isa_invalid', `ISA at byte ${offset}: found ${count} of its 16 elements, so its delimiters cannot be read`, { byteOffset: offset, segmentId: 'ISA' })]));
      return 'bad';
    }
    const terminatorAt = i + 2;
    if (terminatorAt >= buf.length) {
      if (!final) return 'wait';
      out.push(token(null, [x12Issue('isa_invalid', `ISA at byte ${offset}: the input ends before its component separator and segment terminator`, { byteOffset: offset, segmentId: 'ISA' })]));
      return 'bad';
    }
    const componentByte = buf[i + 1] as number;
    const terminatorByte = buf[terminatorAt] as number;
    if (isAlnum(terminatorByte) || terminatorByte === SPACE || terminatorByte === separator || terminatorByte === componentByte) {
      out.push(token(null, [x12Issue('delimiter_invalid', `ISA at byte ${offset}: the segment terminator (the byte after ISA16) is ${showChar(String.fromCharCode(terminatorByte))}, which cannot end segments`, { byteOffset: offset, segmentId: 'ISA', elementPosition: 16 })]));
      return 'bad';
    }

    const issues: X12Issue[] = [];
    const encoding = separator >= 0x80 || componentByte >= 0x80 || terminatorByte >= 0x80 ? 'latin1' : 'utf8';
    const elements = buf.toString(encoding, pos, terminatorAt).split(String.fromCharCode(separator));
    const element = String.fromCharCode(separator);
    const component = String.fromCharCode(componentByte);
    const segment = String.fromCharCode(terminatorByte);
    const isa11 = elements[11] ?? '';
    const isa11Byte = isa11.charCodeAt(0);
    const repetition = isa11.length === 1 && !isAlnum(isa11Byte) && isa11Byte > SPACE && ![element, component, segment].includes(isa11) ? isa11 : null;
    if (isAlnum(componentByte) || componentByte === SPACE || componentByte === separator) {
      issues.push(x12Issue('delimiter_invalid', `ISA16, the component separator, is ${showChar(component)}, which cannot separate components`, { byteOffset: offset, segmentId: 'ISA', elementPosition: 16, value: component }));
    }
    const delimiters: X12Delimiters = { element, component, repetition, segment };
    this.#delimiters = delimiters;
    this.#terminator = terminatorByte;
    this.#element = element;
    this.#encoding = encoding;
    this.#setPosition = null;
    out.push(token({ id: 'ISA', elements, delimiters, setPosition: null, filePosition: ++this.#filePosition, byteOffset: offset }, issues));
    return terminatorAt + 1;
  }

  #segment(text: string, byteOffset: number, ending: 'declared' | 'stray' | 'eof', wrapped: boolean): X12Token {
    const delimiters = this.#delimiters as X12Delimiters;
    const elements = text.split(this.#element);
    const id = elements[0] as string;
    if (id === 'ST') this.#setPosition = 1;
    else if (id === 'GS' || id === 'GE' || id === 'IEA') this.#setPosition = null;
    else if (this.#setPosition !== null) this.#setPosition += 1;
    const segment: X12Segment = { id, elements, delimiters, setPosition: this.#setPosition, filePosition: ++this.#filePosition, byteOffset };
    if (id === 'SE') this.#setPosition = null;
    if (id === 'IEA') this.#delimiters = null;

    // Most segments have no issue: they share one empty list rather than each allocating one.
    let issues: X12Issue[] | null = null;
    if (ending === 'stray') {
      (issues ??= []).push(x12Issue('segment_terminator_mixed', `${id} ends with "~" and a line break, but the ISA declares ${showChar(delimiters.segment)} as the segment terminator; read as the end of the segment`, { segment }, 'warning'));
    } else if (ending === 'eof' && delimiters.segment !== '\n' && delimiters.segment !== '\r') {
      (issues ??= []).push(x12Issue('segment_terminator_missing', `${id} at the end of the input has no segment terminator ${showChar(delimiters.segment)}`, { segment }, 'warning'));
    }
    if (wrapped) (issues ??= []).push(x12Issue('segment_line_break', `${id} contains a line break, which was ignored (the segment terminator is ${showChar(delimiters.segment)})`, { segment }, 'warning'));
    if (!isSegmentId(id)) {
      (issues ??= []).push(x12Issue('segment_id_invalid', `${showChar(id.slice(0, 20))} is not a segment id (two or three capital letters or digits, starting with a letter)`, { segment, value: id }));
    }
    if (text.includes('\uFFFD')) {
      const position = elements.findIndex((value) => value.includes('\uFFFD'));
      (issues ??= []).push(x12Issue('invalid_character', `${id}${String(position).padStart(2, '0')} contains bytes that are not valid UTF-8`, { segment, elementPosition: position }));
    }
    return token(segment, issues ?? NO_ISSUES);
  }
}

const token = (segment: X12Segment | null, issues: X12Issue[]): X12Token => ({ segment, issues });

const tooLong = (byteOffset: number, max: number): X12Issue =>
  x12Issue('segment_too_long', `segment at byte ${byteOffset} is longer than ${max} bytes; skipped`, { byteOffset });

const NO_ISSUES: X12Issue[] = Object.freeze([]) as unknown as X12Issue[];

/** Two or three capital letters or digits, starting with a letter (checked without a regular expression: this runs per segment). */
function isSegmentId(id: string): boolean {
  if (id.length < 2 || id.length > 3) return false;
  const first = id.charCodeAt(0);
  if (first < 0x41 || first > 0x5a) return false;
  for (let i = 1; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (!((code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39))) return false;
  }
  return true;
}

const isDelimiter = (delimiters: X12Delimiters | null, char: string): boolean =>
  delimiters !== null && (delimiters.element === char || delimiters.component === char || delimiters.repetition === char || delimiters.segment === char);
