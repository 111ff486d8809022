import { elementName, showChar, x12Issue } from './issues.ts';
import type { X12Delimiters, X12Interchange, X12Issue, X12Segment } from './x12.types.ts';

/**
 * Writing X12: segments serialised with chosen delimiters, and envelopes built around sets with
 * their counts computed and control numbers supplied by the caller (a partner profile keeps them).
 *
 * X12 has no escape character, so a value containing a delimiter (or a line break, which readers
 * treat as the end of a segment) cannot be written; that is reported as an issue naming the segment
 * and element, and nothing is written. Trailing empty elements and components are left out, as the
 * standard asks; the ISA keeps its fixed widths.
 */

/** An element to write: a simple value, a composite's components, or repetitions of either. */
export type X12ElementInput = string | readonly string[] | { readonly repeats: ReadonlyArray<string | readonly string[]> };

/** A segment to write, in the same shape as a read segment's elements: `['PO1', '1', '120', 'EA']`. */
export type X12SegmentInput = readonly [id: string, ...elements: X12ElementInput[]];

export interface X12SetInput {
  /** ST01, such as `855`. */
  id: string;
  /** ST02; a number is padded to four digits. */
  controlNumber: number | string;
  /** ST03, for 005010 implementation guides such as `005010X231A1`. */
  implementationReference?: string;
  /** The segments between ST and SE. */
  segments: readonly X12SegmentInput[];
}

/** A moment to write: a Date (formatted in UTC), or the date and time strings exactly as they should appear. */
export type X12Moment = Date | { date: string; time: string };

export interface X12GroupInput {
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  controlNumber: number | string;
  /** GS08, such as `004010` or `005010X231A1`. */
  version: string;
  /** GS07; `X` (the default) for ASC X12. */
  agency?: string;
  /** GS04 (CCYYMMDD) and GS05; defaults to the interchange's time. */
  at?: X12Moment;
  sets: readonly X12SetInput[];
}

export interface X12PartyId {
  qualifier: string;
  id: string;
}

export interface X12InterchangeInput {
  sender: X12PartyId;
  receiver: X12PartyId;
  /** ISA13, at most nine digits; padded with zeros. */
  controlNumber: number | string;
  /** When the interchange was made (ISA09 YYMMDD and ISA10 HHMM, and GS04/GS05 unless a group says otherwise). */
  at: X12Moment;
  /** ISA12; defaults to 00501 when a group is 005010, else 00401. */
  version?: string;
  usage?: 'P' | 'T' | 'I';
  ackRequested?: boolean;
  authorization?: { qualifier: string; value: string };
  security?: { qualifier: string; value: string };
  /** TA1 segments, written after the ISA and before the groups. */
  ta1?: readonly X12SegmentInput[];
  groups: readonly X12GroupInput[];
}

export interface X12WriteOptions {
  /** Delimiters to use instead of the defaults for the version (`*`, `>` or `:`, `^` from 00402, `~`). */
  delimiters?: Partial<X12Delimiters>;
  /** Put a line break after each segment terminator, for people reading the file. */
  lineBreak?: boolean;
}

export type X12WriteResult = { ok: true; text: string } | { ok: false; issues: X12Issue[] };

/** The delimiters we write with: 00401 has no repetition separator; 005010 guides use `:` for components. */
export function defaultDelimiters(isaVersion: string): X12Delimiters {
  const modern = isaVersion >= '00402';
  return { element: '*', component: modern ? ':' : '>', repetition: modern ? '^' : null, segment: '~' };
}

/** A read segment in the writer's shape, its composites and repetitions split by its own delimiters. */
export function toSegmentInput(segment: X12Segment): X12SegmentInput {
  const { component, repetition } = segment.delimiters;
  const elements = segment.elements.slice(1).map((raw): X12ElementInput => {
    const split = (value: string): string | string[] => (value.includes(component) ? value.split(component) : value);
    if (repetition !== null && raw.includes(repetition)) return { repeats: raw.split(repetition).map(split) };
    return split(raw);
  });
  if (segment.id === 'ISA') return ['ISA', ...segment.elements.slice(1)];
  return [segment.id, ...elements];
}

/**
 * A read interchange in the writer's shape, to write it again (with other delimiters, say): header
 * values, dates and times as they were, sets without their ST/SE, which the writer recomputes.
 */
export function toInterchangeInput(interchange: X12Interchange): X12InterchangeInput {
  const header = interchange.header;
  return {
    sender: { qualifier: header.senderQualifier, id: header.senderId },
    receiver: { qualifier: header.receiverQualifier, id: header.receiverId },
    controlNumber: header.controlNumber,
    at: { date: header.date, time: header.time },
    version: header.version,
    usage: header.usage as 'P' | 'T' | 'I',
    ackRequested: header.ackRequested,
    authorization: { qualifier: header.authorizationQualifier, value: header.authorization },
    security: { qualifier: header.securityQualifier, value: header.security },
    ta1: interchange.ta1.map(toSegmentInput),
    groups: interchange.groups.map((group) => ({
      functionalId: group.header.functionalId,
      senderCode: group.header.senderCode,
      receiverCode: group.header.receiverCode,
      controlNumber: group.header.controlNumber,
      version: group.header.version,
      agency: group.header.agency,
      at: { date: group.header.date, time: group.header.time },
      sets: group.sets.map((set) => ({
        id: set.id,
        controlNumber: set.controlNumber,
        ...(set.implementationReference ? { implementationReference: set.implementationReference } : {}),
        segments: set.segments.filter((segment) => segment.id !== 'ST' && segment.id !== 'SE').map(toSegmentInput),
      })),
    })),
  };
}

/** Serialises segments; `firstPosition` numbers them in issues (a set body starts at 2, after ST). */
export function writeSegments(segments: readonly X12SegmentInput[], delimiters: X12Delimiters, options: X12WriteOptions = {}, firstPosition: number | null = null): X12WriteResult {
  const issues: X12Issue[] = [];
  const terminator = delimiters.segment + (options.lineBreak ? '\n' : '');
  let text = '';
  segments.forEach((segment, index) => {
    const position = firstPosition === null ? null : firstPosition + index;
    text += serialise(segment, delimiters, position, issues) + terminator;
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, text };
}

function serialise(segment: X12SegmentInput, delimiters: X12Delimiters, position: number | null, issues: X12Issue[]): string {
  const [id, ...elements] = segment;
  if (!/^[A-Z][A-Z0-9]{1,2}$/.test(id)) issues.push(x12Issue('writer_value', `${showChar(id)} is not a segment id`, { segmentId: id, segmentPosition: position }));
  const forbidden = [delimiters.element, delimiters.component, delimiters.segment, '\r', '\n', ...(delimiters.repetition === null ? [] : [delimiters.repetition])];
  const clean = (value: string, elementPosition: number, componentPosition?: number): string => {
    const found = forbidden.find((char) => value.includes(char));
    if (found !== undefined) {
      issues.push(x12Issue('writer_delimiter_in_data', `${elementName(id, elementPosition, componentPosition)} ${JSON.stringify(value)} contains ${showChar(found)}, which is a delimiter of this interchange; X12 has no escape, so change the value or the delimiters`, {
        segmentId: id,
        segmentPosition: position,
        elementPosition,
        ...(componentPosition === undefined ? {} : { componentPosition }),
        value,
      }));
    }
    return value;
  };
  const composite = (value: string | readonly string[], elementPosition: number): string => {
    if (typeof value === 'string') return clean(value, elementPosition);
    return trimTrailing(value.map((part, i) => clean(part, elementPosition, i + 1))).join(delimiters.component);
  };
  const written = elements.map((element, i) => {
    const elementPosition = i + 1;
    if (typeof element === 'string' || Array.isArray(element)) return composite(element as string | readonly string[], elementPosition);
    const { repeats } = element as { repeats: ReadonlyArray<string | readonly string[]> };
    if (delimiters.repetition === null && repeats.length > 1) {
      issues.push(x12Issue('writer_value', `${elementName(id, elementPosition)} repeats, but the interchange has no repetition separator (ISA11 is U before 00402)`, { segmentId: id, segmentPosition: position, elementPosition }));
    }
    return repeats.map((value) => composite(value, elementPosition)).join(delimiters.repetition ?? '');
  });
  return [id, ...trimTrailing(written)].join(delimiters.element);
}

function trimTrailing(values: readonly string[]): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === '') end--;
  return values.slice(0, end);
}

const pad2 = (value: number) => String(value).padStart(2, '0');
const ccyymmdd = (at: X12Moment) => (at instanceof Date ? `${at.getUTCFullYear()}${pad2(at.getUTCMonth() + 1)}${pad2(at.getUTCDate())}` : at.date);
const hhmm = (at: X12Moment) => (at instanceof Date ? `${pad2(at.getUTCHours())}${pad2(at.getUTCMinutes())}` : at.time);
/** ISA09 is YYMMDD; a date given as CCYYMMDD is shortened. */
const yymmdd = (at: X12Moment) => (at instanceof Date ? ccyymmdd(at).slice(2) : at.date.length === 8 ? at.date.slice(2) : at.date);

/** Builds ISA … IEA around the groups, with counts computed and every value checked before writing. */
export function writeInterchange(input: X12InterchangeInput, options: X12WriteOptions = {}): X12WriteResult {
  const version = input.version ?? (input.groups.some((group) => group.version.startsWith('005010')) ? '00501' : '00401');
  const delimiters: X12Delimiters = { ...defaultDelimiters(version), ...options.delimiters };
  const issues: X12Issue[] = [];
  const fixed = (value: string, width: number, position: number, what: string): string => {
    if (value.length > width) issues.push(x12Issue('writer_value', `ISA${pad2(position)} ${what} ${JSON.stringify(value)} is longer than its fixed width of ${width}`, { segmentId: 'ISA', elementPosition: position, value }));
    return value.padEnd(width, ' ').slice(0, width);
  };
  const interchangeControl = controlNumber(input.controlNumber, 9, 9, 'ISA', 13, issues);
  const distinct = new Set([delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition].filter((d) => d !== null));
  if (distinct.size !== (delimiters.repetition === null ? 3 : 4) || [...distinct].some((d) => d.length !== 1 || /[A-Za-z0-9 ]/.test(d))) {
    issues.push(x12Issue('writer_value', `delimiters ${JSON.stringify(delimiters)} must be four (or three) different single characters that are not letters, digits or spaces`, { segmentId: 'ISA' }));
  }
  const isa: X12SegmentInput = [
    'ISA',
    fixed(input.authorization?.qualifier ?? '00', 2, 1, 'authorization qualifier'),
    fixed(input.authorization?.value ?? '', 10, 2, 'authorization'),
    fixed(input.security?.qualifier ?? '00', 2, 3, 'security qualifier'),
    fixed(input.security?.value ?? '', 10, 4, 'security'),
    fixed(input.sender.qualifier, 2, 5, 'sender qualifier'),
    fixed(input.sender.id, 15, 6, 'sender id'),
    fixed(input.receiver.qualifier, 2, 7, 'receiver qualifier'),
    fixed(input.receiver.id, 15, 8, 'receiver id'),
    yymmdd(input.at),
    hhmm(input.at),
    delimiters.repetition ?? 'U',
    fixed(version, 5, 12, 'version'),
    interchangeControl,
    input.ackRequested ? '1' : '0',
    input.usage ?? 'P',
    delimiters.component,
  ];
  const forbidden = [delimiters.element, delimiters.segment, delimiters.component, '\r', '\n', ...(delimiters.repetition === null ? [] : [delimiters.repetition])];
  isa.slice(1, 11).forEach((value, i) => {
    const found = forbidden.find((char) => (value as string).includes(char));
    if (found !== undefined) issues.push(x12Issue('writer_delimiter_in_data', `ISA${pad2(i + 1)} ${JSON.stringify(value)} contains ${showChar(found)}, which is a delimiter of this interchange`, { segmentId: 'ISA', elementPosition: i + 1, value: value as string }));
  });
  const terminator = delimiters.segment + (options.lineBreak ? '\n' : '');
  // The ISA is written by hand: its values are fixed-width and its last one is a delimiter itself.
  let text = isa.join(delimiters.element) + terminator;
  const body = (segments: readonly X12SegmentInput[], firstPosition: number | null): string => {
    const written = writeSegments(segments, delimiters, options, firstPosition);
    if (!written.ok) {
      issues.push(...written.issues);
      return '';
    }
    return written.text;
  };
  text += body(input.ta1 ?? [], null);
  for (const group of input.groups) {
    const groupControl = controlNumber(group.controlNumber, 1, 9, 'GS', 6, issues);
    const at = group.at ?? (input.at instanceof Date ? input.at : null);
    if (at === null) issues.push(x12Issue('writer_value', `group ${groupControl} needs its own date (GS04, CCYYMMDD) when the interchange's is given as text`, { segmentId: 'GS', elementPosition: 4 }));
    const moment = at ?? { date: '', time: '' };
    text += body([['GS', group.functionalId, group.senderCode, group.receiverCode, ccyymmdd(moment), hhmm(moment), groupControl, group.agency ?? 'X', group.version]], null);
    for (const set of group.sets) {
      const setControl = typeof set.controlNumber === 'number' ? String(set.controlNumber).padStart(4, '0') : set.controlNumber;
      if (!/^[^\s]{4,9}$/.test(setControl)) issues.push(x12Issue('writer_value', `ST02 ${JSON.stringify(setControl)} must be 4 to 9 characters`, { segmentId: 'ST', elementPosition: 2, value: setControl }));
      const header: X12SegmentInput = set.implementationReference ? ['ST', set.id, setControl, set.implementationReference] : ['ST', set.id, setControl];
      text += body([header, ...set.segments, ['SE', String(set.segments.length + 2), setControl]], 1);
    }
    text += body([['GE', String(group.sets.length), groupControl]], null);
  }
  text += body([['IEA', String(input.groups.length), interchangeControl]], null);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, text };
}

function controlNumber(value: number | string, minDigits: number, maxDigits: number, segmentId: string, elementPosition: number, issues: X12Issue[]): string {
  const digits = typeof value === 'number' ? String(value) : value;
  if (!/^\d+$/.test(digits) || digits.length > maxDigits || (typeof value === 'number' && !Number.isSafeInteger(value))) {
    issues.push(x12Issue('writer_value', `${segmentId}${pad2(elementPosition)} control number ${JSON.stringify(digits)} must be at most ${maxDigits} digits`, { segmentId, elementPosition, value: digits }));
    return digits;
  }
  return digits.padStart(minDigits, '0');
}
