import { balanceSet } from './balancing.ts';
import { isDecimal, isImpliedDecimal, isValidDate, isValidTime, numericLength } from './datatypes.ts';
import { elementName, x12Issue, type X12IssueCode } from './issues.ts';
import { segmentSpecs } from './segments.spec.ts';
import { setSpec, versionFamily, type VersionFamily } from './sets.spec.ts';
import type { ElementSpec, SegmentSpec, SetSpec, StructureNode } from './spec.ts';
import type { X12GroupHeader, X12Issue, X12Segment, X12TransactionSet } from './x12.types.ts';

/**
 * Validation levels 2 and 3 of one transaction set against its specification: segments in their
 * place, mandatory segments and loops present, maximum uses kept (level 2, structure); every element
 * of the segments the dictionary defines checked for presence, length, data type, code value and
 * the segment's syntax notes (level 2, elements); then the set's balancing rules (level 3).
 *
 * The version family comes from GS08 (`004010…` or `005010…`); a set we have no specification for
 * is reported once as `set_unsupported`.
 */
export function validateTransactionSet(set: X12TransactionSet, group: X12GroupHeader, level: 2 | 3): X12Issue[] {
  const family = versionFamily(group.version);
  // The group's own issue (group_version_unsupported) already says why nothing more can be checked.
  if (family === null) return [];
  const place = { setControl: set.controlNumber, groupControl: group.controlNumber };
  const spec = setSpec(family, set.id);
  if (!spec) {
    return [x12Issue('set_unsupported', `transaction set ${set.id} is not one we have a ${family} specification for`, { ...place, segment: set.segments[0], elementPosition: 1, value: set.id })];
  }
  const issues: X12Issue[] = [];
  const loopIds = checkStructure(set.segments, spec, issues);
  const dictionary = segmentSpecs(family);
  for (let index = 0; index < set.segments.length; index++) {
    const segment = set.segments[index] as X12Segment;
    const segmentSpec = dictionary[segment.id];
    if (segmentSpec) checkElements(segment, segmentSpec, family, loopIds[index], issues);
  }
  if (level === 3) {
    // Balancing rules know segments, not specifications: add the element reference and loop here.
    for (const issue of balanceSet(set)) {
      const index = set.segments.findIndex((segment) => segment.setPosition === issue.segmentPosition);
      const reference = issue.segmentId && issue.elementPosition ? dictionary[issue.segmentId]?.elements[issue.elementPosition - 1]?.ref : undefined;
      if (reference) issue.elementReference = reference;
      const loopId = loopIds[index];
      if (loopId) issue.loopId = loopId;
      issues.push(issue);
    }
  }
  for (const issue of issues) {
    issue.setControl ??= place.setControl;
    issue.groupControl ??= place.groupControl;
  }
  return issues;
}

/** Checks one segment's elements against its definition; used for sets and for envelope-level segments (TA1). */
export function validateSegment(segment: X12Segment, family: VersionFamily): X12Issue[] {
  const issues: X12Issue[] = [];
  const spec = segmentSpecs(family)[segment.id];
  if (spec) checkElements(segment, spec, family, undefined, issues);
  return issues;
}

const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

interface Frame {
  nodes: readonly StructureNode[];
  /** Index of the node last matched; nodes before it can no longer occur in this iteration. */
  pos: number;
  counts: number[];
  loopId: string | undefined;
}

const nodeId = (node: StructureNode): string => node.id;

const knownIds = new WeakMap<SetSpec, Set<string>>();
function idsOf(spec: SetSpec): Set<string> {
  let ids = knownIds.get(spec);
  if (!ids) {
    ids = new Set();
    const visit = (nodes: readonly StructureNode[]) => nodes.forEach((node) => (node.kind === 'segment' ? ids?.add(node.id) : visit(node.children)));
    visit(spec.structure);
    knownIds.set(spec, ids);
  }
  return ids;
}

/**
 * Walks the segments through the structure with a stack of loop frames, the way the standard reads
 * a set: a segment belongs to the innermost open loop that still has a place for it after the
 * current position, else it closes loops outward until one does. A loop's trigger segment seen
 * again starts a new iteration. Answers the loop id each segment was read in.
 */
function checkStructure(segments: readonly X12Segment[], spec: SetSpec, issues: X12Issue[]): Array<string | undefined> {
  const stack: Frame[] = [{ nodes: spec.structure, pos: 0, counts: spec.structure.map(() => 0), loopId: undefined }];
  const loopIds: Array<string | undefined> = [];

  const missing = (node: StructureNode, at: X12Segment, loopId: string | undefined) => {
    const what = node.kind === 'loop' ? `loop ${node.id}` : `segment ${node.id}`;
    issues.push(x12Issue('segment_required_missing', `mandatory ${what} is missing from the ${spec.id}${loopId ? ` (in loop ${loopId})` : ''}; found ${at.id} at position ${at.setPosition} instead`, {
      segmentId: node.id,
      segmentPosition: at.setPosition,
      byteOffset: at.byteOffset,
      ...(loopId ? { loopId } : {}),
    }));
  };
  const close = (frame: Frame, at: X12Segment) => {
    for (let j = frame.pos; j < frame.nodes.length; j++) {
      const node = frame.nodes[j] as StructureNode;
      if ((frame.counts[j] ?? 0) === 0 && node.req === 'M') missing(node, at, frame.loopId);
    }
  };

  for (const segment of segments) {
    const frameNow = stack[stack.length - 1] as Frame;
    if (!SEGMENT_ID.test(segment.id)) {
      loopIds.push(frameNow.loopId);
      continue;
    }
    // First a place that is not used up yet, innermost first; failing that, an exhausted one, so
    // the error names the limit rather than the segment.
    const place = locate(stack, segment.id, false) ?? locate(stack, segment.id, true);
    if (place === null) {
      const known = idsOf(spec).has(segment.id);
      const reading = frameNow.loopId;
      issues.push(x12Issue(known ? 'segment_unexpected' : 'segment_not_in_set', known
        ? `${segment.id} at position ${segment.setPosition} is out of place in the ${spec.id}${reading ? ` (reading loop ${reading})` : ''}`
        : `${segment.id} is not a segment of the ${spec.id}`, { segment, ...(reading ? { loopId: reading } : {}) }));
      loopIds.push(reading);
      continue;
    }
    const [depth, index] = place;
    while (stack.length - 1 > depth) close(stack.pop() as Frame, segment);
    const frame = stack[depth] as Frame;
    for (let j = frame.pos; j < index; j++) {
      const node = frame.nodes[j] as StructureNode;
      if ((frame.counts[j] ?? 0) === 0 && node.req === 'M') missing(node, segment, frame.loopId);
    }
    const node = frame.nodes[index] as StructureNode;
    frame.pos = index;
    const used = (frame.counts[index] ?? 0) + 1;
    frame.counts[index] = used;
    if (used > node.max) {
      const code: X12IssueCode = node.kind === 'loop' ? 'loop_repeat_exceeded' : 'segment_repeat_exceeded';
      const what = node.kind === 'loop' ? `loop ${node.id} occurs` : `${node.id} occurs`;
      issues.push(x12Issue(code, `${what} ${used} times${frame.loopId ? ` in loop ${frame.loopId}` : ''}; at most ${node.max} allowed`, { segment, ...(frame.loopId ? { loopId: frame.loopId } : {}) }));
    }
    if (node.kind === 'loop') {
      const counts = new Array<number>(node.children.length).fill(0);
      counts[0] = 1;
      stack.push({ nodes: node.children, pos: 0, counts, loopId: node.id });
    }
    loopIds.push((stack[stack.length - 1] as Frame).loopId);
  }
  const last = segments[segments.length - 1];
  if (last) while (stack.length > 0) close(stack.pop() as Frame, last);
  return loopIds;
}

/** The innermost frame with a place for `id`, as [depth, node index]. */
function locate(stack: readonly Frame[], id: string, allowExhausted: boolean): [number, number] | null {
  for (let depth = stack.length - 1; depth >= 0; depth--) {
    const index = findPlace(stack[depth] as Frame, id, allowExhausted);
    if (index >= 0) return [depth, index];
  }
  return null;
}

/** Where each segment id occurs among a loop's nodes, built once per structure: finding a place is then a lookup. */
const placesCache = new WeakMap<readonly StructureNode[], Map<string, number[]>>();
function placesOf(nodes: readonly StructureNode[]): Map<string, number[]> {
  let places = placesCache.get(nodes);
  if (!places) {
    places = new Map();
    for (let i = 0; i < nodes.length; i++) {
      const id = nodeId(nodes[i] as StructureNode);
      const list = places.get(id);
      if (list) list.push(i);
      else places.set(id, [i]);
    }
    placesCache.set(nodes, places);
  }
  return places;
}

function findPlace(frame: Frame, id: string, allowExhausted: boolean): number {
  const candidates = placesOf(frame.nodes).get(id);
  if (candidates === undefined) return -1;
  for (const i of candidates) {
    if (i < frame.pos) continue;
    const node = frame.nodes[i] as StructureNode;
    if (i > frame.pos || (frame.counts[i] ?? 0) < node.max || allowExhausted) return i;
  }
  return -1;
}

function checkElements(segment: X12Segment, spec: SegmentSpec, family: VersionFamily, loopId: string | undefined, issues: X12Issue[]): void {
  // This runs for every segment of every set, so it allocates nothing unless something is wrong.
  const values = segment.elements;
  const definitions = spec.elements;
  for (let position = definitions.length + 1; position < values.length; position++) {
    if (values[position] !== '') {
      issues.push(x12Issue('element_too_many', `${segment.id} has ${values.length - 1} elements; it defines ${definitions.length}`, { segment, elementPosition: position, value: values[position] as string, ...loopOf(loopId) }));
      break;
    }
  }
  const { repetition, component } = segment.delimiters;
  for (let i = 0; i < definitions.length; i++) {
    const definition = definitions[i] as ElementSpec;
    const position = i + 1;
    const raw = values[position] ?? '';
    if (raw === '') {
      if (definition.req === 'M') issues.push(elementIssue(['element_required_missing', `${definition.ref ? `(${definition.ref}) ` : ''}is mandatory`], segment, position, definition, loopId, {}));
    } else if (definition.components === undefined && (repetition === null || !raw.includes(repetition)) && !raw.includes(component)) {
      const problem = valueProblem(raw, definition, family);
      if (problem !== null) issues.push(elementIssue(problem, segment, position, definition, loopId, { value: raw }));
    } else {
      checkStructuredElement(segment, definition, position, raw, family, loopId, issues);
    }
  }
  if (spec.rules.length > 0) checkRules(segment, spec.rules, loopId, issues);
}

const loopOf = (loopId: string | undefined): { loopId?: string } => (loopId ? { loopId } : {});

function elementIssue(
  [code, detail]: [X12IssueCode, string],
  segment: X12Segment,
  position: number,
  definition: ElementSpec,
  loopId: string | undefined,
  extra: { componentPosition?: number; repetitionPosition?: number; value?: string },
): X12Issue {
  return x12Issue(code, `${elementName(segment.id, position, extra.componentPosition)} ${detail}`, {
    segment,
    elementPosition: position,
    ...(definition.ref ? { elementReference: definition.ref } : {}),
    ...loopOf(loopId),
    ...extra,
  });
}

/** A repeated or composite element: each repetition, and each component against its definition. */
function checkStructuredElement(segment: X12Segment, definition: ElementSpec, position: number, raw: string, family: VersionFamily, loopId: string | undefined, issues: X12Issue[]): void {
  const { repetition, component } = segment.delimiters;
  const allowed = definition.repeat ?? 1;
  const repetitions = repetition !== null && raw.includes(repetition) ? raw.split(repetition) : [raw];
  if (repetitions.length > allowed) {
    issues.push(elementIssue(['element_too_many_repetitions', `repeats ${repetitions.length} times; ${allowed} allowed`], segment, position, definition, loopId, { value: raw }));
  }
  repetitions.slice(0, allowed).forEach((value, r) => {
    const repetitionPlace = repetitions.length > 1 ? { repetitionPosition: r + 1 } : {};
    if (!definition.components) {
      if (value.includes(component)) {
        issues.push(elementIssue(['element_too_many_components', `contains the component separator ${JSON.stringify(component)}, but it is not a composite element`], segment, position, definition, loopId, { ...repetitionPlace, value }));
      } else {
        const problem = valueProblem(value, definition, family);
        if (problem !== null) issues.push(elementIssue(problem, segment, position, definition, loopId, { ...repetitionPlace, value }));
      }
      return;
    }
    const parts = value.split(component);
    if (parts.slice(definition.components.length).some((part) => part !== '')) {
      issues.push(elementIssue(['element_too_many_components', `has ${parts.length} components; it defines ${definition.components.length}`], segment, position, definition, loopId, { ...repetitionPlace, value }));
    }
    definition.components.forEach((part, c) => {
      const text = parts[c] ?? '';
      const where = { ...repetitionPlace, componentPosition: c + 1 };
      if (text === '') {
        if (part.req === 'M') issues.push(elementIssue(['element_required_missing', `${part.ref ? `(${part.ref}) ` : ''}is mandatory`], segment, position, part, loopId, where));
        return;
      }
      const problem = valueProblem(text, part, family);
      if (problem !== null) issues.push(elementIssue(problem, segment, position, part, loopId, { ...where, value: text }));
    });
  });
}

function checkRules(segment: X12Segment, rules: SegmentSpec['rules'], loopId: string | undefined, issues: X12Issue[]): void {
  const values = segment.elements;
  for (const rule of rules) {
    const positions = rule.positions;
    let present = 0;
    let firstAbsent = -1;
    let lastPresent = -1;
    for (let k = 0; k < positions.length; k++) {
      const position = positions[k] as number;
      if ((values[position] ?? '') !== '') {
        present++;
        lastPresent = position;
      } else if (firstAbsent < 0) firstAbsent = position;
    }
    const head = positions[0] as number;
    const headPresent = (values[head] ?? '') !== '';
    let problem: [X12IssueCode, string, number] | null = null;
    switch (rule.kind) {
      case 'P':
        if (present > 0 && firstAbsent >= 0) problem = ['element_conditional_missing', `${namesOf(segment.id, positions)} are used together; ${elementName(segment.id, firstAbsent)} is missing`, firstAbsent];
        break;
      case 'R':
        if (present === 0) problem = ['element_conditional_missing', `at least one of ${namesOf(segment.id, positions)} is required`, head];
        break;
      case 'E':
        if (present > 1) problem = ['element_exclusion_violated', `only one of ${namesOf(segment.id, positions)} may be used`, lastPresent];
        break;
      case 'C':
        if (headPresent && firstAbsent >= 0) problem = ['element_conditional_missing', `${elementName(segment.id, head)} requires ${namesOf(segment.id, positions.slice(1))}; ${elementName(segment.id, firstAbsent)} is missing`, firstAbsent];
        break;
      case 'L':
        if (headPresent && present === 1) problem = ['element_conditional_missing', `${elementName(segment.id, head)} requires at least one of ${namesOf(segment.id, positions.slice(1))}`, positions[1] as number];
        break;
    }
    if (problem !== null) issues.push(x12Issue(problem[0], problem[1], { segment, elementPosition: problem[2], ...loopOf(loopId) }));
  }
}

const namesOf = (segmentId: string, positions: readonly number[]): string => positions.map((position) => elementName(segmentId, position)).join(', ');

/** Control characters are never data; the extended character set allows everything else. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

function lengthProblem(value: string, length: number, unit: string, definition: ElementSpec): [X12IssueCode, string] | null {
  if (length < definition.min) return ['element_too_short', `${shown(value)} has ${length} ${unit}; at least ${definition.min} required`];
  if (length > definition.max) return ['element_too_long', `${shown(value)} has ${length} ${unit}; at most ${definition.max} allowed`];
  return null;
}

/** What is wrong with one simple value, as an issue code and the message after the element's name; null when nothing is. */
function valueProblem(value: string, definition: ElementSpec, family: VersionFamily): [X12IssueCode, string] | null {
  switch (definition.type) {
    case 'AN':
    case 'ID':
      if (CONTROL_CHARACTER.test(value)) return ['element_invalid_character', 'contains a control character'];
      if (definition.codes !== undefined && !definition.codes.has(value)) return ['element_invalid_code', `${shown(value)} is not a valid code for element ${definition.ref}`];
      return lengthProblem(value, value.length, 'characters', definition);
    case 'DT':
      if (value.length < definition.min || value.length > definition.max || !isValidDate(value)) return ['element_invalid_date', `${shown(value)} is not a valid date (${definition.max === 6 ? 'YYMMDD' : 'CCYYMMDD'})`];
      return null;
    case 'TM':
      if (value.length < definition.min || value.length > definition.max || !isValidTime(value)) return ['element_invalid_time', `${shown(value)} is not a valid time (HHMM, HHMMSS or HHMMSSd..)`];
      return null;
    case 'R':
      if (!isDecimal(value, family === '005010')) return ['element_invalid_number', `${shown(value)} is not a decimal number (R)`];
      return lengthProblem(value, numericLength(value), 'digits', definition);
    default:
      if (!isImpliedDecimal(value)) return ['element_invalid_number', `${shown(value)} is not a whole number with implied decimals (${definition.type})`];
      return lengthProblem(value, numericLength(value), 'digits', definition);
  }
}
