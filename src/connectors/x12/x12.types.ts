import type { X12IssueCode } from './issues.ts';

/**
 * The four delimiters of an interchange, read from its ISA. `repetition` is null when the ISA has no
 * repetition separator (ISA11 is the standards identifier `U`, as in 00401 and earlier).
 */
export interface X12Delimiters {
  element: string;
  component: string;
  repetition: string | null;
  segment: string;
}

/**
 * One segment as read. `elements[0]` is the segment id, so `elements[n]` is element n in X12
 * notation (`BEG03` is `elements[3]`). Elements keep their raw text: a composite or repeated element
 * still holds its separators; read it with `components` / `repeats` from `segment.ts`.
 */
export interface X12Segment {
  id: string;
  elements: string[];
  delimiters: X12Delimiters;
  /** 1-based position within its transaction set (ST is 1, SE is last); null outside a set. */
  setPosition: number | null;
  /** 1-based position of the segment in the whole input, across interchanges. */
  filePosition: number;
  /** Offset of the segment's first byte in the input (UTF-8 bytes when the input was a string). */
  byteOffset: number;
}

export type X12Severity = 'error' | 'warning';

/**
 * A problem found while reading or validating. Problems are data, never thrown: each names where it
 * is (interchange, group and set control numbers, segment and its position in the set, element,
 * component) so a person can find it and an acknowledgement can report it.
 */
export interface X12Issue {
  severity: X12Severity;
  /** 1 syntax and envelopes, 2 transaction set specification, 3 balancing. */
  level: 1 | 2 | 3;
  code: X12IssueCode;
  interchangeControl: string | null;
  groupControl: string | null;
  setControl: string | null;
  segmentId: string | null;
  /** Position of the segment within its transaction set (ST is 1); null outside a set. */
  segmentPosition: number | null;
  /** 1-based element position within the segment (`PO102` is 2). */
  elementPosition: number | null;
  componentPosition?: number;
  repetitionPosition?: number;
  /** X12 data element reference number, such as `330` for PO102, when the specification knows it. */
  elementReference?: string;
  /** Loop the segment belongs to, by its first segment's id (`PO1`), for AK3/IK3. */
  loopId?: string;
  /** A copy of the offending value, at most 99 characters. */
  value?: string;
  /** Byte offset of the segment (or of the unreadable data) in the input. */
  byteOffset: number | null;
  message: string;
}

/** The ISA of an interchange, with values trimmed of their fixed-width padding. */
export interface X12InterchangeHeader {
  authorizationQualifier: string;
  authorization: string;
  securityQualifier: string;
  security: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA09, YYMMDD. */
  date: string;
  /** ISA10, HHMM. */
  time: string;
  /** ISA12, such as `00401` or `00501`. */
  version: string;
  /** ISA13 as sent (nine digits). */
  controlNumber: string;
  /** ISA14: the sender asks for a TA1. */
  ackRequested: boolean;
  /** ISA15: `P` production, `T` test, `I` information. */
  usage: string;
  delimiters: X12Delimiters;
  segment: X12Segment;
}

/** The GS of a functional group. */
export interface X12GroupHeader {
  /** GS01, such as `PO` for purchase orders. */
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  /** GS04, CCYYMMDD. */
  date: string;
  /** GS05, HHMM[SS[d..]]. */
  time: string;
  controlNumber: string;
  /** GS07, `X` for ASC X12. */
  agency: string;
  /** GS08 in full, such as `004010VICS` or `005010X231A1`. */
  version: string;
  segment: X12Segment;
}

/** What is known of a transaction set without its segments (kept for acknowledgements). */
export interface X12SetSummary {
  /** ST01, such as `850`. */
  id: string;
  /** ST02. */
  controlNumber: string;
  /** ST03 (005010 implementation convention reference), when sent. */
  implementationReference: string | null;
  /** Segments read from ST to SE inclusive. */
  segmentCount: number;
  byteOffset: number;
  issues: X12Issue[];
}

export interface X12TransactionSet extends X12SetSummary {
  /** ST … SE inclusive. */
  segments: X12Segment[];
}

export interface X12GroupSummary {
  header: X12GroupHeader;
  trailer: X12Segment | null;
  sets: X12SetSummary[];
  /** Problems of the group's own envelope (GS/GE): counts, control numbers, version. */
  issues: X12Issue[];
}

export interface X12InterchangeSummary {
  header: X12InterchangeHeader;
  trailer: X12Segment | null;
  groups: X12GroupSummary[];
  /** TA1 segments carried in the interchange (interchange acknowledgements from a partner). */
  ta1: X12Segment[];
  /** Problems of the interchange envelope (ISA/IEA) and of segments outside any group. */
  issues: X12Issue[];
}

/** A functional group with its transaction sets in full, as `parseX12` returns it. */
export interface X12Group extends Omit<X12GroupSummary, 'sets'> {
  sets: X12TransactionSet[];
}

export interface X12Interchange extends Omit<X12InterchangeSummary, 'groups'> {
  groups: X12Group[];
}

/**
 * What `readX12` yields while it streams: each transaction set as soon as its SE is read (with its
 * own issues), each interchange's summary at its IEA (envelope issues, every group and set with
 * their issues but without segments), and problems found outside any interchange.
 */
export type X12ReadItem =
  | { kind: 'set'; interchange: X12InterchangeHeader; group: X12GroupHeader; set: X12TransactionSet }
  | { kind: 'interchange'; interchange: X12InterchangeSummary }
  | { kind: 'issue'; issue: X12Issue };

/** A whole input read at once. `issues` lists every issue of every level in input order. */
export interface X12Document {
  interchanges: X12Interchange[];
  issues: X12Issue[];
  /** True when no issue has severity `error`. */
  valid: boolean;
}

export interface X12ReadOptions {
  /** How deep to validate: 1 syntax and envelopes, 2 adds set specifications, 3 adds balancing (default). */
  level?: 1 | 2 | 3;
  /** Longest segment accepted, in bytes; a longer one is an error and is skipped. Default 1 MiB. */
  maxSegmentBytes?: number;
}
