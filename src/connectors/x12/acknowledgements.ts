import { isError, type X12IssueCode } from './issues.ts';
import { versionFamily } from './sets.spec.ts';
import type { X12ElementInput, X12GroupInput, X12InterchangeInput, X12SegmentInput } from './writer.ts';
import type { X12GroupSummary, X12InterchangeSummary, X12Issue, X12SetSummary } from './x12.types.ts';

/**
 * Acknowledgements from validation results: a TA1 for the interchange envelope, and per functional
 * group a 997 (004010) or a 999 (005010) with AK1/AK2/AK3/AK4/AK5/AK9 or AK1/AK2/IK3/IK4/IK5/AK9.
 * What a set with errors gets — rejected (R) or accepted with errors noted (E) — and whether a group
 * with some rejected sets is partially accepted (P) or rejected whole (R) is a policy, usually one
 * per trading partner.
 */

export interface X12AckPolicy {
  /** A set with syntax or specification errors (levels 1–2). Default `reject`. */
  setErrors: 'reject' | 'accept_with_errors';
  /** A set whose only errors are balancing errors (level 3). Default `accept_with_errors`. */
  balancingErrors: 'reject' | 'accept_with_errors';
  /** A group where some sets are rejected and others accepted. Default `partial` (P). */
  partialGroups: 'partial' | 'reject';
  /** An interchange with envelope errors: TA1 `R` (default) or `E`. */
  interchangeErrors: 'reject' | 'accept_with_errors';
  /** Whether warnings alone make a set or interchange `E`. Default false. */
  noteWarnings: boolean;
  /** List accepted sets in AK2 loops too, not only those with errors. Default true. */
  reportAcceptedSets: boolean;
}

export const defaultAckPolicy: X12AckPolicy = {
  setErrors: 'reject',
  balancingErrors: 'accept_with_errors',
  partialGroups: 'partial',
  interchangeErrors: 'reject',
  noteWarnings: false,
  reportAcceptedSets: true,
};

export type X12AckStatus = 'A' | 'E' | 'P' | 'R';

export interface X12FunctionalAck {
  kind: '997' | '999';
  /** AK901. */
  status: X12AckStatus;
  /** ST03 to write with the set (`005010X231A1` for a 999). */
  implementationReference: string | null;
  /** AK1 … AK9, the body of the set. */
  segments: X12SegmentInput[];
}

export interface X12Ta1 {
  status: 'A' | 'E' | 'R';
  noteCode: string;
  segment: X12SegmentInput;
}

/** The 999 implementation guide we write (its 005010X231A1 errata). */
export const IMPLEMENTATION_999 = '005010X231A1';

/** AK304/IK304 segment syntax error codes. */
const SEGMENT_CODES: Partial<Record<X12IssueCode, string>> = {
  segment_id_invalid: '1',
  segment_unexpected: '2',
  segment_required_missing: '3',
  loop_repeat_exceeded: '4',
  segment_repeat_exceeded: '5',
  segment_not_in_set: '6',
};

/** AK403/IK403 data element syntax error codes. */
const ELEMENT_CODES: Partial<Record<X12IssueCode, string>> = {
  element_required_missing: '1',
  element_conditional_missing: '2',
  element_too_many: '3',
  element_too_short: '4',
  element_too_long: '5',
  element_invalid_character: '6',
  element_invalid_number: '6',
  invalid_character: '6',
  element_invalid_code: '7',
  element_invalid_date: '8',
  element_invalid_time: '9',
  element_exclusion_violated: '10',
  element_too_many_repetitions: '12',
  element_too_many_components: '13',
};

/** AK502/IK502 transaction set syntax error codes. */
const SET_CODES: Partial<Record<X12IssueCode, string>> = {
  set_unsupported: '1',
  set_trailer_missing: '2',
  set_control_mismatch: '3',
  set_count_mismatch: '4',
  set_id_invalid: '6',
  set_functional_id_mismatch: '6',
  set_control_invalid: '7',
  set_control_duplicate: '23',
};

/** AK905 functional group syntax error codes. */
const GROUP_CODES: Partial<Record<X12IssueCode, string>> = {
  group_version_unsupported: '2',
  group_trailer_missing: '3',
  group_control_mismatch: '4',
  group_count_mismatch: '5',
  group_control_duplicate: '19',
};

/** TA105 note codes for ISA elements 1 … 16 (authorization, security, ids, date, time, version, control number …). */
const TA1_ELEMENT_NOTES = ['010', '011', '012', '013', '005', '006', '007', '008', '014', '015', '016', '017', '018', '019', '020', '027'];

/** The TA105 note code of an interchange-level issue. */
export function ta1NoteCode(issue: X12Issue): string {
  const position = issue.elementPosition ?? 0;
  switch (issue.code) {
    case 'interchange_control_mismatch':
      return '001';
    case 'interchange_count_mismatch':
      return '021';
    case 'interchange_trailer_missing':
      return '023';
    case 'isa_width':
    case 'isa_value':
      return TA1_ELEMENT_NOTES[position - 1] ?? '022';
    case 'delimiter_invalid':
      return position === 16 ? '027' : position === 1 ? '026' : '004';
    case 'isa_invalid':
      return '022';
    default:
      return '024';
  }
}

function statusOf(issues: readonly X12Issue[], policy: X12AckPolicy): 'A' | 'E' | 'R' {
  const errors = issues.filter(isError);
  if (errors.length === 0) return policy.noteWarnings && issues.length > 0 ? 'E' : 'A';
  const severe = errors.some((issue) => issue.level < 3) ? policy.setErrors : policy.balancingErrors;
  return severe === 'reject' ? 'R' : 'E';
}

/** TA1 for an interchange: TA101–TA103 echo ISA13, ISA09, ISA10; TA105 names the first problem. */
export function buildTa1(interchange: X12InterchangeSummary, policy: Partial<X12AckPolicy> = {}): X12Ta1 {
  const rules = { ...defaultAckPolicy, ...policy };
  const errors = interchange.issues.filter(isError);
  const noted = errors.length > 0 ? errors : rules.noteWarnings ? interchange.issues : [];
  const status = errors.length > 0 ? (rules.interchangeErrors === 'reject' ? 'R' : 'E') : noted.length > 0 ? 'E' : 'A';
  const noteCode = noted[0] ? ta1NoteCode(noted[0]) : '000';
  const { controlNumber, date, time } = interchange.header;
  return { status, noteCode, segment: ['TA1', controlNumber, date, time, status, noteCode] };
}

/** Values copied into AK404/IK404 must not carry a delimiter of the acknowledgement, so only plain ones are. */
const COPYABLE = /^[A-Za-z0-9 .,\-/#&'()+@!?%=;"]{1,99}$/;

/**
 * The 997 or 999 for one received functional group. The kind defaults to the group's version: 997
 * for 004010, 999 for 005010.
 */
export function buildFunctionalAck(group: X12GroupSummary, options: { kind?: '997' | '999'; policy?: Partial<X12AckPolicy> } = {}): X12FunctionalAck {
  const policy = { ...defaultAckPolicy, ...options.policy };
  const family = versionFamily(group.header.version);
  const kind = options.kind ?? (family === '005010' ? '999' : '997');
  const modern = kind === '999' || family === '005010';
  const segments: X12SegmentInput[] = [modern ? ['AK1', group.header.functionalId, group.header.controlNumber, group.header.version] : ['AK1', group.header.functionalId, group.header.controlNumber]];
  const groupErrors = group.issues.filter(isError);
  let accepted = 0;
  const statuses: Array<'A' | 'E' | 'R'> = [];
  for (const set of group.sets) {
    const status = statusOf(set.issues, policy);
    statuses.push(status);
    if (status !== 'R') accepted++;
    if (status === 'A' && !policy.reportAcceptedSets) continue;
    segments.push(...setResponse(set, status, kind, modern));
  }
  let status: X12AckStatus;
  if (groupErrors.length > 0) status = 'R';
  else if (statuses.every((s) => s === 'A')) status = 'A';
  else if (!statuses.includes('R')) status = 'E';
  else if (statuses.every((s) => s === 'R')) status = 'R';
  else status = policy.partialGroups === 'partial' ? 'P' : 'R';
  if (status === 'R') accepted = 0;
  const groupCodes = unique(groupErrors.map((issue) => GROUP_CODES[issue.code]));
  const included = group.trailer && /^\d+$/.test(group.trailer.elements[1] ?? '') ? String(Number(group.trailer.elements[1])) : String(group.sets.length);
  segments.push(['AK9', status, included, String(group.sets.length), String(accepted), ...groupCodes.slice(0, 5)]);
  return { kind, status, implementationReference: kind === '999' ? IMPLEMENTATION_999 : null, segments };
}

function setResponse(set: X12SetSummary, status: 'A' | 'E' | 'R', kind: '997' | '999', modern: boolean): X12SegmentInput[] {
  const out: X12SegmentInput[] = [modern && set.implementationReference ? ['AK2', set.id, set.controlNumber, set.implementationReference] : ['AK2', set.id, set.controlNumber]];
  const errors = set.issues.filter(isError);
  const bySegment = new Map<string, X12Issue[]>();
  for (const issue of errors) {
    const reportable = SEGMENT_CODES[issue.code] !== undefined || ELEMENT_CODES[issue.code] !== undefined || issue.level === 3;
    if (!reportable || issue.segmentPosition === null || issue.segmentId === null) continue;
    const key = `${String(issue.segmentPosition).padStart(10, '0')} ${issue.segmentId}`;
    bySegment.set(key, [...(bySegment.get(key) ?? []), issue]);
  }
  for (const key of [...bySegment.keys()].sort()) {
    const issues = bySegment.get(key) as X12Issue[];
    const first = issues[0] as X12Issue;
    const segmentCode = issues.map((issue) => SEGMENT_CODES[issue.code]).find((code) => code !== undefined);
    const elementIssues = issues.filter((issue) => ELEMENT_CODES[issue.code] !== undefined || (kind === '999' && issue.level === 3));
    // A balancing error has no X12 syntax code: the 997 names the segment only; the 999 uses
    // "segment has data element errors" with the implementation pattern failure I12 on the element.
    const code = segmentCode ?? (elementIssues.length > 0 ? '8' : '');
    out.push([kind === '999' ? 'IK3' : 'AK3', first.segmentId as string, String(first.segmentPosition), first.loopId ?? '', code]);
    for (const issue of elementIssues.slice(0, 99)) {
      const position: X12ElementInput = modern
        ? [String(issue.elementPosition ?? 1), issue.componentPosition ? String(issue.componentPosition) : '', issue.repetitionPosition ? String(issue.repetitionPosition) : '']
        : [String(issue.elementPosition ?? 1), issue.componentPosition ? String(issue.componentPosition) : ''];
      const elementCode = ELEMENT_CODES[issue.code] ?? 'I12';
      const copy = issue.value !== undefined && COPYABLE.test(issue.value) ? issue.value : '';
      out.push([kind === '999' ? 'IK4' : 'AK4', position, reference(issue), elementCode, copy]);
    }
  }
  const setCodes = unique(errors.map((issue) => SET_CODES[issue.code]));
  if (bySegment.size > 0) setCodes.push('5');
  out.push([kind === '999' ? 'IK5' : 'AK5', status, ...unique(setCodes).slice(0, 5)]);
  return out;
}

/** AK402/IK402 is numeric; interchange-level references such as `I12` are left out. */
const reference = (issue: X12Issue): string => (issue.elementReference && /^\d{1,4}$/.test(issue.elementReference) ? issue.elementReference : '');

function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

export interface AcknowledgeOptions {
  /** ISA13 of the acknowledgement interchange. */
  controlNumber: number;
  /** GS06 of the first acknowledgement group; one group per acknowledged group, numbered on. */
  firstGroupControlNumber: number;
  at: Date;
  policy?: Partial<X12AckPolicy>;
  /** `auto` (default): a TA1 when the sender asked (ISA14 = 1) or the envelope has problems. */
  ta1?: 'auto' | 'always' | 'never';
  usage?: 'P' | 'T' | 'I';
}

/**
 * The whole answer to a received interchange, ready for `writeInterchange`: sender and receiver
 * swapped, a TA1 when due, and a 997 or 999 for each functional group. Acknowledgements (FA groups)
 * are never acknowledged, and a rejected interchange (TA1 `R`) gets no functional acknowledgements,
 * because its groups were not taken in.
 */
export function acknowledgeInterchange(interchange: X12InterchangeSummary, options: AcknowledgeOptions): X12InterchangeInput {
  const header = interchange.header;
  const ta1 = buildTa1(interchange, options.policy);
  const mode = options.ta1 ?? 'auto';
  const wantTa1 = mode === 'always' || (mode === 'auto' && (header.ackRequested || ta1.status !== 'A'));
  const groups: X12GroupInput[] = [];
  if (ta1.status !== 'R') {
    let groupControl = options.firstGroupControlNumber;
    for (const group of interchange.groups) {
      if (group.header.functionalId === 'FA') continue;
      const ack = buildFunctionalAck(group, options.policy === undefined ? {} : { policy: options.policy });
      groups.push({
        functionalId: 'FA',
        senderCode: group.header.receiverCode,
        receiverCode: group.header.senderCode,
        controlNumber: groupControl++,
        version: ack.kind === '999' ? IMPLEMENTATION_999 : '004010',
        sets: [{ id: ack.kind, controlNumber: 1, ...(ack.implementationReference ? { implementationReference: ack.implementationReference } : {}), segments: ack.segments }],
      });
    }
  }
  return {
    sender: { qualifier: header.receiverQualifier, id: header.receiverId },
    receiver: { qualifier: header.senderQualifier, id: header.senderId },
    controlNumber: options.controlNumber,
    at: options.at,
    version: groups.some((group) => group.version.startsWith('005010')) || header.version >= '00501' ? '00501' : '00401',
    usage: options.usage ?? (header.usage === 'T' ? 'T' : 'P'),
    ...(wantTa1 ? { ta1: [ta1.segment] } : {}),
    groups,
  };
}
