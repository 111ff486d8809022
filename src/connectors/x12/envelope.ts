import { isValidDate, isValidTime } from './datatypes.ts';
import { x12Issue, type IssuePlace, type X12IssueCode } from './issues.ts';
import { element } from './segment.ts';
import { functionalIdBySet, toleratedFunctionalIds, versionFamily } from './sets.spec.ts';
import type { X12Token } from './tokenizer.ts';
import type {
  X12GroupHeader,
  X12GroupSummary,
  X12InterchangeHeader,
  X12InterchangeSummary,
  X12Issue,
  X12ReadItem,
  X12Segment,
  X12Severity,
  X12TransactionSet,
} from './x12.types.ts';

/**
 * Envelope checks (validation level 1): ISA/IEA, GS/GE and ST/SE nest properly, control numbers in
 * headers and trailers agree (ISA13 = IEA02, GS06 = GE02, ST02 = SE02), counts agree (IEA01 groups,
 * GE01 sets, SE01 segments including ST and SE), the ISA keeps its fixed widths and valid values,
 * GS08 names a version we have specifications for, and GS01 is the functional group of ST01.
 *
 * It consumes tokens one at a time and holds at most one transaction set, so memory does not grow
 * with the interchange. A set is handed to `validateSet` (levels 2 and 3) at its SE.
 */

export type SetValidator = (set: X12TransactionSet, group: X12GroupHeader) => X12Issue[];

interface OpenInterchange {
  header: X12InterchangeHeader;
  summary: X12InterchangeSummary;
  groupControls: Set<string>;
}

interface OpenGroup {
  header: X12GroupHeader;
  summary: X12GroupSummary;
  setControls: Set<string>;
}

/** ISA element widths, ISA01 … ISA16. */
const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1] as const;
/** Interchange id qualifiers (ISA05, ISA07) of 004010 and 005010. */
const ID_QUALIFIERS = new Set(['01', '02', '03', '04', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '27', '28', '29', '30', '31', '32', '33', 'NR', 'SA', 'SN', 'ZZ']);

/** Control numbers are numeric: `000000005` and `5` are the same number. */
const sameNumber = (a: string, b: string): boolean => (/^\d+$/.test(a) && /^\d+$/.test(b) ? BigInt(a) === BigInt(b) : a === b);

export class X12EnvelopeReader {
  #interchange: OpenInterchange | null = null;
  #group: OpenGroup | null = null;
  #set: X12TransactionSet | null = null;
  /** A set that cannot be reported (no group around it) is skipped to its SE. */
  #skippingSet = false;
  readonly #validateSet: SetValidator | null;

  constructor(validateSet: SetValidator | null) {
    this.#validateSet = validateSet;
  }

  accept(token: X12Token): X12ReadItem[] {
    const out: X12ReadItem[] = [];
    const segment = token.segment;
    if (segment === null) {
      for (const issue of token.issues) this.#report(out, issue);
      return out;
    }
    // Issues the tokeniser found on a segment belong where the segment lands: inside the envelope a
    // header opens, and inside the one a trailer is about to close.
    const opens = segment.id === 'ISA' || segment.id === 'GS' || segment.id === 'ST';
    if (!opens) for (const issue of token.issues) this.#report(out, issue);
    switch (segment.id) {
      case 'ISA':
        this.#closeInterchange(out, segment);
        this.#openInterchange(segment);
        break;
      case 'IEA':
        this.#onIea(out, segment);
        break;
      case 'GS':
        this.#onGs(out, segment);
        break;
      case 'GE':
        this.#onGe(out, segment);
        break;
      case 'ST':
        this.#onSt(out, segment);
        break;
      case 'SE':
        this.#onSe(out, segment);
        break;
      case 'TA1':
        if (this.#interchange && !this.#group) this.#interchange.summary.ta1.push(segment);
        else this.#onOther(out, segment);
        break;
      default:
        this.#onOther(out, segment);
    }
    if (opens) for (const issue of token.issues) this.#report(out, issue);
    return out;
  }

  /** The input ended: anything still open lacks its trailer. */
  finish(): X12ReadItem[] {
    const out: X12ReadItem[] = [];
    this.#closeInterchange(out, null);
    return out;
  }

  #place(): IssuePlace {
    return {
      interchangeControl: this.#interchange?.header.controlNumber ?? null,
      groupControl: this.#group?.header.controlNumber ?? null,
      setControl: this.#set?.controlNumber ?? null,
    };
  }

  /** Files an issue in the innermost open envelope, with that envelope's control numbers. */
  #report(out: X12ReadItem[], issue: X12Issue): void {
    const place = this.#place();
    issue.interchangeControl ??= place.interchangeControl ?? null;
    issue.groupControl ??= place.groupControl ?? null;
    issue.setControl ??= place.setControl ?? null;
    if (this.#set) this.#set.issues.push(issue);
    else if (this.#group) this.#group.summary.issues.push(issue);
    else if (this.#interchange) this.#interchange.summary.issues.push(issue);
    else out.push({ kind: 'issue', issue });
  }

  #issue(out: X12ReadItem[], code: X12IssueCode, message: string, place: IssuePlace, severity: X12Severity = 'error'): void {
    this.#report(out, x12Issue(code, message, { ...this.#place(), ...place }, severity));
  }

  #openInterchange(segment: X12Segment): void {
    const value = (position: number) => element(segment, position);
    const header: X12InterchangeHeader = {
      authorizationQualifier: value(1),
      authorization: value(2).trim(),
      securityQualifier: value(3),
      security: value(4).trim(),
      senderQualifier: value(5).trim(),
      senderId: value(6).trim(),
      receiverQualifier: value(7).trim(),
      receiverId: value(8).trim(),
      date: value(9),
      time: value(10),
      version: value(12),
      controlNumber: value(13),
      ackRequested: value(14) === '1',
      usage: value(15),
      delimiters: segment.delimiters,
      segment,
    };
    const summary: X12InterchangeSummary = { header, trailer: null, groups: [], ta1: [], issues: [] };
    this.#interchange = { header, summary, groupControls: new Set() };
    for (const [code, message, position, severity] of isaProblems(segment)) {
      summary.issues.push(x12Issue(code, message, { segment, elementPosition: position, interchangeControl: header.controlNumber, value: value(position) }, severity));
    }
  }

  #onIea(out: X12ReadItem[], segment: X12Segment): void {
    const open = this.#interchange;
    if (!open) {
      this.#issue(out, 'segment_outside_envelope', 'IEA without an interchange (no ISA before it)', { segment });
      return;
    }
    this.#closeGroup(out, segment);
    const count = element(segment, 1);
    if (!/^\d{1,5}$/.test(count) || Number(count) !== open.summary.groups.length) {
      this.#issue(out, 'interchange_count_mismatch', `IEA01 says ${JSON.stringify(count)} functional groups; the interchange has ${open.summary.groups.length}`, { segment, elementPosition: 1, value: count });
    }
    const control = element(segment, 2);
    if (!sameNumber(control, open.header.controlNumber)) {
      this.#issue(out, 'interchange_control_mismatch', `IEA02 ${JSON.stringify(control)} does not match ISA13 ${JSON.stringify(open.header.controlNumber)}`, { segment, elementPosition: 2, value: control });
    }
    open.summary.trailer = segment;
    out.push({ kind: 'interchange', interchange: open.summary });
    this.#interchange = null;
  }

  #onGs(out: X12ReadItem[], segment: X12Segment): void {
    const open = this.#interchange;
    if (!open) {
      this.#issue(out, 'segment_outside_envelope', 'GS outside an interchange (no ISA before it)', { segment });
      return;
    }
    this.#closeGroup(out, segment);
    const value = (position: number) => element(segment, position);
    const header: X12GroupHeader = {
      functionalId: value(1),
      senderCode: value(2),
      receiverCode: value(3),
      date: value(4),
      time: value(5),
      controlNumber: value(6),
      agency: value(7),
      version: value(8),
      segment,
    };
    const summary: X12GroupSummary = { header, trailer: null, sets: [], issues: [] };
    open.summary.groups.push(summary);
    this.#group = { header, summary, setControls: new Set() };
    for (const [code, message, position] of gsProblems(segment)) this.#issue(out, code, message, { segment, elementPosition: position, value: value(position) });
    if (open.groupControls.has(header.controlNumber)) {
      this.#issue(out, 'group_control_duplicate', `GS06 ${header.controlNumber} is used by another functional group of this interchange`, { segment, elementPosition: 6, value: header.controlNumber });
    }
    open.groupControls.add(header.controlNumber);
  }

  #onGe(out: X12ReadItem[], segment: X12Segment): void {
    const open = this.#group;
    if (!open) {
      this.#issue(out, 'segment_outside_envelope', 'GE without a functional group (no GS before it)', { segment });
      return;
    }
    this.#closeSet(out, segment);
    const count = element(segment, 1);
    if (!/^\d{1,6}$/.test(count) || Number(count) !== open.summary.sets.length) {
      this.#issue(out, 'group_count_mismatch', `GE01 says ${JSON.stringify(count)} transaction sets; the group has ${open.summary.sets.length}`, { segment, elementPosition: 1, value: count });
    }
    const control = element(segment, 2);
    if (!sameNumber(control, open.header.controlNumber)) {
      this.#issue(out, 'group_control_mismatch', `GE02 ${JSON.stringify(control)} does not match GS06 ${JSON.stringify(open.header.controlNumber)}`, { segment, elementPosition: 2, value: control });
    }
    open.summary.trailer = segment;
    this.#group = null;
  }

  #onSt(out: X12ReadItem[], segment: X12Segment): void {
    const group = this.#group;
    if (!group) {
      this.#issue(out, 'segment_outside_envelope', `ST${element(segment, 1) ? ` ${element(segment, 1)}` : ''} outside a functional group (no GS before it); the set is skipped`, { segment });
      this.#skippingSet = true;
      return;
    }
    this.#closeSet(out, segment);
    const id = element(segment, 1);
    const controlNumber = element(segment, 2);
    const set: X12TransactionSet = {
      id,
      controlNumber,
      implementationReference: element(segment, 3) || null,
      segmentCount: 1,
      byteOffset: segment.byteOffset,
      issues: [],
      segments: [segment],
    };
    this.#set = set;
    if (!/^\d{3}$/.test(id)) this.#issue(out, 'set_id_invalid', `ST01 ${JSON.stringify(id)} is not a transaction set id (three digits)`, { segment, elementPosition: 1, value: id });
    if (!/^[^\s]{4,9}$/.test(controlNumber)) {
      this.#issue(out, 'set_control_invalid', `ST02 ${JSON.stringify(controlNumber)} must be 4 to 9 characters`, { segment, elementPosition: 2, value: controlNumber });
    } else if (group.setControls.has(controlNumber)) {
      this.#issue(out, 'set_control_duplicate', `ST02 ${controlNumber} is used by another transaction set of group ${group.header.controlNumber}`, { segment, elementPosition: 2, value: controlNumber });
    }
    group.setControls.add(controlNumber);
    const expected = functionalIdBySet[id];
    const functionalId = group.header.functionalId;
    if (expected !== undefined && expected !== functionalId) {
      const tolerated = toleratedFunctionalIds[id] === functionalId;
      this.#issue(out, 'set_functional_id_mismatch', `transaction set ${id} belongs in a functional group ${expected}, not ${functionalId} (GS01)${tolerated ? '; read anyway, as partners often send it so' : ''}`, { segment, elementPosition: 1, value: id }, tolerated ? 'warning' : 'error');
    }
  }

  #onSe(out: X12ReadItem[], segment: X12Segment): void {
    if (this.#skippingSet) {
      this.#skippingSet = false;
      return;
    }
    const set = this.#set;
    const group = this.#group;
    if (!set || !group) {
      this.#issue(out, 'segment_outside_envelope', 'SE without a transaction set (no ST before it)', { segment });
      return;
    }
    set.segments.push(segment);
    set.segmentCount = set.segments.length;
    const count = element(segment, 1);
    if (!/^\d{1,10}$/.test(count) || Number(count) !== set.segmentCount) {
      this.#issue(out, 'set_count_mismatch', `SE01 says ${JSON.stringify(count)} segments; the set has ${set.segmentCount} from ST to SE`, { segment, elementPosition: 1, value: count });
    }
    const control = element(segment, 2);
    if (control !== set.controlNumber) {
      this.#issue(out, 'set_control_mismatch', `SE02 ${JSON.stringify(control)} does not match ST02 ${JSON.stringify(set.controlNumber)}`, { segment, elementPosition: 2, value: control });
    }
    if (this.#validateSet) for (const issue of this.#validateSet(set, group.header)) this.#report(out, issue);
    this.#emitSet(out, set, group);
  }

  #onOther(out: X12ReadItem[], segment: X12Segment): void {
    if (this.#skippingSet) return;
    if (this.#set) {
      this.#set.segments.push(segment);
      this.#set.segmentCount = this.#set.segments.length;
    } else if (this.#group) {
      this.#issue(out, 'segment_outside_envelope', `${segment.id} between transaction sets (outside ST … SE)`, { segment });
    } else if (this.#interchange) {
      this.#issue(out, 'segment_outside_envelope', `${segment.id} outside a functional group (outside GS … GE)`, { segment });
    } else {
      this.#issue(out, 'segment_outside_envelope', `${segment.id} outside an interchange (outside ISA … IEA)`, { segment });
    }
  }

  #emitSet(out: X12ReadItem[], set: X12TransactionSet, group: OpenGroup): void {
    const { segments: _segments, ...summary } = set;
    group.summary.sets.push(summary);
    out.push({ kind: 'set', interchange: (this.#interchange as OpenInterchange).header, group: group.header, set });
    this.#set = null;
  }

  /** Closes an open set that never reached its SE; `at` is the segment that showed it was missing. */
  #closeSet(out: X12ReadItem[], at: X12Segment | null): void {
    this.#skippingSet = false;
    const set = this.#set;
    const group = this.#group;
    if (!set || !group) return;
    this.#issue(out, 'set_trailer_missing', `transaction set ${set.id} ${set.controlNumber} has no SE${at ? ` before ${at.id}` : ' before the input ends'}`, { segment: at ?? set.segments[0], segmentPosition: null });
    this.#emitSet(out, set, group);
  }

  #closeGroup(out: X12ReadItem[], at: X12Segment | null): void {
    this.#closeSet(out, at);
    const group = this.#group;
    if (!group) return;
    this.#issue(out, 'group_trailer_missing', `functional group ${group.header.controlNumber} has no GE${at ? ` before ${at.id}` : ' before the input ends'}`, { segment: at ?? group.header.segment, segmentPosition: null });
    this.#group = null;
  }

  #closeInterchange(out: X12ReadItem[], at: X12Segment | null): void {
    this.#closeGroup(out, at);
    const open = this.#interchange;
    if (!open) return;
    this.#issue(out, 'interchange_trailer_missing', `interchange ${open.header.controlNumber} has no IEA${at ? ` before the next ISA` : ' before the input ends'}`, { segment: at ?? open.header.segment, segmentPosition: null });
    out.push({ kind: 'interchange', interchange: open.summary });
    this.#interchange = null;
  }
}

type Problem = [X12IssueCode, string, number, X12Severity?];

/** ISA fixed widths and values; positions name the element for a TA1 note code. */
function isaProblems(segment: X12Segment): Problem[] {
  const problems: Problem[] = [];
  const count = segment.elements.length - 1;
  if (count !== 16) problems.push(['isa_invalid', `ISA has ${count} elements; it must have exactly 16`, Math.min(count, 16)]);
  ISA_WIDTHS.forEach((width, index) => {
    const position = index + 1;
    const value = element(segment, position);
    if (value.length !== width) {
      problems.push(['isa_width', `ISA${String(position).padStart(2, '0')} is ${value.length} characters; the ISA is fixed-width and it must be exactly ${width}`, position]);
    }
  });
  const value = (position: number) => element(segment, position);
  const check = (position: number, ok: boolean, what: string) => {
    if (!ok && value(position).length === ISA_WIDTHS[position - 1]) {
      problems.push(['isa_value', `ISA${String(position).padStart(2, '0')} ${JSON.stringify(value(position))} is not ${what}`, position]);
    }
  };
  check(1, /^0[0-6]$/.test(value(1)), 'an authorization information qualifier (00–06)');
  check(3, /^0[01]$/.test(value(3)), 'a security information qualifier (00 or 01)');
  check(5, ID_QUALIFIERS.has(value(5)), 'an interchange id qualifier');
  check(6, value(6).trim() !== '', 'a sender id (it is blank)');
  check(7, ID_QUALIFIERS.has(value(7)), 'an interchange id qualifier');
  check(8, value(8).trim() !== '', 'a receiver id (it is blank)');
  check(9, isValidDate(value(9)), 'a date (YYMMDD)');
  check(10, isValidTime(value(10)), 'a time (HHMM)');
  check(12, /^\d{5}$/.test(value(12)), 'a control version number (five digits)');
  check(13, /^\d{9}$/.test(value(13)), 'an interchange control number (nine digits)');
  check(14, /^[01]$/.test(value(14)), 'an acknowledgment request (0 or 1)');
  check(15, /^[PTI]$/.test(value(15)), 'a usage indicator (P, T or I)');
  const repetitionSince = value(12) >= '00402';
  if (segment.delimiters.repetition === null && /^[A-Za-z0-9]$/.test(value(11))) {
    if (repetitionSince) problems.push(['isa_value', `ISA11 is ${JSON.stringify(value(11))}; from version 00402 it must be the repetition separator, so repeated elements cannot be read`, 11, 'warning']);
    else if (value(11) !== 'U') problems.push(['isa_value', `ISA11 ${JSON.stringify(value(11))} is not the standards identifier U`, 11]);
  }
  return problems;
}

/** GS values: 004010 and 005010 define them the same way. */
function gsProblems(segment: X12Segment): Problem[] {
  const problems: Problem[] = [];
  const value = (position: number) => element(segment, position);
  const check = (position: number, ok: boolean, what: string, code: X12IssueCode = 'group_value') => {
    if (!ok) problems.push([code, `GS${String(position).padStart(2, '0')} ${JSON.stringify(value(position))} is not ${what}`, position]);
  };
  check(1, /^[A-Z0-9]{2}$/.test(value(1)), 'a functional identifier code (two characters)');
  check(2, value(2).length >= 2 && value(2).length <= 15, "an application sender's code (2 to 15 characters)");
  check(3, value(3).length >= 2 && value(3).length <= 15, "an application receiver's code (2 to 15 characters)");
  check(4, value(4).length === 8 && isValidDate(value(4)), 'a date (CCYYMMDD)');
  check(5, isValidTime(value(5)), 'a time (HHMM, HHMMSS or HHMMSSd..)');
  check(6, /^\d{1,9}$/.test(value(6)), 'a group control number (1 to 9 digits)');
  check(7, value(7) === 'X' || value(7) === 'T', 'a responsible agency code (X or T)');
  check(8, versionFamily(value(8)) !== null, 'a version we can validate (004010 or 005010, with any release suffix)', 'group_version_unsupported');
  if (segment.elements.length - 1 > 8) problems.push(['group_value', `GS has ${segment.elements.length - 1} elements; it has at most 8`, 9]);
  return problems;
}
