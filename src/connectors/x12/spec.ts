/**
 * The language the specifications are written in: element and segment definitions (the data
 * dictionary) and transaction set structures (segments and loops in order, with requirement and
 * maximum use). Specifications are data; `validator.ts` interprets them.
 */

export type ElementType = 'AN' | 'ID' | 'DT' | 'TM' | 'R' | 'N0' | 'N1' | 'N2' | 'N3' | 'N4';

export interface ElementSpec {
  /** Data element reference number (`330`), or `''` when the element is accepted without checks. */
  ref: string;
  /** M mandatory, O optional, X relational (governed by the segment's syntax rules). */
  req: 'M' | 'O' | 'X';
  type: ElementType;
  min: number;
  max: number;
  codes?: ReadonlySet<string>;
  /** Present for a composite element: its components in order. */
  components?: readonly ElementSpec[];
  /** How many repetitions are allowed (005010 repeating elements); 1 when absent. */
  repeat?: number;
}

/**
 * X12 syntax notes: P paired (all or none), R required (at least one), E exclusion (at most one),
 * C conditional (if the first, then all the others), L list conditional (if the first, then at
 * least one of the others).
 */
export interface SyntaxRule {
  kind: 'P' | 'R' | 'E' | 'C' | 'L';
  positions: readonly number[];
}

export interface SegmentSpec {
  id: string;
  name: string;
  elements: readonly ElementSpec[];
  rules: readonly SyntaxRule[];
}

export interface SegmentUse {
  kind: 'segment';
  id: string;
  req: 'M' | 'O';
  max: number;
}

/** A loop: its first child is its trigger segment, and the loop is named by that segment's id. */
export interface LoopUse {
  kind: 'loop';
  id: string;
  req: 'M' | 'O';
  max: number;
  children: readonly StructureNode[];
}

export type StructureNode = SegmentUse | LoopUse;

export interface SetSpec {
  id: string;
  name: string;
  functionalId: string;
  structure: readonly StructureNode[];
}

/** `>1` in the standard: no upper bound. */
export const UNBOUNDED = Number.POSITIVE_INFINITY;

const ELEMENT_NOTATION = /^([MOX]) (AN|ID|DT|TM|R|N[0-4]) (\d+)\/(\d+) (\w+)$/;

/**
 * `e('M ID 2/2 353', codes?)`: requirement, type, min/max length, reference number — the way the
 * standard prints it. `e('O')` / `e('X')` is an element accepted without checks, for positions
 * whose definition matters less than the ones around them.
 */
export function e(notation: string, codes?: ReadonlySet<string>): ElementSpec {
  if (notation === 'O' || notation === 'X' || notation === 'M') return { ref: '', req: notation, type: 'AN', min: 1, max: 9999 };
  const match = ELEMENT_NOTATION.exec(notation);
  if (!match) throw new Error(`bad element notation ${JSON.stringify(notation)}`);
  const spec: ElementSpec = { ref: match[5] as string, req: match[1] as ElementSpec['req'], type: match[2] as ElementType, min: Number(match[3]), max: Number(match[4]) };
  if (codes) spec.codes = codes;
  return spec;
}

/** A composite element: `composite('M C030', [e('M N0 1/2 722'), …])`. */
export function composite(notation: string, components: readonly ElementSpec[]): ElementSpec {
  const [req, ref] = notation.split(' ') as [ElementSpec['req'], string];
  return { ref, req, type: 'AN', min: 1, max: 9999, components };
}

/** `n` loose elements in a row, for long tails of seldom-used positions. */
export const loose = (n: number, req: 'O' | 'X' = 'O'): ElementSpec[] => Array.from({ length: n }, () => e(req));

/** `n` (qualifier, id) pairs such as PO106/PO107 … PO124/PO125. */
export const idPairs = (n: number): ElementSpec[] => Array.from({ length: n }, () => [e('X ID 2/2 235'), e('X AN 1/48 234')]).flat();

/** Syntax notes as printed in the standard: `P0304`, `R020305`, `C0605`. */
export function rules(...notes: string[]): SyntaxRule[] {
  return notes.map((note) => {
    const kind = note[0] as SyntaxRule['kind'];
    const digits = note.slice(1);
    if (!/^[PRECL]$/.test(kind) || digits.length < 4 || digits.length % 2 !== 0) throw new Error(`bad syntax note ${note}`);
    const positions = digits.match(/\d\d/g)?.map(Number) ?? [];
    return { kind, positions };
  });
}

export function segmentSpec(id: string, name: string, elements: readonly ElementSpec[], syntax: readonly SyntaxRule[] = []): SegmentSpec {
  return { id, name, elements, rules: syntax };
}

export const seg = (id: string, req: 'M' | 'O' = 'O', max = 1): SegmentUse => ({ kind: 'segment', id, req, max });

export const loop = (id: string, req: 'M' | 'O', max: number, children: readonly StructureNode[]): LoopUse => {
  if (children[0]?.kind !== 'segment' || children[0].id !== id) throw new Error(`loop ${id} must start with segment ${id}`);
  return { kind: 'loop', id, req, max, children };
};

export const codes = (...values: string[]): ReadonlySet<string> => new Set(values);
