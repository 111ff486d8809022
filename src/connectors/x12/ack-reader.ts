import { component, element, repeats } from './segment.ts';
import type { X12Interchange, X12Segment, X12TransactionSet } from './x12.types.ts';

/**
 * Inbound acknowledgements as typed results: which of our groups and sets a partner accepted or
 * rejected, and why. A tracker matches them to what we sent by functional identifier and group
 * control number (AK101, AK102) and by set control number (AK202), or by interchange control number
 * for a TA1. The reader trusts the structure the validator checked; a set that is not a 997 or 999,
 * or lacks AK1 or AK9, is answered as not readable rather than guessed at.
 */

export interface X12AckElementError {
  position: number;
  componentPosition?: number;
  repetitionPosition?: number;
  /** Data element reference number, when the partner sent it. */
  reference?: string;
  /** AK403 / IK403 code, such as `7` (invalid code value). */
  code: string;
  value?: string;
}

export interface X12AckSegmentError {
  segmentId: string;
  /** Position of the segment in our transaction set (ST is 1). */
  position: number;
  loopId?: string;
  /** AK304 / IK304 code, when sent. */
  code?: string;
  elements: X12AckElementError[];
}

export interface X12AckSetResult {
  setId: string;
  controlNumber: string;
  implementationReference?: string;
  /** AK501 / IK501: A, E, M, R, W or X. */
  status: string;
  /** A or E: the partner took the set in. */
  accepted: boolean;
  /** AK502–AK506 / IK502–IK506. */
  errorCodes: string[];
  segmentErrors: X12AckSegmentError[];
}

export interface X12FunctionalAckResult {
  kind: '997' | '999';
  /** ST02 of the acknowledgement itself. */
  controlNumber: string;
  /** AK101: the functional identifier of our group, such as `PR`. */
  functionalId: string;
  /** AK102: our GS06. */
  groupControlNumber: string;
  /** AK103, when sent (005010). */
  version?: string;
  /** AK901: A, E, P, R, M, W or X. */
  status: string;
  /** A, E or P: at least part of the group was taken in. */
  accepted: boolean;
  /** AK905–AK909. */
  errorCodes: string[];
  setsIncluded: number;
  setsReceived: number;
  setsAccepted: number;
  /** Sets the partner listed; in a 997 an accepting partner often lists none. */
  sets: X12AckSetResult[];
}

export interface X12Ta1Result {
  /** TA101: our ISA13. */
  interchangeControlNumber: string;
  date: string;
  time: string;
  /** TA104: A, E or R. */
  status: string;
  accepted: boolean;
  /** TA105, `000` for no error. */
  noteCode: string;
}

export type X12AckReadResult = { ok: true; ack: X12FunctionalAckResult } | { ok: false; message: string };

const accepts = (code: string) => code === 'A' || code === 'E';
const count = (value: string) => (/^\d+$/.test(value) ? Number(value) : 0);

export function readFunctionalAck(set: X12TransactionSet): X12AckReadResult {
  if (set.id !== '997' && set.id !== '999') return { ok: false, message: `transaction set ${set.id} is not a 997 or 999` };
  const kind = set.id;
  const ak1 = set.segments.find((segment) => segment.id === 'AK1');
  const ak9 = set.segments.find((segment) => segment.id === 'AK9');
  if (!ak1 || !ak9) return { ok: false, message: `${kind} ${set.controlNumber} has no ${ak1 ? 'AK9' : 'AK1'}` };
  const sets: X12AckSetResult[] = [];
  let current: X12AckSetResult | null = null;
  let segmentError: X12AckSegmentError | null = null;
  for (const segment of set.segments) {
    switch (segment.id) {
      case 'AK2':
        current = { setId: element(segment, 1), controlNumber: element(segment, 2), status: '', accepted: false, errorCodes: [], segmentErrors: [] };
        if (element(segment, 3)) current.implementationReference = element(segment, 3);
        sets.push(current);
        segmentError = null;
        break;
      case 'AK3':
      case 'IK3':
        if (!current) break;
        segmentError = { segmentId: element(segment, 1), position: count(element(segment, 2)), elements: [] };
        if (element(segment, 3)) segmentError.loopId = element(segment, 3);
        if (element(segment, 4)) segmentError.code = element(segment, 4);
        current.segmentErrors.push(segmentError);
        break;
      case 'AK4':
      case 'IK4':
        if (segmentError) segmentError.elements.push(elementError(segment));
        break;
      case 'AK5':
      case 'IK5':
        if (!current) break;
        current.status = element(segment, 1);
        current.accepted = accepts(current.status);
        current.errorCodes = codesFrom(segment, 2, 6);
        break;
    }
  }
  const status = element(ak9, 1);
  const ack: X12FunctionalAckResult = {
    kind,
    controlNumber: set.controlNumber,
    functionalId: element(ak1, 1),
    groupControlNumber: element(ak1, 2),
    status,
    accepted: accepts(status) || status === 'P',
    errorCodes: codesFrom(ak9, 5, 9),
    setsIncluded: count(element(ak9, 2)),
    setsReceived: count(element(ak9, 3)),
    setsAccepted: count(element(ak9, 4)),
    sets,
  };
  if (element(ak1, 3)) ack.version = element(ak1, 3);
  return { ok: true, ack };
}

/**
 * What the partner said about one of our sets: its own AK5 when listed, else what the group status
 * implies (an accepting or partly accepting 997 lists only the sets it rejected, or none).
 */
export function setStatus(ack: X12FunctionalAckResult, controlNumber: string): { status: string; accepted: boolean; listed: boolean } {
  const listed = ack.sets.find((set) => set.controlNumber === controlNumber);
  if (listed) return { status: listed.status, accepted: listed.accepted, listed: true };
  const implied = ack.status === 'P' ? 'A' : ack.status;
  return { status: implied, accepted: accepts(implied), listed: false };
}

export function readTa1(segment: X12Segment): X12Ta1Result {
  const status = element(segment, 4);
  return { interchangeControlNumber: element(segment, 1), date: element(segment, 2), time: element(segment, 3), status, accepted: accepts(status), noteCode: element(segment, 5) };
}

/** Every acknowledgement in a received interchange: its TA1 segments and its 997/999 sets. */
export function readAcknowledgements(interchange: X12Interchange): { ta1: X12Ta1Result[]; functional: X12AckReadResult[] } {
  const functional = interchange.groups.flatMap((group) => group.sets.filter((set) => set.id === '997' || set.id === '999').map(readFunctionalAck));
  return { ta1: interchange.ta1.map(readTa1), functional };
}

function elementError(segment: X12Segment): X12AckElementError {
  const position = repeats(segment, 1)[0] ?? '';
  const result: X12AckElementError = { position: count(component(segment, 1, 1) || position), code: element(segment, 3) };
  const componentPosition = component(segment, 1, 2);
  const repetitionPosition = component(segment, 1, 3);
  if (componentPosition) result.componentPosition = count(componentPosition);
  if (repetitionPosition) result.repetitionPosition = count(repetitionPosition);
  if (element(segment, 2)) result.reference = element(segment, 2);
  if (element(segment, 4)) result.value = element(segment, 4);
  return result;
}

function codesFrom(segment: X12Segment, from: number, to: number): string[] {
  const codes: string[] = [];
  for (let position = from; position <= to; position++) if (element(segment, position)) codes.push(element(segment, position));
  return codes;
}
