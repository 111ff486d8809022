import type { X12Issue, X12Segment, X12Severity } from './x12.types.ts';

/**
 * Every issue code, with the validation level that finds it. Level 1 is syntax and envelopes,
 * level 2 the transaction set specification, level 3 balancing. `docs/x12.md` explains each one.
 */
export const issueLevels = {
  // Level 1: reading and envelopes.
  isa_expected: 1,
  isa_invalid: 1,
  isa_width: 1,
  isa_value: 1,
  delimiter_invalid: 1,
  segment_terminator_mixed: 1,
  segment_terminator_missing: 1,
  segment_line_break: 1,
  segment_id_invalid: 1,
  segment_too_long: 1,
  invalid_character: 1,
  segment_outside_envelope: 1,
  interchange_trailer_missing: 1,
  interchange_control_mismatch: 1,
  interchange_count_mismatch: 1,
  group_value: 1,
  group_version_unsupported: 1,
  group_trailer_missing: 1,
  group_control_mismatch: 1,
  group_control_duplicate: 1,
  group_count_mismatch: 1,
  set_id_invalid: 1,
  set_control_invalid: 1,
  set_functional_id_mismatch: 1,
  set_trailer_missing: 1,
  set_control_mismatch: 1,
  set_control_duplicate: 1,
  set_count_mismatch: 1,
  // Level 2: the transaction set specification.
  set_unsupported: 2,
  segment_unexpected: 2,
  segment_not_in_set: 2,
  segment_required_missing: 2,
  segment_repeat_exceeded: 2,
  loop_repeat_exceeded: 2,
  element_required_missing: 2,
  element_conditional_missing: 2,
  element_exclusion_violated: 2,
  element_too_many: 2,
  element_too_short: 2,
  element_too_long: 2,
  element_invalid_character: 2,
  element_invalid_number: 2,
  element_invalid_code: 2,
  element_invalid_date: 2,
  element_invalid_time: 2,
  element_too_many_repetitions: 2,
  element_too_many_components: 2,
  // Level 3: balancing.
  balance_line_count: 3,
  balance_hash_total: 3,
  balance_amount: 3,
  balance_quantity: 3,
  hl_sequence: 3,
  hl_parent: 3,
  hl_level: 3,
  hl_child_code: 3,
  // The writer's own checks on data it is asked to serialise.
  writer_delimiter_in_data: 1,
  writer_value: 1,
} as const satisfies Record<string, 1 | 2 | 3>;

export type X12IssueCode = keyof typeof issueLevels;

/** Where an issue is, as far as the code raising it knows; the envelope reader adds control numbers. */
export interface IssuePlace {
  segment?: X12Segment | null;
  segmentId?: string | null;
  segmentPosition?: number | null;
  elementPosition?: number | null;
  componentPosition?: number;
  repetitionPosition?: number;
  elementReference?: string;
  loopId?: string;
  value?: string;
  byteOffset?: number | null;
  interchangeControl?: string | null;
  groupControl?: string | null;
  setControl?: string | null;
}

const VALUE_LENGTH_MAX = 99;

export function x12Issue(code: X12IssueCode, message: string, place: IssuePlace = {}, severity: X12Severity = 'error'): X12Issue {
  const segment = place.segment ?? null;
  const issue: X12Issue = {
    severity,
    level: issueLevels[code],
    code,
    interchangeControl: place.interchangeControl ?? null,
    groupControl: place.groupControl ?? null,
    setControl: place.setControl ?? null,
    segmentId: place.segmentId ?? segment?.id ?? null,
    segmentPosition: place.segmentPosition ?? segment?.setPosition ?? null,
    elementPosition: place.elementPosition ?? null,
    byteOffset: place.byteOffset ?? segment?.byteOffset ?? null,
    message,
  };
  if (place.componentPosition !== undefined) issue.componentPosition = place.componentPosition;
  if (place.repetitionPosition !== undefined) issue.repetitionPosition = place.repetitionPosition;
  if (place.elementReference !== undefined) issue.elementReference = place.elementReference;
  if (place.loopId !== undefined) issue.loopId = place.loopId;
  if (place.value !== undefined) issue.value = place.value.slice(0, VALUE_LENGTH_MAX);
  return issue;
}

export const isError = (issue: X12Issue): boolean => issue.severity === 'error';

/** `BEG03`, `PO102-1`: the usual way people name an element. */
export function elementName(segmentId: string, elementPosition: number, componentPosition?: number): string {
  const name = `${segmentId}${String(elementPosition).padStart(2, '0')}`;
  return componentPosition === undefined ? name : `${name}-${componentPosition}`;
}

/** Shows a delimiter or a byte readably in messages: `'~'`, `'\n'`, `'\r'`. */
export function showChar(char: string): string {
  return JSON.stringify(char);
}
