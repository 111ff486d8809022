import { X12EnvelopeReader } from './envelope.ts';
import { isError } from './issues.ts';
import { X12Tokenizer } from './tokenizer.ts';
import { validateSegment, validateTransactionSet } from './validator.ts';
import type { X12Document, X12Group, X12Interchange, X12InterchangeSummary, X12Issue, X12ReadItem, X12ReadOptions, X12TransactionSet } from './x12.types.ts';

/**
 * Reading X12: the tokeniser, the envelope checks and the set validator joined into one pipeline.
 * `X12Parser` is the push-based core; `readX12` streams it over chunks (a file stream, a socket) and
 * `parseX12` reads a whole text at once into a tree.
 */
export class X12Parser {
  readonly #tokenizer: X12Tokenizer;
  readonly #envelope: X12EnvelopeReader;
  readonly #level: 1 | 2 | 3;

  constructor(options: X12ReadOptions = {}) {
    const level = options.level ?? 3;
    this.#tokenizer = new X12Tokenizer(options.maxSegmentBytes === undefined ? {} : { maxSegmentBytes: options.maxSegmentBytes });
    this.#envelope = new X12EnvelopeReader(level === 1 ? null : (set, group) => validateTransactionSet(set, group, level));
    this.#level = level;
  }

  push(chunk: Uint8Array | string): X12ReadItem[] {
    return this.#accept(this.#tokenizer.push(chunk));
  }

  end(): X12ReadItem[] {
    const items = this.#accept(this.#tokenizer.end());
    return [...items, ...this.#finish(this.#envelope.finish())];
  }

  #accept(tokens: ReturnType<X12Tokenizer['push']>): X12ReadItem[] {
    const items: X12ReadItem[] = [];
    for (const token of tokens) items.push(...this.#finish(this.#envelope.accept(token)));
    return items;
  }

  /** TA1 segments sit outside any set, so their elements are checked when their interchange closes. */
  #finish(items: X12ReadItem[]): X12ReadItem[] {
    if (this.#level === 1) return items;
    for (const item of items) if (item.kind === 'interchange') checkTa1(item.interchange);
    return items;
  }
}

function checkTa1(interchange: X12InterchangeSummary): void {
  const family = interchange.header.version >= '00501' ? '005010' : '004010';
  for (const ta1 of interchange.ta1) {
    for (const issue of validateSegment(ta1, family)) {
      issue.interchangeControl = interchange.header.controlNumber;
      interchange.issues.push(issue);
    }
  }
}

/**
 * Streams X12 from chunks (Buffers or strings, as a file stream gives them): yields each transaction
 * set at its SE, each interchange's summary at its IEA, and problems found outside interchanges.
 * Memory holds one transaction set and the issues found so far, never the whole input.
 */
export async function* readX12(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: X12ReadOptions = {}): AsyncGenerator<X12ReadItem> {
  const parser = new X12Parser(options);
  for await (const chunk of source) yield* parser.push(chunk);
  yield* parser.end();
}

/** Reads a whole input into interchanges → groups → sets with segments, and every issue found. */
export function parseX12(input: string | Uint8Array, options: X12ReadOptions = {}): X12Document {
  const parser = new X12Parser(options);
  const items = [...parser.push(input), ...parser.end()];
  return documentOf(items);
}

/** Builds the tree from the items of one read, in order. */
export function documentOf(items: readonly X12ReadItem[]): X12Document {
  const interchanges: X12Interchange[] = [];
  const loose: X12Issue[] = [];
  let sets: X12TransactionSet[] = [];
  for (const item of items) {
    if (item.kind === 'set') sets.push(item.set);
    else if (item.kind === 'issue') loose.push(item.issue);
    else {
      // Sets arrive in order, before the summary of their interchange, one per summary entry.
      const queue = sets;
      const groups: X12Group[] = item.interchange.groups.map((group) => ({ ...group, sets: group.sets.map(() => queue.shift() as X12TransactionSet) }));
      interchanges.push({ ...item.interchange, groups });
      sets = [];
    }
  }
  const issues = [...loose, ...interchanges.flatMap(issuesOf)].sort((a, b) => (a.byteOffset ?? 0) - (b.byteOffset ?? 0));
  return { interchanges, issues, valid: !issues.some(isError) };
}

/** Every issue of an interchange: its envelope, its groups and their sets. */
export function issuesOf(interchange: X12InterchangeSummary | X12Interchange): X12Issue[] {
  return [
    ...interchange.issues,
    ...interchange.groups.flatMap((group: X12Group | X12InterchangeSummary['groups'][number]) => [...group.issues, ...group.sets.flatMap((set) => set.issues)]),
  ];
}
